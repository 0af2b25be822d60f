"""Evaluating submissions: enqueue, run the evaluator, record the outcome, retry, sweep.

The lease rules themselves (claiming a row with one conditional UPDATE, writing only while
the lease is held) are the submissions app's data rules, in ``learnplat.submissions.pipeline``;
this module is the use case around them. ``learnplat.submissions.tasks.evaluate_submission``
runs :func:`run_evaluation`; ``learnplat_requeue_stale`` and the periodic task run
:func:`requeue_stale`.

Settings read: ``LEARNPLAT["EVALUATION"]`` (see ``learnplat.submissions.pipeline``)::

    LEARNPLAT = {"EVALUATION": {"MAX_TRIES": 5, "RETRY_BACKOFF_SECONDS": 10}}

A recorded result updates progress in the same transaction
(:func:`learnplat.flows.progress.record_grade`) and notifies the host on commit.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from learnplat import context, metrics, tracing
from learnplat.courses.deadlines import effective_window, late_score
from learnplat.evaluation.base import EvaluationResult
from learnplat.flows import progress, rubrics
from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Evaluation, GraderToken, RubricAssessment, Submission
from learnplat.submissions.pipeline import (
    Claim,
    apply_fields,
    claim,
    describe_error,
    evaluate_in_process,
    evaluation_setting,
    guarded_update,
    lease_started_at,
    load_if_held,
    retry_delay,
    scaled_raw_score,
    task_backend,
)

logger = logging.getLogger("learnplat.submissions")


# -- enqueueing ----------------------------------------------------------------------------


def enqueue_evaluation(submission_id: int, *, run_after: datetime | None = None) -> None:
    """Put ``evaluate_submission(submission_id)`` on the configured backend and queue.

    ``run_after`` is honoured only by backends that can defer; others run it now, and the
    claim (which respects ``not_before``) or the sweeper takes care of the backoff.
    """
    from learnplat.submissions.tasks import evaluate_submission

    backend = task_backend()
    task = evaluate_submission.using(
        backend=evaluation_setting("TASK_BACKEND"),
        queue_name=evaluation_setting("QUEUE_NAME"),
        run_after=run_after if backend.supports_defer else None,
    )
    queue = evaluation_setting("QUEUE_NAME")
    with tracing.span(
        "learnplat.enqueue", kind="producer", submission_id=submission_id, queue=queue
    ):
        # The request's id and trace context travel with the job, so the worker's logs name
        # the same request and its spans join the same trace.
        task.enqueue(
            submission_id,
            request_id=context.get("request_id"),
            trace_context=tracing.carrier() or None,
        )


def enqueue_on_commit(submission_ids: Iterable[int], *, run_after: datetime | None = None) -> None:
    """Enqueue evaluations once the current transaction commits (a rollback enqueues nothing).

    A failing enqueue (the broker is down) is logged, not raised: the submission is stored
    as ``queued`` and the sweeper enqueues it again after ``STALE_QUEUED_SECONDS``.
    """
    ids = list(submission_ids)
    if not ids:
        return

    def enqueue() -> None:
        for submission_id in ids:
            try:
                enqueue_evaluation(submission_id, run_after=run_after)
            except Exception:
                logger.exception(
                    "Could not enqueue the evaluation of submission %s; the sweeper will retry.",
                    submission_id,
                )

    transaction.on_commit(enqueue)


# -- running and recording (lease-guarded) ---------------------------------------------


def run_evaluation(submission_id: int) -> str:
    """What ``evaluate_submission`` does: claim, evaluate, record. Returns the outcome."""
    claimed = claim(submission_id)
    if claimed is None:
        return "skipped"
    submission = Submission.objects.select_related("task").get(pk=submission_id)
    started = time.perf_counter()
    try:
        result, _ = evaluate_in_process(submission)
    except Exception as exc:
        # The class only: an evaluator's message may quote the answer, which logs never hold
        # (staff read the whole error as the submission's last_error).
        logger.warning(
            "Evaluation of submission %s failed (try %s): %s",
            submission_id,
            submission.tries,
            type(exc).__name__,
        )
        recorded = record_failure(claimed, error=describe_error(exc))
        outcome = "discarded" if recorded is None else str(recorded.status)
        metrics.observe_evaluation(
            kind=submission.task.kind, outcome="error", seconds=time.perf_counter() - started
        )
        return outcome
    recorded = record_result(claimed, result, evaluator=submission.task.kind)
    outcome = "discarded" if recorded is None else str(recorded.status)
    metrics.observe_evaluation(
        kind=submission.task.kind, outcome=outcome, seconds=time.perf_counter() - started
    )
    if recorded is not None and recorded.status == SubmissionStatus.GRADED:
        metrics.observe_graded(seconds=(timezone.now() - recorded.submitted_at).total_seconds())
    logger.info("Evaluated submission %s: %s", submission_id, outcome)
    return outcome


def record_result(
    claimed: Claim,
    result: EvaluationResult,
    *,
    evaluator: str,
    grader: GraderToken | None = None,
    posted: dict[str, Any] | None = None,
) -> Submission | None:
    """Store a successful run: score (after late deduction), Evaluation row, progress, signals.

    Returns the updated submission, or None when the lease was lost (the write is discarded).
    """
    submission = load_if_held(claimed)
    if submission is None:
        return None
    now = timezone.now()
    task = submission.task
    window = effective_window(task, submission.user_id)
    needs_review = result.needs_review
    automatic: float | None = None
    if task.rubric is not None and rubrics.grades_automatically(task.kind):
        # Automatic + rubric (decision 0020): the evaluator's part is worth what the
        # rubric leaves of max_score; the rubric's points already given are added, and a
        # submission nobody graded with the rubric yet waits for staff.
        worth = rubrics.automatic_max(task, rubrics.best_points(task.rubric))
        automatic = scaled_raw_score(result, worth)
        given = [a.points for a in RubricAssessment.objects.filter(submission=submission)]
        raw = min(automatic + sum(given), task.max_score)
        needs_review = needs_review or not given
    else:
        raw = scaled_raw_score(result, task.max_score)
    score = late_score(
        raw,
        task=task,
        window=window,
        submitted_at=submission.submitted_at,
        late_days_used=submission.late_days_used,
    )
    previous_score = submission.score
    fields: dict[str, Any] = {
        "status": SubmissionStatus.NEEDS_REVIEW if needs_review else SubmissionStatus.GRADED,
        "raw_score": raw,
        "score": score,
        "max_score": task.max_score,
        "feedback": result.feedback,
        "is_late": window.is_late(submission.submitted_at),
        "evaluated_at": now,
        "manually_graded": False,
        "last_error": "",
    }
    with transaction.atomic():
        if not guarded_update(claimed, **fields):
            logger.info("Discarding a stale result for submission %s.", claimed.submission_id)
            return None
        apply_fields(submission, fields)
        payload = result.as_dict()
        if automatic is not None:
            payload["automatic_score"] = automatic
        if posted is not None:
            payload["posted"] = posted
        evaluation = Evaluation.objects.create(
            submission=submission,
            trigger=submission.evaluation_trigger,
            triggered_by_id=submission.evaluation_requested_by_id,
            evaluator=evaluator,
            grader=grader,
            result=payload,
            raw_score=raw,
            score=score,
            max_score=task.max_score,
            feedback=result.feedback,
            reason=_late_days_reason(submission.late_days_used),
            lease_token=claimed.token,
            started_at=claimed.started_at,
            finished_at=now,
        )
        progress.record_grade(
            submission=submission,
            evaluation=evaluation,
            previous_score=previous_score,
            evaluated=True,
        )
    return submission


def _late_days_reason(days: int) -> str:
    """The history entry's reason for a grade the bank covered (decision 0026)."""
    if days <= 0:
        return ""
    return f"{days} late day{'s' if days != 1 else ''} spent."


