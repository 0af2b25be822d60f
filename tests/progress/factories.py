"""Minimal submission helpers for the progress tests.

They write Submission rows directly and call the progress hooks the way the submissions
pipeline does (inside one transaction per change), so these tests need nothing from the
pipeline itself.
"""

from __future__ import annotations

from typing import Any

import factory
from django.db import transaction
from django.utils import timezone

from learnplat.flows.progress import record_result, record_submission
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Submission
from tests.factories import TaskFactory, UserFactory


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learnplat_submissions.Submission"

    user = factory.SubFactory(UserFactory)
    task = factory.SubFactory(TaskFactory)
    course = factory.LazyAttribute(lambda o: o.task.course)
    attempt = factory.Sequence(lambda n: n + 1)
    answer = "4"
    max_score = factory.LazyAttribute(lambda o: o.task.max_score)


def submit(user: Any, task: Any, **fields: Any) -> Submission:
    """Insert the next attempt (queued) and record it, as ``submit()`` does."""
    with transaction.atomic():
        attempt = Submission.objects.filter(user=user, task=task).count() + 1
        submission = SubmissionFactory(user=user, task=task, attempt=attempt, **fields)
        record_submission(submission=submission)
    return submission


def set_result(
    submission: Submission,
    *,
    status: str = "graded",
    score: float | None = None,
    raw_score: float | None = None,
) -> Submission:
    """Change a submission's status/score and record it, as the pipeline and grade() do."""
    with transaction.atomic():
        submission.status = status
        submission.score = score
        submission.raw_score = raw_score if raw_score is not None else score
        submission.evaluated_at = (
            timezone.now() if status in ("graded", "needs_review", "failed") else None
        )
        submission.save(update_fields=["status", "score", "raw_score", "evaluated_at"])
        record_result(submission=submission)
    return submission


def requeue(submission: Submission) -> Submission:
    """A regrade: back to the queue keeping its score (the grade stands until the new
    result), recorded as ``regrade()`` does."""
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status="queued")
        submission.status = "queued"
        record_result(submission=submission)
    return submission


def move_silently(submission: Submission, status: str) -> Submission:
    """A pipeline move progress is not told about: a worker claiming (``evaluating``) or
    retrying (``queued``) an attempt. The rules must not depend on it."""
    Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.status = status
    return submission


def graded(user: Any, task: Any, score: float, raw_score: float | None = None) -> Submission:
    """Submit and grade one attempt."""
    return set_result(submit(user, task), score=score, raw_score=raw_score)


def task_row(user: Any, task: Any) -> TaskProgress:
    return TaskProgress.objects.get(user=user, task=task)


def course_row(user: Any, course: Any) -> CourseProgress:
    return CourseProgress.objects.get(user=user, course=course)
