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
from learnplat.courses.models import AssignmentGroup, Task
from learnplat.courses.validation import (
    LETTER_MAX_LENGTH,
    check_group_weights,
    clean_letter_grades,
    normalise_late_policy,
)
from learnplat.exceptions import InvalidInput
from learnplat.progress.choices import TaskProgressStatus, UpcomingStatus
from learnplat.progress.models import RecomputeJob
from learnplat.progress.preview import ProposedGroup
from learnplat.serializers import (
    CourseSummarySerializer,
    CSVRowErrorSerializer,
    DryRunField,
    RejectUnknownFieldsMixin,
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


class StudentGroupRefSerializer(serializers.Serializer[Any]):
    """A student's group in one group set of the course."""

    group_set = serializers.IntegerField(read_only=True)
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def _student_groups_json(instance: Any) -> list[dict[str, Any]]:
    return [
        {"group_set": set_id, "id": group_id, "name": name}
        for set_id, (group_id, name) in sorted(instance.student_groups.items())
    ]


class GradebookRowSerializer(FiguresMixin):
    """One student's row of the gradebook; ``cells`` follow the order of the ``tasks`` header."""

    user = UserSummarySerializer(read_only=True)
    cells = TaskCellSerializer(many=True, read_only=True)
    student_groups = serializers.SerializerMethodField(
        help_text="The student's group in each group set of the course (a group task's "
        "cell shows the group's grade: match the task's `group_set`)."
    )

    @extend_schema_field(StudentGroupRefSerializer(many=True))
    def get_student_groups(self, instance: Any) -> list[dict[str, Any]]:
        return _student_groups_json(instance)

    def to_representation(self, instance: Any) -> Any:
        # A page is 100 students x every task: field-by-field DRF costs most of the request.
        # Subclasses (a host's own serializer) take DRF's way, as they may add fields.
        if type(self) is not GradebookRowSerializer:
            return super().to_representation(instance)
        rows, dropped = instance.visible_task_rows, instance.dropped
        return {
            **_figures_json(instance.figures),
            "user": user_summary_json(instance.user),
            "cells": [
                _cell_json(pk, rows.get(pk), dropped=pk in dropped)
                for pk in self._task_ids(instance.tasks)
            ],
            "student_groups": _student_groups_json(instance),
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
    group_set = serializers.IntegerField(
        source="group_set_id",
        read_only=True,
        allow_null=True,
        help_text="The task's group set: its cells are the group's grade (each row's "
        "`student_groups` names the group).",
    )
    release = serializers.ChoiceField(choices=ReleaseMode.choices, read_only=True)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)
    anonymous_grading = serializers.BooleanField(read_only=True)
    scores_hidden = serializers.SerializerMethodField(
        help_text="True while this task is graded anonymously and not released: its cells "
        "(score null, no attempts) and its points in every row's figures are hidden from "
        "course staff; its submissions are graded under pseudonyms (`submissions/?task=`)."
    )

    def get_scores_hidden(self, task: Any) -> bool:
        return task.pk in self.context.get("masked", frozenset())


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


# -- the grading preview ----------------------------------------------------------------------


class LetterGradeSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    letter = serializers.CharField(max_length=LETTER_MAX_LENGTH)
    min_percent = serializers.FloatField(min_value=0, max_value=100)


class ProposedGroupSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    id = serializers.IntegerField(
        required=False,
        help_text="An existing group's id; leave it out, or give a negative number that "
        "`tasks[].group` can refer to, for a new group.",
    )
    name = serializers.CharField(max_length=100)
    weight = serializers.FloatField(min_value=0, max_value=100, default=0.0)
    drop_lowest = serializers.IntegerField(min_value=0, default=0)
    position = serializers.IntegerField(min_value=0, required=False)


class ProposedTaskSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    id = serializers.IntegerField()
    weight = serializers.FloatField(min_value=0, required=False)
    max_score = serializers.FloatField(min_value=0, required=False)
    late_policy = serializers.JSONField(required=False)
    group = serializers.IntegerField(
        required=False, allow_null=True, help_text="A group id (of the proposal, if it has one)."
    )


class GradingPreviewSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """A proposed grading change; what is left out stays as it is. Needs ``course`` in the
    context."""

    grading_scheme = serializers.ChoiceField(choices=GradingScheme.choices, required=False)
    letter_grades = LetterGradeSerializer(many=True, required=False)
    groups = ProposedGroupSerializer(
        many=True, required=False, help_text="The full proposed list of groups."
    )
    tasks = ProposedTaskSerializer(many=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        course = self.context["course"]
        errors: dict[str, Any] = {}
        if "letter_grades" in attrs:
            try:
                attrs["letter_grades"] = clean_letter_grades(
                    [dict(entry) for entry in attrs["letter_grades"]]
                )
            except InvalidInput as exc:
                errors.update(exc.errors)
        current = {g.pk: g for g in AssignmentGroup.objects.filter(course=course)}
        groups = None
        if "groups" in attrs:
            groups, problems = _proposed_groups(attrs["groups"], current)
            if problems:
                errors["groups"] = problems
        scheme = attrs.get("grading_scheme", course.grading_scheme)
        weights = (
            [g.weight for g in groups]
            if groups is not None
            else [g.weight for g in current.values()]
        )
        if scheme == GradingScheme.WEIGHTED and "groups" not in errors:
            try:
                check_group_weights(weights, field="groups")
            except InvalidInput as exc:
                errors.update(exc.errors)
        group_ids = {g.id for g in groups} if groups is not None else set(current)
        tasks, problems = _proposed_tasks(attrs.get("tasks", []), course, group_ids)
        if problems:
            errors["tasks"] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, "groups": groups, "tasks": tasks}


def _proposed_groups(
    entries: list[dict[str, Any]], current: dict[int, Any]
) -> tuple[list[ProposedGroup], list[str]]:
    problems: list[str] = []
    groups: list[ProposedGroup] = []
    seen_ids: set[int] = set()
    seen_names: set[str] = set()
    next_new = -1
    for n, entry in enumerate(entries):
        group_id = entry.get("id")
        if group_id is None:
            while next_new in seen_ids or any(e.get("id") == next_new for e in entries):
                next_new -= 1
            group_id = next_new
        elif group_id > 0 and group_id not in current:
            problems.append(f"Group {n + 1}: {group_id} is not a group of this course.")
        if group_id in seen_ids:
            problems.append(f"Group {n + 1}: the id {group_id} appears twice.")
        name = entry["name"].strip()
        if name.casefold() in seen_names:
            problems.append(f"Group {n + 1}: the name {name!r} appears twice.")
        seen_ids.add(group_id)
        seen_names.add(name.casefold())
        groups.append(
            ProposedGroup(
                id=group_id,
                name=name,
                weight=float(entry["weight"]),
                drop_lowest=int(entry["drop_lowest"]),
                position=int(entry.get("position", n)),
            )
        )
    return groups, problems


def _proposed_tasks(
    entries: list[dict[str, Any]], course: Any, group_ids: set[int]
) -> tuple[dict[int, dict[str, Any]], list[str]]:
    problems: list[str] = []
    known = set(Task.objects.filter(course=course).values_list("pk", flat=True))
    tasks: dict[int, dict[str, Any]] = {}
    for n, entry in enumerate(entries):
        task_id = entry["id"]
        changes = {key: value for key, value in entry.items() if key != "id"}
        if task_id not in known:
            problems.append(f"Task {n + 1}: {task_id} is not a task of this course.")
        elif task_id in tasks:
            problems.append(f"Task {n + 1}: the task {task_id} appears twice.")
        if changes.get("group") is not None and changes["group"] not in group_ids:
            problems.append(f"Task {n + 1}: {changes['group']} is not a group of the proposal.")
        if "late_policy" in changes:
            try:
                changes["late_policy"] = normalise_late_policy(changes["late_policy"])
            except InvalidInput as exc:
                problems.append(f"Task {n + 1}: late_policy: {exc.errors['late_policy']}")
        tasks[task_id] = changes
    return tasks, problems


class PreviewFiguresSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(read_only=True)
    max_score = serializers.FloatField(read_only=True)
    percent = serializers.FloatField(read_only=True)
    letter = serializers.CharField(read_only=True, allow_null=True)


class PreviewRowSerializer(serializers.Serializer[Any]):
    user = UserSummarySerializer(read_only=True)
    old = PreviewFiguresSerializer(read_only=True)
    new = PreviewFiguresSerializer(read_only=True)


class GradingPreviewResultSerializer(serializers.Serializer[Any]):
    results = PreviewRowSerializer(many=True, read_only=True)
    changed = serializers.IntegerField(
        read_only=True, help_text="How many students' score, percent or letter would change."
    )


def preview_json(results: list[Any]) -> dict[str, Any]:
    """``GradingPreviewResultSerializer``'s fields, without DRF's per-field cost (2,000
    students is one answer)."""

    def figures(result: Any) -> dict[str, Any]:
        return {
            "score": result.score,
            "max_score": result.max_score,
            "percent": result.percent,
            "letter": result.letter or None,
        }

    return {
        "results": [
            {"user": user_summary_json(r.user), "old": figures(r.old), "new": figures(r.new)}
            for r in results
        ],
        "changed": sum(1 for r in results if r.changed),
    }


class RecomputeJobSerializer(serializers.ModelSerializer[Any]):
    """A background rebuild of a course's progress after a grading change."""

    requested_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = RecomputeJob
        fields = (
            "id",
            "state",
            "kind",
            "requested_by",
            "created",
            "started_at",
            "finished_at",
            "students_done",
            "students_total",
            "error",
        )
        read_only_fields = fields


# -- gradebook import -------------------------------------------------------------------------


class GradebookImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="The gradebook CSV (`GET courses/{slug}/gradebook/?format=csv`), edited: "
        "UTF-8, at most `LEARNPLAT['GRADING']['IMPORT_MAX_BYTES']` bytes and "
        "`IMPORT_MAX_ROWS` students.",
        allow_empty_file=True,
    )
    dry_run = DryRunField(
        default=True,
        help_text="True (the default): answer the changes and errors, write nothing. False: "
        "apply them, unless any row has an error.",
    )


class GradebookImportTaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class GradebookImportChangeSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(read_only=True, help_text="The CSV line (the header is 1).")
    user = UserSummarySerializer(read_only=True)
    task = GradebookImportTaskSerializer(read_only=True)
    old_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The counted score now (null: none)."
    )
    new_score = serializers.FloatField(read_only=True)
    creates_submission = serializers.BooleanField(
        read_only=True,
        help_text="The student has no submission: one is made for the grade (an empty answer).",
    )


class GradebookImportResultSerializer(serializers.Serializer[Any]):
    changes = GradebookImportChangeSerializer(many=True, read_only=True)
    # The metaclass moves declared fields off the class, so ``Serializer.errors`` stays.
    errors = CSVRowErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]
    applied = serializers.BooleanField(
        read_only=True, help_text="Whether the changes were written (never on a dry run)."
    )


def gradebook_import_json(result: Any) -> dict[str, Any]:
    """``GradebookImportResultSerializer``'s fields for a flow's ``ImportResult``."""
    return {
        "changes": [
            {
                "row": change.row,
                "user": user_summary_json(change.user),
                "task": {"id": change.task.pk, "title": change.task.title},
                "old_score": change.old_score,
                "new_score": change.new_score,
                "creates_submission": change.submission_id is None,
            }
            for change in result.changes
        ],
        "errors": [{"row": error.row, "detail": error.detail} for error in result.errors],
        "applied": result.applied,
    }
