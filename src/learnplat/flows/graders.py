"""External graders: tokens, handing out work (``grader/next/``) and recording results.

A grader claims a submission of its queue under a lease (``GRADER_LEASE_SECONDS``) and posts
the result quoting the ``submission_key``; the result goes through the same lease-guarded
path as in-process workers (:func:`learnplat.flows.evaluate.record_result`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from learnplat.evaluation.base import EvaluationResult, TestOutcome
from learnplat.exceptions import Conflict, NotFound
from learnplat.flows import evaluate
from learnplat.submissions import pipeline
from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Evaluation, GraderToken, Submission, hash_grader_secret

GRADER_SECRET_PREFIX = "lpg_"  # noqa: S105 - a marker, not a secret


def _new_secret() -> tuple[str, dict[str, str]]:
    """A fresh secret and the fields that store it (its hash and a recognisable prefix)."""
    secret = GRADER_SECRET_PREFIX + secrets.token_urlsafe(32)
    return secret, {"token_hash": hash_grader_secret(secret), "prefix": secret[:12]}


def create_grader_token(
    *, name: str, queues: Iterable[str], is_active: bool = True
) -> tuple[GraderToken, str]:
    """Create a grader token; returns it with its secret, which is never stored or shown again."""
    secret, stored = _new_secret()
    token = GraderToken.objects.create(
        name=name, queues=list(queues), is_active=is_active, **stored
    )
    return token, secret


def update_grader_token(
    *, token: GraderToken, name: str, queues: Iterable[str], is_active: bool
) -> GraderToken:
    """Rename a token, change the queues it serves, or (de)activate it; the secret stays."""
    token.name, token.queues, token.is_active = name, list(queues), is_active
    token.save(update_fields=["name", "queues", "is_active"])
    return token


def rotate_grader_secret(*, token: GraderToken) -> str:
    """Give ``token`` a fresh secret at once (the old one stops working); returns the secret."""
    secret, stored = _new_secret()
    for name, value in stored.items():
        setattr(token, name, value)
    token.save(update_fields=list(stored))
    return secret


#: ``last_used_at`` is written at most once per this interval per token, not per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def note_token_used(*, token: GraderToken) -> None:
    """Record that ``token`` authenticated a request (``last_used_at``, to the minute)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        GraderToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def next_submission(*, queue: str) -> tuple[pipeline.Claim, Submission] | None:
    """Claim the oldest claimable submission of grader ``queue`` for a grader, or None."""
    return pipeline.claim_for_grader(queue)


def _unknown_key() -> NotFound:
    # The same answer for a malformed key, another grader's and another queue's: no hints.
    return NotFound(
        "No submission of your queues has this submission_key.", code="unknown_submission_key"
    )


@dataclass(frozen=True)
class GraderOutcome:
    submission: Submission
    evaluation: Evaluation
    #: False when the same result was posted before (an idempotent repeat).
    created: bool


def record_grader_result(
    *,
    grader: GraderToken,
    submission_key: str,
    score: float,
    max_score: float,
    feedback: str = "",
    tests: Sequence[dict[str, Any]] = (),
) -> GraderOutcome:
    """Store an external grader's result through the same lease-guarded path as workers.

    Idempotent per ``submission_key``: posting the same result again returns the first
    outcome; a different result for a finished key is 409 ``already_graded``; a key whose
    lease was lost (expired and handed out again) is 409 ``lease_expired``; a key naming
    nothing this grader serves is 404 ``unknown_submission_key``.
    """
    parsed = pipeline.Claim.from_key(submission_key)
    if parsed is None:
        raise _unknown_key()
    submission_id, token = parsed
    posted = {
        "score": score,
        "max_score": max_score,
        "feedback": feedback,
        "tests": [dict(t) for t in tests],
    }
    submission = Submission.objects.filter(pk=submission_id).first()
    previous = Evaluation.objects.filter(submission_id=submission_id, lease_token=token).first()
    if previous is not None and previous.grader_id is not None:
        if previous.grader_id != grader.pk:
            raise _unknown_key()
        if previous.result.get("posted") != posted:
            raise Conflict(
                "A different result was already recorded for this submission_key.",
                code="already_graded",
            )
        assert submission is not None  # the evaluation cascades with it
        return GraderOutcome(submission, previous, created=False)
    if submission is None or not grader.serves(submission.grader_queue or ""):
        raise _unknown_key()
    if submission.lease_token == token and submission.status == SubmissionStatus.EVALUATING:
        result = EvaluationResult(
            score=score,
            max_score=max_score,
            feedback=feedback,
            tests=tuple(
                TestOutcome(
                    name=str(t["name"]),
                    passed=bool(t["passed"]),
                    score=t.get("score"),
                    message=str(t.get("message", "")),
                )
                for t in tests
            ),
        )
        started_at = pipeline.lease_started_at(submission, timezone.now())
        claimed = pipeline.Claim(submission_id, token, started_at)
        recorded = evaluate.record_result(
            claimed,
            result,
            evaluator=f"external:{grader.name}",
            grader=grader,
            posted=posted,
        )
        if recorded is not None:
            evaluation = Evaluation.objects.get(lease_token=token)
            return GraderOutcome(recorded, evaluation, created=True)
        submission.refresh_from_db()
    if submission.status in (SubmissionStatus.GRADED, SubmissionStatus.NEEDS_REVIEW):
        raise Conflict("This submission was already graded.", code="already_graded")
    raise Conflict(
        "The lease of this submission_key expired; the submission went back to the queue.",
        code="lease_expired",
    )
