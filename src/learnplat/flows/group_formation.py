"""Forming groups: group sets, groups, invitations, joining and leaving.

(docs/accommodations.md, "Groups"; decision 0029.) Submitting as a group is
:mod:`learnplat.flows.groups`.

Membership changes are exact under concurrency because each one locks the group row first,
the lock the submit flow takes first too (decision 0030), and only then reads what it
checks: the group's ``locked_at`` (its first submission froze it), its member count against
the set's ``max_size``, and the set's ``self_signup``. The set row is locked second, so a
staff change of ``max_size`` (which locks the set row alone and checks every group's size)
and a join cannot pass each other. A student in two groups of one set at once is refused by
the database (``lp_groupmembership_one_per_set``); that race is the one check without a
row lock, and its ``IntegrityError`` is the 409 ``already_in_group`` the check gives.

Lock order: group, then set. Nothing here locks an enrollment row, and the submit flow
never locks a set row, so neither can wait on the other in a cycle.

A new invitation tells the invitee (``group_invitation``, ``flows.notify``) in the
invitation's transaction, as every notification is made; its e-mail goes on commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from learnplat import cache
from learnplat.adapter import get_adapter
from learnplat.courses.choices import InvitationStatus
from learnplat.courses.models import (
    Course,
    Enrollment,
    GroupInvitation,
    GroupMembership,
    GroupSet,
    StudentGroup,
    Task,
)
from learnplat.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from learnplat.flows import NOT_GIVEN, NotGiven
from learnplat.flows import notify as notify_flow
from learnplat.notifications.choices import NotificationKind
from learnplat.serializers import course_summary_json, user_summary_json

__all__ = [
    "GROUP_SIZE_MAX",
    "accept_invitation",
    "create_group",
    "create_group_set",
    "decline_invitation",
    "delete_group",
    "delete_group_set",
    "invite",
    "leave_group",
    "update_group",
    "update_group_set",
]

#: The largest ``max_size`` a group set may have: a larger "group" is a section.
GROUP_SIZE_MAX = 50
NAME_MAX_LENGTH = 100


# -- checks -------------------------------------------------------------------------------


def _clean_name(name: Any, *, taken: bool, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput({"name": ["This field may not be blank."]})
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            {"name": [f"Ensure this field has no more than {NAME_MAX_LENGTH} characters."]}
        )
    if taken:
        raise InvalidInput({"name": [f"The {what} already has one of this name."]})
    return name


def _size_errors(min_size: int, max_size: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if min_size < 1:
        errors["min_size"] = ["Must be 1 or more."]
    if max_size < 1 or max_size > GROUP_SIZE_MAX:
        errors["max_size"] = [f"Must be between 1 and {GROUP_SIZE_MAX}."]
    elif min_size > max_size:
        errors["max_size"] = ["Must be at least min_size."]
    return errors


def _active_student_ids(course_id: int, user_ids: Sequence[Any]) -> set[int]:
    return set(
        Enrollment.objects.students()
        .active()
        .filter(course_id=course_id, user_id__in=list(user_ids))
        .values_list("user_id", flat=True)
    )


def _member_count(group: StudentGroup) -> int:
    return GroupMembership.objects.filter(group=group).count()


def _lock_group(group: StudentGroup) -> tuple[StudentGroup, GroupSet]:
    """Lock ``group``'s row, then its set's; both re-read (404 if the group is gone)."""
    locked = StudentGroup.objects.select_for_update().filter(pk=group.pk).first()
    if locked is None:
        raise NotFound("No such group.")
    group_set = (
        GroupSet.objects.select_for_update().select_related("course").get(pk=locked.group_set_id)
    )
    locked.group_set = group_set
    return locked, group_set


def _refuse_if_locked(group: StudentGroup) -> None:
    if group.locked_at is not None:
        raise Conflict("The group has submitted: its membership is frozen.", code="group_locked")


def _refuse_without_self_signup(group_set: GroupSet) -> None:
    if not group_set.self_signup:
        raise Forbidden("The course staff form the groups of this set.", code="self_signup_closed")


def _refuse_if_in_group(group_set: GroupSet, user_ids: Sequence[Any], *, but: Any = None) -> None:
    others = GroupMembership.objects.filter(group_set=group_set, user_id__in=list(user_ids))
    if but is not None:
        others = others.exclude(group=but)
    if others.exists():
        raise Conflict(
            "Already in a group of this set." if len(user_ids) == 1
            else "A member is already in another group of this set.",
            code="already_in_group",
        )  # fmt: skip


def _add_members(group: StudentGroup, user_ids: Sequence[int]) -> None:
    """Insert the memberships; a concurrent join of one of them elsewhere in the set is the
    database's unique constraint, reported as the 409 the check would have given."""
    try:
        with transaction.atomic():
            GroupMembership.objects.bulk_create(
                GroupMembership(group=group, group_set_id=group.group_set_id, user_id=user_id)
                for user_id in user_ids
            )
    except IntegrityError:
        raise Conflict("Already in a group of this set.", code="already_in_group") from None
    cache.changed(course=group.group_set.course_id)  # bulk_create sends no signal
    # An invitation elsewhere in the set can no longer be accepted: say so instead of
    # leaving it pending.
    GroupInvitation.objects.filter(
        group__group_set_id=group.group_set_id,
        user_id__in=list(user_ids),
        status=InvitationStatus.PENDING,
    ).exclude(group=group).update(status=InvitationStatus.CANCELLED)


