"""Accommodations: what one student of a course gets beyond the rules (docs/accommodations.md).

One per student and course: a second one for the same student is a 400 on ``user``
(decision 0026), checked under the student's enrollment row lock so two creates at once
cannot both pass. The adapter's ``save_extra()`` receives the extra fields of
``accommodation_create`` and ``accommodation_update``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from learnplat.adapter import get_adapter
from learnplat.courses.models import TIME_MULTIPLIER_MAX, Accommodation, Course, Enrollment
from learnplat.exceptions import InvalidInput, NotFound

#: Longest staff note, in characters.
NOTE_MAX = 2000

_UNSET: Any = object()


def _check(
    *, time_multiplier: Any, extra_late_days: Any, bonus_submissions: Any, note: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if time_multiplier is not _UNSET and not (0 < time_multiplier <= TIME_MULTIPLIER_MAX):
        errors["time_multiplier"] = [f"Must be more than 0 and at most {TIME_MULTIPLIER_MAX:g}."]
    for name, value in (
        ("extra_late_days", extra_late_days),
        ("bonus_submissions", bonus_submissions),
    ):
        if value is not _UNSET and value < 0:
            errors[name] = ["Must be 0 or more."]
    if note is not _UNSET and len(note) > NOTE_MAX:
        errors["note"] = [f"At most {NOTE_MAX} characters."]
    return errors


@transaction.atomic
def create_accommodation(
    *,
    course: Course,
    user: Any,
    time_multiplier: float = 1.0,
    extra_late_days: int = 0,
    bonus_submissions: int = 0,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Accommodation:
    """Give ``user``, an active student of ``course``, an accommodation."""
    errors = _check(
        time_multiplier=time_multiplier,
        extra_late_days=extra_late_days,
        bonus_submissions=bonus_submissions,
        note=note,
    )
    # The enrollment lock serialises two creates for one student (and the spends that read
    # the accommodation's extra days).
    enrollment = (
        Enrollment.objects.students()
        .active()
        .select_for_update()
        .filter(course=course, user=user)
        .first()
    )
    if enrollment is None:
        errors["user"] = ["Must be an enrolled student of this course."]
    elif Accommodation.objects.filter(course=course, user=user).exists():
        errors["user"] = ["This student already has an accommodation; change that one."]
    if errors:
        raise InvalidInput(errors)
    accommodation = Accommodation.objects.create(
        course=course,
        user=user,
        time_multiplier=time_multiplier,
        extra_late_days=extra_late_days,
        bonus_submissions=bonus_submissions,
        note=note,
    )
    get_adapter().save_extra(
        key="accommodation_create", instance=accommodation, data=dict(extra or {})
    )
    return accommodation


@transaction.atomic
def update_accommodation(
    *,
    accommodation: Accommodation,
    time_multiplier: float = _UNSET,
    extra_late_days: int = _UNSET,
    bonus_submissions: int = _UNSET,
    note: str = _UNSET,
    extra: Mapping[str, Any] | None = None,
) -> Accommodation:
    """Change the given fields of ``accommodation`` (its student never changes).

    Fewer extra late days never take back days already spent (decision 0026).
    """
    errors = _check(
        time_multiplier=time_multiplier,
        extra_late_days=extra_late_days,
        bonus_submissions=bonus_submissions,
        note=note,
    )
    if errors:
        raise InvalidInput(errors)
    locked = Accommodation.objects.select_for_update().filter(pk=accommodation.pk).first()
    if locked is None:
        raise NotFound("No such accommodation.")
    changed = {
        name: value
        for name, value in (
            ("time_multiplier", time_multiplier),
            ("extra_late_days", extra_late_days),
            ("bonus_submissions", bonus_submissions),
            ("note", note),
        )
        if value is not _UNSET
    }
    for name, value in changed.items():
        setattr(locked, name, value)
    if changed:
        locked.save(update_fields=[*changed, "modified"])
    get_adapter().save_extra(key="accommodation_update", instance=locked, data=dict(extra or {}))
    return locked


@transaction.atomic
def delete_accommodation(*, accommodation: Accommodation) -> None:
    """Remove an accommodation; 404 when it is already gone (two deletes at once)."""
    deleted, _ = Accommodation.objects.filter(pk=accommodation.pk).delete()
    if not deleted:
        raise NotFound("No such accommodation.")
