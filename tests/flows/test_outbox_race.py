"""Senders racing for the same due deliveries each get their own: no delivery is claimed
twice (PostgreSQL: ``select_for_update(skip_locked=True)`` and the conditional lease)."""

from __future__ import annotations

import pytest

from learnplat.events.models import Delivery, Event, WebhookEndpoint
from learnplat.events.webhooks import new_secret
from learnplat.flows import outbox
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_senders_claim_disjoint_deliveries(learnplat_settings: object) -> None:
    learnplat_settings(EVENTS={"BATCH_SIZE": 10})  # type: ignore[operator]
    endpoint = WebhookEndpoint.objects.create(url="https://93.184.215.14/", secret=new_secret())
    for n in range(40):
        # The rows alone (record_event would enqueue their delivery at once in autocommit).
        event = Event.objects.create(type="course.completed", data={"user": n})
        outbox.fan_out(event.id)
    assert Delivery.objects.filter(endpoint=endpoint).count() == 40

    claims = race(*[outbox.claim_due] * 6).values()

    claimed = [delivery.pk for batch in claims for delivery in batch]
    assert len(claimed) == len(set(claimed))  # nobody holds a delivery another holds
    assert len(claimed) == 40  # and every sender got a full batch or what was left
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
