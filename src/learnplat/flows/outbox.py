"""Sending events: fan-out, claims, attempts, backoff, dead deliveries and replay.

The writing half is :func:`learnplat.events.outbox.record_event`. Here:

- :func:`fan_out` gives an event one ``Delivery`` per target of each sink
  (:func:`learnplat.events.sinks.get_sinks`), once: ``fanned_out_at`` marks it, and the
  unique (event, sink, target) constraint makes a second fan-out insert nothing.
- :func:`send_due` claims due deliveries (``select_for_update(skip_locked=True)`` to pick rows
  other senders are not picking, then a conditional ``UPDATE`` that sets a lease), sends each
  through its sink outside any transaction, and records the outcome guarded by the lease
  token. A sender killed mid-batch leaves leases that expire after ``LEASE_SECONDS``; the next
  sender sends those deliveries again (the same event id: a documented duplicate).
- A failed attempt is retried after ``RETRY_BACKOFF_SECONDS * 2 ** (n - 1)`` (capped at
  ``MAX_BACKOFF_SECONDS``, with jitter); after ``MAX_TRIES`` attempts, or when the sink says
  not to retry, the delivery is ``failed``. :func:`replay` makes it pending again.
- :func:`send_pending` is the periodic sender: fan out what was missed, send what is due.
- :func:`prune_events` deletes the events (and their deliveries) older than
  ``RETENTION_DAYS`` that have nothing left to send, in short batches.

Settings read: ``LEARNPLAT["EVENTS"]`` (docs/settings.md).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from learnplat import metrics
from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event, WebhookEndpoint
from learnplat.events.outbox import enqueue_on_commit, events_setting
from learnplat.events.sinks import DeliveryOutcome, get_sink, get_sinks
from learnplat.events.webhooks import SINK_NAME as WEBHOOK_SINK
from learnplat.exceptions import NotFound
from learnplat.flows import events as events_flow

logger = logging.getLogger("learnplat.events")


@dataclass
class SendReport:
    fanned_out: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def retry_delay(attempts: int) -> timedelta:
    """The wait after attempt number ``attempts`` (1-based) failed: exponential, capped,
    then drawn between half of it and all of it so that receivers coming back are not hit
    by every sender at the same second."""
    base = float(events_setting("RETRY_BACKOFF_SECONDS"))
    ceiling = float(events_setting("MAX_BACKOFF_SECONDS"))
    delay = min(base * 2 ** max(attempts - 1, 0), ceiling)
    return timedelta(seconds=delay * (0.5 + secrets.randbelow(1001) / 2000))


# -- fan-out -------------------------------------------------------------------------------


def fan_out(event_id: str) -> int:
    """Create the deliveries of one event (once); returns how many were created."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.fanned_out_at is not None:
            return 0
        if event.held and not events_flow.release_hold(event):
            return 0  # a grade not released yet: no sink may see it
        now = timezone.now()
        rows = [
            Delivery(
                event=event,
                sink=sink.name,
                target=target,
                endpoint_id=int(target) if sink.name == WEBHOOK_SINK else None,
                next_attempt_at=now,
                created=now,
            )
            for sink in get_sinks()
            for target in dict.fromkeys(sink.targets(event))
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        Event.objects.filter(pk=event.pk).update(fanned_out_at=now)
        return len(rows)


def fan_out_missed(*, limit: int | None = None) -> int:
    """Fan out the events whose delivery task never ran (oldest first)."""
    size = limit or int(events_setting("BATCH_SIZE"))
    ids = list(
        Event.objects.ready(timezone.now())
        .order_by("timestamp", "pk")
        .values_list("pk", flat=True)[:size]
    )
    for event_id in ids:
        fan_out(event_id)
    return len(ids)


# -- claiming and sending ------------------------------------------------------------------


def claim_due(*, event_id: str | None = None, limit: int | None = None) -> list[Delivery]:
    """Take a lease on up to ``limit`` due deliveries; returns them, event and endpoint loaded.

    Deliveries whose lease expired after their last allowed attempt become ``failed``.
    """
    now = timezone.now()
    max_tries = int(events_setting("MAX_TRIES"))
    size = limit or int(events_setting("BATCH_SIZE"))
    token = uuid.uuid4()
    with transaction.atomic():
        due = Delivery.objects.due(now)
        if event_id is not None:
            due = due.filter(event_id=event_id)
        ids = list(
            due.order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        # A lease that expired on the last allowed attempt: that attempt's sender died.
        exhausted = Delivery.objects.due(now).filter(pk__in=ids, attempts__gte=max_tries)
        exhausted.update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            lease_expires_at=None,
            lease_token=None,
            last_error="The sender stopped during the last allowed attempt.",
        )
        Delivery.objects.due(now).filter(pk__in=ids).update(
            lease_token=token,
            lease_expires_at=now + timedelta(seconds=float(events_setting("LEASE_SECONDS"))),
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(lease_token=token)
        .select_related("event", "endpoint")
        .order_by("next_attempt_at", "id")
    )


def attempt(delivery: Delivery) -> DeliveryOutcome:
    """Send one claimed delivery through its sink and record what happened."""
    sink = get_sink(delivery.sink)
    if sink is None:
        outcome = DeliveryOutcome(
            ok=False, error=f"No sink named {delivery.sink!r} is registered.", retry=True
        )
    else:
        try:
            outcome = sink.deliver(delivery)
        except Exception as exc:
            logger.exception("Sink %s raised on delivery %s", delivery.sink, delivery.pk)
            outcome = DeliveryOutcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:1000])
    record_outcome(delivery, outcome)
    return outcome


