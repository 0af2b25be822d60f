"""A student's section date is the date every deadline judgment of theirs uses: the to-do
(``progress/upcoming/``), ``deadline_soon`` reminders, the grading preview's late
deductions and the ``after_due`` release of their scores. An extension still wins.
Their queries do not grow with the number of students and sections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from learnplat.courses.models import Enrollment, Extension, Section
from learnplat.flows import notify as notify_flow
from learnplat.flows import sections as sections_flow
from learnplat.notifications.models import Notification
from learnplat.notifications.querysets import reminders_due
from learnplat.progress.preview import Proposal, preview
from learnplat.submissions.models import Submission
from tests.courses.conftest import World
from tests.factories import TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db


def hours(n: float) -> Any:
    return timezone.now() + timedelta(hours=n)


def section_moving(world: World, task: Any, due_at: Any, name: str = "Tuesday") -> Section:
    return sections_flow.create_section(
        course=world.course, name=name, dates=[{"task": task.pk, "due_at": due_at}]
    )


def put_in(world: World, user: Any, section: Section | None) -> None:
    enrollment = Enrollment.objects.get(course=world.course, user=user)
    sections_flow.assign_section(enrollment=enrollment, section=section)


# -- deadline_soon reminders ------------------------------------------------------------------


def reminded(task: Any) -> dict[str, str]:
    return {
        n.user.username: n.data["due_at"]
        for n in Notification.objects.filter(kind="deadline_soon", data__task__id=task.pk)
    }


def test_a_section_moves_the_reminder_in_and_out_of_the_window(world: World) -> None:
    # Due in 3 days for the course; in 10 hours for the Tuesday section.
    sooner = TaskFactory(course=world.course, due_at=hours(72), closes_at=hours(100))
    # Due in 10 hours for the course; in 3 days for the Tuesday section.
    later = TaskFactory(course=world.course, due_at=hours(10), closes_at=hours(100))
    tuesday = sections_flow.create_section(
        course=world.course,
        name="Tuesday",
        dates=[
            {"task": sooner.pk, "due_at": hours(10)},
            {"task": later.pk, "due_at": hours(72)},
        ],
    )
    put_in(world, world.student, tuesday)
    notify_flow.send_deadline_reminders()
    assert set(reminded(sooner)) == {"student"}
    assert set(reminded(later)) == {"other_student"}
    due = parse_datetime(reminded(sooner)["student"])
    assert due is not None
    assert abs(due - hours(10)) < timedelta(minutes=1)


def test_an_extension_beats_the_section_date_in_reminders(world: World) -> None:
    task = TaskFactory(course=world.course, due_at=hours(72), closes_at=hours(100))
    put_in(world, world.student, section_moving(world, task, hours(10)))
    put_in(world, world.other_student, Section.objects.get(name="Tuesday"))
    Extension.objects.create(user=world.student, course=world.course, task=task, due_at=hours(80))
    notify_flow.send_deadline_reminders()
    assert set(reminded(task)) == {"other_student"}


def test_the_reminder_queries_do_not_grow_with_students_and_sections(world: World) -> None:
    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            due = list(reminders_due(now=timezone.now(), until=hours(24)))
        return len(captured), len(due)

    task = TaskFactory(course=world.course, due_at=hours(72), closes_at=hours(100))
    put_in(world, world.student, section_moving(world, task, hours(10), "A"))
    first, found = counted()
    assert found == 1
    for n in range(6):
        section = section_moving(world, task, hours(5 + n), f"More {n}")
        for k in range(2):
            student = make_user(username=f"s{n}-{k}")
            enroll(student, world.course)
            put_in(world, student, section)
        other = TaskFactory(course=world.course, due_at=hours(12 + n))
        Extension.objects.create(
            user=world.other_student, course=world.course, task=other, due_at=hours(30)
        )
    second, found = counted()
    assert found > 12
    assert second == first


# -- progress/upcoming/ -----------------------------------------------------------------------


def test_the_to_do_shows_the_section_due_date_and_an_extension_beats_it(world: World) -> None:
    task = TaskFactory(course=world.course, title="Lab", due_at=hours(24 * 20), closes_at=None)
    put_in(world, world.student, section_moving(world, task, hours(24 * 2)))

    def entry(who: str) -> dict[str, Any] | None:
        body = world.client(who).get("/api/progress/upcoming/").json()
        return next((e for e in body["results"] if e["task"]["id"] == task.pk), None)

    mine = entry("student")
    assert mine is not None
    effective = parse_datetime(mine["effective_due_at"])
    assert effective is not None
    assert abs(effective - hours(48)) < timedelta(minutes=1)
    assert entry("other_student") is None  # due in 20 days: outside the 14-day window
    Extension.objects.create(
        user=world.student, course=world.course, task=task, due_at=hours(24 * 3)
    )
    mine = entry("student")
    assert mine is not None
    effective = parse_datetime(mine["effective_due_at"])
    assert effective is not None
    assert abs(effective - hours(72)) < timedelta(minutes=1)


# -- the grading preview ----------------------------------------------------------------------


def graded_at(world: World, task: Any, user: Any, submitted_at: Any) -> Submission:
    return Submission.objects.create(
        task=task,
        course=world.course,
        user=user,
        attempt=1,
        answer="x",
        status="graded",
        max_score=task.max_score,
        raw_score=task.max_score,
        score=task.max_score,
        submitted_at=submitted_at,
        evaluated_at=submitted_at,
    )


def test_a_late_policy_preview_judges_each_student_by_their_section_date(world: World) -> None:
    now = timezone.now()
    task = TaskFactory(
        course=world.course, max_score=10, due_at=now - timedelta(days=3), closes_at=None
    )
    # The Tuesday section's due date is a day later than the submissions: on time there.
    put_in(world, world.student, section_moving(world, task, now))
    for user in (world.student, world.other_student):
        graded_at(world, task, user, now - timedelta(days=1))
    proposal = Proposal(tasks={task.pk: {"late_policy": {"deduction_percent": 50, "per": "day"}}})
    results = {r.user.username: r for r in preview(world.course, proposal)}
    # other_student: two days late at 50 % a day keeps nothing; student was on time.
    assert results["other_student"].new.score == 0
    assert results["student"].new.score == 10


def test_the_preview_queries_do_not_grow_with_section_students(world: World) -> None:
    now = timezone.now()
    task = TaskFactory(course=world.course, due_at=now - timedelta(days=3), closes_at=None)
    proposal = Proposal(tasks={task.pk: {"late_policy": {"deduction_percent": 10}}})
    put_in(world, world.student, section_moving(world, task, now, "A"))
    graded_at(world, task, world.student, now - timedelta(days=1))

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            preview(world.course, proposal)
        return len(captured)

    first = counted()
    for n in range(5):
        section = section_moving(world, task, now - timedelta(hours=n), f"S{n}")
        student = make_user(username=f"p{n}")
        enroll(student, world.course)
        put_in(world, student, section)
        graded_at(world, task, student, now - timedelta(days=2))
    assert counted() == first
