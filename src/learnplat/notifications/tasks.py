"""Background tasks of the notifications app, defined with Django's tasks API.

``send_notification_email`` is enqueued by ``learnplat.flows.notify`` when a notification
commits, on ``LEARNPLAT["NOTIFICATIONS"]["TASK_BACKEND"]`` and ``["QUEUE_NAME"]``.
``send_deadline_reminders`` is the periodic reminder sender for schedulers that run tasks;
``manage.py learnplat_send_deadline_reminders`` does the same from cron. See
docs/notifications.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from learnplat.compat import task, task_backends
from learnplat.conf import settings
from learnplat.flows import notify as notify_flow


@task()
def send_notification_email(notification_id: int) -> str:
    """E-mail one notification: ``"sent"``, ``"skipped"`` or ``"failed"`` (logged)."""
    return notify_flow.deliver_email(notification_id=notification_id)


@task()
def send_deadline_reminders(reschedule_seconds: float | None = None) -> int:
    """Send the due ``deadline_soon`` reminders once; with ``reschedule_seconds``, enqueue
    itself to run again then (needs a backend that can defer). Two chains running at once
    send each reminder once all the same. Returns how many were sent."""
    sent = notify_flow.send_deadline_reminders()
    if reschedule_seconds:
        alias = settings.NOTIFICATIONS["TASK_BACKEND"]
        if task_backends[alias].supports_defer:
            send_deadline_reminders.using(
                backend=alias,
                queue_name=settings.NOTIFICATIONS["QUEUE_NAME"],
                run_after=timezone.now() + timedelta(seconds=reschedule_seconds),
            ).enqueue(reschedule_seconds=reschedule_seconds)
    return sent
