"""Regrade requests: a student asks staff to look at a released grade again; staff answer.

- :func:`file_request`: the submission's owner asks, with a reason. 409 ``not_graded``
  while the submission has no standing grade (queued, evaluating, needs_review, failed),
  409 ``not_released`` before the task's scores are released to that student (their
  effective due date, extensions included, decides an ``after_due`` task), 409
  ``regrade_request_open`` while another request of the submission is open.
- :func:`resolve_request`: course staff accept (optionally with a new ``score``, recorded
  through :func:`learnplat.flows.grading.grade` with the request's reason) or reject (a
  ``response`` is then required). 409 ``regrade_request_closed`` once it was answered.

Both lock the submission row first, so two students' tabs filing at once, or two staff
answering at once, queue behind each other and the second sees what the first did; the
partial unique constraint ``lp_regraderequest_one_open`` backs the one-open rule where a
database has no row locks. Notifications (``regrade_request_created`` to the course's
instructors and assistants, ``regrade_request_resolved`` to the student) are written in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from learnplat.adapter import get_adapter
from learnplat.courses.deadlines import effective_window
from learnplat.courses.models import Enrollment
from learnplat.courses.release import is_released
from learnplat.courses.validation import check_description
from learnplat.exceptions import Conflict, Forbidden, InvalidInput
from learnplat.flows import events, grading
from learnplat.flows import notify as notify_flow
from learnplat.notifications.choices import NotificationKind
from learnplat.serializers import course_summary_json, user_summary_json
from learnplat.submissions.choices import RegradeRequestStatus, SubmissionStatus
from learnplat.submissions.models import RegradeRequest, Submission


def _text(value: Any, *, field: str, required: bool) -> str:
    if not isinstance(value, str):
        raise InvalidInput({field: ["Must be a string."]})
    text = value.strip()
    if required and not text:
        raise InvalidInput({field: ["This field may not be blank."]})
    check_description(text, field=field)
    return text


def _lock_submission(submission: Submission | int) -> Submission:
    pk = submission if isinstance(submission, int) else submission.pk
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course", "user")
        .get(pk=pk)
    )


def _summary(request: RegradeRequest, submission: Submission) -> dict[str, Any]:
    """What both notifications say about the request."""
    task, course = submission.task, submission.course
    return {
        "regrade_request": request.pk,
        "submission": submission.pk,
        "attempt": submission.attempt,
        "task": {"id": task.pk, "title": str(task.title)},
        "course": course_summary_json(course),
    }


@transaction.atomic
def file_request(
    *,
    submission: Submission,
    user: Any,
    reason: str,
    extra: Mapping[str, Any] | None = None,
) -> RegradeRequest:
    """Ask for a regrade of ``submission`` (which must be ``user``'s) because of ``reason``.

    The adapter's ``save_extra()`` gets the new request (key ``regrade_request_create``).
    """
    text = _text(reason, field="reason", required=True)
    locked = _lock_submission(submission)
    if not locked.is_owned_by(user):
        raise Forbidden("Only the submission's owner may ask for a regrade.")
    if locked.status != SubmissionStatus.GRADED or locked.score is None:
        raise Conflict("This submission has no grade to look at again yet.", code="not_graded")
    due_at = effective_window(locked.task, locked.user).due_at
    if not is_released(locked.task, effective_due_at=due_at):
        raise Conflict("The grade of this task is not released yet.", code="not_released")
    if RegradeRequest.objects.filter(submission=locked, status=RegradeRequestStatus.OPEN).exists():
        raise _already_open()
    try:
        # The savepoint keeps the transaction usable when the constraint refuses the row.
        with transaction.atomic():
            request = RegradeRequest.objects.create(
                submission=locked,
                # The member who asked (on a group's submission, maybe not its submitter).
                user_id=user.pk,
                course_id=locked.course_id,
                task_id=locked.task_id,
                reason=text,
                old_score=locked.score,
            )
    except IntegrityError as exc:
        raise _already_open() from exc
    get_adapter().save_extra(key="regrade_request_create", instance=request, data=dict(extra or {}))
    events.regrade_request_created(request=request, submission=locked)
    data = {
        **_summary(request, locked),
        "student": user_summary_json(locked.user),
        "reason": text,
        "score": locked.score,
        "max_score": locked.max_score,
    }
    staff = (
        Enrollment.objects.staff()
        .filter(course_id=locked.course_id)
        .exclude(user_id=locked.user_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    for staff_id in staff:
        notify_flow.notify(
            user_id=staff_id, kind=NotificationKind.REGRADE_REQUEST_CREATED, data=data
        )
    return request


def _already_open() -> Conflict:
    return Conflict(
        "A regrade request of this submission is already open.", code="regrade_request_open"
    )


@transaction.atomic
def resolve_request(
    *,
    regrade_request: RegradeRequest,
    by: Any,
    accept: bool,
    response: str = "",
    score: float | None = None,
    extra: Mapping[str, Any] | None = None,
) -> RegradeRequest:
    """Answer an open request: accept it (with ``score``, a manual grade of the submission
    with the request's reason, whose feedback is the ``response`` when there is one; without,
    the grade stays) or reject it with a ``response``.

    400 on ``score`` when rejecting with one or when it is outside 0 to ``max_score``, on
    ``response`` when rejecting without one; nothing is written then. The adapter's
    ``save_extra()`` gets the answered request (key ``regrade_request_resolve``).
    """
    if not isinstance(accept, bool):
        raise InvalidInput({"accept": ["Must be a boolean."]})
    text = _text(response, field="response", required=not accept)
    if score is not None and not accept:
        raise InvalidInput({"score": ["Only an accepted request changes the score."]})
    # The submission first, as file_request and grade() lock it: one order, no deadlock.
    submission = _lock_submission(regrade_request.submission_id)
    locked = RegradeRequest.objects.select_for_update(of=("self",)).get(pk=regrade_request.pk)
    if locked.status != RegradeRequestStatus.OPEN:
        raise Conflict(
            f"This regrade request was already {locked.status}.", code="regrade_request_closed"
        )
    if score is not None:
        submission = grading.grade(
            submission=submission,
            by=by,
            score=score,
            # The answer explains the new score; without one the old feedback stays.
            feedback=text or submission.feedback,
            reason=locked.reason,
        )
    locked.status = RegradeRequestStatus.ACCEPTED if accept else RegradeRequestStatus.REJECTED
    locked.response = text
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    locked.new_score = submission.score
    locked.save(update_fields=["status", "response", "resolved_by", "resolved_at", "new_score"])
    get_adapter().save_extra(key="regrade_request_resolve", instance=locked, data=dict(extra or {}))
    events.regrade_request_resolved(request=locked, submission=submission)
    notify_flow.notify(
        user_id=locked.user_id,
        kind=NotificationKind.REGRADE_REQUEST_RESOLVED,
        data={
            **_summary(locked, submission),
            "status": locked.status,
            "response": text,
            "old_score": locked.old_score,
            "new_score": locked.new_score,
            "max_score": submission.max_score,
        },
    )
    return locked
