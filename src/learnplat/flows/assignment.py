"""Grader assignment and claims (decision 0022).

- :func:`assign`: an instructor hands a course's unassigned ``needs_review`` submissions
  (of one task, or all) round-robin to chosen graders, oldest first. The rows are locked
  (``SELECT ... FOR UPDATE``) and re-read under the lock, so two assigns at once never hand
  out the same submission twice: the second waits for the first and then sees its rows as
  assigned. Each grader who got any (other than the one assigning) is notified once
  (``grading_assigned``), in the same transaction.
- :func:`claim`: a grader says "I am grading this one now". ONE conditional UPDATE takes the
  claim where nobody holds an unexpired one (or the caller already does, which renews it), so
  of any number of graders claiming at once exactly one wins; the others get 409
  ``already_claimed``. A claim expires after ``LEARNPLAT["GRADING"]["CLAIM_TTL_SECONDS"]``.
- :func:`release`: drops the caller's claim; instructors and platform admins may also break
  another grader's claim. Releasing what is not claimed (or expired) is a no-op.

Grading (:func:`learnplat.flows.grading.grade`) refuses a submission someone else holds an
unexpired claim on and clears the claim of the one it grades.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from learnplat.courses.choices import CourseRole
from learnplat.courses.models import Course, Enrollment, Task
from learnplat.exceptions import Conflict, InvalidInput
from learnplat.flows import notify as notify_flow
from learnplat.notifications.choices import NotificationKind
from learnplat.roles import is_platform_admin
from learnplat.serializers import course_summary_json
from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Submission
from learnplat.submissions.querysets import claim_holds, claim_ttl


def claim_expiry(now: datetime | None = None) -> datetime:
    """Claims taken before this moment have expired."""
    return (now or timezone.now()) - claim_ttl()


def held_by_other(submission: Submission, user: Any, *, now: datetime | None = None) -> bool:
    """Whether someone other than ``user`` holds an unexpired claim on ``submission``."""
    return claim_holds(submission, now=now) and submission.claimed_by_id != getattr(
        user, "pk", None
    )


def already_claimed() -> Conflict:
    return Conflict("Another grader is grading this submission.", code="already_claimed")


# -- assignment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """What :func:`assign` did: how many submissions in all, and per grader (in the order
    the graders were given)."""

    assigned: int
    graders: list[tuple[int, int]]


def _grader_ids(graders: Any) -> list[int]:
    if not isinstance(graders, list | tuple) or not graders:
        raise InvalidInput({"graders": ["Name at least one grader."]})
    ids: list[int] = []
    for value in graders:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidInput({"graders": ["A list of user ids."]})
        if value not in ids:
            ids.append(value)
    return ids


@transaction.atomic
def assign(
    *, course: Course, by: Any, graders: Sequence[int], task: Task | int | None = None
) -> Assignment:
    """Assign ``course``'s unassigned ``needs_review`` submissions (of ``task`` if given)
    round-robin to ``graders`` (user ids, each an active instructor or assistant of the
    course), oldest first.

    400 on ``graders`` when the list is empty or names anyone else, on ``task`` for a task
    of another course; nothing is written then.
    """
    ids = _grader_ids(list(graders) if isinstance(graders, list | tuple) else graders)
    staff = set(
        Enrollment.objects.staff()
        .filter(course=course, user_id__in=ids)
        .values_list("user_id", flat=True)
    )
    strangers = [pk for pk in ids if pk not in staff]
    if strangers:
        raise InvalidInput(
            {
                "graders": [
                    "Not active staff of this course: "
                    + ", ".join(str(pk) for pk in strangers)
                    + "."
                ]
            }
        )
    task_id: int | None = None
    if task is not None:
        task_id = task if isinstance(task, int) else task.pk
        if not Task.objects.filter(pk=task_id, course=course).exists():
            raise InvalidInput({"task": ["No such task in this course."]})
    rows = Submission.objects.filter(
        course=course, status=SubmissionStatus.NEEDS_REVIEW, assigned_to__isnull=True
    )
    if task_id is not None:
        rows = rows.filter(task_id=task_id)
    # Locked and filtered again under the lock: a concurrent assign's rows drop out here.
    pending = list(
        rows.select_for_update(skip_locked=False)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
    )
    shares: dict[int, list[int]] = {pk: [] for pk in ids}
    for index, submission_id in enumerate(pending):
        shares[ids[index % len(ids)]].append(submission_id)
    for grader_id, submission_ids in shares.items():
        if submission_ids:
            Submission.objects.filter(pk__in=submission_ids).update(assigned_to_id=grader_id)
    data: dict[str, Any] = {
        "course": course_summary_json(course),
        "task": None,
        "assigned_by": getattr(by, "username", None),
    }
    if task_id is not None:
        title = Task.objects.filter(pk=task_id).values_list("title", flat=True).first()
        data["task"] = {"id": task_id, "title": str(title)}
    for grader_id, submission_ids in shares.items():
        if submission_ids and grader_id != getattr(by, "pk", None):
            notify_flow.notify(
                user_id=grader_id,
                kind=NotificationKind.GRADING_ASSIGNED,
                data={**data, "count": len(submission_ids)},
            )
    return Assignment(assigned=len(pending), graders=[(pk, len(shares[pk])) for pk in ids])


# -- claims ----------------------------------------------------------------------------------


def claim(*, submission: Submission, by: Any) -> Submission:
    """Take (or renew) ``by``'s claim on ``submission``; 409 ``already_claimed`` when another
    grader holds an unexpired one. One conditional UPDATE decides, so it is exact however
    many graders claim at once."""
    now = timezone.now()
    taken = (
        Submission.objects.filter(pk=submission.pk)
        .filter(Q(claimed_by__isnull=True) | Q(claimed_by=by) | Q(claimed_at__lt=claim_expiry(now)))
        .update(claimed_by=by, claimed_at=now)
    )
    if not taken:
        raise already_claimed()
    submission.claimed_by = by
    submission.claimed_at = now
    return submission


def may_break_claims(user: Any, course_id: int) -> bool:
    """Instructors of the course and platform admins may release another grader's claim."""
    return is_platform_admin(user) or (
        Enrollment.objects.role_of(user, course_id) == CourseRole.INSTRUCTOR
    )


def release(*, submission: Submission, by: Any) -> None:
    """Drop the claim on ``submission``: ``by``'s own, or (for instructors and platform
    admins) anyone's. An assistant releasing another grader's unexpired claim gets 409
    ``already_claimed``. Nothing claimed, or an expired claim: nothing to do."""
    rows = Submission.objects.filter(pk=submission.pk, claimed_by__isnull=False)
    if not may_break_claims(by, submission.course_id):
        # Someone else's expired claim may go too: it no longer holds anything.
        rows = rows.filter(Q(claimed_by=by) | Q(claimed_at__lt=claim_expiry()))
        if not rows.update(claimed_by=None, claimed_at=None):
            current = Submission.objects.filter(pk=submission.pk).values("claimed_by_id").first()
            if current and current["claimed_by_id"] not in (None, by.pk):
                raise already_claimed()
        return
    rows.update(claimed_by=None, claimed_at=None)
