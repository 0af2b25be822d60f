"""The outbox's rows: events, their deliveries, and the webhook endpoints they go to.

- ``Event``: one thing that happened, written by :func:`learnplat.events.outbox.record_event`
  in the transaction of the change it describes, so it exists exactly when the change does.
  Its id (``evt_<32 hex>``) is made once at insert: every retry and replay sends the same one.
  ``fanned_out_at`` is set once the event has a ``Delivery`` row per sink target; the
  periodic sender fans out the events whose on-commit task never ran (a crash in between).
  A ``held`` event (a grade whose scores are not released yet) waits: the release of the
  task frees it, or the periodic sender once ``deliver_after`` (the release moment) passed.
- ``Delivery``: one event to one sink target (``"webhook"`` and an endpoint id, ``"xapi"``
  and ``""``, ...), unique per (event, sink, target). A sender *claims* a due row by setting
  ``lease_expires_at`` with a conditional ``UPDATE``; a sender killed mid-send leaves a lease
  that expires, and the row is sent again (the same event id: receivers deduplicate on it).
- ``WebhookEndpoint``: a receiver URL, the event types it wants (empty: every type), its
  Standard Webhooks secret and, for ``SECRET_OVERLAP`` after a rotation, the previous one.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learnplat.courses.models import Course
from learnplat.events.choices import DeliveryStatus
from learnplat.events.querysets import DeliveryQuerySet, EventQuerySet, WebhookEndpointQuerySet

EVENT_ID_PREFIX = "evt_"


def new_event_id() -> str:
    return f"{EVENT_ID_PREFIX}{uuid.uuid4().hex}"


class Event(models.Model):
    id = models.CharField(_("id"), max_length=36, primary_key=True, default=new_event_id)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    timestamp = models.DateTimeField(_("timestamp"), default=timezone.now, db_index=True)
    data = models.JSONField(_("data"), default=dict)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learnplat_events",
        help_text=_("The course the event belongs to, if any (kept as a slug in data)."),
    )
    held = models.BooleanField(
        _("held"),
        default=False,
        help_text=_("Not sent yet: a grade whose scores are not released (sent once they are)."),
    )
    deliver_after = models.DateTimeField(
        _("deliver after"),
        null=True,
        blank=True,
        help_text=_("When a held event is looked at again (a task's due date for after_due)."),
    )
    fanned_out_at = models.DateTimeField(
        _("fanned out at"),
        null=True,
        blank=True,
        help_text=_("When the event got its deliveries; empty until the sender has seen it."),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("timestamp", "id")
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(
                fields=["timestamp"],
                name="lp_event_not_fanned_out",
                condition=models.Q(fanned_out_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    def envelope(self) -> dict[str, Any]:
        """The JSON body every sink starts from: ``{type, id, timestamp, data}``."""
        stamp = self.timestamp.astimezone(UTC)
        return {
            "type": self.type,
            "id": self.id,
            "timestamp": stamp.isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Event types sent to this endpoint; empty sends every type."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(_("secret"), max_length=200)
    previous_secret = models.CharField(_("previous secret"), max_length=200, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret expires at"), null=True, blank=True
    )
    disabled_reason = models.CharField(_("disabled reason"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class Delivery(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    sink = models.CharField(_("sink"), max_length=40)
    target = models.CharField(_("target"), max_length=200, blank=True, default="")
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, default=timezone.now
    )
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    lease_token = models.UUIDField(_("lease token"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=("event", "sink", "target"), name="lp_delivery_unique_target"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="lp_delivery_due",
                condition=models.Q(status=DeliveryStatus.PENDING),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.sink}:{self.target} ({self.status})"
