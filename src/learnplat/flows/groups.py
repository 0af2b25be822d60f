"""Student groups: who a submission counts for.

:func:`submitter_for` is what ``flows.submit`` asks first: the :class:`Submitter` (one
student, or a group of them) whose attempts, daily budget and late days a submission
draws on, with every member's enrollment row locked.

Lock order (decision 0030). A group submission locks the group row first, then the active
enrollment rows of every member *including the submitter*, in user-id order
(:func:`lock_group_of`, which ``flows.submit`` calls before it locks the submitter's own
row; that later lock, and the ones :func:`submitter_for` takes, are then re-locks of rows
this transaction holds and never wait). Why this cannot deadlock:

- Nothing waits for a group row while holding an enrollment row: group rows come first.
  (Locking the group after the submitter's own enrollment, as the submit flow did before,
  deadlocks two members of one group submitting at once: each holds their own row and the
  one with the group row waits for the other's.)
- Enrollment rows are always taken in user-id order, by one ``ORDER BY user_id ... FOR
  UPDATE`` query: two groups sharing members (two group sets) ask for them in the same order.
- A member's solo submission to another task locks that member's own row only, and waits for
  nothing after it, so it can delay a group submission but never close a cycle.
- The join and leave flows lock the group row alone (and check ``locked_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from learnplat.courses.choices import CourseRole, EnrollmentStatus
from learnplat.courses.models import Enrollment, GroupMembership, GroupSet, StudentGroup, Task
from learnplat.exceptions import Conflict
from learnplat.submissions.models import Submission

#: How often :func:`lock_group_of` looks again when the user moved groups meanwhile.
_LOCK_TRIES = 3


@dataclass(frozen=True)
class Submitter:
    """Who a submission counts for: ``user`` alone, or every member of ``group``."""

    user: Any
    #: The user's locked, active student enrollment.
    enrollment: Enrollment
    group: StudentGroup | None = None
    #: The user ids the submission counts for (the user alone without a group).
    member_ids: tuple[int, ...] = ()

    @property
    def user_ids(self) -> tuple[int, ...]:
        return self.member_ids or (self.user.pk,)


def _group_id_of(task: Task, user: Any) -> int | None:
    return (
        GroupMembership.objects.filter(group_set_id=task.group_set_id, user=user)
        .values_list("group_id", flat=True)
        .first()
    )


def _active_members(task: Task, group: StudentGroup) -> QuerySet[Enrollment]:
    """The active student enrollments in the task's course of the group's members."""
    return Enrollment.objects.filter(
        course_id=task.course_id,
        status=EnrollmentStatus.ACTIVE,
        role=CourseRole.STUDENT,
        user_id__in=GroupMembership.objects.filter(group=group).values("user_id"),
    )


def lock_group_of(*, task: Task, user: Any) -> StudentGroup | None:
    """Lock ``user``'s group in ``task``'s group set and then its members' active enrollment
    rows in user-id order; None (nothing locked) for a task without a group set or a user
    without a group. Call it before any enrollment row of the course is locked."""
    if task.group_set_id is None:
        return None
    for _ in range(_LOCK_TRIES):
        group_id = _group_id_of(task, user)
        if group_id is None:
            return None
        group = StudentGroup.objects.select_for_update().filter(pk=group_id).first()
        # Under the group's lock membership cannot change: if the user is still in it, the
        # members read next are the ones the submission counts for.
        if group is not None and _group_id_of(task, user) == group_id:
            list(
                _active_members(task, group)
                .select_for_update()
                .order_by("user_id")
                .values_list("pk", flat=True)
            )
            return group
    # Moved between groups three times while we looked: treat it as contention.
    raise Conflict("Your group changed; try again.", code="group_required")


def submitter_for(*, task: Task, user: Any, enrollment: Enrollment) -> Submitter:
    """The submitter of ``user``'s submission to ``task``, called under ``enrollment``'s lock
    (and, for a group task, after :func:`lock_group_of`).

    A task without a group set: the user alone. A task with one: the user's group in that
    set, which must have at least ``min_size`` members with an active enrollment (else 409
    ``group_required``). The group's first submission sets ``locked_at``: membership is
    frozen from then on. ``member_ids`` are the members with an active student enrollment
    (a member who left the course stops sharing: their bank is not charged, their row not
    locked), in user-id order, their enrollment rows locked.
    """
    if task.group_set_id is None:
        return Submitter(user=user, enrollment=enrollment)
    group_id = _group_id_of(task, user)
    group = (
        None
        if group_id is None
        else StudentGroup.objects.select_for_update().filter(pk=group_id).first()
    )
    if group is None:
        raise Conflict("This is a group task: join a group first.", code="group_required")
    member_ids = tuple(
        _active_members(task, group)
        .select_for_update()
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    min_size = GroupSet.objects.values_list("min_size", flat=True).get(pk=task.group_set_id)
    if len(member_ids) < min_size:
        raise Conflict(
            f"Your group needs at least {min_size} members to submit.", code="group_required"
        )
    if group.locked_at is None:
        group.locked_at = timezone.now()
        group.save(update_fields=["locked_at", "modified"])
    return Submitter(user=user, enrollment=enrollment, group=group, member_ids=member_ids)


def own_last_attempt(*, task: Task, submitter: Submitter) -> int:
    """For a group submitter: the highest attempt number the submitting user already has at
    ``task`` in other groups (or alone, before the task had a group set), which the group's
    next number must pass to keep (user, task, attempt) unique; 0 otherwise (no query)."""
    if submitter.group is None:
        return 0
    rows = Submission.objects.filter(task=task, user=submitter.user).exclude(group=submitter.group)
    return int(rows.aggregate(last=Max("attempt"))["last"] or 0)


def owner_ids(submission: Submission) -> list[int]:
    """Who a submission belongs to: its user and, on a group submission, every member of the
    group (they share its attempts, its grade and its thread), in id order."""
    user_ids = {submission.user_id}
    if submission.group_id is not None:
        user_ids.update(
            GroupMembership.objects.filter(group_id=submission.group_id).values_list(
                "user_id", flat=True
            )
        )
    return sorted(user_ids)
