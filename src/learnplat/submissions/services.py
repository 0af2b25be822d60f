"""Writes of the submissions app: submitting, grading, regrading, deadlines, grader tokens.

Settings read: ``LEARNPLAT["MAX_ANSWER_BYTES"]`` (largest answer, JSON-encoded) and, through
the pipeline, ``LEARNPLAT["EVALUATION"]``::

    LEARNPLAT = {"MAX_ANSWER_BYTES": 16 * 1024}

Every function takes keyword arguments only, runs in one transaction, and defers its side
effects (enqueueing, signals) to ``transaction.on_commit``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from learnplat.conf import settings
from learnplat.courses.deadlines import extension_for, late_score, window_for
from learnplat.courses.models import Course, CourseStatus, Enrollment, Extension, Task
from learnplat.evaluation.base import (
    AnswerError,
    ConfigError,
    EvaluationResult,
    EvaluatorProtocol,
    TestOutcome,
)
from learnplat.evaluation.registry import get_evaluator
from learnplat.exceptions import ServiceError
from learnplat.progress import services as progress_services
from learnplat.progress.models import TaskProgress
from learnplat.submissions import pipeline
from learnplat.submissions.models import (
    Evaluation,
    EvaluationTrigger,
    GraderToken,
    Submission,
    SubmissionStatus,
    hash_grader_secret,
)
from learnplat.submissions.querysets import REGRADE_SCOPES
from learnplat.submissions.signals import send_on_commit, submission_created

IDEMPOTENCY_KEY_MAX_LENGTH = 255


# -- submit --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    #: False when an ``Idempotency-Key`` replay returned the original submission.
    created: bool


def _canonical(answer: Any) -> str:
    return json.dumps(answer, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _answer_bytes(answer: Any) -> int:
    try:
        encoded = json.dumps(answer, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise AnswerError("The answer must be JSON.") from exc
    return len(encoded.encode())


def task_evaluator(task: Task) -> tuple[EvaluatorProtocol, dict[str, Any]]:
    """The evaluator of ``task`` and its normalised config; 409 when neither is usable."""
    try:
        evaluator = get_evaluator(task.kind)
    except LookupError as exc:
        raise ServiceError(
            f"Task kind {task.kind!r} is not available on this site.", code="kind_unavailable"
        ) from exc
    try:
        config = evaluator.validate_config(task.config)
    except ConfigError as exc:
        raise ServiceError(
            "This task's configuration is invalid; course staff must fix it.",
            code="task_misconfigured",
        ) from exc
    return evaluator, config


def grader_queue_for(task: Task) -> str | None:
    """The grader queue of an external kind's task; None when it is evaluated in process
    (or cannot be evaluated at all: the pipeline then records why)."""
    try:
        evaluator, config = task_evaluator(task)
    except ServiceError:
        return None
    if not evaluator.is_external:
        return None
    return str(config.get("queue") or "default")


def normalise_answer(*, task: Task, answer: Any) -> Any:
    """Check an answer's size and shape for ``task``; raise AnswerError (→ 400, no attempt used)."""
    limit = int(settings.MAX_ANSWER_BYTES)
    if _answer_bytes(answer) > limit:
        raise AnswerError(f"The answer is larger than {limit} bytes.")
    evaluator, config = task_evaluator(task)
    return evaluator.validate_answer(answer, config)


def _replay(*, user: Any, task: Task, answer: Any, idempotency_key: str) -> Submission | None:
    """The submission an Idempotency-Key already made, if any; 409 if it was for other data."""
    original = Submission.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if original is None:
        return None
    same = original.task_id == task.pk
    if same:
        try:
            same = _canonical(normalise_answer(task=task, answer=answer)) == _canonical(
                original.answer
            )
        except AnswerError:
            same = False
    if not same:
        raise ServiceError(
            "This Idempotency-Key was already used for a different submission.",
            code="idempotency_key_reused",
        )
    return original


