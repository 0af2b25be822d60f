"""In-process evaluation: claim, evaluate, record; retries; time limits; bad evaluators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.cache import CommitBump
from learnplat.flows import evaluate as evaluate_flow
from learnplat.submissions import pipeline
from learnplat.submissions.models import Evaluation, Submission
from learnplat.submissions.tasks import evaluate_submission
from tests.overrides import LearnplatSettings
from tests.submissions.conftest import World, queued, set_kind, submit_url

pytestmark = pytest.mark.usefixtures("test_evaluators")


def test_evaluation_grades_once(world: World) -> None:
    submission = queued(world)
    assert evaluate_submission.call(submission.pk) == "graded"
    submission.refresh_from_db()
    assert submission.status == "graded"
    assert (submission.raw_score, submission.score) == (10.0, 10.0)
    assert submission.tries == 1
    assert submission.lease_token is None
    assert submission.lease_expires_at is None
    assert submission.evaluated_at is not None
    # A duplicate task (a redelivery, the sweeper) finds nothing to claim.
    assert evaluate_submission.call(submission.pk) == "skipped"
    assert Evaluation.objects.filter(submission=submission).count() == 1
    evaluation = Evaluation.objects.get(submission=submission)
    assert evaluation.evaluator == "exact"
    assert evaluation.result["score"] == 10.0
    assert evaluation.finished_at is not None


def test_missing_submission_is_skipped(db: None) -> None:
    assert evaluate_submission.call(424242) == "skipped"


def test_manual_kind_needs_review(world: World) -> None:
    set_kind(world.task, "manual", {})
    submission = queued(world, {"essay": "..."})
    assert evaluate_flow.run_evaluation(submission.pk) == "needs_review"
    submission.refresh_from_db()
    assert submission.grading_progress == "PendingManual"


def test_raising_evaluator_retries_with_backoff_then_fails(
    world: World, learnplat_settings: LearnplatSettings, django_capture_on_commit_callbacks: Any
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 3, "RETRY_BACKOFF_SECONDS": 4})
    set_kind(world.task, "raising")
    submission = queued(world)
    before = timezone.now()
    assert evaluate_flow.run_evaluation(submission.pk) == "queued"
    submission.refresh_from_db()
    assert submission.tries == 1
    assert submission.last_error == "RuntimeError: evaluator exploded"
    assert submission.not_before is not None
    assert (
        before + timedelta(seconds=4)
        <= submission.not_before
        <= timezone.now() + timedelta(seconds=4)
    )
    # Backoff: nobody may claim it yet.
    assert evaluate_flow.run_evaluation(submission.pk) == "skipped"
    Submission.objects.filter(pk=submission.pk).update(not_before=timezone.now())
    assert evaluate_flow.run_evaluation(submission.pk) == "queued"
    submission.refresh_from_db()
    assert submission.not_before - submission.queued_at == timedelta(seconds=8)
    Submission.objects.filter(pk=submission.pk).update(not_before=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        assert evaluate_flow.run_evaluation(submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.status == "failed"
    assert submission.grading_progress == "Failed"
    assert submission.score is None
    assert submission.last_error == "RuntimeError: evaluator exploded"
    errors = Evaluation.objects.filter(submission=submission)
    assert [e.error for e in errors] == ["RuntimeError: evaluator exploded"] * 3
    # submission_evaluated (the score did not change), beside learnplat.cache's own.
    assert len([c for c in callbacks if not isinstance(c, CommitBump)]) == 1


def test_max_tries_one_fails_at_once(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1})
    set_kind(world.task, "junk")
    submission = queued(world)
    assert evaluate_flow.run_evaluation(submission.pk) == "failed"
    submission.refresh_from_db()
    assert "ValueError: score 20.0 is outside [0, 10.0]" in submission.last_error


def test_hanging_evaluator_hits_the_time_limit(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1, "TIME_LIMIT_SECONDS": 0.2})
    set_kind(world.task, "hanging")
    submission = queued(world)
    assert evaluate_flow.run_evaluation(submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.last_error == "EvaluationTimeout: The evaluator did not finish within 0.2 s."


@pytest.mark.django_db(transaction=True)
def test_hanging_evaluator_never_500s_the_submit(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(EVALUATION={"TIME_LIMIT_SECONDS": 0.2})
    set_kind(world.task, "hanging")
    response = world.client(world.student).post(
        submit_url(world.task), {"answer": "4"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued"  # the first try timed out; a retry waits for its backoff
    assert "did not finish within 0.2 s" in Submission.objects.get(pk=body["id"]).last_error


def test_unregistered_kind_fails(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1})
    submission = queued(world)
    set_kind(world.task, "no-such-kind")
    assert evaluate_flow.run_evaluation(submission.pk) == "failed"
    submission.refresh_from_db()
    assert "No evaluator is registered for the kind 'no-such-kind'" in submission.last_error


def test_external_submissions_are_not_claimed_by_workers(world: World) -> None:
    set_kind(world.task, "external", {"queue": "q"})
    submission = queued(world, {"code": ""})
    assert evaluate_flow.run_evaluation(submission.pk) == "skipped"
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert submission.tries == 0


def test_a_kind_that_turned_external_fails_instead_of_hanging(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1})
    submission = queued(world)
    set_kind(world.task, "external", {"queue": "q"})
    assert evaluate_flow.run_evaluation(submission.pk) == "failed"


def test_evaluator_sees_the_stored_answer_once_per_run(world: World) -> None:
    from tests.submissions import evaluators

    set_kind(world.task, "counting")
    submission = queued(world, " 4 ")
    evaluate_flow.run_evaluation(submission.pk)
    evaluate_flow.run_evaluation(submission.pk)
    assert evaluators.calls == [" 4 "]


def test_retry_delay_doubles(learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(EVALUATION={"RETRY_BACKOFF_SECONDS": 3})
    assert [pipeline.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [3, 6, 12]


def test_call_with_time_limit_passes_results_and_errors() -> None:
    assert pipeline.call_with_time_limit(lambda: 42, 5) == 42
    with pytest.raises(ZeroDivisionError):
        pipeline.call_with_time_limit(lambda: 1 / 0, 5)
