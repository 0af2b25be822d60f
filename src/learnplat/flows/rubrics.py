"""Rubrics: create, edit (in place, or as a new version once in use), delete, copy.

A rubric is *in use* once a :class:`~learnplat.submissions.models.RubricAssessment` refers
to one of its criteria. Editing a rubric in use never changes the rows those assessments
point at: :func:`update_rubric` then writes a new version (a new ``Rubric`` row with
``version`` + 1 and ``supersedes`` the old one, which stops being ``is_current``) and moves
every task of the old version to it, in one transaction with the old rubric's row locked.
A rubric nobody graded with is edited in place (its criteria and levels are written anew).
Decision 0020 has the reasons.

Criteria and levels are given as lists of mappings (``title``, ``description``, and
``points`` for levels); list order is their ``position``. Bad input is a 400 on the field
(:class:`~learnplat.exceptions.InvalidInput`), nothing written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from learnplat import cache
from learnplat.adapter import get_adapter
from learnplat.courses.models import Course, Rubric, RubricCriterion, RubricLevel, Task
from learnplat.evaluation.builtin import ManualEvaluator
from learnplat.evaluation.registry import UnknownKind, get_evaluator
from learnplat.exceptions import Conflict, InvalidInput
from learnplat.flows import NOT_GIVEN, NotGiven
from learnplat.submissions.choices import EvaluationTrigger
from learnplat.submissions.models import Evaluation, RubricAssessment, Submission

__all__ = [
    "Pick",
    "automatic_max",
    "automatic_part",
    "best_points",
    "check_task_rubric",
    "clean_picks",
    "copy_rubric",
    "create_rubric",
    "delete_rubric",
    "grades_automatically",
    "in_use",
    "max_points",
    "update_rubric",
]

#: Longest title of a rubric, criterion or level (the models' ``max_length``).
TITLE_MAX_LENGTH = 200
#: Most criteria per rubric and levels per criterion.
MAX_CRITERIA = 100
MAX_LEVELS = 20


def _title(value: Any) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return ["This field may not be blank."]
    if len(value) > TITLE_MAX_LENGTH:
        return [f"Ensure this field has no more than {TITLE_MAX_LENGTH} characters."]
    return []


def clean_criteria(criteria: Any) -> list[dict[str, Any]]:
    """The criteria as the rubric will store them, or 400 naming each bad field, keyed by
    list index as DRF keys nested lists: ``{"criteria": {1: {"levels": {0: {"points":
    [...]}}}}}``."""
    if not isinstance(criteria, Sequence) or isinstance(criteria, str):
        raise InvalidInput({"criteria": ["Expected a list of criteria."]})
    if not criteria:
        raise InvalidInput({"criteria": ["A rubric needs at least one criterion."]})
    if len(criteria) > MAX_CRITERIA:
        raise InvalidInput({"criteria": [f"At most {MAX_CRITERIA} criteria."]})
    cleaned: list[dict[str, Any]] = []
    errors: dict[int, dict[str, Any]] = {}
    for index, criterion in enumerate(criteria):
        error: dict[str, Any] = {}
        if not isinstance(criterion, Mapping):
            errors[index] = {"non_field_errors": ["Expected an object."]}
            continue
        if problems := _title(criterion.get("title")):
            error["title"] = problems
        description = criterion.get("description", "") or ""
        levels = criterion.get("levels")
        level_rows: list[dict[str, Any]] = []
        if not isinstance(levels, Sequence) or isinstance(levels, str) or not levels:
            error["levels"] = ["A criterion needs at least one level."]
        elif len(levels) > MAX_LEVELS:
            error["levels"] = [f"At most {MAX_LEVELS} levels per criterion."]
        else:
            level_errors: dict[int, dict[str, Any]] = {}
            seen: set[float] = set()
            for level_index, level in enumerate(levels):
                level_error: dict[str, Any] = {}
                if not isinstance(level, Mapping):
                    level_errors[level_index] = {"non_field_errors": ["Expected an object."]}
                    continue
                if problems := _title(level.get("title")):
                    level_error["title"] = problems
                points = level.get("points")
                if isinstance(points, bool) or not isinstance(points, int | float):
                    level_error["points"] = ["A valid number is required."]
                elif not math.isfinite(points):
                    level_error["points"] = ["A finite number."]
                elif points < 0:
                    level_error["points"] = ["Ensure this value is greater than or equal to 0."]
                elif float(points) in seen:
                    level_error["points"] = [
                        f"Another level of this criterion is worth {points:g} points; the "
                        "levels of a criterion are ordered by points, each worth its own."
                    ]
                else:
                    seen.add(float(points))
                if level_error:
                    level_errors[level_index] = level_error
                level_rows.append(
                    {
                        "title": level.get("title"),
                        "points": 0.0 if level_error else float(points),  # type: ignore[arg-type]
                        "description": level.get("description", "") or "",
                    }
                )
            if level_errors:
                error["levels"] = level_errors
        if error:
            errors[index] = error
        cleaned.append(
            {"title": criterion.get("title"), "description": description, "levels": level_rows}
        )
    if errors:
        raise InvalidInput({"criteria": errors})
    return cleaned


def max_points_of(criteria: Sequence[Mapping[str, Any]]) -> float:
    """The most points ``criteria`` (cleaned) can give: the best level of each, summed."""
    return float(sum(max(level["points"] for level in c["levels"]) for c in criteria))


def max_points(rubric: Rubric) -> float:
    """The most points ``rubric`` can give (reads the prefetched levels when there are)."""
    return float(
        sum(
            max((level.points for level in criterion.levels.all()), default=0.0)
            for criterion in rubric.criteria.all()
        )
    )


def in_use(rubric: Rubric) -> bool:
    """Whether an assessment was made with one of ``rubric``'s criteria."""
    return RubricAssessment.objects.filter(criterion__rubric=rubric).exists()


