"""The grading rules, as plain functions shared by the incremental path and the recompute.

Both paths fold the same :class:`Attempt` values with the same functions, which is what makes a
full recompute give exactly the rows the incremental path left. Reads::

    LEARNPLAT = {
        "PROGRESS": {
            # A task is completed once a graded attempt's raw score (before any late
            # deduction) reaches this fraction of the task's max_score.
            "COMPLETION_THRESHOLD": 1.0,
            # Kinds graded by people: completed as soon as an attempt is graded, any score.
            "COMPLETE_WHEN_GRADED_KINDS": ["manual"],
        }
    }

docs/grading.md states the rules in prose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from learnplat.conf import settings
from learnplat.courses.choices import GradingPolicy, GradingScheme
from learnplat.evaluation.base import SCORE_TOLERANCE
from learnplat.progress.choices import AttemptState, TaskProgressStatus
from learnplat.progress.models import POINTS_PER_WEIGHT
from learnplat.submissions.choices import SubmissionStatus

#: Statuses of an attempt that has no result yet (unless a regrade kept its old one).
_WAITING = (SubmissionStatus.QUEUED, SubmissionStatus.EVALUATING)


@dataclass(frozen=True)
class TaskRule:
    """What the rules need to know about a task and its course."""

    task_id: int
    course_id: int
    max_score: float
    weight: float
    is_published: bool
    policy: str
    complete_when_graded: bool
    threshold: float
    group_id: int | None = None

    @property
    def worth_points(self) -> int:
        """What a full score on this task is worth in the course: weight x max_score, in
        millionths of a point."""
        return round(self.weight * self.max_score * POINTS_PER_WEIGHT) if self.max_score > 0 else 0

    def passes(self, attempt: Attempt) -> bool:
        if not attempt.is_scored:
            return False
        if self.complete_when_graded:
            return True
        raw = attempt.raw_score if attempt.raw_score is not None else attempt.score
        assert raw is not None  # is_scored
        return raw >= self.max_score * self.threshold - SCORE_TOLERANCE

    def points(self, counted: float | None) -> int:
        """weight x the counted score (kept within 0 and max_score), in millionths."""
        if counted is None or self.max_score <= 0:
            return 0
        return round(self.weight * min(max(counted, 0.0), self.max_score) * POINTS_PER_WEIGHT)


def task_rule(task: Any, course: Any | None = None) -> TaskRule:
    """The rule of ``task`` (``course`` defaults to ``task.course``) under the current settings."""
    course = course if course is not None else task.course
    progress = settings.PROGRESS
    return TaskRule(
        task_id=task.pk,
        course_id=course.pk,
        max_score=float(task.max_score),
        weight=float(task.weight),
        is_published=bool(task.is_published),
        policy=str(course.grading_policy),
        complete_when_graded=task.kind in progress["COMPLETE_WHEN_GRADED_KINDS"],
        threshold=float(progress["COMPLETION_THRESHOLD"]),
        group_id=task.group_id,
    )


@dataclass(frozen=True)
class Attempt:
    """The part of a submission that progress reads."""

    attempt: int
    status: str
    score: float | None
    raw_score: float | None
    graded_at: dt.datetime | None

    @property
    def is_scored(self) -> bool:
        """Whether the attempt's score counts: it has one that no one has yet to review.

        A regrade re-queues a graded attempt keeping its score, and a failed re-evaluation
        keeps it too: the grade stands until a new result replaces it. A ``needs_review``
        score is provisional until course staff grade it.
        """
        return self.score is not None and self.status != SubmissionStatus.NEEDS_REVIEW

    @property
    def state(self) -> str:
        """``pending`` until a first result, ``needs_review``, or ``done``.

        Coarse on purpose: the pipeline's own moves (claiming, retrying, re-queueing a
        graded attempt) do not change it, so they need no call to ``record_result``.
        """
        if self.status == SubmissionStatus.NEEDS_REVIEW:
            return AttemptState.NEEDS_REVIEW
        if self.status in _WAITING and self.score is None:
            return AttemptState.PENDING
        return AttemptState.DONE

    @classmethod
    def of(cls, submission: Any) -> Attempt:
        return cls(
            attempt=submission.attempt,
            status=str(submission.status),
            score=submission.score,
            raw_score=submission.raw_score,
            # A graded row always has evaluated_at; the fallback keeps odd data deterministic.
            graded_at=submission.evaluated_at or submission.submitted_at,
        )


#: TaskProgress fields that the rules own (what a recompute compares and writes).
STATE_FIELDS = (
    "attempts",
    "last_attempt",
    "last_state",
    "best_attempt",
    "best_score",
    "latest_attempt",
    "latest_score",
    "passed_attempt",
    "completed_at",
    "score",
    "points",
    "completed",
    "status",
)


@dataclass
class TaskState:
    """A (user, task) standing: the stored fields of ``TaskProgress`` that the rules own."""

    attempts: int = 0
    last_attempt: int = 0
    last_state: str = ""
    best_attempt: int | None = None
    best_score: float | None = None
    latest_attempt: int | None = None
    latest_score: float | None = None
    passed_attempt: int | None = None
    completed_at: dt.datetime | None = None
    # Derived by ``derive``.
    score: float | None = None
    points: int = 0
    completed: bool = False
    status: str = TaskProgressStatus.NOT_STARTED

    @classmethod
    def of(cls, row: Any) -> TaskState:
        return cls(**{name: getattr(row, name) for name in STATE_FIELDS})

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in STATE_FIELDS}

    def apply(self, rule: TaskRule, attempt: Attempt) -> bool:
        """Fold the current state of one attempt in, in O(1).

        Returns False when that is impossible without the pair's other attempts: the attempt
        that held the best or latest grade, or the first pass, lost it (a regrade or override
        lowered it, or it went back to the queue). The caller then rebuilds the pair.
        """
        n = attempt.attempt
        if n >= self.last_attempt:
            self.last_attempt, self.last_state = n, attempt.state
        scored = attempt.is_scored
        score = attempt.score if attempt.score is not None else float("-inf")
        best = self.best_score if self.best_score is not None else float("-inf")
        if scored and (
            self.best_attempt is None or score > best or (score == best and n < self.best_attempt)
        ):
            self.best_attempt, self.best_score = n, attempt.score
        elif n == self.best_attempt and (not scored or score < best):
            return False
        if scored and (self.latest_attempt is None or n >= self.latest_attempt):
            self.latest_attempt, self.latest_score = n, attempt.score
        elif n == self.latest_attempt:
            return False
        if rule.passes(attempt):
            if self.passed_attempt is None or n <= self.passed_attempt:
                self.passed_attempt, self.completed_at = n, attempt.graded_at
        elif n == self.passed_attempt:
            return False
        return True

    def derive(self, rule: TaskRule) -> None:
        """Set the fields that follow from the kept attempts and the task's rule."""
        self.score = self.best_score if rule.policy == GradingPolicy.BEST else self.latest_score
        self.points = rule.points(self.score)
        self.completed = self.passed_attempt is not None
        if not self.completed:
            self.completed_at = None
        if self.completed:
            self.status = TaskProgressStatus.COMPLETED
        elif not self.last_attempt:
            self.status = TaskProgressStatus.NOT_STARTED
        elif self.last_state == AttemptState.NEEDS_REVIEW:
            self.status = TaskProgressStatus.NEEDS_REVIEW
        elif self.last_state == AttemptState.PENDING:
            self.status = TaskProgressStatus.PENDING
        else:
            self.status = TaskProgressStatus.ATTEMPTED


