"""Serializers of ``notifications/``: the list, marking read, and the preferences."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from learnplat.notifications.choices import Channel, NotificationKind
from learnplat.notifications.models import Notification
from learnplat.serializers import CompleteResponseMixin, RejectUnknownFieldsMixin

#: Most ids one ``POST notifications/read/`` takes (a page is at most MAX_PAGE_SIZE).
MAX_READ_IDS = 1000


class NotificationSerializer(CompleteResponseMixin, serializers.ModelSerializer[Notification]):
    """One notification; ``data`` depends on ``kind`` (docs/notifications.md)."""

    class Meta:
        model = Notification
        fields = ("id", "kind", "created", "read_at", "data")
        read_only_fields = fields

    def build_field(self, field_name: str, *args: Any, **kwargs: Any) -> Any:
        # A field attribute named ``data`` would shadow ``Serializer.data``; built here
        # instead, as a dict (an object in the schema) rather than any JSON.
        if field_name == "data":
            return serializers.DictField, {
                "read_only": True,
                "help_text": "What it is about, by kind: task, course, scores or due date.",
            }
        return super().build_field(field_name, *args, **kwargs)


class MarkReadSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST notifications/read/``: ``{ids: [...]}`` or ``{all: true}``."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=MAX_READ_IDS,
        help_text="Notifications to mark read; ids that are not the caller's are ignored.",
    )
    all = serializers.BooleanField(
        required=False, source="everything", help_text="true: mark every notification read."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        everything = attrs.get("everything")
        if everything is False:
            raise serializers.ValidationError({"all": ["Only true is accepted."]})
        if ("ids" in attrs) == bool(everything):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send either ids or all: true."]}
            )
        return attrs


class ChannelPreferenceSerializer(
    RejectUnknownFieldsMixin, CompleteResponseMixin, serializers.Serializer[Any]
):
    """Whether one kind reaches the user in the app and by e-mail."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {channel: serializers.BooleanField(required=False) for channel in Channel.values}


class NotificationPreferencesSerializer(
    RejectUnknownFieldsMixin, CompleteResponseMixin, serializers.Serializer[Any]
):
    """Every kind with its channels; a PATCH names only what changes."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            kind: ChannelPreferenceSerializer(required=False, help_text=str(label))
            for kind, label in NotificationKind.choices
        }
