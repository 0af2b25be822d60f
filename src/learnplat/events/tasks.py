"""Background tasks of the events app, defined with Django's tasks API.

``deliver_event`` is enqueued by :func:`learnplat.events.outbox.record_event` once the
event's transaction commits, on ``LEARNPLAT["EVENTS"]["TASK_BACKEND"]`` and
``["QUEUE_NAME"]``. ``send_due_deliveries`` is the periodic sender for schedulers that run
tasks; ``manage.py learnplat_send_events`` does the same from cron. ``prune_old_events``
applies ``EVENTS["RETENTION_DAYS"]`` (``manage.py learnplat_prune_events``). See
docs/events.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from learnplat.compat import task, task_backends
from learnplat.events.outbox import events_setting
from learnplat.flows import outbox as outbox_flow


@task()
def deliver_event(event_id: str) -> dict[str, int]:
    """Give one event its deliveries and send those that are due."""
    outbox_flow.fan_out(event_id)
    return outbox_flow.send_due(event_id=event_id).as_dict()


@task()
def send_due_deliveries(reschedule_seconds: float | None = None) -> dict[str, int]:
    """Fan out missed events and send every due delivery once; with ``reschedule_seconds``,
    enqueue itself to run again then (a backend that can defer: django-tasks-db, RQ)."""
    report = outbox_flow.send_pending()
    _run_again(send_due_deliveries, reschedule_seconds)
    return report.as_dict()


@task()
def prune_old_events(reschedule_seconds: float | None = None) -> dict[str, int]:
    """Delete the finished events older than the retention; with ``reschedule_seconds``,
    enqueue itself to run again then (a day is plenty: retention is counted in days)."""
    report = outbox_flow.prune_events()
    _run_again(prune_old_events, reschedule_seconds)
    return report.as_dict()


def _run_again(periodic: Any, reschedule_seconds: float | None) -> None:
    """Enqueue a self-rescheduling task to run again in ``reschedule_seconds``, on a backend
    that can defer (django-tasks-db, RQ); on one that cannot, a scheduler must call it."""
    if not reschedule_seconds:
        return
    alias = events_setting("TASK_BACKEND")
    if task_backends[alias].supports_defer:
        periodic.using(
            backend=alias,
            queue_name=events_setting("QUEUE_NAME"),
            run_after=timezone.now() + timedelta(seconds=reschedule_seconds),
        ).enqueue(reschedule_seconds=reschedule_seconds)
