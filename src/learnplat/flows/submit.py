"""Submitting an answer: ``submit()`` and the checks it makes.

Settings read: ``LEARNPLAT["MAX_ANSWER_BYTES"]`` (largest answer, JSON-encoded)::

    LEARNPLAT = {"MAX_ANSWER_BYTES": 16 * 1024}

``submit()`` runs in one transaction with the student's enrollment row locked, and defers
its side effects (enqueueing the evaluation, ``submission_created``) to the commit. In that
transaction the adapter (``LEARNPLAT["ADAPTER"]``) receives the extra fields of
``submission_create`` (``save_extra()``), then ``after_submit()``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from learnplat import context, tracing
from learnplat.adapter import get_adapter
from learnplat.conf import settings
from learnplat.courses.choices import CourseRole, CourseStatus, EnrollmentStatus
from learnplat.courses.deadlines import effective_window
from learnplat.courses.models import Course, Enrollment, Task
from learnplat.evaluation.base import AnswerError, ConfigError, EvaluatorProtocol
from learnplat.evaluation.registry import get_evaluator
from learnplat.exceptions import Conflict, Forbidden, InvalidInput
from learnplat.flows import anonymity, budgets, evaluate, events, groups, late_days, progress, timed
from learnplat.progress.models import TaskProgress
from learnplat.signals import send_on_commit
from learnplat.submissions.models import IDEMPOTENCY_KEY_MAX_LENGTH, Submission
from learnplat.submissions.signals import submission_created

logger = logging.getLogger("learnplat.submissions")


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
        raise InvalidInput({"answer": ["The answer must be JSON."]}) from exc
    return len(encoded.encode())


def task_evaluator(task: Task) -> tuple[EvaluatorProtocol, dict[str, Any]]:
    """The evaluator of ``task`` and its normalised config; 409 when neither is usable."""
    try:
        evaluator = get_evaluator(task.kind)
    except LookupError as exc:
        raise Conflict(
            f"Task kind {task.kind!r} is not available on this site.", code="kind_unavailable"
        ) from exc
    try:
        config = evaluator.validate_config(task.config)
    except ConfigError as exc:
        raise Conflict(
            "This task's configuration is invalid; course staff must fix it.",
            code="task_misconfigured",
        ) from exc
    return evaluator, config


def grader_queue_for(task: Task) -> str | None:
    """The grader queue of an external kind's task; None when it is evaluated in process
    (or cannot be evaluated at all: the pipeline then records why)."""
    try:
        evaluator, config = task_evaluator(task)
    except Conflict:
        return None
    if not evaluator.is_external:
        return None
    return str(config.get("queue") or "default")


def normalise_answer(*, task: Task, answer: Any) -> Any:
    """Check an answer's size and shape for ``task``: 400 ``{"answer": [...]}`` (no attempt
    used) when the evaluator refuses it."""
    limit = int(settings.MAX_ANSWER_BYTES)
    if _answer_bytes(answer) > limit:
        raise InvalidInput({"answer": [f"The answer is larger than {limit} bytes."]})
    evaluator, config = task_evaluator(task)
    try:
        return evaluator.validate_answer(answer, config)
    except AnswerError as exc:
        # The evaluator protocol's own error (plain Python, no HTTP), as the field error.
        raise InvalidInput({"answer": [exc.message]}) from exc


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
        except InvalidInput:
            same = False
    if not same:
        raise Conflict(
            "This Idempotency-Key was already used for a different submission.",
            code="idempotency_key_reused",
        )
    return original


def submit(
    *,
    user: Any,
    task: Task,
    answer: Any,
    idempotency_key: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> SubmitResult:
    """Store a student's answer to ``task`` and queue its evaluation.

    Checks, in order: the Idempotency-Key (a replay returns the original submission, even
    after the task closed), an active *student* enrollment (403 ``not_enrolled``; course
    staff are not students), the answer's size and shape (400 ``answer``), the course not
    archived and the user's window (409 ``task_not_open`` / ``task_closed``), prerequisites
    (409 ``prerequisites_unmet``) and the attempt limit (409 ``attempts_exhausted``).

    The user's enrollment row is locked for the transaction, so parallel submits by one
    user are serialised and ``max_attempts`` holds exactly; the unique (user, task, attempt)
    constraint backs it. On an anonymously graded task the student gets their pseudonym
    (``flows.anonymity.ensure_pseudonym``) in the same transaction. Evaluation is enqueued
    and ``submission_created`` sent on commit.
    """
    with tracing.span("learnplat.submit", task_id=task.pk, course_id=task.course_id) as current:
        result = _submit(
            user=user, task=task, answer=answer, idempotency_key=idempotency_key, extra=extra
        )
        current.set_attributes(
            {
                "learnplat.submission_id": result.submission.pk,
                "learnplat.attempt": result.submission.attempt,
                "learnplat.outcome": "created" if result.created else "replayed",
            }
        )
        return result


def _submit(
    *,
    user: Any,
    task: Task,
    answer: Any,
    idempotency_key: str | None,
    extra: Mapping[str, Any] | None,
) -> SubmitResult:
    if idempotency_key is not None:
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise InvalidInput(
                {"Idempotency-Key": [f"1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]}
            )
        replay = _replay(user=user, task=task, answer=answer, idempotency_key=idempotency_key)
        if replay is not None:
            return SubmitResult(replay, created=False)
    try:
        return _create_submission(
            user=user, task=task, answer=answer, idempotency_key=idempotency_key, extra=extra
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
    *,
    user: Any,
    task: Task,
    answer: Any,
    idempotency_key: str | None,
    extra: Mapping[str, Any] | None,
) -> SubmitResult:
    # A group task locks the group and its members' rows first (flows.groups: lock order).
    groups.lock_group_of(task=task, user=user)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id=task.course_id, status=EnrollmentStatus.ACTIVE)
        .first()
    )
    if enrollment is None or enrollment.role != CourseRole.STUDENT:
        raise Forbidden("Only students enrolled in this course can submit.", code="not_enrolled")
    if idempotency_key is not None:
        # Under the lock: a parallel request with the same key has committed by now.
        replay = _replay(user=user, task=task, answer=answer, idempotency_key=idempotency_key)
        if replay is not None:
            return SubmitResult(replay, created=False)
    answer = normalise_answer(task=task, answer=answer)
    now = timezone.now()
    course = Course.objects.only("status").get(pk=task.course_id)
    if course.status == CourseStatus.ARCHIVED:
        raise Conflict("The course is archived.", code="task_closed")
    window = effective_window(task, user)
    if window.not_open_at(now):
        raise Conflict("This task is not open yet.", code="task_not_open")
    if window.closed_at(now):
        raise Conflict("This task is closed.", code="task_closed")
    required = set(task.prerequisites.values_list("pk", flat=True))
    if required - TaskProgress.objects.completed_task_ids(user, required):
        raise Conflict("Complete this task's prerequisites first.", code="prerequisites_unmet")
    submitter = groups.submitter_for(task=task, user=user, enrollment=enrollment)
    timed.check_timer(task=task, user=user, now=now)
    previous = Submission.objects.of_submitter(task=task, submitter=submitter)
    used = previous.aggregate(n=Count("pk"), last=Max("attempt"))
    if task.max_attempts is not None and used["n"] >= task.max_attempts:
        raise Conflict("No attempts left for this task.", code="attempts_exhausted")
    budgets.check_daily_limit(task=task, submitter=submitter, now=now)
    submission = Submission.objects.create(
        user=user,
        task=task,
        course_id=task.course_id,
        group=submitter.group,
        attempt=max(used["last"] or 0, groups.own_last_attempt(task=task, submitter=submitter)) + 1,
        answer=answer,
        submitted_at=now,
        queued_at=now,
        is_late=window.is_late(now),
        late_days_used=late_days.spend_for_submission(
            task=task, submitter=submitter, window=window, submitted_at=now
        ),
        max_score=task.max_score,
        idempotency_key=idempotency_key,
        grader_queue=grader_queue_for(task),
    )
    context.bind(submission_id=submission.pk)
    progress.record_submission(submission=submission)
    if task.anonymous_grading:
        anonymity.ensure_pseudonym(task=task, user=user)
    adapter = get_adapter()
    adapter.save_extra(key="submission_create", instance=submission, data=dict(extra or {}))
    adapter.after_submit(submission=submission)
    if submission.grader_queue is None:
        evaluate.enqueue_on_commit([submission.pk])
    events.submission_created(submission=submission)
    send_on_commit(submission_created, sender=Submission, submission=submission)
    logger.info(
        "Submission %s accepted (task %s, attempt %s).", submission.pk, task.pk, submission.attempt
    )
    return SubmitResult(submission, created=True)
