"""Admin of notifications: read-only, since the flows write them; "mark read" goes through
``learnplat.flows.notify.mark_read``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from learnplat.flowadmin import FlowAdminMixin, ReadOnlyAdmin
from learnplat.flows import notify as notify_flow
from learnplat.notifications.models import DeadlineReminder, Notification, NotificationPreference


class UserRowsAdmin(ReadOnlyAdmin):
    """Rows of one user each, searched by username."""

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [f"user__{get_user_model().USERNAME_FIELD}"]


@admin.register(Notification)
class NotificationAdmin(FlowAdminMixin, UserRowsAdmin):
    list_display = ("user", "kind", "created", "read_at", "in_app", "email_sent_at")
    list_select_related = ("user",)
    list_filter = ("kind", "in_app")
    date_hierarchy = "created"
    actions = ["mark_read"]

    @admin.action(description="Mark the selected notifications read")
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        by_user: dict[Any, list[int]] = {}
        for notification in queryset.select_related("user"):
            by_user.setdefault(notification.user, []).append(notification.pk)
        changed = sum(notify_flow.mark_read(user=user, ids=ids) for user, ids in by_user.items())
        self.message_user(request, f"Marked {changed} notifications read.")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(UserRowsAdmin):
    list_display = ("user", "kind", "in_app", "email")
    list_select_related = ("user",)
    list_filter = ("kind",)


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(UserRowsAdmin):
    list_display = ("user", "task", "due_at", "sent_at")
    list_select_related = ("user", "task")
