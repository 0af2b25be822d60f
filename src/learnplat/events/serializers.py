"""Webhook endpoints and their delivery log, as platform admins see them (API.md,
"Interop and events")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from learnplat.events.choices import DeliveryStatus, EventType
from learnplat.events.models import Delivery, WebhookEndpoint
from learnplat.flows import webhooks as webhooks_flow
from learnplat.serializers import CompleteResponseMixin, RejectUnknownFieldsMixin, call_flow


class WebhookEndpointSerializer(
    CompleteResponseMixin, RejectUnknownFieldsMixin, serializers.ModelSerializer[WebhookEndpoint]
):
    """A receiver of signed event requests. ``secret`` is write-only: sent back once, in the
    answer to the create (and by ``rotate-secret/``)."""

    # The URL rules (scheme, length, private addresses) are the flow's, one place for all.
    url = serializers.CharField(help_text="http(s) URL the events are POSTed to.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        required=False,
        help_text="Event types sent to this endpoint; empty (the default) sends every type.",
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        help_text="Standard Webhooks secret (whsec_ + base64); generated when left out.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "secret"]
        read_only_fields = ["id"]

    def create(self, validated_data: dict[str, Any]) -> WebhookEndpoint:
        return call_flow(webhooks_flow.create_endpoint, validated_data)

    def update(self, instance: WebhookEndpoint, validated_data: dict[str, Any]) -> WebhookEndpoint:
        return call_flow(webhooks_flow.update_endpoint, validated_data, endpoint=instance)


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The answer to a create: the endpoint with its secret, shown this once."""

    secret = serializers.CharField(read_only=True, help_text="Store it now: it is not shown again.")


class WebhookSecretSerializer(serializers.Serializer[Any]):
    secret = serializers.CharField(read_only=True, help_text="The new secret, shown this once.")


class DeliverySerializer(CompleteResponseMixin, serializers.ModelSerializer[Delivery]):
    """One event's delivery to one endpoint: where it stands and when it is tried next."""

    endpoint = serializers.IntegerField(source="endpoint_id", read_only=True)
    event_id = serializers.CharField(read_only=True, help_text="The webhook-id of its requests.")
    type = serializers.CharField(source="event.type", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "type",
            "status",
            "attempts",
            "last_status_code",
            "next_attempt_at",
        ]
        read_only_fields = fields
