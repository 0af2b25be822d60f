"""The evaluation pipeline: claim → evaluate → record, retries, and the sweeper.

The ``Submission`` row is the outbox. A worker (or an external grader) *claims* a queued row
with one conditional ``UPDATE`` (``queued → evaluating``, a fresh ``lease_token``, a lease
deadline, ``tries + 1``); whoever updates zero rows lost the race and walks away. The result
is written in one transaction guarded by the same token (``UPDATE … WHERE id = … AND
lease_token = … AND status = 'evaluating'``), so a worker whose lease expired and was
re-claimed by another cannot overwrite anything: its late write matches no row.

Settings read, all under ``LEARNPLAT["EVALUATION"]``::

    LEARNPLAT = {"EVALUATION": {
        "TASK_BACKEND": "default",       # alias in TASKS
        "QUEUE_NAME": "default",
        "LEASE_SECONDS": 120,            # a worker's claim
        "GRADER_LEASE_SECONDS": 600,     # an external grader's claim
        "MAX_TRIES": 3,
        "RETRY_BACKOFF_SECONDS": 5,      # 5 s, 10 s, 20 s, ...
        "TIME_LIMIT_SECONDS": 10,        # per in-process evaluator run
        "STALE_QUEUED_SECONDS": 300,     # re-enqueue rows nobody picked up
    }}
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learnplat.compat import task_backends
from learnplat.conf import settings
from learnplat.courses.deadlines import effective_window, late_score
from learnplat.evaluation.base import EvaluationResult, EvaluatorProtocol
from learnplat.evaluation.registry import get_evaluator
from learnplat.progress import services as progress_services
from learnplat.submissions.models import (
    Evaluation,
    GraderToken,
    Submission,
    SubmissionStatus,
)
from learnplat.submissions.signals import grade_changed, send_on_commit, submission_evaluated

logger = logging.getLogger("learnplat.submissions")

T = TypeVar("T")

#: Scores within this of a bound count as on it (float noise from scaling).
SCORE_TOLERANCE = 1e-9


class EvaluationError(Exception):
    """An evaluator run did not produce a usable result (it raised, hung or returned junk)."""


class EvaluationTimeout(EvaluationError):
    pass


@dataclass(frozen=True)
class Claim:
    """The right to write the result of one evaluation run of one submission."""

    submission_id: int
    token: uuid.UUID
    started_at: datetime

    @property
    def key(self) -> str:
        """The ``submission_key`` external graders quote back: ``"<id>.<token hex>"``."""
        return f"{self.submission_id}.{self.token.hex}"

    @classmethod
    def from_key(cls, key: str) -> tuple[int, uuid.UUID] | None:
        """``(submission id, lease token)`` of a ``submission_key``, or None if malformed."""
        sub_id, _, token = key.partition(".")
        try:
            return int(sub_id), uuid.UUID(hex=token)
        except ValueError:
            return None


# -- settings and the task backend ---------------------------------------------------------


def evaluation_setting(name: str) -> Any:
    return settings.EVALUATION[name]


def task_backend() -> Any:
    return task_backends[evaluation_setting("TASK_BACKEND")]


def retry_delay(tries: int) -> timedelta:
    """Backoff before the retry that follows try number ``tries`` (1-based)."""
    base = float(evaluation_setting("RETRY_BACKOFF_SECONDS"))
    return timedelta(seconds=base * 2 ** max(tries - 1, 0))


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
    task.enqueue(submission_id)


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


# -- claiming ------------------------------------------------------------------------------


def _lease_fields(now: datetime, token: uuid.UUID, seconds: float) -> dict[str, Any]:
    return {
        "status": SubmissionStatus.EVALUATING,
        "lease_token": token,
        "lease_expires_at": now + timedelta(seconds=seconds),
        "tries": F("tries") + 1,
        "not_before": None,
    }


def claim(submission_id: int, *, now: datetime | None = None) -> Claim | None:
    """Claim an in-process submission for evaluation; None when it is not ours to evaluate."""
    now = now or timezone.now()
    token = uuid.uuid4()
    updated = (
        Submission.objects.in_process()
        .claimable(now)
        .filter(pk=submission_id)
        .update(**_lease_fields(now, token, evaluation_setting("LEASE_SECONDS")))
    )
    return Claim(submission_id, token, now) if updated else None


def claim_for_grader(queue: str, *, now: datetime | None = None) -> tuple[Claim, Submission] | None:
    """Claim the oldest claimable submission of grader ``queue`` (``grader/next/``)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        # skip_locked: concurrent graders each get a different row instead of queueing up.
        submission = (
            Submission.objects.for_grader_queue(queue, now)
            .select_for_update(skip_locked=True)
            .first()
        )
        if submission is None:
            return None
        updated = (
            Submission.objects.claimable(now)
            .filter(pk=submission.pk)
            .update(**_lease_fields(now, token, evaluation_setting("GRADER_LEASE_SECONDS")))
        )
        if not updated:
            return None
    submission.refresh_from_db()
    return Claim(submission.pk, token, now), submission


