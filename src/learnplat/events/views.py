"""``webhooks/endpoints/`` and ``webhooks/deliveries/``: webhook administration for
platform admins.

Permission keys (docs/permissions.md): ``webhook_endpoint_<list|create|retrieve|update|
destroy|rotate_secret>`` and ``webhook_delivery_<list|replay>``, all ``IsPlatformAdmin``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from learnplat.api import LearnplatViewMixin
from learnplat.events.filters import DeliveryFilter
from learnplat.events.models import Delivery, WebhookEndpoint
from learnplat.events.serializers import (
    DeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookSecretSerializer,
)
from learnplat.filters import FilterBackend
from learnplat.flows import webhooks as webhooks_flow
from learnplat.permissions import IsPlatformAdmin
from learnplat.schema import error_responses

ADMINS_ONLY = "Platform admins only."


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints",
        description=ADMINS_ONLY,
        responses={200: WebhookEndpointSerializer(many=True), **error_responses(401, 403)},
    ),
    create=extend_schema(
        summary="Add a webhook endpoint",
        description=(
            f"{ADMINS_ONLY} `secret` is generated when left out and returned in this answer "
            "only. 400 on `url` for a scheme other than http(s), a URL too long, or (unless "
            "the site allows it) one whose host is a loopback, private or link-local address."
        ),
        request=WebhookEndpointSerializer,
        responses={
            201: WebhookEndpointCreatedSerializer,
            **error_responses(400, 401, 403),
        },
    ),
    retrieve=extend_schema(
        summary="A webhook endpoint",
        description=ADMINS_ONLY,
        responses={200: WebhookEndpointSerializer, **error_responses(401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint",
        description=(
            f"{ADMINS_ONLY} Turning `is_active` back on resumes sending (an endpoint whose "
            "receiver answered 410 was turned off). A `secret` sent replaces the current "
            "one at once; `rotate-secret/` keeps the old one signing for a while."
        ),
        responses={200: WebhookEndpointSerializer, **error_responses(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Remove a webhook endpoint",
        description=f"{ADMINS_ONLY} Its delivery log goes with it.",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class WebhookEndpointViewSet(
    LearnplatViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD of webhook endpoints and the rotation of their secrets."""

    permission_resource = "webhook_endpoint"
    permission_classes = [IsPlatformAdmin]
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsPlatformAdmin],
        "create": [IsPlatformAdmin],
        "retrieve": [IsPlatformAdmin],
        "update": [IsPlatformAdmin],
        "destroy": [IsPlatformAdmin],
        "rotate_secret": [IsPlatformAdmin],
    }
    action_serializers = {
        "list": WebhookEndpointSerializer,
        "create": WebhookEndpointSerializer,
        "retrieve": WebhookEndpointSerializer,
        "update": WebhookEndpointSerializer,
        "rotate_secret": WebhookSecretSerializer,
    }

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return WebhookEndpoint.objects.order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = serializer.save()
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(serializer.save()).data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        webhooks_flow.delete_endpoint(endpoint=instance)

    @extend_schema(
        summary="Rotate a webhook endpoint's secret",
        description=(
            f"{ADMINS_ONLY} Returns the new secret (shown this once). The old one keeps "
            "signing, as a second signature in `webhook-signature`, for "
            '`LEARNPLAT["WEBHOOKS"]["SECRET_OVERLAP"]` seconds (24 h by default).'
        ),
        request=None,
        responses={200: WebhookSecretSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        secret = webhooks_flow.rotate_secret(endpoint=self.get_object())
        return Response(WebhookSecretSerializer({"secret": secret}).data)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook deliveries",
        description=(
            f"{ADMINS_ONLY} Newest first. One row per (event, endpoint): its status, "
            "attempts, the last status code and when it is tried next."
        ),
        responses={200: DeliverySerializer(many=True), **error_responses(400, 401, 403)},
    ),
)
class WebhookDeliveryViewSet(LearnplatViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The delivery log of every webhook endpoint, and replay."""

    permission_resource = "webhook_delivery"
    permission_classes = [IsPlatformAdmin]
    action_permissions = {"list": [IsPlatformAdmin], "replay": [IsPlatformAdmin]}
    action_serializers = {"list": DeliverySerializer, "replay": DeliverySerializer}
    filter_backends = [FilterBackend]
    filterset_class = DeliveryFilter

    def get_queryset(self) -> QuerySet[Delivery]:
        return Delivery.objects.of_webhooks().for_listing()

    @extend_schema(
        summary="Replay a webhook delivery",
        description=(
            f"{ADMINS_ONLY} Sends the event again, with the same `webhook-id`, whatever the "
            "delivery's status; it is pending again with fresh tries."
        ),
        request=None,
        responses={202: DeliverySerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delivery = webhooks_flow.replay_delivery(delivery=self.get_object())
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
