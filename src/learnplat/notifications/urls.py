from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from learnplat.notifications.views import (
    NotificationListView,
    NotificationPreferencesView,
    NotificationReadView,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", NotificationReadView.as_view(), name="notification-read"),
    path(
        "notifications/preferences/",
        NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
]
