"""The evaluation pipeline's data rules: leases, claims and lease-guarded writes.

The use case around them (enqueueing, running, recording, retrying, sweeping) is
``learnplat.flows.evaluate``.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learnplat.compat import task_backends
from learnplat.conf import settings
from learnplat.evaluation.base import SCORE_TOLERANCE, EvaluationResult, EvaluatorProtocol
from learnplat.evaluation.registry import get_evaluator
from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Submission

logger = logging.getLogger("learnplat.submissions")

T = TypeVar("T")


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


# -- recording outcomes (lease-guarded) ----------------------------------------------------


def guarded_update(claimed: Claim, **fields: Any) -> bool:
    """Apply ``fields`` only while ``claimed`` still holds the lease."""
    updated = Submission.objects.filter(
        pk=claimed.submission_id,
        lease_token=claimed.token,
        status=SubmissionStatus.EVALUATING,
    ).update(lease_token=None, lease_expires_at=None, **fields)
    return bool(updated)


def load_if_held(claimed: Claim) -> Submission | None:
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


def apply_fields(submission: Submission, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.lease_token = None
    submission.lease_expires_at = None


def lease_started_at(submission: Submission, default: datetime) -> datetime:
    """When the current claim of ``submission`` began (its lease end minus the lease length)."""
    if submission.lease_expires_at is None:
        return default
    key = "LEASE_SECONDS" if submission.grader_queue is None else "GRADER_LEASE_SECONDS"
    return submission.lease_expires_at - timedelta(seconds=float(evaluation_setting(key)))
