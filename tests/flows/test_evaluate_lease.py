"""The lease: one claim at a time, and a stale worker's late write is discarded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.evaluation.base import EvaluationResult
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.submissions import pipeline
from learnplat.submissions.models import Evaluation, Submission
from tests.race import race
from tests.submissions.backends import RECORDING_TASKS
from tests.submissions.conftest import World, queued

RESULT = EvaluationResult(score=10.0, max_score=10.0, feedback="stale")
FRESH = EvaluationResult(score=3.0, max_score=10.0, feedback="fresh")


def expire(submission: Any) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_claimed_submission_cannot_be_claimed_again(world: World) -> None:
    submission = queued(world)
    first = pipeline.claim(submission.pk)
    assert first is not None
    assert pipeline.claim(submission.pk) is None
    submission.refresh_from_db()
    assert submission.status == "evaluating"
    assert submission.lease_token == first.token
    assert submission.tries == 1


def test_stale_worker_write_is_discarded(world: World) -> None:
    submission = queued(world)
    stale = pipeline.claim(submission.pk)
    assert stale is not None
    expire(submission)
    assert evaluate_flow.requeue_stale().requeued_leases == 1
    fresh = pipeline.claim(submission.pk)
    assert fresh is not None
    assert evaluate_flow.record_result(stale, RESULT, evaluator="exact") is None
    assert evaluate_flow.record_failure(stale, error="late error") is None
    submission.refresh_from_db()
    assert submission.status == "evaluating"
    assert submission.score is None
    assert evaluate_flow.record_result(fresh, FRESH, evaluator="exact") is not None
    # The fresh one won; the stale one cannot write after it either.
    assert evaluate_flow.record_result(stale, RESULT, evaluator="exact") is None
    submission.refresh_from_db()
    assert (submission.status, submission.score, submission.feedback) == ("graded", 3.0, "fresh")
    successful = Evaluation.objects.filter(submission=submission).successful()
    assert [e.lease_token for e in successful] == [fresh.token]
    # The expired claim left a row with the reason, for the history.
    failed = Evaluation.objects.filter(submission=submission).exclude(error="")
    assert [e.lease_token for e in failed] == [stale.token]
    assert "lease expired" in failed[0].error


def test_an_expired_lease_nobody_reclaimed_still_accepts_its_result(world: World) -> None:
    submission = queued(world)
    claim = pipeline.claim(submission.pk)
    assert claim is not None
    expire(submission)
    assert evaluate_flow.record_result(claim, FRESH, evaluator="exact") is not None
    assert evaluate_flow.requeue_stale().total == 0


def test_manual_grade_revokes_the_lease(world: World) -> None:
    submission = queued(world)
    claim = pipeline.claim(submission.pk)
    assert claim is not None
    grading_flow.grade(submission=submission, by=world.instructor, score=7.0, feedback="by hand")
    assert evaluate_flow.record_result(claim, RESULT, evaluator="exact") is None
    submission.refresh_from_db()
    assert (submission.status, submission.score, submission.manually_graded) == (
        "graded",
        7.0,
        True,
    )


def test_regrade_revokes_the_lease_and_runs_again(world: World) -> None:
    submission = queued(world)
    claim = pipeline.claim(submission.pk)
    assert claim is not None
    grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor)
    assert evaluate_flow.record_result(claim, RESULT, evaluator="exact") is None
    assert evaluate_flow.run_evaluation(submission.pk) == "graded"
    assert Evaluation.objects.filter(submission=submission).successful().count() == 1
    evaluation = Evaluation.objects.get(submission=submission)
    assert (evaluation.trigger, evaluation.triggered_by) == ("regrade", world.instructor)


def test_claims_respect_the_backoff(world: World) -> None:
    submission = queued(world)
    Submission.objects.filter(pk=submission.pk).update(
        not_before=timezone.now() + timedelta(minutes=1)
    )
    assert pipeline.claim(submission.pk) is None
    assert pipeline.claim(submission.pk, now=timezone.now() + timedelta(minutes=2)) is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_one_winner(world: World, settings: Any) -> None:
    settings.TASKS = RECORDING_TASKS  # enqueue nothing: the threads below are the workers
    submission = queued(world)
    winners = race(*[lambda: pipeline.claim(submission.pk)] * 6).values()
    assert len([w for w in winners if w is not None]) == 1
    submission.refresh_from_db()
    assert submission.tries == 1
