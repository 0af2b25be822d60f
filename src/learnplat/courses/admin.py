"""Django admin for courses, tasks, enrollments and extensions.

Task forms apply the same rules as the API (``courses.validation``: evaluator config, late
policy, date order) and the prerequisite rules (same course, no cycles), so the admin cannot
store what the API would refuse. Saves and deletes go through, or end in, the same flows as
the API (inside the admin's transaction), so progress and lateness follow admin edits too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest

from learnplat.courses.models import TASK_AUTHORED_FIELDS, Course, Enrollment, Extension, Task
from learnplat.courses.validation import clean_task, find_cycle
from learnplat.exceptions import InvalidInput
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import progress as progress_flow


def _user_search_field(prefix: str = "user__") -> str:
    return f"{prefix}{get_user_model().USERNAME_FIELD}"


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [f"{key}: {msg}" for key, value in errors.items() for msg in _messages(value)]
    if isinstance(errors, list | tuple):
        return [msg for item in errors for msg in _messages(item)]
    return [str(errors)]


_VALIDATED_FIELDS = (
    "description",
    "kind",
    "config",
    "late_policy",
    "max_score",
    "weight",
    "opens_at",
    "due_at",
    "closes_at",
)


class TaskAdminForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ("course", *TASK_AUTHORED_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fields = {name: cleaned[name] for name in _VALIDATED_FIELDS if name in cleaned}
        current = self.instance if self.instance.pk else None
        try:
            normalised = clean_task(fields, current=current)
        except InvalidInput as exc:
            for field, value in exc.errors.items():
                target = field if field in self.fields else None
                self.add_error(target, _messages(value))
            return cleaned
        cleaned.update({k: normalised[k] for k in ("config", "late_policy") if k in normalised})
        self._check_prerequisites(cleaned)
        return cleaned

    def _check_prerequisites(self, cleaned: dict[str, Any]) -> None:
        course = cleaned.get("course")
        prerequisites = list(cleaned.get("prerequisites") or [])
        if course is None or not prerequisites:
            return
        if any(p.course_id != course.pk for p in prerequisites):
            self.add_error("prerequisites", "Prerequisites must be tasks of the same course.")
            return
        if self.instance.pk is None:
            return
        if any(p.pk == self.instance.pk for p in prerequisites):
            self.add_error("prerequisites", "A task cannot be its own prerequisite.")
            return
        through = Task.prerequisites.through
        edges: dict[int, list[int]] = {}
        for source, target in through.objects.filter(from_task__course=course).values_list(
            "from_task_id", "to_task_id"
        ):
            edges.setdefault(source, []).append(target)
        edges[self.instance.pk] = [p.pk for p in prerequisites]
        if find_cycle(edges):
            self.add_error("prerequisites", ValidationError("These prerequisites form a cycle."))


class TaskInline(admin.TabularInline):
    model = Task
    form = TaskAdminForm
    fields = ("position", "title", "kind", "max_score", "is_published")
    extra = 0
    show_change_link = True
    ordering = ("position", "id")


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    fields = ("user", "role", "status")
    raw_id_fields = ("user",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user")


def _inline_tasks_changed_grading(formset: BaseModelFormSet) -> bool:
    """Whether a saved task inline added, deleted or changed a task in a way progress sees."""
    if formset.model is not Task:
        return False
    return (
        any(task.is_published for task in formset.new_objects)
        or any(task.is_published for task in formset.deleted_objects)
        or any(
            authoring_flow.TASK_GRADING_FIELDS & set(fields)
            for _task, fields in formset.changed_objects
        )
    )


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "status", "enrollment_open", "capacity", "created")
    list_filter = ("status", "enrollment_open", "grading_policy")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("published_at", "created", "modified")
    date_hierarchy = "created"
    inlines = (TaskInline, EnrollmentInline)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A new course has no progress yet; one announcement covers every inline change.
        if change and (
            "grading_policy" in form.changed_data
            or any(_inline_tasks_changed_grading(formset) for formset in formsets)
        ):
            progress_flow.refresh_course_totals(course=form.instance)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    form = TaskAdminForm
    list_display = ("title", "course", "kind", "position", "max_score", "is_published", "due_at")
    list_filter = ("is_published", "kind", "course__status")
    list_select_related = ("course",)
    search_fields = ("title", "description", "course__title", "course__slug")
    raw_id_fields = ("course",)
    filter_horizontal = ("prerequisites",)
    ordering = ("course", "position", "id")

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        before = Task.objects.select_related("course").get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            if obj.is_published:
                progress_flow.refresh_course_totals(course=obj.course)
        elif before.course_id != obj.course_id:
            # A task moved to another course changes what both courses are worth.
            progress_flow.refresh_course_totals(course=before.course)
            progress_flow.refresh_course_totals(course=obj.course)
        elif any(getattr(before, f) != getattr(obj, f) for f in authoring_flow.TASK_GRADING_FIELDS):
            progress_flow.refresh_course_totals(course=obj.course)

    def delete_model(self, request: HttpRequest, obj: Task) -> None:
        authoring_flow.delete_task(task=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        authoring_flow.delete_tasks(tasks=queryset)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "role", "status", "created")
    list_filter = ("role", "status", "course__status")
    list_select_related = ("user", "course")
    raw_id_fields = ("user", "course")

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        # The username field differs between user models; read it when the admin asks.
        return (_user_search_field(), "course__title", "course__slug")


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "task", "due_at", "granted_by", "created")
    list_filter = ("course__status",)
    list_select_related = ("user", "course", "task", "granted_by")
    raw_id_fields = ("user", "course", "task", "granted_by")

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return (_user_search_field(), "course__title", "task__title", "reason")

    def save_model(self, request: HttpRequest, obj: Extension, form: Any, change: bool) -> None:
        before = (
            Extension.objects.select_related("user", "course", "task").get(pk=obj.pk)
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if before is not None and (before.user_id, before.course_id, before.task_id) != (
            obj.user_id,
            obj.course_id,
            obj.task_id,
        ):
            # The extension left the submissions it covered: judge those by their dates again.
            deadlines_flow.recompute_lateness(
                user=before.user, course=before.course, task=before.task
            )
        deadlines_flow.recompute_lateness(user=obj.user, course=obj.course, task=obj.task)

    def delete_model(self, request: HttpRequest, obj: Extension) -> None:
        deadlines_flow.revoke_extension(extension=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Extension]) -> None:
        for extension in queryset.select_related("user", "course", "task"):
            deadlines_flow.revoke_extension(extension=extension)
