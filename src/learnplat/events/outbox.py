"""Recording events: the write half of the transactional outbox.

:func:`record_event` inserts the ``Event`` row in the caller's transaction and, once that
transaction commits, enqueues :func:`learnplat.events.tasks.deliver_event` through the
tasks API (``LEARNPLAT["EVENTS"]["TASK_BACKEND"]`` and ``["QUEUE_NAME"]``). A rollback
leaves neither the row nor the task; a crash (or a broker that refuses the task) between
commit and enqueue leaves the row, and the periodic sender (``manage.py learnplat_send_events``,
``learnplat.events.tasks.send_due_deliveries``) fans it out later. The sending half is
:mod:`learnplat.flows.outbox`.

Settings read: ``LEARNPLAT["EVENTS"]``::

    LEARNPLAT = {"EVENTS": {"TASK_BACKEND": "default", "QUEUE_NAME": "default"}}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from learnplat.conf import settings
from learnplat.events.models import Event

if TYPE_CHECKING:
    from learnplat.courses.models import Course

logger = logging.getLogger("learnplat.events")


def events_setting(key: str) -> Any:
    return settings.EVENTS[key]


def record_event(
    type: str,
    data: dict[str, Any],
    *,
    course: Course | None = None,
    held: bool = False,
    deliver_after: datetime | None = None,
) -> Event:
    """Write one event in the current transaction; deliver it once the transaction commits.

    Call it inside the transaction of the change the event describes (the flows do), so
    the event exists exactly when the change does. ``data`` must be JSON-serialisable.
    ``held`` keeps it from every sink until it is freed (``learnplat.flows.events``: grades
    before their release), or looked at again after ``deliver_after``.
    """
    event = Event.objects.create(
        type=type,
        data=data,
        course=course,
        timestamp=timezone.now(),
        held=held,
        deliver_after=deliver_after,
    )
    if not held:
        enqueue_on_commit([event.pk])
    return event


def record_events(items: Iterable[tuple[str, dict[str, Any], Course | None]]) -> list[Event]:
    """:func:`record_event` for many ``(type, data, course)`` at once, in one insert."""
    now = timezone.now()
    events = Event.objects.bulk_create(
        Event(type=type, data=data, course=course, timestamp=now) for type, data, course in items
    )
    enqueue_on_commit([event.pk for event in events])
    return events


class DeliveryEnqueue:
    """The events one transaction recorded, enqueued when it commits: one ``on_commit``
    callback per transaction, however many events it records."""

    def __init__(self) -> None:
        self.event_ids: list[str] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        for event_id in self.event_ids:
            enqueue_delivery(event_id)


def enqueue_on_commit(event_ids: Iterable[str]) -> None:
    """Enqueue the delivery of ``event_ids`` once the current transaction commits (now, in
    autocommit). An id whose row a rolled-back savepoint removed is enqueued all the same and
    finds nothing to send."""
    connection: Any = transaction.get_connection()
    if not connection.in_atomic_block:
        for event_id in event_ids:
            enqueue_delivery(event_id)
        return
    pending = getattr(connection, "_learnplat_delivery_enqueue", None)
    # A savepoint rolled back drops the callbacks registered inside it, ours too.
    # (A test's captured callbacks stay listed after they ran: hence ``done``.)
    if (
        pending is None
        or pending.done
        or not any(item[1] is pending for item in connection.run_on_commit)
    ):
        pending = DeliveryEnqueue()
        connection._learnplat_delivery_enqueue = pending
        transaction.on_commit(pending)
    pending.event_ids.extend(event_ids)


def enqueue_delivery(event_id: str) -> None:
    """Enqueue the delivery task of one event; a failing enqueue is logged, never raised."""
    from learnplat.events.tasks import deliver_event

    try:
        deliver_event.using(
            backend=events_setting("TASK_BACKEND"), queue_name=events_setting("QUEUE_NAME")
        ).enqueue(event_id)
    except Exception:
        logger.exception(
            "Could not enqueue the delivery of event %s; the periodic sender will send it.",
            event_id,
        )
