"""Read-only admin of the progress read models.

They are derived from submissions, so editing them by hand would only be undone by the next
result or recompute: change grades through the API (``grade``/``regrade``) and rebuild with
``manage.py learnplat_recompute_progress``.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from learnplat.flowadmin import ReadOnlyAdmin
from learnplat.progress.models import CourseProgress, TaskProgress


class ReadOnlyProgressAdmin(ReadOnlyAdmin):
    date_hierarchy = "updated_at"

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [f"user__{get_user_model().USERNAME_FIELD}", "course__slug", "course__title"]


@admin.register(CourseProgress)
class CourseProgressAdmin(ReadOnlyProgressAdmin):
    list_display = (
        "user",
        "course",
        "percent",
        "score",
        "max_score",
        "tasks_completed",
        "tasks_total",
        "completed_at",
    )
    list_select_related = ("user", "course")
    list_filter = ("course",)


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyProgressAdmin):
    list_display = ("user", "task", "course", "status", "score", "best_score", "attempts")
    list_select_related = ("user", "course", "task")
    list_filter = ("course", "status", "completed")
