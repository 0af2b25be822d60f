"""``GET progress/upcoming/``: a student's to-do across the courses they take."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from learnplat.courses.models import Course, Enrollment, Extension, Task
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded, set_result, submit

pytestmark = pytest.mark.django_db

URL = "/api/progress/upcoming/"


def days(n: float) -> Any:
    return timezone.now() + timedelta(days=n)


def upcoming(world: Any, who: Any = "student", **params: Any) -> list[dict[str, Any]]:
    response = world.client(who).get(URL, params)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def titles(world: Any, who: Any = "student", **params: Any) -> list[str]:
    return [entry["task"]["title"] for entry in upcoming(world, who, **params)]


def due_task(world: Any, title: str, due: Any, **fields: Any) -> Task:
    task: Task = TaskFactory(course=world.course, title=title, due_at=due, **fields)
    return task


def test_the_url_is_named() -> None:
    assert reverse("learnplat:progress-upcoming") == URL


def test_anonymous_gets_401(world: Any) -> None:
    response = world.client("anonymous").get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_entry_shape(world: Any) -> None:
    due = days(3)
    task = due_task(world, "Soon", due, max_attempts=3, kind="exact")
    submit(world.student, task)  # queued: waits for its result
    response = world.client("student").get(URL)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry == {
        "task": {"id": task.pk, "title": "Soon", "kind": "exact"},
        "course": {"slug": "intro", "title": "Intro"},
        "due_at": entry["due_at"],
        "effective_due_at": entry["due_at"],
        "status": "pending",
        "attempts_left": 2,
    }
    assert parse_datetime(entry["due_at"]) == due


@pytest.mark.parametrize("who", ["outsider", "instructor", "assistant", "admin", "superuser"])
def test_only_student_enrollments_count(world: Any, who: str) -> None:
    """Staff do not hand in work: a course they teach or assist is not on their to-do, and
    platform admins see only the courses they take themselves."""
    due_task(world, "Soon", days(2))
    assert upcoming(world, who) == []


def test_every_student_sees_their_own(world: Any) -> None:
    due_task(world, "Soon", days(2))
    assert titles(world, "student") == ["Soon"]
    assert titles(world, "other_student") == ["Soon"]


def test_a_student_of_another_course_also_takes(world: Any) -> None:
    """Across courses, soonest first; ties by course title, then course order."""
    due = days(4)
    enroll(world.student, world.other_course)
    TaskFactory(course=world.other_course, title="Other later", due_at=days(6))
    TaskFactory(course=world.other_course, title="Other tie", due_at=due)
    due_task(world, "Intro tie b", due, position=20)
    due_task(world, "Intro tie a", due, position=10)
    due_task(world, "Intro first", days(1))
    assert titles(world) == [
        "Intro first",
        "Intro tie a",
        "Intro tie b",
        "Other tie",
        "Other later",
    ]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "366", "1.5", "", str(10**30)])
def test_bad_days_is_400(world: Any, value: str) -> None:
    response = world.client("student").get(URL, {"days": value})
    assert response.status_code == 400
    assert list(response.json()) == ["days"]


def test_bad_overdue_is_400(world: Any) -> None:
    response = world.client("student").get(URL, {"overdue": "maybe"})
    assert response.status_code == 400
    assert list(response.json()) == ["overdue"]


def test_days_sets_the_window(world: Any) -> None:
    due_task(world, "In 10 days", days(10))
    due_task(world, "In 20 days", days(20))
    due_task(world, "In 400 days", days(400))
    due_task(world, "No due date", None)
    assert titles(world) == ["In 10 days"]  # default 14
    assert titles(world, days=5) == []
    assert titles(world, days=30) == ["In 10 days", "In 20 days"]
    assert titles(world, days=365) == ["In 10 days", "In 20 days"]


def test_overdue_tasks_that_are_still_open(world: Any) -> None:
    due_task(world, "Overdue, no close", days(-30))
    due_task(world, "Overdue, closes later", days(-1), closes_at=days(2))
    due_task(world, "Closed", days(-3), closes_at=days(-1))
    due_task(world, "Soon", days(1))
    entries = upcoming(world)
    assert [(e["task"]["title"], e["status"]) for e in entries] == [
        ("Overdue, no close", "overdue"),
        ("Overdue, closes later", "overdue"),
        ("Soon", "not_started"),
    ]
    assert titles(world, overdue="false") == ["Soon"]


def test_completed_tasks_are_left_out(world: Any) -> None:
    # The progress world: student completed ``task`` (10/10) and has 4/10 on the second.
    first, second = world.tasks
    Task.objects.filter(pk__in=[first.pk, second.pk]).update(due_at=days(2))
    entries = upcoming(world)
    assert [(e["task"]["id"], e["status"]) for e in entries] == [(second.pk, "attempted")]
    assert titles(world, "other_student") == [first.title, second.title]


def test_awaiting_a_grade_beats_overdue(world: Any) -> None:
    task = due_task(world, "Essay", days(-1), kind="manual", config={})
    set_result(submit(world.student, task), status="needs_review", score=None)
    assert [e["status"] for e in upcoming(world)] == ["needs_review"]


def test_attempts_left(world: Any) -> None:
    limited = due_task(world, "Limited", days(1), max_attempts=2)
    due_task(world, "Unlimited", days(2))
    graded(world.student, limited, 1)
    graded(world.student, limited, 2)
    by_title = {e["task"]["title"]: e["attempts_left"] for e in upcoming(world)}
    assert by_title == {"Limited": 0, "Unlimited": None}


def test_unpublished_tasks_drafts_and_archives_are_left_out(world: Any) -> None:
    due_task(world, "Unpublished", days(1), is_published=False)
    TaskFactory(course=world.draft, title="Draft task", due_at=days(1))
    archived = CourseFactory(status="archived")
    enroll(world.student, archived)
    TaskFactory(course=archived, title="Archived task", due_at=days(1))
    assert titles(world) == []


def test_dropped_enrollments_are_left_out(world: Any) -> None:
    due_task(world, "Soon", days(1))
    Enrollment.objects.filter(user=world.student, course=world.course).update(status="dropped")
    assert titles(world) == []


def test_course_must_still_be_published(world: Any) -> None:
    due_task(world, "Soon", days(1))
    Course.objects.filter(pk=world.course.pk).update(status="archived")
    assert titles(world) == []


def extend(world: Any, due: Any, task: Task | None = None, user: Any = None) -> Extension:
    extension: Extension = Extension.objects.create(
        user=user or world.student, course=world.course, task=task, due_at=due
    )
    return extension


def test_an_extension_moves_a_task_into_the_window(world: Any) -> None:
    task = due_task(world, "Later", days(30))
    new_due = days(3)
    extend(world, new_due, task)
    [entry] = upcoming(world)
    assert parse_datetime(entry["due_at"]) == task.due_at
    assert parse_datetime(entry["effective_due_at"]) == new_due
    assert titles(world, "other_student") == []


def test_an_extension_moves_a_task_out_of_the_window(world: Any) -> None:
    task = due_task(world, "Soon", days(3))
    extend(world, days(30), task)
    assert titles(world) == []
    assert titles(world, "other_student") == ["Soon"]
    assert titles(world, days=31) == ["Soon"]


def test_an_extension_reorders(world: Any) -> None:
    first = due_task(world, "First", days(1))
    due_task(world, "Second", days(2))
    extend(world, days(3), first)
    assert titles(world) == ["Second", "First"]


def test_a_course_wide_extension_applies_to_every_task(world: Any) -> None:
    due_task(world, "Soon", days(1))
    due_task(world, "No due date", None)
    own = due_task(world, "Own extension", days(1))
    extend(world, days(5), own)
    course_wide = days(4)
    extend(world, course_wide)
    entries = {e["task"]["title"]: e for e in upcoming(world)}
    # The progress world's second task (4/10, no due date) gets the course-wide date too.
    assert set(entries) == {"Soon", world.tasks[1].title, "No due date", "Own extension"}
    assert list(entries)[-1] == "Own extension"
    for title in ("Soon", world.tasks[1].title, "No due date"):
        assert parse_datetime(entries[title]["effective_due_at"]) == course_wide
    assert entries["No due date"]["due_at"] is None
    assert parse_datetime(entries["Own extension"]["effective_due_at"]) > course_wide


def test_an_extension_reopens_a_closed_task(world: Any) -> None:
    task = due_task(world, "Closed for others", days(-3), closes_at=days(-1))
    extend(world, days(1), task)
    assert [e["status"] for e in upcoming(world)] == ["not_started"]
    assert titles(world, "other_student") == []


def test_an_extension_before_the_close_leaves_the_task_overdue_open(world: Any) -> None:
    task = due_task(world, "Extended a little", days(-3), closes_at=days(2))
    extend(world, days(-1), task)
    [entry] = upcoming(world)
    assert entry["status"] == "overdue"
    assert parse_datetime(entry["effective_due_at"]) < timezone.now()


def test_a_new_user_sees_nothing(world: Any) -> None:
    due_task(world, "Soon", days(1))
    assert upcoming(world, make_user(username="newcomer")) == []
