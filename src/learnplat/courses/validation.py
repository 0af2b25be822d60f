"""The rules course and task data must follow, in one place.

Serializers call these to answer 400 with field errors before anything is written, and
flows call them again so the same rules hold for callers that skip the API (admin,
management commands, host code). Each raises :class:`learnplat.exceptions.InvalidInput`.

Settings read::

    LEARNPLAT = {
        "MAX_DESCRIPTION_LENGTH": 100_000,   # characters of a course or task description
        "MAX_TASK_CONFIG_BYTES": 65_536,     # bytes of a task config's JSON encoding
        "EVALUATORS": {...},                 # the kinds a task may have
    }
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from rest_framework.settings import api_settings

from learnplat.conf import settings
from learnplat.courses.choices import LatePer, ReleaseMode
from learnplat.evaluation.base import ConfigError
from learnplat.evaluation.registry import UnknownKind, available_kinds, get_evaluator
from learnplat.exceptions import InvalidInput

LATE_POLICY_KEYS = ("deduction_percent", "per", "floor_percent")
#: The longest assignment group name (``AssignmentGroup.name``).
GROUP_NAME_MAX_LENGTH = 100
LATE_PER_VALUES = tuple(LatePer.values)

Errors = dict[str, Any]


def check_description(value: str | None, *, field: str = "description") -> None:
    """Descriptions are Markdown of at most ``MAX_DESCRIPTION_LENGTH`` characters."""
    limit = int(settings.MAX_DESCRIPTION_LENGTH)
    if value is not None and len(value) > limit:
        raise InvalidInput(
            {field: [f"Ensure this field has no more than {limit} characters ({len(value)})."]}
        )


def _percent(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if 0 <= value <= 100 else None


def normalise_late_policy(value: Any) -> dict[str, Any]:
    """``{}`` (no deduction) or ``{deduction_percent, per, floor_percent}`` with defaults
    ``per="day"`` and ``floor_percent=0``; unknown keys are refused, so typos are not ignored.

    The one validator of late policies: the API, the admin and the flows call it, and
    :func:`learnplat.courses.deadlines.late_policy_of` reads stored policies through it."""
    if value is None or value == {}:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput({"late_policy": ["Must be a JSON object."]})
    errors: Errors = {}
    unknown = sorted(set(value) - set(LATE_POLICY_KEYS))
    for key in unknown:
        errors[key] = ["Unknown field."]
    if "deduction_percent" not in value:
        errors["deduction_percent"] = ["This field is required."]
    deduction = _percent(value.get("deduction_percent", 0))
    if deduction is None:
        errors["deduction_percent"] = ["A number from 0 to 100."]
    floor = _percent(value.get("floor_percent", 0))
    if floor is None:
        errors["floor_percent"] = ["A number from 0 to 100."]
    per = value.get("per", LatePer.DAY)
    if per not in LATE_PER_VALUES:
        errors["per"] = [f"One of {', '.join(LATE_PER_VALUES)}."]
    if errors:
        raise InvalidInput({"late_policy": errors})
    return {"deduction_percent": deduction, "per": per, "floor_percent": floor}


def check_date_order(
    opens_at: datetime | None, due_at: datetime | None, closes_at: datetime | None
) -> None:
    """``opens_at <= due_at <= closes_at`` wherever both ends are set."""
    errors: Errors = {}
    if opens_at and due_at and opens_at > due_at:
        errors["due_at"] = ["Must not be before opens_at."]
    if due_at and closes_at and due_at > closes_at:
        errors["closes_at"] = ["Must not be before due_at."]
    elif opens_at and closes_at and opens_at > closes_at:
        errors["closes_at"] = ["Must not be before opens_at."]
    if errors:
        raise InvalidInput(errors)


def clean_config(kind: str, config: Any) -> dict[str, Any]:
    """The evaluator of ``kind`` validates ``config`` and returns it normalised."""
    try:
        evaluator = get_evaluator(kind)
    except UnknownKind:
        raise InvalidInput(
            {"kind": [f"Unknown task kind {kind!r}. Available: {', '.join(available_kinds())}."]}
        ) from None
    limit = int(settings.MAX_TASK_CONFIG_BYTES)
    try:
        size = len(json.dumps(config, allow_nan=False).encode())
    except (TypeError, ValueError):
        raise InvalidInput({"config": ["Must be JSON."]}) from None
    if size > limit:
        raise InvalidInput({"config": [f"Must be at most {limit} bytes of JSON ({size})."]})
    try:
        return evaluator.validate_config(config)
    except ConfigError as exc:
        raise InvalidInput({"config": exc.errors}) from None


def clean_task(fields: Mapping[str, Any], *, current: Any = None) -> dict[str, Any]:
    """Validate the task ``fields`` to be written (``current``: the task being changed, whose
    values fill in what ``fields`` leaves out). Returns ``fields`` with ``config`` and
    ``late_policy`` normalised. Prerequisites need the database:
    ``learnplat.flows.authoring`` checks them."""
    cleaned = dict(fields)

    def value(name: str, default: Any = None) -> Any:
        if name in fields:
            return fields[name]
        return getattr(current, name, default)

    errors: Errors = {}
    for check in (
        lambda: check_description(fields.get("description")),
        lambda: check_date_order(value("opens_at"), value("due_at"), value("closes_at")),
    ):
        try:
            check()
        except InvalidInput as exc:
            errors.update(exc.errors)
    for name in ("max_score", "weight"):
        number = fields.get(name)
        if number is not None and (not math.isfinite(number) or number < 0):
            errors[name] = ["Must be a finite number of at least 0."]
    for name, (low, high) in TASK_LIMITS.items():
        number = fields.get(name)
        if number is not None and not (isinstance(number, int) and low <= number <= high):
            errors[name] = [f"A whole number from {low} to {high}, or null for none."]
    if "release" in fields and fields["release"] not in ReleaseMode.values:
        errors["release"] = [f"One of {', '.join(ReleaseMode.values)}."]
    if (
        value("anonymous_grading", False)
        and value("release", ReleaseMode.IMMEDIATE) == ReleaseMode.IMMEDIATE
        and "release" not in errors
    ):
        # Anonymity lasts until the grade is released: an immediate task would never hide.
        errors["anonymous_grading"] = [
            "Anonymous grading needs release `manual` or `after_due` (an immediate task's "
            "grades are released at once)."
        ]
    if "late_policy" in fields:
        try:
            cleaned["late_policy"] = normalise_late_policy(fields["late_policy"])
        except InvalidInput as exc:
            errors.update(exc.errors)
    if "kind" in fields or "config" in fields or current is None:
        try:
            cleaned["config"] = clean_config(value("kind", ""), value("config", {}))
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return cleaned


def check_group_fields(
    *, name: Any = None, weight: Any = None, drop_lowest: Any = None
) -> dict[str, Any]:
    """The fields of an assignment group that are given (not None): a non-blank ``name`` of
    at most :data:`GROUP_NAME_MAX_LENGTH` characters, a ``weight`` from 0 to 100, a whole
    ``drop_lowest`` of at least 0. Returns them cleaned; 400 on each bad field otherwise.
    Uniqueness and the weight total need the database: ``flows.grading_config`` checks
    them."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    if name is not None:
        text = name.strip() if isinstance(name, str) else ""
        if not text:
            errors["name"] = ["This field may not be blank."]
        elif len(text) > GROUP_NAME_MAX_LENGTH:
            errors["name"] = [
                f"Ensure this field has no more than {GROUP_NAME_MAX_LENGTH} characters."
            ]
        cleaned["name"] = text
    if weight is not None:
        percent = _percent(weight)
        if percent is None:
            errors["weight"] = ["A number from 0 to 100 (percent of the course)."]
        cleaned["weight"] = percent
    if drop_lowest is not None:
        if isinstance(drop_lowest, bool) or not isinstance(drop_lowest, int) or drop_lowest < 0:
            errors["drop_lowest"] = ["A whole number of at least 0."]
        cleaned["drop_lowest"] = drop_lowest
    if errors:
        raise InvalidInput(errors)
    return cleaned