def submit(
    *, user: Any, task: Task, answer: Any, idempotency_key: str | None = None
) -> SubmitResult:
    """Store a student's answer to ``task`` and queue its evaluation.

    Checks, in order: the Idempotency-Key (a replay returns the original submission, even
    after the task closed), an active *student* enrollment (403 ``not_enrolled``; course
    staff are not students), the answer's size and shape (``AnswerError``), the course not
    archived and the user's window (409 ``task_not_open`` / ``task_closed``), prerequisites
    (409 ``prerequisites_unmet``) and the attempt limit (409 ``attempts_exhausted``).

    The user's enrollment row is locked for the transaction, so parallel submits by one
    user are serialised and ``max_attempts`` holds exactly; the unique (user, task, attempt)
    constraint backs it. Evaluation is enqueued and ``submission_created`` sent on commit.
    """
    if idempotency_key is not None:
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise AnswerError(
                f"An Idempotency-Key has 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."
            )
        replay = _replay(user=user, task=task, answer=answer, idempotency_key=idempotency_key)
        if replay is not None:
            return SubmitResult(replay, created=False)
    try:
        return _create_submission(
            user=user, task=task, answer=answer, idempotency_key=idempotency_key
        )
    except IntegrityError:
        # The same key raced in through another course's enrollment lock.
        if idempotency_key is not None:
            replay = _replay(user=user, task=task, answer=answer, idempotency_key=idempotency_key)
            if replay is not None:
                return SubmitResult(replay, created=False)
        raise


@transaction.atomic
def _create_submission(
    *, user: Any, task: Task, answer: Any, idempotency_key: str | None
) -> SubmitResult:
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id=task.course_id, status="active")
        .first()
    )
    if enrollment is None or enrollment.role != "student":
        raise ServiceError(
            "Only students enrolled in this course can submit.",
            code="not_enrolled",
            status_code=403,
        )
    if idempotency_key is not None:
        # Under the lock: a parallel request with the same key has committed by now.
        replay = _replay(user=user, task=task, answer=answer, idempotency_key=idempotency_key)
        if replay is not None:
            return SubmitResult(replay, created=False)
    answer = normalise_answer(task=task, answer=answer)
    now = timezone.now()
    course = Course.objects.only("status").get(pk=task.course_id)
    if course.status == CourseStatus.ARCHIVED:
        raise ServiceError("The course is archived.", code="task_closed")
    window = window_for(task, extension_for(task, user))
    if window.not_open_at(now):
        raise ServiceError("This task is not open yet.", code="task_not_open")
    if window.closed_at(now):
        raise ServiceError("This task is closed.", code="task_closed")
    required = set(task.prerequisites.values_list("pk", flat=True))
    if required - TaskProgress.objects.completed_task_ids(user, required):
        raise ServiceError("Complete this task's prerequisites first.", code="prerequisites_unmet")
    last_attempt = (
        Submission.objects.filter(user=user, task=task).aggregate(last=Max("attempt"))["last"] or 0
    )
    if task.max_attempts is not None and last_attempt >= task.max_attempts:
        raise ServiceError("No attempts left for this task.", code="attempts_exhausted")
    submission = Submission.objects.create(
        user=user,
        task=task,
        course_id=task.course_id,
        attempt=last_attempt + 1,
        answer=answer,
        submitted_at=now,
        queued_at=now,
        is_late=window.is_late(now),
        max_score=task.max_score,
        idempotency_key=idempotency_key,
        grader_queue=grader_queue_for(task),
    )
    progress_services.record_submission(submission=submission)
    if submission.grader_queue is None:
        pipeline.enqueue_on_commit([submission.pk])
    send_on_commit(submission_created, submission=submission)
    return SubmitResult(submission, created=True)


# -- manual grades -------------------------------------------------------------------------


