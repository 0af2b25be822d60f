"""Filters of ``GET webhooks/deliveries/``."""

from __future__ import annotations

import django_filters

from learnplat.events.choices import DeliveryStatus, EventType
from learnplat.events.models import Delivery


class DeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.NumberFilter(field_name="endpoint_id", help_text="An endpoint id.")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    type = django_filters.ChoiceFilter(
        field_name="event__type", choices=EventType.choices, help_text="An event type."
    )

    class Meta:
        model = Delivery
        fields = ("endpoint", "status", "type")
