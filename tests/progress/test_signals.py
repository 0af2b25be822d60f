"""course_completed: sent after commit, on the transition to completed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from learnplat.cache import CommitBump
from learnplat.events.outbox import DeliveryEnqueue
from learnplat.flows.progress import recompute_progress, refresh_course_totals
from learnplat.progress.models import CourseProgress
from learnplat.progress.signals import course_completed
from tests.factories import TaskFactory
from tests.progress.factories import graded, set_result, submit

pytestmark = pytest.mark.django_db


Received = list[dict[str, Any]]


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """``with commit():`` runs the on-commit callbacks of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def received() -> Iterator[Received]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    course_completed.connect(receiver)
    yield calls
    course_completed.disconnect(receiver)


def test_sent_once_after_commit_when_the_last_task_completes(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    first, last = TaskFactory(course=course), TaskFactory(course=course)
    with commit():
        graded(learner, first, 10)
    assert received == []
    with commit() as callbacks:
        graded(learner, last, 10)
        assert received == []  # nothing before the commit
    # learnplat.cache bumps generations on commit too, and the outbox enqueues the event's
    # delivery; only the signal counts here.
    assert len([c for c in callbacks if not isinstance(c, CommitBump | DeliveryEnqueue)]) == 1
    [call] = received
    row = CourseProgress.objects.get(user=learner, course=course)
    assert call["sender"] is CourseProgress
    assert (call["user_id"], call["course_id"]) == (learner.pk, course.pk)
    assert call["course_progress"].pk == row.pk
    assert call["course_progress"].completed_at == row.completed_at


def test_not_sent_again_while_the_course_stays_completed(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    task = TaskFactory(course=course)
    with commit():
        sub = graded(learner, task, 10)
        graded(learner, task, 10)
        set_result(sub, score=10)
    assert len(received) == 1


def test_not_sent_when_the_transaction_rolls_back(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    task = TaskFactory(course=course)
    sub = submit(learner, task)
    with commit():
        try:
            with transaction.atomic():
                set_result(sub, score=10)
                raise RuntimeError("worker crashed")
        except RuntimeError:
            pass
    assert received == []
    assert CourseProgress.objects.get(user=learner).completed_at is None


def test_sent_again_only_after_completion_was_lost(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    task = TaskFactory(course=course)
    with commit():
        sub = graded(learner, task, 10)
        set_result(sub, score=4)
        set_result(sub, score=10)
    assert len(received) == 2


def test_refresh_sends_for_students_it_completes(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    done, never = TaskFactory(course=course), TaskFactory(course=course)
    with commit():
        graded(learner, done, 10)
    assert received == []
    never.is_published = False
    never.save()
    with commit():
        refresh_course_totals(course=course)
    assert [c["user_id"] for c in received] == [learner.pk]


def test_recompute_sends_nothing(
    course: Any, learner: Any, received: Received, commit: Any
) -> None:
    task = TaskFactory(course=course)
    with commit():
        graded(learner, task, 10)
    CourseProgress.objects.all().delete()
    with commit():
        recompute_progress()
    assert len(received) == 1
    assert CourseProgress.objects.get().completed_at is not None


def test_a_failing_receiver_does_not_undo_the_grade(course: Any, learner: Any, commit: Any) -> None:
    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("certificate service down")

    task = TaskFactory(course=course)
    course_completed.connect(broken)
    try:
        with commit():
            graded(learner, task, 10)
    finally:
        course_completed.disconnect(broken)
    assert CourseProgress.objects.get().completed_at is not None
