"""Read-only serializers of progress reports and the gradebook (docs/progress.md).

They serialize :class:`learnplat.progress.reports.ProgressReport` objects; a host replaces
one through ``LEARNPLAT["SERIALIZERS"]`` under ``progress_list``, ``progress_course`` or
``gradebook_retrieve``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from learnplat.progress.models import TaskProgressStatus
from learnplat.serializers import UserSummarySerializer


class CourseSummarySerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)


class FiguresMixin(serializers.Serializer[Any]):
    """The course-level figures of a report (zeros before the first submission)."""

    score = serializers.FloatField(
        source="figures.score",
        read_only=True,
        help_text="Sum over the published tasks of weight * counted score / max_score.",
    )
    max_score = serializers.FloatField(
        source="figures.max_score",
        read_only=True,
        help_text="Sum of the weights of the published tasks that have a max_score above 0.",
    )
    percent = serializers.FloatField(
        source="figures.percent",
        read_only=True,
        help_text="100 * score / max_score, rounded to 2 decimals.",
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


class TaskProgressSerializer(TaskCellSerializer):
    """A student's standing on one task, with what a progress page shows beside it."""

    title = serializers.CharField(source="task.title", read_only=True)
    max_score = serializers.FloatField(source="task.max_score", read_only=True)
    best_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The highest counting score of any attempt."
    )


class CourseProgressSerializer(FiguresMixin):
    """A student's progress in one course."""

    course = CourseSummarySerializer(read_only=True)
    user = UserSummarySerializer(read_only=True)
    tasks = TaskProgressSerializer(source="cells", many=True, read_only=True)


class GradebookRowSerializer(FiguresMixin):
    """One student's row of the gradebook; ``cells`` follow the order of the ``tasks`` header."""

    user = UserSummarySerializer(read_only=True)
    cells = TaskCellSerializer(many=True, read_only=True)


class GradebookTaskSerializer(serializers.Serializer[Any]):
    """A column of the gradebook: one published task."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    max_score = serializers.FloatField(read_only=True)
    weight = serializers.FloatField(read_only=True)