def fold(rule: TaskRule, attempts: Iterable[Attempt]) -> TaskState:
    """The standing of a pair from all its attempts (the recompute, and the bounded re-read)."""
    state = TaskState()
    for attempt in attempts:
        state.attempts += 1
        # From an empty state every attempt is new, so apply() never needs a re-read here.
        state.apply(rule, attempt)
    state.derive(rule)
    return state


#: CourseProgress fields that the rules own.
COURSE_FIELDS = (
    "points",
    "max_points",
    "score",
    "max_score",
    "percent",
    "tasks_completed",
    "tasks_total",
    "completed_at",
    "letter",
    "groups",
)


@dataclass(frozen=True)
class GroupRule:
    """What the rules need to know about an assignment group."""

    group_id: int
    name: str
    weight: float
    drop_lowest: int
    position: int


def group_rule(group: Any) -> GroupRule:
    return GroupRule(
        group_id=group.pk,
        name=str(group.name),
        weight=float(group.weight),
        drop_lowest=int(group.drop_lowest),
        position=int(group.position),
    )


@dataclass(frozen=True)
class CourseRule:
    """A course's grading scheme, letter scale and assignment groups."""

    scheme: str = GradingScheme.POINTS
    letters: tuple[tuple[str, float], ...] = ()
    groups: tuple[GroupRule, ...] = ()

    def letter(self, percent: float) -> str:
        """The first letter, highest cut-off first, whose ``min_percent`` the percent reaches
        ("" when none does)."""
        for letter, min_percent in self.letters:
            if percent >= min_percent - SCORE_TOLERANCE:
                return letter
        return ""


def course_rule(course: Any, groups: Iterable[Any]) -> CourseRule:
    """The rule of ``course`` with its assignment ``groups`` (model rows)."""
    letters = tuple(
        (str(entry["letter"]), float(entry["min_percent"])) for entry in course.letter_grades or ()
    )
    ordered = sorted((group_rule(g) for g in groups), key=lambda g: (g.position, g.group_id))
    return CourseRule(scheme=str(course.grading_scheme), letters=letters, groups=tuple(ordered))


@dataclass(frozen=True)
class TaskMark:
    """What a student's standing on a task adds to the course: its points and completion."""

    points: int = 0
    completed: bool = False
    completed_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: Any) -> TaskMark:
        return cls(int(row.points), bool(row.completed), row.completed_at)


