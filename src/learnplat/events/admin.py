"""Admin of the outbox: webhook endpoints (changed through ``learnplat.flows.webhooks``;
a secret is shown once, when made), and the events and deliveries, read-only with replay."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from learnplat.events.models import Delivery, Event, WebhookEndpoint
from learnplat.flowadmin import FlowAdminMixin, ReadOnlyAdmin
from learnplat.flows import webhooks as webhooks_flow

ENDPOINT_FIELDS = ("url", "events", "is_active")


def _show_secret(admin_: admin.ModelAdmin, request: HttpRequest, endpoint: Any) -> None:
    admin_.message_user(
        request,
        _("The secret of %(url)s is %(secret)s. Store it now: it is not shown again.")
        % {"url": endpoint.url, "secret": endpoint.secret},
        messages.WARNING,
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(FlowAdminMixin, admin.ModelAdmin):
    list_display = ("url", "is_active", "events", "disabled_reason", "created")
    list_filter = ("is_active",)
    search_fields = ("url",)
    fields = (*ENDPOINT_FIELDS, "disabled_reason", "previous_secret_expires_at")
    readonly_fields = ("disabled_reason", "previous_secret_expires_at")
    actions = ["rotate_secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        values = {name: form.cleaned_data[name] for name in ENDPOINT_FIELDS if name in form.fields}
        if change:
            saved = webhooks_flow.update_endpoint(
                endpoint=WebhookEndpoint.objects.get(pk=obj.pk), **values
            )
        else:
            saved = webhooks_flow.create_endpoint(**values)
            _show_secret(self, request, saved)
        # The admin's obj takes the saved row's state, for its messages and redirect.
        for field in WebhookEndpoint._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        webhooks_flow.delete_endpoint(endpoint=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            webhooks_flow.delete_endpoint(endpoint=endpoint)

    @admin.action(description=_("Rotate the secrets of the selected endpoints"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            webhooks_flow.rotate_secret(endpoint=endpoint)
            endpoint.refresh_from_db()
            _show_secret(self, request, endpoint)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "timestamp", "course", "held", "fanned_out_at")
    list_filter = ("type", "held")
    search_fields = ("id",)
    date_hierarchy = "timestamp"
    list_select_related = ("course",)


@admin.register(Delivery)
class DeliveryAdmin(FlowAdminMixin, ReadOnlyAdmin):
    list_display = (
        "event",
        "sink",
        "target",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("status", "sink", "event__type")
    list_select_related = ("event", "endpoint")
    search_fields = ("event__id",)
    actions = ["replay"]

    @admin.action(description=_("Replay the selected deliveries (the same event ids)"))
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        deliveries = list(queryset)
        for delivery in deliveries:
            webhooks_flow.replay_delivery(delivery=delivery)
        self.message_user(request, _("Replaying %d deliveries.") % len(deliveries))
