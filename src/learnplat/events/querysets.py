"""Reads of the events app: what is due, what an admin lists."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from learnplat.events.choices import DeliveryStatus

if TYPE_CHECKING:
    from learnplat.events.models import Delivery, Event, WebhookEndpoint  # noqa: F401


class EventQuerySet(models.QuerySet["Event"]):
    def not_fanned_out(self) -> EventQuerySet:
        return self.filter(fanned_out_at__isnull=True)

    def ready(self, now: datetime) -> EventQuerySet:
        """Events waiting for their deliveries whose time has come (held ones once due)."""
        return self.not_fanned_out().filter(models.Q(held=False) | models.Q(deliver_after__lte=now))

    def finished_before(self, moment: datetime) -> EventQuerySet:
        """Events older than ``moment`` with nothing left to send: fanned out, not held, and
        no delivery pending (delivered and dead ones alike). These are what retention prunes;
        a pending or leased delivery keeps its event however old it is."""
        return self.filter(fanned_out_at__isnull=False, held=False, timestamp__lt=moment).exclude(
            deliveries__status=DeliveryStatus.PENDING
        )


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: datetime) -> DeliveryQuerySet:
        """Pending deliveries whose time has come and that no live sender holds."""
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            models.Q(lease_expires_at__isnull=True) | models.Q(lease_expires_at__lt=now)
        )

    def for_listing(self) -> DeliveryQuerySet:
        return self.select_related("event").order_by("-created", "-id")

    def of_webhooks(self) -> DeliveryQuerySet:
        from learnplat.events.webhooks import SINK_NAME

        return self.filter(sink=SINK_NAME)


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(is_active=True)

    def wanting(self, event_type: str) -> list[WebhookEndpoint]:
        return [endpoint for endpoint in self.active() if endpoint.wants(event_type)]
