"""What a proposed grading change would do to every student, computed without a write.

``POST courses/{slug}/grading/preview/`` (docs/grading.md, "Previewing a change") hands
:func:`preview` a proposed scheme, letter scale, list of groups and task changes; both sides
of each result come from :func:`learnplat.progress.rules.standing`, the function that writes
the stored figures, so "old" is what the gradebook shows and "new" is what it would show
after the change. Reads a fixed number of queries whatever the course size.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from learnplat.courses.deadlines import late_score, section_dates_of, window_for
from learnplat.courses.models import AssignmentGroup, Course, Extension, Task
from learnplat.progress.models import TaskProgress
from learnplat.progress.querysets import gradebook_students
from learnplat.progress.rules import (
    Attempt,
    CourseRule,
    GroupRule,
    Standing,
    TaskMark,
    TaskRule,
    course_rule,
    fold,
    group_rule,
    standing,
    task_rule,
)
from learnplat.submissions.models import Submission


@dataclass(frozen=True)
class ProposedGroup:
    """A group of the proposal; a negative ``id`` names a group that does not exist yet."""

    id: int
    name: str
    weight: float
    drop_lowest: int
    position: int


@dataclass(frozen=True)
class Proposal:
    """A grading change; None (or an empty mapping) leaves that part as it is."""

    grading_scheme: str | None = None
    letter_grades: Sequence[Mapping[str, Any]] | None = None
    groups: Sequence[ProposedGroup] | None = None
    #: task id -> the changed fields among weight, max_score, late_policy, group.
    tasks: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviewResult:
    user: Any
    old: Standing
    new: Standing

    @property
    def changed(self) -> bool:
        return _figures(self.old) != _figures(self.new)


def _figures(result: Standing) -> tuple[float, float, float, str]:
    return (result.score, result.max_score, result.percent, result.letter)


def preview(course: Course, proposal: Proposal) -> list[PreviewResult]:
    """Every gradebook student's figures now and under ``proposal``, by username."""
    tasks = list(Task.objects.filter(course=course))
    old_course_rule = course_rule(course, AssignmentGroup.objects.filter(course=course))
    new_course_rule = _proposed_course_rule(course, old_course_rule, proposal)
    old_rules = {t.pk: task_rule(t, course) for t in tasks}
    changed_tasks = {
        t.pk: _changed_task(t, proposal.tasks[t.pk]) for t in tasks if t.pk in proposal.tasks
    }
    new_rules = {**old_rules, **{pk: task_rule(t, course) for pk, t in changed_tasks.items()}}
    rejudged = {pk: t for pk, t in changed_tasks.items() if "late_policy" in proposal.tasks[pk]}

    students = list(gradebook_students(course))
    user_ids = [e.user_id for e in students]
    old_marks: dict[int, dict[int, TaskMark]] = {}
    new_marks: dict[int, dict[int, TaskMark]] = {}
    rows = TaskProgress.objects.filter(course=course, user_id__in=user_ids).values_list(
        "user_id", "task_id", "score", "points", "completed", "completed_at"
    )
    for user, task, score, points, completed, completed_at in rows:
        old_marks.setdefault(user, {})[task] = TaskMark(points, completed, completed_at)
        new_points = new_rules[task].points(score) if task in changed_tasks else points
        new_marks.setdefault(user, {})[task] = TaskMark(new_points, completed, completed_at)
    for (user, task), state in _rejudge(course, user_ids, rejudged, new_rules).items():
        new_marks.setdefault(user, {})[task] = TaskMark(
            state.points, state.completed, state.completed_at
        )
    return [
        PreviewResult(
            user=e.user,
            old=standing(old_course_rule, old_rules.values(), old_marks.get(e.user_id, {})),
            new=standing(new_course_rule, new_rules.values(), new_marks.get(e.user_id, {})),
        )
        for e in students
    ]


def _proposed_course_rule(course: Course, current: CourseRule, proposal: Proposal) -> CourseRule:
    scheme = proposal.grading_scheme or current.scheme
    letters = current.letters
    if proposal.letter_grades is not None:
        letters = tuple((str(e["letter"]), float(e["min_percent"])) for e in proposal.letter_grades)
    groups: tuple[GroupRule, ...] = current.groups
    if proposal.groups is not None:
        groups = tuple(
            sorted(
                (group_rule(_GroupRow(g)) for g in proposal.groups),
                key=lambda g: (g.position, g.group_id),
            )
        )
    return CourseRule(scheme=scheme, letters=letters, groups=groups)


class _GroupRow:
    """A proposed group in the shape :func:`group_rule` reads."""

    def __init__(self, group: ProposedGroup) -> None:
        self.pk, self.name, self.weight = group.id, group.name, group.weight
        self.drop_lowest, self.position = group.drop_lowest, group.position


def _changed_task(task: Task, changes: Mapping[str, Any]) -> Task:
    proposed = copy.copy(task)
    for name in ("weight", "max_score", "late_policy"):
        if name in changes:
            setattr(proposed, name, changes[name])
    if "group" in changes:
        proposed.group_id = changes["group"]
    return proposed


def _rejudge(
    course: Course, user_ids: list[int], tasks: Mapping[int, Task], rules: Mapping[int, TaskRule]
) -> dict[tuple[int, int], Any]:
    """Each student's standing on ``tasks`` with their late deductions recomputed under the
    tasks' proposed late policies (manual grades keep their score, as in the real change),
    each judged by the student's own window: extension > section date > task date."""
    if not tasks:
        return {}
    extensions = Extension.objects.filter(course=course, user_id__in=user_ids)
    sections = section_dates_of(course_ids=[course.pk], user_ids=user_ids, task_ids=list(tasks))
    course_wide = {e.user_id: e for e in extensions if e.task_id is None}
    own = {(e.user_id, e.task_id): e for e in extensions if e.task_id is not None}
    attempts: dict[tuple[int, int], list[Attempt]] = {}
    rows = (
        Submission.objects.filter(task_id__in=list(tasks), user_id__in=user_ids)
        .order_by("user_id", "task_id", "attempt")
        .values_list(
            "user_id", "task_id", "attempt", "status", "score", "raw_score", "evaluated_at",
            "submitted_at", "manually_graded", "late_days_used",
        )
    )  # fmt: skip
    for user, task_id, attempt, status, score, raw, evaluated, submitted, manual, days in rows:
        task = tasks[task_id]
        if raw is not None and not manual:
            window = window_for(
                task,
                own.get((user, task_id), course_wide.get(user)),
                sections.get((user, task_id)),
            )
            score = late_score(
                raw, task=task, window=window, submitted_at=submitted, late_days_used=days
            )
        attempts.setdefault((user, task_id), []).append(
            Attempt(attempt, status, score, raw, evaluated or submitted)
        )
    return {pair: fold(rules[pair[1]], found) for pair, found in attempts.items()}