@transaction.atomic
def grade(
    *, submission: Submission, by: Any, score: float, feedback: str = "", reason: str = ""
) -> Submission:
    """Grade a submission by hand, or override its grade: the ``score`` given is final.

    No late deduction is applied to it. Any evaluation in flight loses its lease, so its
    result is discarded. Leaves an Evaluation row (trigger ``manual``) and sends
    ``grade_changed`` on commit.
    """
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course")
        .get(pk=submission.pk)
    )
    if not 0 <= score <= locked.max_score:
        raise ValueError(f"score must be between 0 and {locked.max_score}.")
    now = timezone.now()
    previous_score = locked.score
    locked.status = SubmissionStatus.GRADED
    locked.raw_score = score
    locked.score = score
    locked.feedback = feedback
    locked.evaluated_at = now
    locked.manually_graded = True
    locked.lease_token = None
    locked.lease_expires_at = None
    locked.not_before = None
    locked.last_error = ""
    locked.save(
        update_fields=[
            "status",
            "raw_score",
            "score",
            "feedback",
            "evaluated_at",
            "manually_graded",
            "lease_token",
            "lease_expires_at",
            "not_before",
            "last_error",
        ]
    )
    evaluation = Evaluation.objects.create(
        submission=locked,
        trigger=EvaluationTrigger.MANUAL,
        triggered_by=by,
        evaluator="manual",
        reason=reason,
        raw_score=score,
        score=score,
        max_score=locked.max_score,
        feedback=feedback,
        started_at=now,
        finished_at=now,
    )
    pipeline.announce_grade(locked, evaluation, previous_score=previous_score, always=True)
    return locked


# -- regrades ------------------------------------------------------------------------------


@transaction.atomic
def regrade(*, submission_ids: Sequence[int], by: Any = None) -> int:
    """Queue a fresh evaluation of each submission; returns how many were queued.

    The current score stays on the row until the new result lands (then the signals run as
    for any evaluation); progress hears of the status change at once (``record_result``). An
    evaluation in flight loses its lease. The pending evaluation runs against the task's
    current kind, config and deadlines.
    """
    ids = list(submission_ids)
    if not ids:
        return 0
    now = timezone.now()
    rows = Submission.objects.select_for_update().filter(pk__in=ids)
    task_ids = set(rows.values_list("task_id", flat=True))
    in_process: list[int] = []
    queued = 0
    for task in Task.objects.filter(pk__in=task_ids):
        grader_queue = grader_queue_for(task)
        of_task = list(rows.filter(task=task).values_list("pk", flat=True))
        queued += Submission.objects.filter(pk__in=of_task).update(
            status=SubmissionStatus.QUEUED,
            evaluation_trigger=EvaluationTrigger.REGRADE,
            evaluation_requested_by=by,
            grader_queue=grader_queue,
            queued_at=now,
            not_before=None,
            lease_token=None,
            lease_expires_at=None,
            tries=0,
            last_error="",
        )
        if grader_queue is None:
            in_process += of_task
    for submission in Submission.objects.filter(pk__in=ids).select_related("task", "course"):
        progress_services.record_result(submission=submission)
    pipeline.enqueue_on_commit(in_process)
    return queued