def _free_name(group_set: GroupSet) -> str:
    taken = set(StudentGroup.objects.filter(group_set=group_set).values_list("name", flat=True))
    number = len(taken) + 1
    while f"Group {number}" in taken:
        number += 1
    return f"Group {number}"


def _clean_members(group_set: GroupSet, members: Any) -> list[int]:
    if not isinstance(members, Sequence) or isinstance(members, str):
        raise InvalidInput({"members": ["Expected a list of user ids."]})
    ids = list(dict.fromkeys(getattr(member, "pk", member) for member in members))
    if len(ids) > group_set.max_size:
        raise InvalidInput(
            {"members": [f"At most {group_set.max_size} members (the set's max_size)."]}
        )
    students = _active_student_ids(group_set.course_id, ids)
    missing = [user_id for user_id in ids if user_id not in students]
    if missing:
        raise InvalidInput(
            {"members": [f"Not enrolled students of this course: {', '.join(map(str, missing))}."]}
        )
    return [int(user_id) for user_id in ids if user_id is not None]


# -- group sets ---------------------------------------------------------------------------


@transaction.atomic
def create_group_set(
    *,
    course: Course,
    name: str,
    min_size: int = 1,
    max_size: int = 4,
    self_signup: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> GroupSet:
    """A new group set of ``course``, with no groups yet."""
    clean_name = _clean_name(
        name,
        taken=GroupSet.objects.filter(course=course, name=str(name).strip()).exists(),
        what="course",
    )
    errors = _size_errors(min_size, max_size)
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            group_set = GroupSet.objects.create(
                course=course,
                name=clean_name,
                min_size=min_size,
                max_size=max_size,
                self_signup=self_signup,
            )
    except IntegrityError:
        raise Conflict(
            "The course already has a group set of this name.", code="conflict"
        ) from None
    get_adapter().save_extra(key="group_set_create", instance=group_set, data=dict(extra or {}))
    return group_set


@transaction.atomic
def update_group_set(
    *,
    group_set: GroupSet,
    name: str | NotGiven = NOT_GIVEN,
    min_size: int | NotGiven = NOT_GIVEN,
    max_size: int | NotGiven = NOT_GIVEN,
    self_signup: bool | NotGiven = NOT_GIVEN,
    extra: Mapping[str, Any] | None = None,
) -> GroupSet:
    """Change the given fields. ``max_size`` may not drop below the largest group's size
    (the set row's lock keeps joins out while that is checked); a smaller ``min_size``
    or a larger one applies from the next submission on."""
    locked = GroupSet.objects.select_for_update().filter(pk=group_set.pk).first()
    if locked is None:
        raise NotFound("No such group set.")
    changed: list[str] = []
    if name is not NOT_GIVEN:
        taken = (
            GroupSet.objects.filter(course_id=locked.course_id, name=str(name).strip())
            .exclude(pk=locked.pk)
            .exists()
        )
        locked.name = _clean_name(name, taken=taken, what="course")
        changed.append("name")
    new_min = locked.min_size if min_size is NOT_GIVEN else min_size
    new_max = locked.max_size if max_size is NOT_GIVEN else max_size
    errors = _size_errors(new_min, new_max)
    if not errors and new_max < locked.max_size:
        largest = (
            StudentGroup.objects.filter(group_set=locked)
            .annotate(size=Count("memberships"))
            .aggregate(largest=Max("size"))["largest"]
            or 0
        )
        if largest > new_max:
            errors["max_size"] = [f"A group of this set has {largest} members."]
    if errors:
        raise InvalidInput(errors)
    locked.min_size, locked.max_size = new_min, new_max
    changed += ["min_size", "max_size"]
    if self_signup is not NOT_GIVEN:
        locked.self_signup = self_signup
        changed.append("self_signup")
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changed, "modified"])
    except IntegrityError:
        raise Conflict(
            "The course already has a group set of this name.", code="conflict"
        ) from None
    get_adapter().save_extra(key="group_set_update", instance=locked, data=dict(extra or {}))
    return locked


