"""Concurrent results for the same student lose no update (PostgreSQL row locks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from learnplat.flows.progress import recompute_progress, record_result, record_submission
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.flows.test_progress_recompute import snapshot
from tests.progress.factories import SubmissionFactory, submit
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs: list[Callable[[], None]]) -> None:
    """Run the jobs at once; any exception in one fails the test."""
    race(*jobs).values()


def grade_job(submission_id: int, score: float) -> Callable[[], None]:
    def job() -> None:
        with transaction.atomic():
            sub = Submission.objects.select_for_update().get(pk=submission_id)
            sub.status, sub.score, sub.raw_score = "graded", score, score
            sub.evaluated_at = sub.submitted_at
            sub.save()
            record_result(submission=sub)

    return job


def test_results_on_many_tasks_of_one_student_all_count() -> None:
    course = CourseFactory()
    tasks = [TaskFactory(course=course, max_score=10) for _ in range(8)]
    user = make_user(username="racer")
    enroll(user, course)
    subs = [submit(user, task) for task in tasks]

    run_together([grade_job(sub.pk, 10) for sub in subs])

    row = CourseProgress.objects.get(user=user, course=course)
    assert (row.tasks_completed, row.percent) == (8, 100.0)
    assert row.completed_at is not None
    before = snapshot()
    assert recompute_progress().updated == 0
    assert snapshot() == before


def test_results_on_attempts_of_one_task_keep_the_best() -> None:
    course = CourseFactory()
    task = TaskFactory(course=course, max_score=10)
    user = make_user(username="racer")
    enroll(user, course)
    subs = [submit(user, task) for _ in range(6)]

    run_together([grade_job(sub.pk, float(i)) for i, sub in enumerate(subs)])

    row = TaskProgress.objects.get(user=user, task=task)
    assert (row.best_score, row.best_attempt, row.latest_attempt, row.attempts) == (5, 6, 6, 6)
    assert recompute_progress().updated == 0


def test_first_submissions_racing_create_one_row_each() -> None:
    course = CourseFactory()
    task = TaskFactory(course=course)
    user = make_user(username="racer")
    enroll(user, course)

    def submit_job(attempt: int) -> Callable[[], None]:
        def job() -> None:
            with transaction.atomic():
                sub: Any = SubmissionFactory(user=user, task=task, attempt=attempt)
                record_submission(submission=sub)

        return job

    run_together([submit_job(n) for n in range(1, 6)])

    assert TaskProgress.objects.get(user=user, task=task).attempts == 5
    assert CourseProgress.objects.filter(user=user, course=course).count() == 1
    assert recompute_progress().updated == 0