def _write_criteria(rubric: Rubric, criteria: Sequence[Mapping[str, Any]]) -> None:
    cache.changed(course=rubric.course_id)  # bulk_create sends no signal
    rows = RubricCriterion.objects.bulk_create(
        RubricCriterion(
            rubric=rubric,
            title=c["title"],
            description=c["description"],
            position=position,
        )
        for position, c in enumerate(criteria, start=1)
    )
    RubricLevel.objects.bulk_create(
        RubricLevel(
            criterion=row,
            title=level["title"],
            points=level["points"],
            description=level["description"],
            position=position,
        )
        for row, c in zip(rows, criteria, strict=True)
        for position, level in enumerate(c["levels"], start=1)
    )


def _check_against_tasks(rubric: Rubric, criteria: Sequence[Mapping[str, Any]]) -> None:
    """400 on ``criteria`` when the new rubric would give more points than a task using it
    is worth."""
    most = max_points_of(criteria)
    too_small = sorted(
        Task.objects.filter(rubric=rubric, max_score__lt=most).values_list("title", flat=True)
    )
    if too_small:
        raise InvalidInput(
            {
                "criteria": [
                    f"The rubric would be worth {most:g} points, more than the max_score of "
                    f"the tasks that use it: {', '.join(map(str, too_small))}."
                ]
            }
        )


def _title_or_error(title: Any) -> str:
    if problems := _title(title):
        raise InvalidInput({"title": problems})
    return str(title).strip()


