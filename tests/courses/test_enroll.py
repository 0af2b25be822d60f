"""POST/DELETE courses/{slug}/enroll/: self-enrollment, its 409 codes, capacity races."""

from __future__ import annotations

import pytest

from learnplat.courses.models import Course, Enrollment
from learnplat.exceptions import LearnplatError
from learnplat.flows import enrollment as enrollment_flow
from learnplat.roles import Role
from tests.conftest import client_for
from tests.courses.conftest import World, matrix, url
from tests.factories import CourseFactory, enroll, make_user
from tests.race import race


@pytest.mark.django_db
@matrix(
    anonymous=401,
    outsider=201,
    student=409,
    assistant=409,
    other_instructor=201,
    instructor=409,
    admin=201,
)
def test_enroll_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-enroll", "intro"))
    assert response.status_code == code
    if code == 201:
        body = response.json()
        assert body["role"] == "student"
        assert body["status"] == "active"
        assert body["course"] == "intro"
        assert body["user"]["id"] == world.users[role].pk
        assert Enrollment.objects.get(user=world.users[role], course=world.course).role == "student"
    elif code == 409:
        assert response.json()["code"] == "already_enrolled"


@pytest.mark.django_db
@matrix(
    anonymous=401,  # enroll needs a login before anything is looked up
    outsider=404,
    student=404,
    assistant=409,
    other_instructor=404,
    instructor=409,
    admin=409,
)
def test_enroll_in_draft_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-enroll", "secret"))
    assert response.status_code == code
    if role == "admin":
        assert response.json()["code"] == "enrollment_closed"


@pytest.mark.django_db
@matrix(
    anonymous=401,
    outsider=409,
    student=204,
    assistant=204,
    other_instructor=409,
    instructor=409,
    admin=409,
)
def test_drop_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).delete(url("course-enroll", "intro"))
    assert response.status_code == code
    if code == 204:
        row = Enrollment.objects.get(user=world.users[role], course=world.course)
        assert row.status == "dropped"
    elif code == 409:
        expected = "last_instructor" if role == "instructor" else "not_enrolled"
        assert response.json()["code"] == expected


@pytest.mark.django_db
def test_enrollment_closed_and_full(world: World) -> None:
    client = world.client("outsider")
    Course.objects.filter(pk=world.course.pk).update(enrollment_open=False)
    response = client.post(url("course-enroll", "intro"))
    assert (response.status_code, response.json()["code"]) == (409, "enrollment_closed")
    Course.objects.filter(pk=world.course.pk).update(enrollment_open=True, capacity=1)
    response = client.post(url("course-enroll", "intro"))
    assert (response.status_code, response.json()["code"]) == (409, "course_full")
    # staff do not take student places (the two students and the outsider fill it)
    Course.objects.filter(pk=world.course.pk).update(capacity=3)
    assert client.post(url("course-enroll", "intro")).status_code == 201


@pytest.mark.django_db
def test_drop_then_reenroll_reactivates_the_same_row(world: World) -> None:
    client = world.client("student")
    row = Enrollment.objects.get(user=world.users["student"], course=world.course)
    assert client.delete(url("course-enroll", "intro")).status_code == 204
    assert client.get(url("course-tasks", "intro")).status_code == 403
    assert client.delete(url("course-enroll", "intro")).json()["code"] == "not_enrolled"
    response = client.post(url("course-enroll", "intro"))
    assert response.status_code == 201
    assert response.json()["id"] == row.pk
    assert Enrollment.objects.filter(user=world.users["student"], course=world.course).count() == 1


@pytest.mark.django_db
def test_a_dropped_assistant_comes_back_as_a_student(world: World) -> None:
    client = world.client("assistant")
    assert client.delete(url("course-enroll", "intro")).status_code == 204
    assert client.post(url("course-enroll", "intro")).json()["role"] == "student"
    assert client.patch(url("task-detail", world.task.pk), {"title": "x"}).status_code == 403


@pytest.mark.django_db
def test_dropped_slot_frees_capacity(world: World) -> None:
    Course.objects.filter(pk=world.course.pk).update(capacity=2)
    outsider = world.client("outsider")
    assert outsider.post(url("course-enroll", "intro")).json()["code"] == "course_full"
    world.client("student").delete(url("course-enroll", "intro"))
    assert outsider.post(url("course-enroll", "intro")).status_code == 201


@pytest.mark.django_db
def test_instructor_can_leave_when_another_instructor_remains(world: World) -> None:
    enroll(world.users["other_instructor"], world.course, "instructor")
    assert world.client("instructor").delete(url("course-enroll", "intro")).status_code == 204


@pytest.mark.django_db
def test_enroll_response_after_enrolling_shows_in_catalog(world: World) -> None:
    client = world.client("outsider")
    client.post(url("course-enroll", "intro"))
    body = client.get(url("course-detail", "intro")).json()
    assert body["is_enrolled"] is True
    assert [t["title"] for t in body["tasks"]] == ["Visible"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_enrollments_never_exceed_capacity() -> None:
    course = CourseFactory(slug="popular", capacity=5, status="published")
    users = [make_user(Role.STUDENT, username=f"racer{i}") for i in range(20)]
    results = race(*[lambda u=u: enrollment_flow.enroll(user=u, course=course) for u in users])
    enrolled = [r.value for r in results if isinstance(r.value, Enrollment)]
    refused = [r.error for r in results if isinstance(r.error, LearnplatError)]
    assert len(enrolled) == 5
    assert {r.code for r in refused} == {"course_full"}
    assert len(refused) == 15
    assert Enrollment.objects.students().active().filter(course=course).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_enrollments_of_one_user_make_one_row() -> None:
    course = CourseFactory(slug="popular", status="published")
    user = make_user(Role.STUDENT, username="eager")
    results = race(*[lambda: client_for(user).post(url("course-enroll", "popular"))] * 8).values()
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 7
    assert Enrollment.objects.filter(course=course, user=user).count() == 1