def regrade_task(
    *,
    task: Task,
    scope: str = "latest",
    by: Any = None,
    user: Any = None,
    include_manual: bool = False,
    batch_size: int = 200,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Regrade a task's submissions: each student's ``latest`` or ``best`` one, or ``all``.

    Submissions graded by hand keep their grade unless ``include_manual``. Works in batches
    of ``batch_size`` (one transaction each), calling ``on_progress(done, total)`` after
    each; returns how many were queued.
    """
    if scope not in REGRADE_SCOPES:
        raise ValueError(f"scope must be one of {REGRADE_SCOPES}.")
    targets = Submission.objects.filter(task=task)
    if user is not None:
        targets = targets.filter(user=user)
    targets = targets.in_regrade_scope(scope)
    if not include_manual:
        targets = targets.filter(manually_graded=False)
    ids = list(targets.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += regrade(submission_ids=ids[start : start + batch_size], by=by)
        if on_progress is not None:
            on_progress(min(start + batch_size, len(ids)), len(ids))
    return done


@transaction.atomic
def requeue(*, submissions: QuerySet[Submission]) -> int:
    """Retry ``queued`` and ``failed`` submissions now (the admin's "requeue" action).

    Rows being evaluated or already graded are left alone (the sweeper and regrade cover
    those). Failed rows start again with a fresh count of tries.
    """
    now = timezone.now()
    # Lock the submission rows only (the caller's queryset may join users, tasks, courses).
    ids = list(
        Submission.objects.select_for_update()
        .filter(
            pk__in=list(submissions.values_list("pk", flat=True)),
            status__in=[SubmissionStatus.QUEUED, SubmissionStatus.FAILED],
        )
        .values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=ids, status=SubmissionStatus.FAILED).update(
        status=SubmissionStatus.QUEUED, tries=0
    )
    Submission.objects.filter(pk__in=ids).update(queued_at=now, not_before=None)
    pipeline.enqueue_on_commit(
        Submission.objects.filter(pk__in=ids).in_process().values_list("pk", flat=True)
    )
    return len(ids)


# -- deadlines -----------------------------------------------------------------------------


@transaction.atomic
def recompute_lateness(*, user: Any, course: Course, task: Task | None = None) -> int:
    """Re-apply deadlines after a user's extension changed; returns how many grades changed.

    Call it after creating, changing or deleting an Extension (of ``task``, or course-wide
    when ``task`` is None). ``is_late`` and the late deduction are recomputed from the
    stored raw score; manual grades keep their score. Each changed grade leaves an
    Evaluation row (trigger ``deadline``) and sends ``grade_changed`` on commit.
    """
    submissions = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course")
        .filter(user=user, course=course)
        .order_by("pk")
    )
    if task is not None:
        submissions = submissions.filter(task=task)
    extensions = list(Extension.objects.filter(user=user, course=course))
    course_wide = next((e for e in extensions if e.task_id is None), None)
    by_task = {e.task_id: e for e in extensions if e.task_id is not None}
    now = timezone.now()
    changed = 0
    for submission in submissions:
        window = window_for(submission.task, by_task.get(submission.task_id, course_wide))
        is_late = window.is_late(submission.submitted_at)
        score = submission.score
        if submission.raw_score is not None and not submission.manually_graded:
            score = late_score(
                submission.raw_score,
                task=submission.task,
                window=window,
                submitted_at=submission.submitted_at,
            )
        if is_late == submission.is_late and score == submission.score:
            continue
        previous_score = submission.score
        submission.is_late, submission.score = is_late, score
        submission.save(update_fields=["is_late", "score"])
        if score == previous_score:
            continue
        changed += 1
        evaluation = Evaluation.objects.create(
            submission=submission,
            trigger=EvaluationTrigger.DEADLINE,
            evaluator="deadline",
            reason="The deadline changed.",
            raw_score=submission.raw_score,
            score=score,
            max_score=submission.max_score,
            feedback=submission.feedback,
            started_at=now,
            finished_at=now,
        )
        pipeline.announce_grade(submission, evaluation, previous_score=previous_score)
    return changed


# -- external graders ----------------------------------------------------------------------


GRADER_SECRET_PREFIX = "lpg_"  # noqa: S105 - a marker, not a secret


def create_grader_token(*, name: str, queues: Iterable[str]) -> tuple[GraderToken, str]:
    """Create a grader token; returns it with its secret, which is never stored or shown again."""
    secret = GRADER_SECRET_PREFIX + secrets.token_urlsafe(32)
    token = GraderToken.objects.create(
        name=name,
        queues=list(queues),
        token_hash=hash_grader_secret(secret),
        prefix=secret[:12],
    )
    return token, secret


def set_grader_secret(token: GraderToken) -> str:
    """Give ``token`` a fresh secret (the admin's "create" and rotation); returns the secret."""
    secret = GRADER_SECRET_PREFIX + secrets.token_urlsafe(32)
    token.token_hash = hash_grader_secret(secret)
    token.prefix = secret[:12]
    return secret


class UnknownSubmissionKey(LookupError):
    """A ``submission_key`` that names nothing this grader may see (→ 404)."""


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
    nothing this grader serves raises :class:`UnknownSubmissionKey`.
    """
    parsed = pipeline.Claim.from_key(submission_key)
    if parsed is None:
        raise UnknownSubmissionKey(submission_key)
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
            raise UnknownSubmissionKey(submission_key)
        if previous.result.get("posted") != posted:
            raise ServiceError(
                "A different result was already recorded for this submission_key.",
                code="already_graded",
            )
        assert submission is not None  # the evaluation cascades with it
        return GraderOutcome(submission, previous, created=False)
    if submission is None or not grader.serves(submission.grader_queue or ""):
        raise UnknownSubmissionKey(submission_key)
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
        recorded = pipeline.record_result(
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
        raise ServiceError("This submission was already graded.", code="already_graded")
    raise ServiceError(
        "The lease of this submission_key expired; the submission went back to the queue.",
        code="lease_expired",
    )
