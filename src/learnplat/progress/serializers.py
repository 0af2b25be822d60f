"""Read-only serializers of progress reports and the gradebook (docs/progress.md).

They serialize :class:`learnplat.progress.reports.ProgressReport` objects; a host replaces
one through ``LEARNPLAT["SERIALIZERS"]`` under ``progress_list``, ``progress_course`` or
``gradebook_retrieve``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learnplat.courses.choices import GradingScheme, ReleaseMode
from learnplat.progress.choices import TaskProgressStatus, UpcomingStatus
from learnplat.serializers import (
    CourseSummarySerializer,
    UserSummarySerializer,
    course_summary_json,
    datetime_json,
    float_json,
    user_summary_json,
)

NOT_STARTED = TaskProgressStatus.NOT_STARTED.value


def _group_json(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "group": group["group"],
        "name": str(group["name"]),
        "weight": float_json(group["weight"]),
        "score": float_json(group["score"]),
        "max_score": float_json(group["max_score"]),
        "percent": float_json(group["percent"]),
        "dropped": list(group["dropped"]),
    }


def _figures_json(figures: dict[str, Any]) -> dict[str, Any]:
    """``FiguresMixin``'s fields, as DRF writes them."""
    return {
        "score": float_json(figures["score"]),
        "max_score": float_json(figures["max_score"]),
        "percent": float_json(figures["percent"]),
        "tasks_completed": int(figures["tasks_completed"]),
        "tasks_total": int(figures["tasks_total"]),
        "completed_at": datetime_json(figures["completed_at"]),
        "letter": figures["letter"],
        "groups": [_group_json(group) for group in figures["groups"]],
    }


def _cell_json(task_id: int, row: Any, *, dropped: bool) -> dict[str, Any]:
    """``TaskCellSerializer``'s fields of a task's progress row (None: not started), as
    staff see it.

    The row's columns already have the types DRF's fields would give (float or None,
    int, str, bool), so they are taken as they are."""
    if row is None:
        return {
            "task": task_id,
            "score": None,
            "attempts": 0,
            "status": NOT_STARTED,
            "completed": False,
            "dropped": dropped,
        }
    return {
        "task": task_id,
        "score": row.score,
        "attempts": row.attempts,
        "status": row.status,
        "completed": row.completed,
        "dropped": dropped,
    }


class GroupFiguresSerializer(serializers.Serializer[Any]):
    """A student's figures in one assignment group."""

    group = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The group's id; null: the ungrouped tasks."
    )
    name = serializers.CharField(read_only=True)
    weight = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Percent of the course the group weighs under `weighted` (the ungrouped "
        "tasks weigh what the groups leave of 100); null under `points`.",
    )
    score = serializers.FloatField(
        read_only=True, help_text="Sum of weight * counted score of the tasks it keeps."
    )
    max_score = serializers.FloatField(
        read_only=True, help_text="Sum of weight * max_score of the tasks it keeps."
    )
    percent = serializers.FloatField(read_only=True, help_text="100 * score / max_score.")
    dropped = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Ids of the tasks dropped as the student's lowest (`drop_lowest`).",
    )


class FiguresMixin(serializers.Serializer[Any]):
    """The course-level figures of a report (zeros before the first submission)."""

    score = serializers.FloatField(
        source="figures.score",
        read_only=True,
        help_text="`points`: sum of weight * counted score over the published tasks kept "
        "(not dropped); `weighted`: the percent.",
    )
    max_score = serializers.FloatField(
        source="figures.max_score",
        read_only=True,
        help_text="`points`: sum of weight * max_score of those tasks; `weighted`: 100.",
    )
    percent = serializers.FloatField(
        source="figures.percent",
        read_only=True,
        help_text="`points`: 100 * score / max_score; `weighted`: the groups' percents "
        "weighed by their weights. Rounded to 2 decimals.",
    )
    tasks_completed = serializers.IntegerField(source="figures.tasks_completed", read_only=True)
    tasks_total = serializers.IntegerField(
        source="figures.tasks_total", read_only=True, help_text="Published tasks of the course."
    )
    completed_at = serializers.DateTimeField(
        source="figures.completed_at",
        read_only=True,
        allow_null=True,
        help_text="When the last published task was completed; null until all are.",
    )
    letter = serializers.CharField(
        source="figures.letter",
        read_only=True,
        allow_null=True,
        help_text="The course's letter for the percent; null without a scale or below it.",
    )
    groups = GroupFiguresSerializer(source="figures.groups", many=True, read_only=True)


class TaskCellSerializer(serializers.Serializer[Any]):
    """A student's standing on one task (a gradebook cell)."""

    task = serializers.IntegerField(source="task.pk", read_only=True)
    score = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The counted score under the course's grading policy (best or latest).",
    )
    attempts = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=TaskProgressStatus.choices, read_only=True)
    completed = serializers.BooleanField(read_only=True)
    dropped = serializers.BooleanField(
        read_only=True, help_text="Dropped as one of the student's lowest in its group."
    )


