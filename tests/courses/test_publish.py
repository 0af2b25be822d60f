"""POST courses/{slug}/publish/ and archive/: who may, and which transitions exist."""

from __future__ import annotations

import pytest

from learnplat.courses.models import Course, Task
from tests.courses.conftest import World, matrix, url
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def draft_with_a_task(world: World) -> None:
    """The world's draft has no task; a course needs a published one to be published."""
    TaskFactory(course=world.draft, is_published=True)


@matrix(
    anonymous=404,
    outsider=404,
    student=404,
    assistant=403,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_publish_draft_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-publish", "secret"))
    assert response.status_code == code
    world.draft.refresh_from_db()
    assert (world.draft.status == "published") is (code == 200)
    if code == 200:
        assert response.json()["status"] == "published"
        assert response.json()["published_at"] is not None


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=403,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_archive_published_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-archive", "intro"))
    assert response.status_code == code
    world.course.refresh_from_db()
    assert (world.course.status == "archived") is (code == 200)


@pytest.mark.parametrize(
    ("status", "action", "code", "result"),
    [
        ("draft", "publish", 200, "published"),
        ("draft", "archive", 409, "draft"),
        ("published", "publish", 409, "published"),
        ("published", "archive", 200, "archived"),
        ("archived", "publish", 200, "published"),
        ("archived", "archive", 409, "archived"),
    ],
)
def test_transitions(world: World, status: str, action: str, code: int, result: str) -> None:
    Course.objects.filter(pk=world.course.pk).update(status=status)
    response = world.client("instructor").post(url(f"course-{action}", "intro"))
    assert response.status_code == code
    if code == 409:
        assert response.json()["code"] == "invalid_transition"
        assert status in response.json()["detail"]
    world.course.refresh_from_db()
    assert world.course.status == result


def test_republishing_keeps_the_first_publication_time(world: World) -> None:
    client = world.client("instructor")
    first = client.post(url("course-publish", "secret")).json()["published_at"]
    client.post(url("course-archive", "secret"))
    again = client.post(url("course-publish", "secret")).json()["published_at"]
    assert first == again


def test_publish_answers_with_the_staff_detail(world: World) -> None:
    body = world.client("instructor").post(url("course-publish", "secret")).json()
    assert body["slug"] == "secret"
    assert body["my_role"] == "instructor"
    assert "tasks" in body


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_course_without_a_published_task_is_not_published(world: World, status: str) -> None:
    Course.objects.filter(pk=world.draft.pk).update(status=status)
    Task.objects.filter(course=world.draft).update(is_published=False)
    response = world.client("instructor").post(url("course-publish", "secret"))
    assert response.status_code == 409
    assert response.json()["code"] == "course_empty"
    world.draft.refresh_from_db()
    assert world.draft.status == status


def test_a_course_with_no_task_at_all_is_not_published(world: World) -> None:
    Task.objects.filter(course=world.draft).delete()
    response = world.client("admin").post(url("course-publish", "secret"))
    assert (response.status_code, response.json()["code"]) == (409, "course_empty")


def test_republishing_a_published_course_says_invalid_transition_first(world: World) -> None:
    Task.objects.filter(course=world.course).update(is_published=False)
    response = world.client("instructor").post(url("course-publish", "intro"))
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