# -- running an evaluator ------------------------------------------------------------------


def call_with_time_limit(fn: Callable[[], T], seconds: float) -> T:
    """Run ``fn`` in a daemon thread and give up on it after ``seconds``.

    A thread cannot be killed, so a hung evaluator keeps its thread until it returns; its
    result is thrown away. That is why evaluators must be pure, and why untrusted code
    belongs in an external grader, not in process.
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="learnplat-evaluator", daemon=True).start()
    if not done.wait(seconds):
        raise EvaluationTimeout(f"The evaluator did not finish within {seconds:g} s.")
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def _checked_result(result: Any) -> EvaluationResult:
    if not isinstance(result, EvaluationResult):
        raise EvaluationError(
            f"The evaluator returned {type(result).__name__}, not EvaluationResult."
        )
    for name in ("score", "max_score"):
        value = getattr(result, name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise EvaluationError(f"The evaluator returned a non-finite {name}: {value!r}.")
    if (
        result.max_score < 0
        or not -SCORE_TOLERANCE <= result.score <= result.max_score + SCORE_TOLERANCE
    ):
        raise EvaluationError(
            f"The evaluator returned a score of {result.score} out of {result.max_score}."
        )
    return result


def scaled_raw_score(result: EvaluationResult, max_score: float) -> float:
    """The result's score on the task's scale (an evaluator or grader may use its own)."""
    if result.max_score <= 0 or max_score <= 0:
        return 0.0
    raw = result.score * max_score / result.max_score
    return min(max(raw, 0.0), max_score)


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def evaluate_in_process(submission: Submission) -> tuple[EvaluationResult, EvaluatorProtocol]:
    """Run the task's evaluator on the answer, within ``TIME_LIMIT_SECONDS``."""
    task = submission.task
    try:
        evaluator = get_evaluator(task.kind)
    except LookupError as exc:
        raise EvaluationError(f"No evaluator is registered for the kind {task.kind!r}.") from exc
    if evaluator.is_external:
        raise EvaluationError(f"The kind {task.kind!r} is graded by external graders.")
    config = evaluator.validate_config(task.config)
    result = call_with_time_limit(
        lambda: evaluator.evaluate(submission.answer, config, max_score=task.max_score),
        float(evaluation_setting("TIME_LIMIT_SECONDS")),
    )
    return _checked_result(result), evaluator


