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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from learnplat.conf import settings
from learnplat.courses.choices import GradingPolicy
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

    @property
    def weight_points(self) -> int:
        """The points a full score on this task is worth in the course total."""
        return round(self.weight * POINTS_PER_WEIGHT) if self.max_score > 0 else 0

    def passes(self, attempt: Attempt) -> bool:
        if not attempt.is_scored:
            return False
        if self.complete_when_graded:
            return True
        raw = attempt.raw_score if attempt.raw_score is not None else attempt.score
        assert raw is not None  # is_scored
        return raw >= self.max_score * self.threshold - SCORE_TOLERANCE

    def points(self, counted: float | None) -> int:
        if counted is None or self.max_score <= 0:
            return 0
        fraction = min(max(counted / self.max_score, 0.0), 1.0)
        return round(self.weight_points * fraction)


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


@dataclass(frozen=True)
class CourseTotals:
    """What a course offers: its published tasks and the points they are worth."""

    tasks_total: int
    max_points: int

    @classmethod
    def of(cls, rules: Iterable[TaskRule]) -> CourseTotals:
        published = [r for r in rules if r.is_published]
        return cls(len(published), sum(r.weight_points for r in published))


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
)


def course_figures(points: int, max_points: int) -> dict[str, float]:
    """score, max_score and percent, all functions of the two integers."""
    return {
        "score": points / POINTS_PER_WEIGHT,
        "max_score": max_points / POINTS_PER_WEIGHT,
        "percent": round(100.0 * points / max_points, 2) if max_points else 0.0,
    }


def course_values(
    totals: CourseTotals, points: int, tasks_completed: int, last_completed_at: dt.datetime | None
) -> dict[str, Any]:
    """Every CourseProgress field the rules own.

    A course is completed when it has published tasks and every one is completed; it was
    completed when the last of them was (``last_completed_at``).
    """
    done = totals.tasks_total > 0 and tasks_completed >= totals.tasks_total
    return {
        "points": points,
        "max_points": totals.max_points,
        **course_figures(points, totals.max_points),
        "tasks_completed": tasks_completed,
        "tasks_total": totals.tasks_total,
        "completed_at": last_completed_at if done else None,
    }