def find_cycle(edges: Mapping[Any, Iterable[Any]]) -> list[Any] | None:
    """A cycle in the graph ``node -> prerequisites`` as a list of nodes, or None.

    Iterative depth-first search (three colours), so a long chain cannot hit the
    recursion limit.
    """
    white, grey, black = 0, 1, 2
    colour: dict[Any, int] = {}
    for start in edges:
        if colour.get(start, white) != white:
            continue
        path = [start]
        stack = [iter(edges.get(start, ()))]
        colour[start] = grey
        while stack:
            for nxt in stack[-1]:
                state = colour.get(nxt, white)
                if state == grey:
                    return [*path[path.index(nxt) :], nxt]
                if state == white:
                    colour[nxt] = grey
                    path.append(nxt)
                    stack.append(iter(edges.get(nxt, ())))
                    break
            else:
                colour[path.pop()] = black
                stack.pop()
    return None


def indexed_errors(count: int, errors: Mapping[int, Errors]) -> dict[int, Errors] | list[Errors]:
    """Errors of a nested list in the shape DRF gives them, so both look alike to clients:
    ``{index: errors}`` for the bad items (``REST_FRAMEWORK["LIST_SERIALIZER_ERRORS_AS_DICT"]``,
    DRF's default from 3.16), else one dict per item, empty where it is fine."""
    if getattr(api_settings, "LIST_SERIALIZER_ERRORS_AS_DICT", False):
        return {i: dict(errors[i]) for i in sorted(errors)}
    return [dict(errors.get(i, {})) for i in range(count)]


