"""Filters of ``GET notifications/``: ``unread=true|false`` (anything else is a 400)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from learnplat.notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true: unread only; false: read only.",
    )

    class Meta:
        model = Notification
        fields = ("unread",)

    def filter_unread(
        self, queryset: QuerySet[Notification], name: str, value: str
    ) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value == "true")
