"""The outbox survives a lost enqueue and a delivery worker killed with SIGKILL mid-batch:
200 events, every one delivered to a real receiver, none under two ids, and the only
duplicate the request that was in flight when the worker died (a documented retry)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event
from learnplat.events.outbox import record_event
from learnplat.events.tasks import send_due_deliveries
from learnplat.flows.webhooks import create_endpoint
from tests.events.peers import Receiver, receiver
from tests.submissions.workers import requires_workers, wait_for, workers

__all__ = ["receiver", "workers"]  # the fixtures
pytestmark = requires_workers

EVENTS = 200


def test_sigkill_mid_batch_loses_nothing_and_doubles_one_at_most(
    receiver: Receiver, workers: Any, learnplat_settings: Any
) -> None:
    # Short leases, so that the test need not wait long for the dead worker's to expire.
    queue = {"TASK_BACKEND": "db", "QUEUE_NAME": settings.WORKER_QUEUE}
    events_settings = {"LEASE_SECONDS": 4, "BATCH_SIZE": 20}
    webhook_settings = {"TIMEOUT_SECONDS": 1, "ALLOW_PRIVATE_URLS": True}
    pool = workers("db")
    pool.extra_env["LEARNPLAT_TEST_EVENTS"] = json.dumps({**events_settings, **queue})
    pool.extra_env["LEARNPLAT_TEST_WEBHOOKS"] = json.dumps(webhook_settings)
    learnplat_settings(
        # The enqueue after each commit fails, as with a broker that is down: the rows
        # alone must carry the events.
        EVENTS={**events_settings, **queue, "TASK_BACKEND": "missing"},
        WEBHOOKS=webhook_settings,
    )
    endpoint = create_endpoint(url=receiver.url("/slow/0.02"))
    receiver.trust(endpoint.secret)
    with transaction.atomic():
        recorded = [
            record_event("course.completed", {"course": "intro", "user": n}) for n in range(EVENTS)
        ]
    assert Event.objects.not_fanned_out().count() == EVENTS
    learnplat_settings(EVENTS=queue)

    send_due_deliveries.using(**_using()).enqueue()
    doomed = pool.start_db_worker()
    wait_for("a good part of the batch to arrive", lambda: len(receiver.ids()) >= 30, pool)
    pool.kill(doomed)
    claimed = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, lease_expires_at__gt=timezone.now()
    ).count()
    assert claimed > 0  # the killed worker held leases on deliveries it never finished

    pool.start_db_worker()
    send_due_deliveries.using(**_using()).enqueue()
    wait_for(
        "the unclaimed deliveries to be sent",
        lambda: (
            Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() >= EVENTS - claimed
        ),
        pool,
    )
    # The dead worker's leases expire; the periodic sender takes their deliveries over.
    wait_for(
        "the leases to expire",
        lambda: not Delivery.objects.filter(lease_expires_at__gt=timezone.now()).exists(),
        pool,
    )
    send_due_deliveries.using(**_using()).enqueue()
    wait_for(
        "every delivery to be delivered",
        lambda: not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(),
        pool,
    )

    ids = {event.id for event in recorded}
    assert Event.objects.count() == EVENTS
    assert Delivery.objects.count() == EVENTS
    records = receiver.records()
    assert all(record["verified_by"] == [0] for record in records)
    assert {record["id"] for record in records} == ids  # every event arrived
    # None under two ids: each event's data arrived under one id only.
    users_by_id = {record["id"]: record["body"]["data"]["user"] for record in records}
    assert len(set(users_by_id.values())) == EVENTS
    # The only duplicate possible is the request in flight at the kill, sent again under
    # the same id after its lease expired (its delivery shows the second attempt).
    twice = [event_id for event_id, n in Counter(receiver.ids()).items() if n > 1]
    assert len(twice) <= 1
    assert max(Counter(receiver.ids()).values()) <= 2
    for event_id in twice:
        assert Delivery.objects.get(event_id=event_id).attempts == 2


def _using() -> dict[str, str]:
    return {"backend": "db", "queue_name": settings.WORKER_QUEUE}