class TaskProgressSerializer(TaskCellSerializer):
    """A student's standing on one task, with what a progress page shows beside it."""

    title = serializers.CharField(source="task.title", read_only=True)
    max_score = serializers.FloatField(source="task.max_score", read_only=True)
    weight = serializers.FloatField(source="task.weight", read_only=True)
    group = serializers.IntegerField(source="task.group_id", read_only=True, allow_null=True)
    best_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The highest counting score of any attempt."
    )
    released = serializers.BooleanField(
        read_only=True,
        help_text="Whether the student sees the task's scores; when false `score` and "
        "`best_score` are null and `completed` false in the student's own progress.",
    )


class CourseProgressSerializer(FiguresMixin):
    """A student's progress in one course."""

    course = CourseSummarySerializer(read_only=True)
    user = UserSummarySerializer(read_only=True)
    grading_scheme = serializers.ChoiceField(
        source="course.grading_scheme", choices=GradingScheme.choices, read_only=True
    )
    tasks = TaskProgressSerializer(source="cells", many=True, read_only=True)

    def to_representation(self, instance: Any) -> Any:
        # The same fields as DRF writes them, without its per-field machinery; subclasses
        # (a host's own serializer) take DRF's way, as they may add fields.
        if type(self) is not CourseProgressSerializer:
            return super().to_representation(instance)
        tasks = [
            {
                "task": cell.task.pk,
                "score": float_json(cell.score),
                "attempts": cell.attempts,
                "status": cell.status,
                "completed": cell.completed,
                "dropped": cell.dropped,
                "title": str(cell.task.title),
                "max_score": float(cell.task.max_score),
                "weight": float(cell.task.weight),
                "group": cell.task.group_id,
                "best_score": float_json(cell.best_score),
                "released": cell.released,
            }
            for cell in instance.cells
        ]
        return {
            **_figures_json(instance.figures),
            "course": course_summary_json(instance.course),
            "user": user_summary_json(instance.user),
            "grading_scheme": str(instance.course.grading_scheme),
            "tasks": tasks,
        }


class GradebookRowSerializer(FiguresMixin):
    """One student's row of the gradebook; ``cells`` follow the order of the ``tasks`` header."""

    user = UserSummarySerializer(read_only=True)
    cells = TaskCellSerializer(many=True, read_only=True)

    def to_representation(self, instance: Any) -> Any:
        # A page is 100 students x every task: field-by-field DRF costs most of the request.
        # Subclasses (a host's own serializer) take DRF's way, as they may add fields.
        if type(self) is not GradebookRowSerializer:
            return super().to_representation(instance)
        rows, dropped = instance.task_rows, instance.dropped
        return {
            **_figures_json(instance.figures),
            "user": user_summary_json(instance.user),
            "cells": [
                _cell_json(pk, rows.get(pk), dropped=pk in dropped)
                for pk in self._task_ids(instance.tasks)
            ],
        }

    def _task_ids(self, tasks: list[Any]) -> list[int]:
        # Every row of a page shares one tasks list: its ids are read once.
        cached = getattr(self, "_task_ids_of", None)
        if cached is None or cached[0] is not tasks:
            cached = self._task_ids_of = (tasks, [task.pk for task in tasks])
        return cached[1]


class GradebookTaskSerializer(serializers.Serializer[Any]):
    """A column of the gradebook: one published task."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    max_score = serializers.FloatField(read_only=True)
    weight = serializers.FloatField(read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)
    release = serializers.ChoiceField(choices=ReleaseMode.choices, read_only=True)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)


class UpcomingTaskRefSerializer(serializers.Serializer[Any]):
    """The task of a to-do entry."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class UpcomingSerializer(serializers.Serializer[Any]):
    """A task on the caller's to-do, with their own due date and standing."""

    task = UpcomingTaskRefSerializer(source="*", read_only=True)
    course = CourseSummarySerializer(read_only=True)
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The task's own due date, for everyone."
    )
    effective_due_at = serializers.DateTimeField(
        read_only=True,
        help_text="The caller's due date: `due_at`, or their extension's when they have one.",
    )
    status = serializers.ChoiceField(
        source="upcoming_status",
        choices=UpcomingStatus.choices,
        read_only=True,
        help_text="`not_started`: no submission yet; `attempted`: graded, not completed yet; "
        "`pending` / `needs_review`: the latest attempt waits for a result or a manual "
        "grade; `overdue`: past `effective_due_at` (still open), nothing waiting for a grade.",
    )
    attempts_left = serializers.SerializerMethodField(
        help_text="Submissions the caller may still make; null when the task has no limit."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0))
    def get_attempts_left(self, task: Any) -> int | None:
        if task.max_attempts is None:
            return None
        return max(0, int(task.max_attempts) - int(task.attempts_used))


class UpcomingQuerySerializer(serializers.Serializer[Any]):
    """The query parameters of ``GET progress/upcoming/``."""

    days = serializers.IntegerField(
        default=14,
        min_value=1,
        max_value=365,
        help_text="How far ahead to look, in days from now (1 to 365).",
    )
    overdue = serializers.BooleanField(
        default=True,
        help_text="Whether to include tasks past their due date that are still open.",
    )