def run_evaluation(submission_id: int) -> str:
    """What ``evaluate_submission`` does: claim, evaluate, record. Returns the outcome."""
    claimed = claim(submission_id)
    if claimed is None:
        return "skipped"
    submission = Submission.objects.select_related("task").get(pk=submission_id)
    try:
        result, _ = evaluate_in_process(submission)
    except Exception as exc:
        logger.warning(
            "Evaluation of submission %s failed (try %s): %s",
            submission_id,
            submission.tries,
            describe_error(exc),
        )
        recorded = record_failure(claimed, error=describe_error(exc))
        return "discarded" if recorded is None else str(recorded.status)
    recorded = record_result(claimed, result, evaluator=submission.task.kind)
    return "discarded" if recorded is None else str(recorded.status)


# -- recording outcomes (lease-guarded) ----------------------------------------------------


def announce_grade(
    submission: Submission,
    evaluation: Evaluation,
    *,
    previous_score: float | None,
    evaluated: bool = False,
    always: bool = False,
) -> None:
    """Fold a submission's new status/score into progress (in this transaction) and send,
    on commit, ``submission_evaluated`` (for evaluator runs) and ``grade_changed`` (when the
    score changed, or ``always``)."""
    progress_services.record_result(submission=submission)
    if evaluated:
        send_on_commit(submission_evaluated, submission=submission, evaluation=evaluation)
    if always or previous_score != submission.score:
        send_on_commit(
            grade_changed,
            submission=submission,
            evaluation=evaluation,
            previous_score=previous_score,
            score=submission.score,
            trigger=evaluation.trigger,
        )


def _guarded_update(claimed: Claim, **fields: Any) -> bool:
    """Apply ``fields`` only while ``claimed`` still holds the lease."""
    updated = Submission.objects.filter(
        pk=claimed.submission_id,
        lease_token=claimed.token,
        status=SubmissionStatus.EVALUATING,
    ).update(lease_token=None, lease_expires_at=None, **fields)
    return bool(updated)


def _load_if_held(claimed: Claim) -> Submission | None:
    submission = (
        Submission.objects.select_related("task", "course").filter(pk=claimed.submission_id).first()
    )
    if (
        submission is None
        or submission.lease_token != claimed.token
        or submission.status != SubmissionStatus.EVALUATING
    ):
        logger.info("Discarding a stale result for submission %s.", claimed.submission_id)
        return None
    return submission


def _apply(submission: Submission, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.lease_token = None
    submission.lease_expires_at = None


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
    submission = _load_if_held(claimed)
    if submission is None:
        return None
    now = timezone.now()
    task = submission.task
    window = effective_window(task, submission.user_id)
    raw = scaled_raw_score(result, task.max_score)
    score = late_score(raw, task=task, window=window, submitted_at=submission.submitted_at)
    previous_score = submission.score
    fields: dict[str, Any] = {
        "status": SubmissionStatus.NEEDS_REVIEW if result.needs_review else SubmissionStatus.GRADED,
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
        if not _guarded_update(claimed, **fields):
            logger.info("Discarding a stale result for submission %s.", claimed.submission_id)
            return None
        _apply(submission, fields)
        payload = result.as_dict()
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
            lease_token=claimed.token,
            started_at=claimed.started_at,
            finished_at=now,
        )
        announce_grade(submission, evaluation, previous_score=previous_score, evaluated=True)
    return submission


def record_failure(claimed: Claim, *, error: str) -> Submission | None:
    """Store a failed run: retry with backoff, or ``failed`` after ``MAX_TRIES`` claims.

    Returns the updated submission, or None when the lease was lost (nothing is written).
    """
    submission = _load_if_held(claimed)
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
        if not _guarded_update(claimed, **fields):
            return None
        _apply(submission, fields)
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
            announce_grade(submission, evaluation, previous_score=submission.score, evaluated=True)
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


def lease_started_at(submission: Submission, default: datetime) -> datetime:
    """When the current claim of ``submission`` began (its lease end minus the lease length)."""
    if submission.lease_expires_at is None:
        return default
    key = "LEASE_SECONDS" if submission.grader_queue is None else "GRADER_LEASE_SECONDS"
    return submission.lease_expires_at - timedelta(seconds=float(evaluation_setting(key)))


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
    return report
