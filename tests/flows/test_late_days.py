"""The late-day bank: late submissions spend days instead of a deduction (decision 0026)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.models import Accommodation, Extension
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.deadlines import recompute_lateness
from learnplat.flows.submit import submit
from learnplat.submissions.allowances import late_day_balance
from learnplat.submissions.models import GradeChange, LateDaySpend, Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db


def setup(
    *, bank: int = 3, cap: int | None = None, late: timedelta, allowed: bool = True
) -> tuple[Any, Any, Any]:
    course = CourseFactory(late_days=bank, max_late_days_per_task=cap)
    task = TaskFactory(
        course=course,
        due_at=timezone.now() - late,
        late_days_allowed=allowed,
        late_policy={"deduction_percent": 40, "per": "day"},
    )
    student = make_user()
    enroll(student, course)
    return course, task, student


def graded(student: Any, task: Any) -> Submission:
    submission = submit(user=student, task=task, answer="4").submission
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def test_a_covered_late_submission_spends_days_and_keeps_its_score() -> None:
    course, task, student = setup(late=timedelta(days=1, hours=2))
    submission = graded(student, task)
    assert (submission.is_late, submission.late_days_used, submission.score) == (True, 2, 10.0)
    assert LateDaySpend.objects.get(user=student, task=task).days == 2
    assert late_day_balance(course=course, user=student).left == 1
    entry = GradeChange.objects.get(submission=submission)
    assert (entry.kind, entry.reason) == ("auto", "2 late days spent.")


def test_a_second_late_attempt_pays_only_the_extra_days() -> None:
    course, task, student = setup(late=timedelta(hours=3))
    assert graded(student, task).late_days_used == 1
    assert graded(student, task).late_days_used == 1
    assert LateDaySpend.objects.get(user=student, task=task).days == 1
    task.due_at = timezone.now() - timedelta(days=1, hours=1)
    task.save()
    assert graded(student, task).late_days_used == 2
    assert late_day_balance(course=course, user=student).used == 2


def test_the_bank_that_cannot_cover_spends_nothing_and_the_policy_applies() -> None:
    _course, task, student = setup(bank=1, late=timedelta(days=1, hours=1))
    submission = graded(student, task)
    assert (submission.late_days_used, submission.score) == (0, 2.0)
    assert not LateDaySpend.objects.exists()


def test_the_per_task_cap_refuses_more_days() -> None:
    _course, task, student = setup(bank=5, cap=1, late=timedelta(days=1, hours=1))
    assert graded(student, task).late_days_used == 0
    assert not LateDaySpend.objects.exists()


def test_a_task_without_late_days_spends_nothing() -> None:
    _course, task, student = setup(late=timedelta(hours=1), allowed=False)
    submission = graded(student, task)
    assert (submission.late_days_used, submission.score) == (0, 6.0)


def test_an_on_time_submission_spends_nothing() -> None:
    _course, task, student = setup(late=-timedelta(hours=1))
    assert graded(student, task).late_days_used == 0


def test_the_accommodation_adds_days_to_the_bank() -> None:
    course, task, student = setup(bank=1, late=timedelta(days=1, hours=1))
    Accommodation.objects.create(course=course, user=student, extra_late_days=1)
    submission = graded(student, task)
    assert (submission.late_days_used, submission.score) == (2, 10.0)


def test_an_extension_gives_days_back_and_writes_history() -> None:
    course, task, student = setup(late=timedelta(days=1, hours=1))
    submission = graded(student, task)
    assert submission.late_days_used == 2
    Extension.objects.create(
        user=student, course=course, task=task, due_at=timezone.now() - timedelta(hours=1)
    )
    recompute_lateness(user=student, course=course)
    submission.refresh_from_db()
    assert (submission.late_days_used, submission.score, submission.is_late) == (1, 10.0, True)
    assert LateDaySpend.objects.get(user=student, task=task).days == 1
    Extension.objects.filter(user=student).update(due_at=timezone.now() + timedelta(days=1))
    recompute_lateness(user=student, course=course)
    submission.refresh_from_db()
    assert (submission.late_days_used, submission.is_late) == (0, False)
    assert not LateDaySpend.objects.exists()
    assert late_day_balance(course=course, user=student).left == 3


def test_days_given_back_never_go_below_another_submission_s_need() -> None:
    course, task, student = setup(late=timedelta(days=1, hours=1))
    first = graded(student, task)
    task.due_at = timezone.now() - timedelta(days=2, hours=1)
    task.save()
    # The second attempt is 3 days late now (and the first too): it raises the spend to 3.
    second = graded(student, task)
    assert second.late_days_used == 3
    first.refresh_from_db()
    assert first.late_days_used == 2
    Extension.objects.create(
        user=student, course=course, task=task, due_at=first.submitted_at - timedelta(hours=1)
    )
    recompute_lateness(user=student, course=course)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.late_days_used, second.late_days_used) == (1, 1)
    assert LateDaySpend.objects.get(user=student, task=task).days == 1


def test_giving_days_back_that_changes_the_score_is_a_late_days_history_entry() -> None:
    course, task, student = setup(bank=2, late=timedelta(days=1, hours=1))
    submission = graded(student, task)
    assert submission.late_days_used == 2
    # A course-wide extension making it 1 day late: still covered, score unchanged (no entry).
    Extension.objects.create(
        user=student, course=course, due_at=submission.submitted_at - timedelta(hours=1)
    )
    recompute_lateness(user=student, course=course)
    assert not GradeChange.objects.filter(kind="late_days").exists()
    submission.refresh_from_db()
    assert submission.late_days_used == 1


def test_changing_the_bank_does_not_take_days_back() -> None:
    course, task, student = setup(bank=2, late=timedelta(days=1, hours=1))
    assert graded(student, task).late_days_used == 2
    course.late_days = 0
    course.save()
    assert LateDaySpend.objects.get(user=student).days == 2
    assert late_day_balance(course=course, user=student).left == 0


def test_other_students_banks_are_their_own() -> None:
    course, task, student = setup(bank=2, late=timedelta(days=1, hours=1))
    other = make_user()
    enroll(other, course)
    assert graded(student, task).late_days_used == 2
    assert graded(other, task).late_days_used == 2


def test_the_submission_shows_the_days_used() -> None:
    from tests.world import client_for

    _course, task, student = setup(late=timedelta(hours=2))
    submission = graded(student, task)
    body = client_for(student).get(f"/api/submissions/{submission.pk}/").json()
    assert (body["is_late"], body["late_days_used"], body["score"]) == (True, 1, 10.0)