#: The name the figures give the tasks outside any assignment group.
OTHER_TASKS = "Other tasks"


def _percent(points: int, max_points: int) -> float:
    return round(100.0 * points / max_points, 2) if max_points else 0.0


@dataclass(frozen=True)
class GroupStanding:
    """A student's figures in one assignment group (``group`` None: the ungrouped tasks)."""

    group: int | None
    name: str
    weight: float | None
    points: int
    max_points: int
    percent: float
    dropped: tuple[int, ...]

    def json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "weight": self.weight,
            "score": self.points / POINTS_PER_WEIGHT,
            "max_score": self.max_points / POINTS_PER_WEIGHT,
            "percent": self.percent,
            "dropped": list(self.dropped),
        }


def _group_standing(
    group: GroupRule | None,
    rules: list[TaskRule],
    marks: Mapping[int, TaskMark],
    weight: float | None,
) -> GroupStanding:
    """Drop the group's lowest task percentages, then add up what is kept."""
    candidates = [r for r in rules if r.worth_points > 0]
    to_drop = min(group.drop_lowest, len(candidates) - 1) if group is not None else 0
    dropped: tuple[int, ...] = ()
    if to_drop > 0:
        # Lowest share of the task's worth first; a tie drops the older task (lower id).
        ranked = sorted(
            candidates,
            key=lambda r: (marks.get(r.task_id, NO_MARK).points / r.worth_points, r.task_id),
        )
        dropped = tuple(sorted(r.task_id for r in ranked[:to_drop]))
    kept = [r for r in rules if r.task_id not in dropped]
    points = sum(marks.get(r.task_id, NO_MARK).points for r in kept)
    max_points = sum(r.worth_points for r in kept)
    return GroupStanding(
        group=group.group_id if group is not None else None,
        name=group.name if group is not None else OTHER_TASKS,
        weight=weight,
        points=points,
        max_points=max_points,
        percent=_percent(points, max_points),
        dropped=dropped,
    )


NO_MARK = TaskMark()


@dataclass(frozen=True)
class Standing:
    """A student's course figures: every CourseProgress field the rules own."""

    points: int
    max_points: int
    score: float
    max_score: float
    percent: float
    tasks_completed: int
    tasks_total: int
    completed_at: dt.datetime | None
    letter: str
    groups: tuple[GroupStanding, ...]

    def values(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "max_points": self.max_points,
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "tasks_completed": self.tasks_completed,
            "tasks_total": self.tasks_total,
            "completed_at": self.completed_at,
            "letter": self.letter,
            "groups": [g.json() for g in self.groups],
        }

    @property
    def dropped(self) -> set[int]:
        return {task for g in self.groups for task in g.dropped}


def standing(
    course: CourseRule, rules: Iterable[TaskRule], marks: Mapping[int, TaskMark]
) -> Standing:
    """A student's course figures from their ``marks`` (by task id; missing = nothing yet).

    Only published tasks count. docs/grading.md ("Course score") and decision 0015 state the
    arithmetic: drops per group, then a sum of points (``points``) or a weighted mean of
    the groups' percentages (``weighted``), then the letter.
    """
    published = [r for r in rules if r.is_published]
    known = {g.group_id for g in course.groups}
    by_group: dict[int | None, list[TaskRule]] = {}
    for rule in published:
        key = rule.group_id if rule.group_id in known else None
        by_group.setdefault(key, []).append(rule)
    weighted = course.scheme == GradingScheme.WEIGHTED
    rest = max(0.0, 100.0 - sum(g.weight for g in course.groups))
    groups = [
        _group_standing(g, by_group[g.group_id], marks, g.weight if weighted else None)
        for g in course.groups
        if g.group_id in by_group
    ]
    if None in by_group:
        groups.append(_group_standing(None, by_group[None], marks, rest if weighted else None))
    points = sum(g.points for g in groups)
    max_points = sum(g.max_points for g in groups)
    if weighted:
        # A group with nothing to count, or no weight, shares its weight out among the rest.
        counted = [g for g in groups if g.max_points > 0 and (g.weight or 0) > 0]
        total_weight = sum(g.weight or 0.0 for g in counted)
        mean = (
            sum((g.weight or 0.0) * g.points / g.max_points for g in counted) / total_weight
            if total_weight
            else 0.0
        )
        percent = round(100.0 * mean, 2)
        score, max_score = percent, 100.0
    else:
        percent = _percent(points, max_points)
        score, max_score = points / POINTS_PER_WEIGHT, max_points / POINTS_PER_WEIGHT
    done = [marks[r.task_id] for r in published if marks.get(r.task_id, NO_MARK).completed]
    complete = bool(published) and len(done) >= len(published)
    return Standing(
        points=points,
        max_points=max_points,
        score=score,
        max_score=max_score,
        percent=percent,
        tasks_completed=len(done),
        tasks_total=len(published),
        completed_at=max((m.completed_at for m in done if m.completed_at), default=None)
        if complete
        else None,
        letter=course.letter(percent) if course.letters else "",
        groups=tuple(groups),
    )
