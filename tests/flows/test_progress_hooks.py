"""The pipeline tells learnplat.progress about every attempt and every result, in-transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from learnplat.courses.models import Extension
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import progress as progress_flow
from learnplat.flows import submit as submit_flow
from tests.overrides import LearnplatSettings
from tests.submissions.conftest import World, queued, set_kind


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
    seen: list[tuple[str, str, Any]] = []

    def spy(name: str) -> Callable[..., None]:
        def record(*, submission: Any) -> None:
            # Inside the transaction that wrote the change, so both commit or neither does.
            assert connection.in_atomic_block
            seen.append((name, submission.status, submission.score))

        return record

    monkeypatch.setattr(progress_flow, "record_submission", spy("submission"))
    monkeypatch.setattr(progress_flow, "record_result", spy("result"))
    return seen


@pytest.mark.django_db(transaction=True)
def test_submit_then_evaluate(world: World, calls: list[Any]) -> None:
    # Transactional, so "inside a transaction" means the service's own atomic block; the
    # immediate backend evaluates once submit() commits.
    submit_flow.submit(user=world.student, task=world.task, answer="4")
    assert calls == [("submission", "queued", None), ("result", "graded", 10.0)]


def test_a_retry_is_silent_and_the_final_failure_is_not(
    world: World, calls: list[Any], learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(
        EVALUATORS={"raising": "tests.submissions.evaluators.RaisingEvaluator"},
        EVALUATION={"MAX_TRIES": 2, "RETRY_BACKOFF_SECONDS": 0},
    )
    set_kind(world.task, "raising")
    submission = queued(world, "4")
    assert evaluate_flow.run_evaluation(submission.pk) == "queued"
    assert calls == [("submission", "queued", None)]
    assert evaluate_flow.run_evaluation(submission.pk) == "failed"
    assert calls[1:] == [("result", "failed", None)]


def test_grade_regrade_and_deadlines(world: World, calls: list[Any]) -> None:
    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    calls.clear()
    grading_flow.grade(submission=submission, by=world.instructor, score=5.0)
    grading_flow.regrade(submission_ids=[submission.pk])
    evaluate_flow.run_evaluation(submission.pk)
    assert calls == [
        ("result", "graded", 5.0),
        ("result", "queued", 5.0),
        ("result", "graded", 10.0),
    ]
    calls.clear()
    world.task.due_at = submission.submitted_at - timedelta(hours=1)
    world.task.late_policy = {"deduction_percent": 50, "per": "day"}
    world.task.save()
    deadlines_flow.recompute_lateness(user=world.student, course=world.course)
    assert calls == [("result", "graded", 5.0)]
    Extension.objects.create(user=world.student, course=world.course, due_at=timezone.now())
    deadlines_flow.recompute_lateness(user=world.student, course=world.course)
    assert calls[1:] == [("result", "graded", 10.0)]