def record_outcome(delivery: Delivery, outcome: DeliveryOutcome) -> str:
    """Write one attempt's outcome if the lease is still ours; returns ``"delivered"``,
    ``"retry"``, ``"failed"`` or ``"discarded"`` (the lease was lost meanwhile)."""
    now = timezone.now()
    fields: dict[str, object] = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "lease_expires_at": None,
        "lease_token": None,
    }
    if outcome.ok:
        result = "delivered"
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif not outcome.retry or delivery.attempts >= int(events_setting("MAX_TRIES")):
        result = "failed"
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        result = "retry"
        fields.update(next_attempt_at=now + retry_delay(delivery.attempts))
    with transaction.atomic():
        written = Delivery.objects.filter(
            pk=delivery.pk, lease_token=delivery.lease_token, status=DeliveryStatus.PENDING
        ).update(**fields)
        if not written:
            return "discarded"
        if outcome.disable_target and delivery.endpoint_id is not None:
            disable_endpoint(delivery.endpoint_id, reason=outcome.error)
    metrics.count_delivery(sink=delivery.sink, outcome=result)
    return result


def send_due(*, event_id: str | None = None, limit: int | None = None) -> SendReport:
    """Claim and send due deliveries until none is left (of one event, with ``event_id``)."""
    report = SendReport()
    while batch := claim_due(event_id=event_id, limit=limit):
        attempted = 0
        for n, delivery in enumerate(batch):
            if not _lease_lasts(delivery):
                # Too little lease left for one more attempt: hand the rest back rather
                # than let another sender take them over while we send (a duplicate).
                _release([d.pk for d in batch[n:]], delivery.lease_token)
                break
            attempted += 1
            outcome = attempt(delivery)
            if outcome.ok:
                report.delivered += 1
            elif outcome.retry and delivery.attempts < int(events_setting("MAX_TRIES")):
                report.retried += 1
            else:
                report.failed += 1
        if limit or not attempted:
            break  # (not attempted: leases too short for any attempt, E100's business)
    return report


def _lease_lasts(delivery: Delivery) -> bool:
    """Whether the lease outlasts one attempt: twice ``WEBHOOKS["TIMEOUT_SECONDS"]`` (a
    connect and a read), the longest an attempt of any sink is expected to take."""
    from learnplat.events.webhooks import webhooks_setting

    margin = timedelta(seconds=2 * float(webhooks_setting("TIMEOUT_SECONDS")))
    expires = delivery.lease_expires_at
    return expires is not None and timezone.now() + margin < expires


