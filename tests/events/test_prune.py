"""Retention of the outbox: ``prune_events``, ``learnplat_prune_events`` and the periodic
``prune_old_events`` delete old events with nothing left to send, never one still owed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from learnplat.checks import check_event_settings
from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event, WebhookEndpoint
from learnplat.events.tasks import prune_old_events
from learnplat.events.webhooks import new_secret
from learnplat.exceptions import NotFound
from learnplat.flows.outbox import prune_events, replay

pytestmark = pytest.mark.django_db

OLD = timedelta(days=91)  # past the default 90 days
YOUNG = timedelta(days=89)


def event(age: timedelta, *deliveries: str, fanned_out: bool = True, held: bool = False) -> Event:
    """An event ``age`` old with one delivery per status in ``deliveries``."""
    now = timezone.now()
    row = Event.objects.create(
        type="course.completed",
        timestamp=now - age,
        data={"course": "intro"},
        fanned_out_at=now - age if fanned_out else None,
        held=held,
        deliver_after=now + timedelta(days=1) if held else None,
    )
    for n, status in enumerate(deliveries):
        hook = WebhookEndpoint.objects.create(
            url=f"https://93.184.215.{n + 1}/", secret=new_secret()
        )
        Delivery.objects.create(
            event=row,
            sink="webhook",
            target=str(hook.pk),
            endpoint=hook,
            status=status,
            next_attempt_at=now if status == DeliveryStatus.PENDING else None,
        )  # fmt: skip
    return row


def leased(age: timedelta) -> Event:
    row = event(age, DeliveryStatus.PENDING)
    row.deliveries.update(lease_expires_at=timezone.now() + timedelta(minutes=2))
    return row


def test_old_finished_events_go_with_their_deliveries_and_everything_owed_stays() -> None:
    delivered = event(OLD, DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED)
    dead = event(OLD, DeliveryStatus.FAILED)
    no_sink = event(OLD)
    keep = {
        event(YOUNG, DeliveryStatus.DELIVERED).pk,
        event(OLD, DeliveryStatus.DELIVERED, DeliveryStatus.PENDING).pk,  # a retry still due
        leased(OLD).pk,  # a sender is sending it now
        event(OLD, fanned_out=False).pk,  # its task was lost: the periodic sender owes it
        event(OLD, fanned_out=False, held=True).pk,  # a grade waiting for its release
    }

    report = prune_events()

    assert report.as_dict() == {"events": 3, "deliveries": 3}
    assert set(Event.objects.values_list("pk", flat=True)) == keep
    gone = [delivered.pk, dead.pk, no_sink.pk]
    assert not Delivery.objects.filter(event_id__in=gone).exists()
    assert Delivery.objects.count() == 4


def test_a_dry_run_counts_and_deletes_nothing() -> None:
    event(OLD, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
    event(YOUNG, DeliveryStatus.DELIVERED)

    assert prune_events(dry_run=True).as_dict() == {"events": 1, "deliveries": 2}
    assert Event.objects.count() == 2
    assert Delivery.objects.count() == 3


def test_batches_delete_everything_due() -> None:
    for _ in range(7):
        event(OLD, DeliveryStatus.DELIVERED)

    assert prune_events(batch_size=3).as_dict() == {"events": 7, "deliveries": 7}
    assert not Event.objects.exists()


def test_the_retention_setting_and_its_override(learnplat_settings: Any) -> None:
    ten_days = event(timedelta(days=10), DeliveryStatus.DELIVERED)
    learnplat_settings(EVENTS={"RETENTION_DAYS": 30})
    assert prune_events().events == 0
    assert prune_events(older_than_days=7).events == 1
    assert not Event.objects.filter(pk=ten_days.pk).exists()


def test_retention_none_keeps_everything(learnplat_settings: Any) -> None:
    event(timedelta(days=3650), DeliveryStatus.DELIVERED)
    learnplat_settings(EVENTS={"RETENTION_DAYS": None})
    assert prune_events().as_dict() == {"events": 0, "deliveries": 0}
    out = StringIO()
    call_command("learnplat_prune_events", stdout=out)
    assert "Retention is off" in out.getvalue()
    assert Event.objects.count() == 1


def test_the_command_prunes_and_says_how_much() -> None:
    event(OLD, DeliveryStatus.DELIVERED)
    event(timedelta(days=5), DeliveryStatus.DELIVERED)

    out = StringIO()
    call_command("learnplat_prune_events", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would delete 1 events and 1 deliveries from before ")
    assert Event.objects.count() == 2

    out = StringIO()
    call_command("learnplat_prune_events", "--older-than", "1", stdout=out)
    assert out.getvalue().startswith("Deleted 2 events and 2 deliveries from before ")
    assert not Event.objects.exists()


def test_the_command_refuses_a_negative_age() -> None:
    with pytest.raises(CommandError, match="--older-than"):
        call_command("learnplat_prune_events", "--older-than", "-1")


def test_the_periodic_task_prunes() -> None:
    event(OLD, DeliveryStatus.DELIVERED)
    result = prune_old_events.enqueue()
    assert result.return_value == {"events": 1, "deliveries": 1}
    assert not Event.objects.exists()


def test_replaying_a_pruned_delivery_is_not_found() -> None:
    row = event(OLD, DeliveryStatus.DELIVERED)
    delivery = row.deliveries.get()
    prune_events()
    with pytest.raises(NotFound):
        replay(delivery)


@pytest.mark.parametrize("days", [0, -1, "90", True])
def test_bad_retention_is_e100(learnplat_settings: Any, days: Any) -> None:
    learnplat_settings(EVENTS={"RETENTION_DAYS": days})
    assert [error.id for error in check_event_settings()] == ["learnplat.E100"]