#: The longest letter of a course's letter scale (e.g. "A+", "Pass").
LETTER_MAX_LENGTH = 20


def clean_letter_grades(value: Any) -> list[dict[str, Any]]:
    """A letter scale: ``[{letter, min_percent}]``, highest first, ``min_percent`` strictly
    decreasing within 0 to 100, letters non-blank, unique and at most 20 characters. An
    empty list is no scale. Errors are on ``letter_grades``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput({"letter_grades": ["Must be a list of {letter, min_percent}."]})
    cleaned: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, entry in enumerate(value):
        if not isinstance(entry, Mapping) or set(entry) != {"letter", "min_percent"}:
            problems.append(f"Entry {n + 1}: must be an object with letter and min_percent.")
            continue
        letter, min_percent = entry["letter"], _percent(entry["min_percent"])
        if not isinstance(letter, str) or not letter.strip():
            problems.append(f"Entry {n + 1}: the letter must be a non-blank string.")
        elif len(letter.strip()) > LETTER_MAX_LENGTH:
            problems.append(f"Entry {n + 1}: at most {LETTER_MAX_LENGTH} characters.")
        if min_percent is None:
            problems.append(f"Entry {n + 1}: min_percent must be a number from 0 to 100.")
        if not problems:
            cleaned.append({"letter": letter.strip(), "min_percent": min_percent})
    if not problems:
        letters = [e["letter"] for e in cleaned]
        if len(set(letters)) != len(letters):
            problems.append("Each letter may appear once.")
        cut_offs = [e["min_percent"] for e in cleaned]
        if any(a <= b for a, b in itertools.pairwise(cut_offs)):
            problems.append("min_percent must be strictly decreasing, highest first.")
    if problems:
        raise InvalidInput({"letter_grades": problems})
    return cleaned


def check_group_weights(weights: Iterable[float], *, field: str = "weight") -> None:
    """Under the weighted scheme a course's group weights add up to at most 100 (what is
    left weighs the tasks outside any group)."""
    total = sum(weights)
    if total > 100 + 1e-9:
        raise InvalidInput({field: [f"Group weights add up to {total:g}; at most 100."]})


#: Bounds of the task limits (inclusive); null means "no limit" for each.
TASK_LIMITS: dict[str, tuple[int, int]] = {
    "daily_submission_limit": (1, 1000),
    # A week: a longer "timed" attempt is an ordinary task with a due date.
    "time_limit_minutes": (1, 7 * 24 * 60),
}
#: Largest late-day bank and per-task cap (a semester holds fewer days than this).
LATE_DAYS_MAX = 365


def check_timezone(name: Any, *, field: str = "timezone") -> str:
    """``name`` if it is an IANA time zone this machine knows; 400 on ``field`` otherwise."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidInput({field: ["An IANA time zone name, such as Europe/Vienna."]})
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput({field: [f"Unknown time zone {name!r}."]}) from None
    return name


def clean_course_accommodation_fields(fields: dict[str, Any]) -> None:
    """Check ``timezone``, ``late_days`` and ``max_late_days_per_task`` in ``fields``."""
    errors: Errors = {}
    if "timezone" in fields:
        try:
            fields["timezone"] = check_timezone(fields["timezone"])
        except InvalidInput as exc:
            errors.update(exc.errors)
    for name, nullable in (("late_days", False), ("max_late_days_per_task", True)):
        if name not in fields:
            continue
        number = fields[name]
        if number is None and nullable:
            continue
        if isinstance(number, bool) or not isinstance(number, int):
            errors[name] = ["A whole number."]
        elif not 0 <= number <= LATE_DAYS_MAX:
            errors[name] = [f"From 0 to {LATE_DAYS_MAX}."]
    if errors:
        raise InvalidInput(errors)
