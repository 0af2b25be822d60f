"""Filters of ``GET notifications/``: ``unread``."""

from __future__ import annotations

import django_filters

from learnplat.notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true: unread only; false: read only."
    )

    class Meta:
        model = Notification
        fields = ("unread",)