def _release(ids: list[int], token: uuid.UUID | None) -> None:
    """Give claimed deliveries back untried (their attempt is not counted)."""
    Delivery.objects.filter(pk__in=ids, lease_token=token).update(
        lease_token=None, lease_expires_at=None, attempts=F("attempts") - 1
    )


def send_pending() -> SendReport:
    """The periodic sender: fan out the events whose task was lost, send every due delivery."""
    fanned = 0
    # Bounded: a held event that stays held moves its deliver_after past now, out of ready().
    while count := fan_out_missed():
        fanned += count
    report = send_due()
    report.fanned_out = fanned
    return report


# -- retention -----------------------------------------------------------------------------

#: Events one pruning transaction deletes: short transactions, so that senders and replays
#: waiting on a locked delivery wait briefly.
PRUNE_BATCH_SIZE = 500


@dataclass
class PruneReport:
    events: int = 0
    deliveries: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def prune_cutoff(
    *, older_than_days: float | None = None, now: datetime | None = None
) -> datetime | None:
    """The moment before which finished events go: ``older_than_days`` (default
    ``EVENTS["RETENTION_DAYS"]``) before ``now``; None when retention is off."""
    days = older_than_days if older_than_days is not None else events_setting("RETENTION_DAYS")
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=float(days))


def prune_events(
    *,
    older_than_days: float | None = None,
    dry_run: bool = False,
    batch_size: int = PRUNE_BATCH_SIZE,
) -> PruneReport:
    """Delete the events older than the retention (:func:`prune_cutoff`) with nothing left to
    send (``Event.objects.finished_before``), and their deliveries; with ``dry_run``, count
    them only. Pending, leased and held events stay whatever their age."""
    cutoff = prune_cutoff(older_than_days=older_than_days)
    report = PruneReport()
    if cutoff is None:
        return report
    finished = Event.objects.finished_before(cutoff)
    if dry_run:
        report.events = finished.count()
        report.deliveries = Delivery.objects.filter(event__in=finished).count()
        return report
    while ids := list(
        finished.order_by("timestamp", "pk").values_list("pk", flat=True)[:batch_size]
    ):
        with transaction.atomic():
            # Lock the batch's deliveries, then look again: a replay that committed since the
            # read above made a delivery pending, and its event stays; one that comes later
            # waits for the lock and then finds the delivery gone (404).
            list(Delivery.objects.filter(event_id__in=ids).select_for_update().values_list("pk"))
            ids = list(finished.filter(pk__in=ids).values_list("pk", flat=True))
            _count, per_model = Event.objects.filter(pk__in=ids).delete()
        report.events += per_model.get(Event._meta.label, 0)
        report.deliveries += per_model.get(Delivery._meta.label, 0)
    if report.events:
        logger.info(
            "Pruned %s events and %s deliveries older than %s",
            report.events,
            report.deliveries,
            cutoff.isoformat(),
        )
    return report


# -- endpoints and replay ------------------------------------------------------------------


def disable_endpoint(endpoint_id: int, *, reason: str) -> None:
    """Stop sending to an endpoint: inactive, and its pending deliveries failed."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(
            is_active=False, disabled_reason=reason[:200]
        )
        Delivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING).filter(
            Q(lease_token__isnull=True) | Q(lease_expires_at__lt=timezone.now())
        ).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error="The endpoint was disabled.",
        )


def replay(delivery: Delivery) -> Delivery:
    """Send a delivery again (the same event id), whatever its status; fresh tries.
    404 ``not_found`` when it is gone (pruned meanwhile)."""
    with transaction.atomic():
        if not Delivery.objects.select_for_update().filter(pk=delivery.pk).exists():
            raise NotFound("No such delivery.")
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_expires_at=None,
            lease_token=None,
            delivered_at=None,
        )
        enqueue_on_commit([delivery.event_id])
    delivery.refresh_from_db()
    return delivery