@transaction.atomic
def delete_group_set(*, group_set: GroupSet) -> None:
    """Delete the set with its groups; refused while a task uses it or one of its groups
    has submitted (their submissions name the group)."""
    locked = GroupSet.objects.select_for_update().filter(pk=group_set.pk).first()
    if locked is None:
        raise NotFound("No such group set.")
    if Task.objects.filter(group_set=locked).exists():
        raise Conflict(
            "Tasks use this group set; give them another one first.", code="group_set_in_use"
        )
    if StudentGroup.objects.filter(group_set=locked, locked_at__isnull=False).exists():
        raise Conflict(
            "Groups of this set have submitted; their submissions keep the set.",
            code="group_set_in_use",
        )
    locked.delete()


# -- groups -------------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *,
    group_set: GroupSet,
    by: Any,
    as_staff: bool,
    name: str | NotGiven = NOT_GIVEN,
    members: Sequence[Any] | NotGiven = NOT_GIVEN,
    extra: Mapping[str, Any] | None = None,
) -> StudentGroup:
    """A new group of ``group_set``.

    ``as_staff``: course staff form a group of any ``members`` (active students of the
    course, none in another group of the set, at most ``max_size``; fewer than
    ``min_size`` is allowed while forming). Otherwise ``by``, an active student, creates a
    group with themselves its only member (the set must allow self sign-up) and invites
    the others.
    """
    locked_set = GroupSet.objects.select_for_update().select_related("course").get(pk=group_set.pk)
    if as_staff:
        user_ids = _clean_members(locked_set, [] if members is NOT_GIVEN else members)
    else:
        _refuse_without_self_signup(locked_set)
        if members is not NOT_GIVEN:
            raise InvalidInput({"members": ["Create the group, then invite the others."]})
        if not _active_student_ids(locked_set.course_id, [by.pk]):
            raise Forbidden("Only enrolled students join groups.", code="not_enrolled")
        user_ids = [by.pk]
    _refuse_if_in_group(locked_set, user_ids)
    if name is NOT_GIVEN or name is None:
        clean_name = _free_name(locked_set)
    else:
        taken = StudentGroup.objects.filter(group_set=locked_set, name=str(name).strip()).exists()
        clean_name = _clean_name(name, taken=taken, what="group set")
    try:
        with transaction.atomic():
            group = StudentGroup.objects.create(group_set=locked_set, name=clean_name)
    except IntegrityError:
        raise Conflict("The group set already has a group of this name.", code="conflict") from None
    _add_members(group, user_ids)
    get_adapter().save_extra(key="group_create", instance=group, data=dict(extra or {}))
    return group


@transaction.atomic
def update_group(
    *,
    group: StudentGroup,
    name: str | NotGiven = NOT_GIVEN,
    members: Sequence[Any] | NotGiven = NOT_GIVEN,
    extra: Mapping[str, Any] | None = None,
) -> StudentGroup:
    """Staff: rename the group or replace its members whole (refused once it submitted)."""
    locked, group_set = _lock_group(group)
    if name is not NOT_GIVEN:
        taken = (
            StudentGroup.objects.filter(group_set=group_set, name=str(name).strip())
            .exclude(pk=locked.pk)
            .exists()
        )
        locked.name = _clean_name(name, taken=taken, what="group set")
        try:
            with transaction.atomic():
                locked.save(update_fields=["name", "modified"])
        except IntegrityError:
            raise Conflict(
                "The group set already has a group of this name.", code="conflict"
            ) from None
    if members is not NOT_GIVEN:
        user_ids = _clean_members(group_set, members)
        current = set(
            GroupMembership.objects.filter(group=locked).values_list("user_id", flat=True)
        )
        if set(user_ids) != current:
            _refuse_if_locked(locked)
            _refuse_if_in_group(group_set, user_ids, but=locked)
            GroupMembership.objects.filter(group=locked).exclude(user_id__in=user_ids).delete()
            _add_members(locked, [user_id for user_id in user_ids if user_id not in current])
    get_adapter().save_extra(key="group_update", instance=locked, data=dict(extra or {}))
    return locked


@transaction.atomic
def delete_group(*, group: StudentGroup) -> None:
    """Staff: dissolve a group that has not submitted."""
    locked, _ = _lock_group(group)
    _refuse_if_locked(locked)
    locked.delete()