def record_failure(claimed: Claim, *, error: str) -> Submission | None:
    """Store a failed run: retry with backoff, or ``failed`` after ``MAX_TRIES`` claims.

    Returns the updated submission, or None when the lease was lost (nothing is written).
    """
    submission = load_if_held(claimed)
    if submission is None:
        return None
    return _fail_or_retry(submission, claimed.token, claimed.started_at, error=error, backoff=True)


def _fail_or_retry(
    submission: Submission,
    token: uuid.UUID,
    started_at: datetime,
    *,
    error: str,
    backoff: bool,
) -> Submission | None:
    """``failed`` after the last try, else back to ``queued`` (after a backoff, if asked)."""
    now = timezone.now()
    final = submission.tries >= int(evaluation_setting("MAX_TRIES"))
    fields: dict[str, Any]
    if final:
        fields = {"status": SubmissionStatus.FAILED, "last_error": error, "evaluated_at": now}
    else:
        fields = {
            "status": SubmissionStatus.QUEUED,
            "last_error": error,
            "queued_at": now,
            "not_before": now + retry_delay(submission.tries) if backoff else None,
        }
    claimed = Claim(submission.pk, token, started_at)
    with transaction.atomic():
        if not guarded_update(claimed, **fields):
            return None
        apply_fields(submission, fields)
        evaluation = Evaluation.objects.create(
            submission=submission,
            trigger=submission.evaluation_trigger,
            triggered_by_id=submission.evaluation_requested_by_id,
            evaluator=submission.task.kind,
            error=error,
            lease_token=token,
            started_at=started_at,
            finished_at=now,
        )
        if final:
            progress.record_grade(
                submission=submission,
                evaluation=evaluation,
                previous_score=submission.score,
                evaluated=True,
            )
        elif submission.grader_queue is None:
            # Without defer support the backoff is the sweeper's job (it honours not_before).
            if not backoff:
                enqueue_on_commit([submission.pk])
            elif task_backend().supports_defer:
                enqueue_on_commit([submission.pk], run_after=submission.not_before)
    return submission