@transaction.atomic
def create_rubric(
    *,
    course: Course,
    title: str,
    criteria: Sequence[Mapping[str, Any]],
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Rubric:
    """A new rubric (version 1) of ``course`` with ``criteria`` in list order."""
    clean_title = _title_or_error(title)
    cleaned = clean_criteria(criteria)
    rubric = Rubric.objects.create(course=course, title=clean_title)
    _write_criteria(rubric, cleaned)
    get_adapter().save_extra(key="rubric_create", instance=rubric, data=dict(extra or {}))
    return rubric


@transaction.atomic
def update_rubric(
    *,
    rubric: Rubric,
    title: str | NotGiven = NOT_GIVEN,
    criteria: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Rubric:
    """Change ``rubric``'s title and/or replace its criteria; returns the current version.

    Only the current version of a rubric can change (409 ``rubric_superseded`` otherwise).
    In use (:func:`in_use`), the change is written as a new version and every task of the
    old one moves to it; not in use, in place (criteria given replace the old ones, so their
    ids change). Either way the rubric may not become worth more than a task using it.
    """
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if not locked.is_current:
        raise Conflict(
            "This is an old version of the rubric; edit the current one.",
            code="rubric_superseded",
        )
    new_title = locked.title if title is NOT_GIVEN else _title_or_error(title)
    cleaned: list[dict[str, Any]] | None = (
        None if criteria is NOT_GIVEN else clean_criteria(criteria)
    )
    if cleaned is not None:
        _check_against_tasks(locked, cleaned)
    if in_use(locked):
        if cleaned is None:
            cleaned = _criteria_of(locked)
        locked.is_current = False
        locked.save(update_fields=["is_current", "modified"])
        new = Rubric.objects.create(
            course_id=locked.course_id,
            title=new_title,
            version=locked.version + 1,
            supersedes=locked,
            is_current=True,
        )
        _write_criteria(new, cleaned)
        Task.objects.filter(rubric=locked).update(rubric=new)
        cache.changed(course=locked.course_id)
        result = new
    else:
        if new_title != locked.title:
            locked.title = new_title
            locked.save(update_fields=["title", "modified"])
        if cleaned is not None:
            RubricCriterion.objects.filter(rubric=locked).delete()
            _write_criteria(locked, cleaned)
        result = locked
    get_adapter().save_extra(key="rubric_update", instance=result, data=dict(extra or {}))
    return result


def _criteria_of(rubric: Rubric) -> list[dict[str, Any]]:
    return [
        {
            "title": criterion.title,
            "description": criterion.description,
            "levels": [
                {"title": level.title, "points": level.points, "description": level.description}
                for level in criterion.levels.order_by("position", "id")
            ],
        }
        for criterion in rubric.criteria.order_by("position", "id")
    ]


@transaction.atomic
def delete_rubric(*, rubric: Rubric) -> None:
    """Delete ``rubric``: 409 ``rubric_in_use`` while a task uses it or an assessment was
    made with it (its grades would lose their explanation)."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if Task.objects.filter(rubric=locked).exists() or in_use(locked):
        raise Conflict(
            "The rubric is attached to a task or was used to grade; detach it from its tasks "
            "first (graded rubrics are kept).",
            code="rubric_in_use",
        )
    locked.delete()


@transaction.atomic
def copy_rubric(*, rubric: Rubric, course: Course, by: Any = None) -> Rubric:
    """A copy of ``rubric`` (its criteria and levels) as a new rubric of ``course``
    (version 1; the same course makes a duplicate)."""
    copy = Rubric.objects.create(course=course, title=rubric.title)
    _write_criteria(copy, _criteria_of(rubric))
    return copy


def check_task_rubric(*, course: Course, rubric: Rubric | int | None, max_score: float) -> Any:
    """The rubric a task of ``course`` worth ``max_score`` may carry, or 400 on ``rubric``
    (another course's, an old version, unknown) / ``max_score`` (less than the rubric's
    points)."""
    if rubric is None:
        return None
    pk = rubric.pk if isinstance(rubric, Rubric) else rubric
    found = Rubric.objects.filter(pk=pk, course=course, is_current=True).first()
    if found is None:
        raise InvalidInput(
            {"rubric": [f'Invalid pk "{pk}" - not a current rubric of this course.']}
        )
    best = best_points(found)
    if max_score < best:
        raise InvalidInput(
            {"max_score": [f"Must be at least the rubric's {best:g} points (its best levels)."]}
        )
    return found


def best_points(rubric: Rubric) -> float:
    """:func:`max_points` in one query, for a rubric whose rows are not prefetched."""
    per_criterion = (
        RubricLevel.objects.filter(criterion__rubric=rubric)
        .values("criterion")
        .annotate(best=Max("points"))
        .values_list("best", flat=True)
    )
    return float(sum(per_criterion))


# -- grading with a rubric ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """One criterion's chosen level, checked against the rubric."""

    criterion: RubricCriterion
    level: RubricLevel
    comment: str


def _pk(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def clean_picks(*, rubric_id: int, picks: Any) -> list[Pick]:
    """``picks`` (``[{criterion, level, comment?}]``) as checked :class:`Pick` rows in the
    rubric's order, or 400 on ``rubric``: keyed by item index for an unknown or repeated
    criterion or a level of another criterion, a list of messages for missing criteria."""
    criteria = list(
        RubricCriterion.objects.filter(rubric_id=rubric_id)
        .prefetch_related("levels")
        .order_by("position", "id")
    )
    by_id = {criterion.pk: criterion for criterion in criteria}
    if not isinstance(picks, Sequence) or isinstance(picks, str):
        raise InvalidInput({"rubric": ["Expected a list of {criterion, level, comment}."]})
    errors: dict[int, dict[str, list[str]]] = {}
    chosen: dict[int, Pick] = {}
    for index, item in enumerate(picks):
        error: dict[str, list[str]] = {}
        if not isinstance(item, Mapping):
            errors[index] = {"non_field_errors": ["Expected an object."]}
            continue
        unknown_keys = sorted(str(k) for k in item if k not in {"criterion", "level", "comment"})
        for key in unknown_keys:
            error[key] = ["Unknown field."]
        criterion_id, level_id = _pk(item.get("criterion")), _pk(item.get("level"))
        comment = item.get("comment", "")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            error["comment"] = ["Must be a string."]
        criterion = by_id.get(criterion_id) if criterion_id is not None else None
        if criterion is None:
            error["criterion"] = [
                f"{item.get('criterion')!r} is not a criterion of the task's rubric."
            ]
        elif criterion.pk in chosen:
            error["criterion"] = ["This criterion is graded twice."]
        else:
            levels = {level.pk: level for level in criterion.levels.all()}
            level = levels.get(level_id) if level_id is not None else None
            if level is None:
                error["level"] = [
                    f"{item.get('level')!r} is not a level of the criterion {criterion.title!r}."
                ]
            elif not error:
                chosen[criterion.pk] = Pick(criterion, level, comment.strip())
        if error:
            errors[index] = error
    if errors:
        raise InvalidInput({"rubric": errors})
    missing = [c for c in criteria if c.pk not in chosen]
    if missing:
        names = ", ".join(f"{c.title} ({c.pk})" for c in missing)
        raise InvalidInput({"rubric": [f"Pick a level for every criterion; missing: {names}."]})
    return [chosen[c.pk] for c in criteria]


def grades_automatically(kind: str) -> bool:
    """Whether tasks of ``kind`` get a score from their evaluator (every kind but those
    that always wait for staff, like ``manual``)."""
    try:
        evaluator = get_evaluator(kind)
    except UnknownKind:
        return False
    return not isinstance(evaluator, ManualEvaluator)


def automatic_max(task: Task, rubric_points: float) -> float:
    """What the automatic part of a rubric task is worth: the task's ``max_score`` minus
    its rubric's points (0 for kinds that do not grade automatically)."""
    if not grades_automatically(task.kind):
        return 0.0
    return max(task.max_score - rubric_points, 0.0)


def automatic_part(submission: Submission) -> float | None:
    """The automatic score of ``submission`` for a rubric grade: the automatic part its
    latest successful evaluator run gave (``result["automatic_score"]``, or the run's raw
    score capped at the automatic part's worth when the task had no rubric then); 0 before
    any run; None for kinds that do not grade automatically."""
    task = submission.task
    if not grades_automatically(task.kind):
        return None
    run = (
        Evaluation.objects.successful()
        .filter(submission=submission)
        .exclude(trigger=EvaluationTrigger.MANUAL)
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None:
        return 0.0
    worth = automatic_max(task, best_points(task.rubric) if task.rubric is not None else 0.0)
    stored = run.result.get("automatic_score") if isinstance(run.result, dict) else None
    value = stored if isinstance(stored, int | float) else (run.raw_score or 0.0)
    return float(min(max(value, 0.0), worth))