# -- invitations, joining and leaving -----------------------------------------------------


def _find_invitee(group_set: GroupSet, username: str) -> Any:
    """The active student of the set's course called ``username`` (any case). Anyone else,
    unknown usernames included, is the same 409: a student cannot probe who has an account."""
    field = get_user_model().USERNAME_FIELD
    enrollment = (
        Enrollment.objects.students()
        .active()
        .filter(course_id=group_set.course_id, **{f"user__{field}__iexact": str(username).strip()})
        .select_related("user")
        .first()
    )
    user = None if enrollment is None else enrollment.user
    if user is None:
        raise Conflict("No enrolled student of this course has that username.", code="not_enrolled")
    return user


@transaction.atomic
def invite(*, group: StudentGroup, by: Any, username: str) -> tuple[GroupInvitation, bool]:
    """``by``, a member, invites the student called ``username`` into ``group``. Returns the
    pending invitation and whether it is new (inviting twice gives back the first, and
    notifies nothing again). A new invitation notifies the invitee (``group_invitation``)."""
    locked, group_set = _lock_group(group)
    if not GroupMembership.objects.filter(group=locked, user=by).exists():
        raise Forbidden("Only members invite into a group.", code="permission_denied")
    _refuse_without_self_signup(group_set)
    _refuse_if_locked(locked)
    user = _find_invitee(group_set, username)
    _refuse_if_in_group(group_set, [user.pk])
    if _member_count(locked) >= group_set.max_size:
        raise Conflict(f"The group is full ({group_set.max_size} members).", code="group_full")
    pending = GroupInvitation.objects.filter(
        group=locked, user=user, status=InvitationStatus.PENDING
    ).first()
    if pending is not None:
        return pending, False
    invitation = GroupInvitation.objects.create(group=locked, user=user, invited_by=by)
    notify_flow.notify(
        user_id=user.pk,
        kind=NotificationKind.GROUP_INVITATION,
        data={
            "invitation": invitation.pk,
            "group": {"id": locked.pk, "name": locked.name},
            "group_set": {"id": group_set.pk, "name": group_set.name},
            "course": course_summary_json(group_set.course),
            "invited_by": user_summary_json(by),
        },
    )
    return invitation, True


def _pending_invitation(group: StudentGroup, user: Any) -> GroupInvitation:
    invitation = (
        GroupInvitation.objects.select_for_update()
        .filter(group=group, user=user, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise NotFound("You have no pending invitation to this group.")
    return invitation


@transaction.atomic
def accept_invitation(*, group: StudentGroup, user: Any) -> StudentGroup:
    """``user`` joins ``group`` on its pending invitation to them."""
    locked, group_set = _lock_group(group)
    try:
        invitation = _pending_invitation(locked, user)
    except NotFound:
        # Joining another group of the set cancelled it (perhaps while this accept waited
        # for the invitation's row): say why rather than "no invitation".
        _refuse_if_in_group(group_set, [user.pk])
        raise
    _refuse_without_self_signup(group_set)
    _refuse_if_locked(locked)
    if not _active_student_ids(group_set.course_id, [user.pk]):
        raise Conflict("You are no longer an enrolled student of this course.", code="not_enrolled")
    _refuse_if_in_group(group_set, [user.pk])
    if _member_count(locked) >= group_set.max_size:
        raise Conflict(f"The group is full ({group_set.max_size} members).", code="group_full")
    _add_members(locked, [user.pk])
    invitation.status = InvitationStatus.ACCEPTED
    invitation.save(update_fields=["status", "modified"])
    return locked


@transaction.atomic
def decline_invitation(*, group: StudentGroup, user: Any) -> GroupInvitation:
    """``user`` turns down the pending invitation to ``group``."""
    locked, _ = _lock_group(group)
    invitation = _pending_invitation(locked, user)
    invitation.status = InvitationStatus.DECLINED
    invitation.save(update_fields=["status", "modified"])
    return invitation


@transaction.atomic
def leave_group(*, group: StudentGroup, user: Any) -> None:
    """``user`` leaves ``group``; the last one out dissolves it (with its invitations)."""
    locked, group_set = _lock_group(group)
    membership = GroupMembership.objects.filter(group=locked, user=user).first()
    if membership is None:
        raise NotFound("You are not a member of this group.")
    _refuse_without_self_signup(group_set)
    _refuse_if_locked(locked)
    membership.delete()
    if not GroupMembership.objects.filter(group=locked).exists():
        locked.delete()
