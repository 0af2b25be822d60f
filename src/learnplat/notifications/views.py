"""The notification endpoints (docs/notifications.md).

Permission and serializer keys (docs/permissions.md)::

    LEARNPLAT = {
        "PERMISSIONS": {
            "notification_list": ...,         # GET notifications/
            "notification_read": ...,         # POST notifications/read/
            "notification_preferences": ...,  # GET, PATCH notifications/preferences/
        }
    }

Every default is ``IsAuthenticated``: each user reads and changes only their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from learnplat.api import LearnplatViewMixin
from learnplat.filters import FilterBackend
from learnplat.flows import notify as notify_flow
from learnplat.notifications.filters import NotificationFilter
from learnplat.notifications.models import Notification
from learnplat.notifications.querysets import preferences_of
from learnplat.notifications.serializers import (
    MarkReadSerializer,
    NotificationPreferencesSerializer,
    NotificationSerializer,
)
from learnplat.schema import error_responses


class NotificationListView(LearnplatViewMixin, generics.ListAPIView):
    """``GET notifications/``: the caller's notifications, newest first."""

    permission_resource = "notification"
    action = "list"
    action_permissions = {"list": [IsAuthenticated]}
    action_serializers = {"list": NotificationSerializer}
    filter_backends = [FilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.listed_for(self.request.user).order_by("-created", "-id")

    @extend_schema(
        summary="My notifications",
        description=(
            "The caller's in-app notifications, newest first. `?unread=true` lists the "
            "unread ones only (its `count` is what a bell shows). Kinds: "
            "`submission_graded`, `grade_changed`, `deadline_soon`, "
            "`regrade_request_resolved`; `data` by kind is in docs/notifications.md."
        ),
        responses={200: NotificationSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadView(LearnplatViewMixin, generics.GenericAPIView):
    """``POST notifications/read/``: mark some or all of the caller's notifications read."""

    permission_resource = "notification"
    action = "read"
    action_permissions = {"read": [IsAuthenticated]}
    action_serializers = {"read": MarkReadSerializer}

    @extend_schema(
        summary="Mark notifications read",
        description=(
            "`{ids: [...]}` marks those of the caller's notifications read, `{all: true}` "
            "every one. Ids of other users' notifications, or of none, are ignored: nobody "
            "marks another's, and a stale list is not refused. Already read ones keep "
            "their `read_at`."
        ),
        request=MarkReadSerializer,
        responses={
            204: OpenApiResponse(description="Marked read."),
            **error_responses(
                400,
                401,
                descriptions={400: "Neither or both of ids and all, or ids that are not ids."},
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notify_flow.mark_read(
            user=request.user, ids=data.get("ids"), everything=data.get("everything", False)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPreferencesView(LearnplatViewMixin, generics.GenericAPIView):
    """``GET, PATCH notifications/preferences/``: the caller's choice per kind and channel."""

    permission_resource = "notification"
    # One key for reading and changing them: they are one document of the caller's.
    action = "preferences"
    action_permissions = {"preferences": [IsAuthenticated]}
    action_serializers = {"preferences": NotificationPreferencesSerializer}
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        summary="My notification preferences",
        description=(
            "Every kind with `in_app` and `email`: the caller's choices, or the site's "
            "defaults for kinds they never changed. E-mail goes only to users with an "
            "address."
        ),
        responses={200: NotificationPreferencesSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        return Response(self.get_serializer(preferences_of(user.pk)).data)

    @extend_schema(
        summary="Change my notification preferences",
        description=(
            "Name only the kinds and channels that change: "
            '`{"grade_changed": {"email": false}}`. Answers every preference. An unknown '
            "kind or channel, or a value that is not a boolean, is a 400 and changes nothing."
        ),
        request=NotificationPreferencesSerializer,
        responses={200: NotificationPreferencesSerializer, **error_responses(400, 401)},
    )
    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preferences = notify_flow.set_preferences(
            user=request.user, preferences=serializer.validated_data
        )
        return Response(self.get_serializer(preferences).data)
