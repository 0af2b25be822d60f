"""A course's grading configuration: its assignment groups, and the one door every
grading-relevant change goes through.

Every function is atomic and takes keyword arguments only. Bad input raises
:class:`learnplat.exceptions.InvalidInput` (400) before anything is written. The fields a
host serializer adds go to the adapter's ``save_extra()`` under the keys ``assignment_group_create``
and ``assignment_group_update``.

The course row is locked (``SELECT ... FOR UPDATE``) before a group's weight is checked
against the others, and :func:`learnplat.flows.authoring.update_course` locks it before it
switches a course to ``weighted``: two requests that each keep the weights at or below 100
but together exceed it run one after the other, and the second is refused.

:func:`grading_changed` is the one call that follows a change of what a course's figures
are made of (scheme, letters, groups, a task's worth or group): the authoring flows and
the group flows here call it in the transaction of the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from learnplat.adapter import get_adapter
from learnplat.courses.choices import GradingChangeKind, GradingScheme
from learnplat.courses.models import AssignmentGroup, Course
from learnplat.courses.validation import check_group_fields, check_group_weights
from learnplat.exceptions import InvalidInput
from learnplat.flows import NOT_GIVEN, NotGiven, given, progress

#: Group fields whose change moves the course figures (a rename or a move does not).
GROUP_GRADING_FIELDS = frozenset({"weight", "drop_lowest"})


def grading_changed(*, course: Course, by: Any, kind: GradingChangeKind | str) -> None:
    """Bring the course's progress in line with a grading change just written (``kind``,
    by ``by``, a user or None), in the caller's transaction.

    The one place the configuration flows hand such a change on from: on a large course
    the recompute becomes a background job (:mod:`learnplat.flows.recompute`).
    """
    # The request's user becomes the job's requester in RecomputeJobsMixin.
    progress.refresh_course_totals(course=course)


def lock_course(course: Course) -> Course:
    """The course row, locked until the end of the transaction."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _check_name_free(course: Course, name: str, *, group: AssignmentGroup | None) -> None:
    taken = AssignmentGroup.objects.filter(course=course, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise InvalidInput({"name": ["The course already has a group of this name."]})


def _check_weights(course: Course, weight: float, *, group: AssignmentGroup | None) -> None:
    if course.grading_scheme != GradingScheme.WEIGHTED:
        return  # under points group weights count for nothing
    others = AssignmentGroup.objects.filter(course=course)
    if group is not None:
        others = others.exclude(pk=group.pk)
    weights = [*others.values_list("weight", flat=True), weight]
    check_group_weights(weights, field="weight")


@transaction.atomic
def create_group(
    *,
    course: Course,
    name: str,
    weight: float | NotGiven = NOT_GIVEN,
    drop_lowest: int | NotGiven = NOT_GIVEN,
    position: int | NotGiven | None = NOT_GIVEN,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> AssignmentGroup:
    """Add an assignment group to ``course``; ``position`` defaults to after the last group.

    A group may be created before its tasks: until it has any it counts for nothing.
    """
    fields = given(weight=weight, drop_lowest=drop_lowest)
    cleaned = check_group_fields(name=name if name is not None else "", **fields)
    locked = lock_course(course)
    _check_name_free(locked, cleaned["name"], group=None)
    _check_weights(locked, cleaned.get("weight", 0.0), group=None)
    if position is NOT_GIVEN or position is None:
        last = (
            AssignmentGroup.objects.filter(course=locked)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = (last or 0) + 1
    group = AssignmentGroup.objects.create(course=locked, position=position, **cleaned)
    grading_changed(course=locked, by=by, kind=GradingChangeKind.GROUP_CREATED)
    get_adapter().save_extra(key="assignment_group_create", instance=group, data=dict(extra or {}))
    return group


@transaction.atomic
def update_group(
    *,
    group: AssignmentGroup,
    name: str | NotGiven = NOT_GIVEN,
    weight: float | NotGiven = NOT_GIVEN,
    drop_lowest: int | NotGiven = NOT_GIVEN,
    position: int | NotGiven = NOT_GIVEN,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> AssignmentGroup:
    """Change the group fields given; the course's figures follow when ``weight`` or
    ``drop_lowest`` change."""
    cleaned = check_group_fields(**given(name=name, weight=weight, drop_lowest=drop_lowest))
    if position is not NOT_GIVEN:
        cleaned["position"] = position
    locked = lock_course(group.course)
    if "name" in cleaned:
        _check_name_free(locked, cleaned["name"], group=group)
    if "weight" in cleaned:
        _check_weights(locked, cleaned["weight"], group=group)
    current = AssignmentGroup.objects.get(pk=group.pk)
    moves = any(
        getattr(current, name) != cleaned[name] for name in GROUP_GRADING_FIELDS & set(cleaned)
    )
    for name_, value in cleaned.items():
        setattr(group, name_, value)
    if cleaned:
        group.save(update_fields=list(cleaned))
    if moves:
        grading_changed(course=locked, by=by, kind=GradingChangeKind.GROUP_UPDATED)
    get_adapter().save_extra(key="assignment_group_update", instance=group, data=dict(extra or {}))
    return group


@transaction.atomic
def delete_group(*, group: AssignmentGroup, by: Any = None) -> None:
    """Delete a group; its tasks stay, outside any group (under ``weighted`` they now count
    in the implicit group of what the groups leave)."""
    locked = lock_course(group.course)
    group.delete()
    grading_changed(course=locked, by=by, kind=GradingChangeKind.GROUP_DELETED)
