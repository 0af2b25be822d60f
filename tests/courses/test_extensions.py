"""GET/POST courses/{slug}/extensions/: per-student due dates granted by staff."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Extension
from learnplat.roles import Role
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

DUE = "2031-05-01T12:00:00Z"


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=201,
    other_instructor=403,
    instructor=201,
    admin=201,
)
def test_grant_matrix(world: World, role: str, code: int) -> None:
    student = world.users["student"]
    response = world.client(role).post(
        url("course-extensions", "intro"),
        {"user": student.pk, "task": world.task.pk, "due_at": DUE, "reason": "ill"},
    )
    assert response.status_code == code
    assert Extension.objects.filter(user=student).exists() is (code == 201)
    if code == 201:
        body = response.json()
        assert body["user"]["id"] == student.pk
        assert body["task"] == world.task.pk
        assert body["course"] == "intro"
        assert body["due_at"] == "2031-05-01T12:00:00Z"
        assert body["granted_by"]["id"] == world.users[role].pk


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=200,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_list_matrix(world: World, role: str, code: int) -> None:
    Extension.objects.create(
        user=world.users["student"], course=world.course, due_at=DUE, reason="trip"
    )
    response = world.client(role).get(url("course-extensions", "intro"))
    assert response.status_code == code
    if code == 200:
        assert [e["reason"] for e in response.json()["results"]] == ["trip"]


@pytest.mark.parametrize("role", ["outsider", "student", "other_instructor"])
def test_extensions_of_a_draft_are_404_for_outsiders(world: World, role: str) -> None:
    response = world.client(role).post(
        url("course-extensions", "secret"), {"user": world.users["student"].pk, "due_at": DUE}
    )
    assert response.status_code == 404


def test_granting_again_replaces(world: World) -> None:
    client = world.client("instructor")
    payload = {"user": world.users["student"].pk, "due_at": DUE}
    first = client.post(url("course-extensions", "intro"), payload).json()
    second = client.post(
        url("course-extensions", "intro"), {**payload, "due_at": "2031-06-01T00:00:00Z"}
    ).json()
    assert first["id"] == second["id"]
    assert first["task"] is None
    assert Extension.objects.get().due_at.month == 6
    # a task extension is a separate row from the whole-course one
    client.post(url("course-extensions", "intro"), {**payload, "task": world.task.pk})
    assert Extension.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "field"),
    [("outsider", "user"), ("assistant", "user"), ("instructor", "user")],
)
def test_only_enrolled_students_get_extensions(world: World, who: str, field: str) -> None:
    response = world.client("instructor").post(
        url("course-extensions", "intro"), {"user": world.users[who].pk, "due_at": DUE}
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Extension.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"due_at": DUE}, "user"),
        ({"user": "STUDENT"}, "due_at"),
        ({"user": "STUDENT", "due_at": "tomorrow"}, "due_at"),
        ({"user": "STUDENT", "due_at": DUE, "task": "FOREIGN"}, "task"),
        ({"user": "STUDENT", "due_at": DUE, "task": 999999}, "task"),
        ({"user": "STUDENT", "due_at": DUE, "course": "other"}, "course"),
    ],
)
def test_bad_input_is_400(world: World, payload: dict[str, Any], field: str) -> None:
    foreign = TaskFactory(course=world.other_course)
    data = {
        k: world.users["student"].pk if v == "STUDENT" else foreign.pk if v == "FOREIGN" else v
        for k, v in payload.items()
    }
    response = world.client("instructor").post(url("course-extensions", "intro"), data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Extension.objects.exists()


def test_filters(world: World) -> None:
    other = make_user(Role.STUDENT)
    enroll(other, world.course)
    for user in (world.users["student"], other):
        Extension.objects.create(user=user, course=world.course, task=world.task, due_at=DUE)
    client = world.client("instructor")
    mine = client.get(url("course-extensions", "intro"), {"user": other.pk}).json()["results"]
    assert [e["user"]["id"] for e in mine] == [other.pk]
    by_task = client.get(url("course-extensions", "intro"), {"task": world.task.pk}).json()
    assert by_task["count"] == 2


def test_list_query_count_is_constant(world: World, django_assert_num_queries: Any) -> None:
    client = world.client("instructor")
    granter = world.users["instructor"]
    Extension.objects.create(
        user=world.users["student"], course=world.course, due_at=DUE, granted_by=granter
    )

    def more() -> None:
        for _ in range(15):
            user = make_user(Role.STUDENT)
            enroll(user, world.course)
            task = TaskFactory(course=world.course)
            Extension.objects.create(
                user=user, course=world.course, task=task, due_at=DUE, granted_by=granter
            )

    def listing() -> None:
        assert client.get(url("course-extensions", "intro"), {"page_size": 50}).status_code == 200

    assert_same_query_count(django_assert_num_queries, listing, listing, between=more)


# -- DELETE extensions/{id}/ ----------------------------------------------------------------


def extension_url(extension: Extension) -> str:
    return url("extension-detail", extension.pk)


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=204,
    other_instructor=404,
    instructor=204,
    admin=204,
)
def test_revoke_matrix(world: World, role: str, code: int) -> None:
    extension = Extension.objects.create(
        user=world.users["student"], course=world.course, task=world.task, due_at=DUE
    )
    response = world.client(role).delete(extension_url(extension))
    assert response.status_code == code
    assert Extension.objects.filter(pk=extension.pk).exists() is (code != 204)


def test_another_students_extension_is_404_to_a_student(world: World) -> None:
    extension = Extension.objects.create(
        user=world.users["other_student"], course=world.course, due_at=DUE
    )
    assert world.client("student").delete(extension_url(extension)).status_code == 404
    assert Extension.objects.filter(pk=extension.pk).exists()


def test_another_courses_extension_is_404_to_staff(world: World) -> None:
    theirs = make_user(Role.STUDENT)
    enroll(theirs, world.other_course)
    extension = Extension.objects.create(user=theirs, course=world.other_course, due_at=DUE)
    for role in ("instructor", "assistant"):
        response = world.client(role).delete(extension_url(extension))
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Extension.objects.filter(pk=extension.pk).exists()


def test_revoking_twice_is_404(world: World) -> None:
    extension = Extension.objects.create(
        user=world.users["student"], course=world.course, due_at=DUE
    )
    client = world.client("instructor")
    assert client.delete(extension_url(extension)).status_code == 204
    second = client.delete(extension_url(extension))
    assert (second.status_code, second.json()["code"]) == (404, "not_found")
    assert client.delete(url("extension-detail", 999999)).status_code == 404


def test_revoking_leaves_the_other_extensions(world: World) -> None:
    student = world.users["student"]
    whole = Extension.objects.create(user=student, course=world.course, due_at=DUE)
    one = Extension.objects.create(user=student, course=world.course, task=world.task, due_at=DUE)
    client = world.client("assistant")
    assert client.delete(extension_url(one)).status_code == 204
    listed = client.get(url("course-extensions", "intro")).json()["results"]
    assert [e["id"] for e in listed] == [whole.pk]