# -- the sweeper ---------------------------------------------------------------------------


@dataclass
class SweepReport:
    """What one sweep did."""

    requeued_leases: int = 0
    failed_leases: int = 0
    requeued_lost: int = 0

    @property
    def total(self) -> int:
        return self.requeued_leases + self.failed_leases + self.requeued_lost


def requeue_stale(*, now: datetime | None = None, batch_size: int = 500) -> SweepReport:
    """Re-queue expired leases and lost queue entries, so a dead worker loses nothing.

    - ``evaluating`` rows whose lease expired go back to ``queued`` (or to ``failed`` once
      they used ``MAX_TRIES`` claims), each leaving an Evaluation row with the error;
    - in-process ``queued`` rows nobody claimed for ``STALE_QUEUED_SECONDS`` are enqueued
      again; with a backend that cannot defer (immediate), retries whose backoff is over too.

    Every step is a conditional update, so two sweepers at once only do the work twice.
    """
    now = now or timezone.now()
    report = SweepReport()
    while True:
        with transaction.atomic():
            expired = list(
                Submission.objects.expired_leases(now)
                .select_related("task", "course")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("lease_expires_at", "id")[:batch_size]
            )
            for submission in expired:
                assert submission.lease_token is not None
                # The dead claim already was the wait: requeue without a backoff.
                outcome = _fail_or_retry(
                    submission,
                    submission.lease_token,
                    lease_started_at(submission, now),
                    error=(
                        "The evaluation lease expired before a result arrived "
                        "(the worker or grader died or was too slow)."
                    ),
                    backoff=False,
                )
                if outcome is None:
                    continue
                if outcome.status == SubmissionStatus.FAILED:
                    report.failed_leases += 1
                else:
                    report.requeued_leases += 1
        if len(expired) < batch_size:
            break
    grace = timedelta(seconds=float(evaluation_setting("STALE_QUEUED_SECONDS")))
    due_retries = not task_backend().supports_defer
    while True:
        with transaction.atomic():
            lost = list(
                Submission.objects.lost_in_queue(now, grace=grace, due_retries=due_retries)
                .select_for_update(skip_locked=True)
                .order_by("queued_at", "id")
                .values_list("pk", flat=True)[:batch_size]
            )
            if lost:
                Submission.objects.filter(pk__in=lost, status=SubmissionStatus.QUEUED).update(
                    queued_at=now, not_before=None
                )
                enqueue_on_commit(lost)
                report.requeued_lost += len(lost)
        if len(lost) < batch_size:
            break
    metrics.count_sweep(
        requeued_leases=report.requeued_leases,
        failed_leases=report.failed_leases,
        requeued_lost=report.requeued_lost,
    )
    return report
