"""The outbox's sending half against a real receiver process (tests/events/receiver.py):
signatures, retries with backoff, dead deliveries, 410, redirects, timeouts, URL checks at
send time, secret rotation, claims and leases, and the periodic sender after a lost enqueue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event
from learnplat.events.outbox import record_event
from learnplat.events.webhooks import new_secret
from learnplat.flows import outbox, webhooks
from learnplat.flows.submit import submit
from tests.events.peers import Receiver, endpoint, private_urls, receiver
from tests.world import World

__all__ = ["endpoint", "private_urls", "receiver"]  # the fixtures
pytestmark = pytest.mark.django_db


def make_due(*deliveries: Delivery) -> None:
    """Bring the next attempt forward: the tests do not wait out the backoff."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        next_attempt_at=timezone.now()
    )


def one_event(commit: Any, type: str = "enrollment.created") -> Event:
    with commit():
        return record_event(type, {"course": "intro", "user": 1, "enrollment": 1, "role": "x"})


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_submission_reaches_the_receiver_signed_with_the_event_id(
    world: World, receiver: Receiver, endpoint: Any, commit: Any
) -> None:
    with commit():
        submission = submit(user=world.student, task=world.task, answer="4").submission
    events = {e.type: e for e in Event.objects.all()}
    # The course's only task: its first grade completes the course too.
    assert set(events) == {"submission.created", "submission.graded", "course.completed"}
    records = receiver.records()
    assert sorted(r["id"] for r in records) == sorted(e.id for e in events.values())
    assert all(r["verified_by"] == [0] for r in records)
    created = next(r for r in records if r["body"]["type"] == "submission.created")
    assert created["body"] == events["submission.created"].envelope()
    assert created["body"]["data"]["submission"] == submission.pk
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    assert {(d.status, d.attempts, d.last_status_code) for d in deliveries} == {
        (DeliveryStatus.DELIVERED, 1, 200)
    }


def test_a_5xx_is_retried_with_the_same_id_until_it_is_taken(
    receiver: Receiver, endpoint: Any, commit: Any
) -> None:
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/flaky/2"))
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()
    assert outbox.send_due().as_dict() == {
        "fanned_out": 0,
        "delivered": 0,
        "retried": 0,
        "failed": 0,
    }
    for _ in range(2):
        make_due(delivery)
        outbox.send_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered",
        3,
        200,
    )
    assert receiver.ids() == [event.id] * 3
    assert [r["code"] for r in receiver.records()] == [500, 500, 200]


def test_a_delivery_is_dead_after_max_tries(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(EVENTS={"MAX_TRIES": 2})
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/error"))
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    make_due(delivery)
    assert outbox.send_due().failed == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    make_due(delivery)  # a failed delivery is not due, whatever its time says
    assert outbox.send_due().as_dict()["failed"] == 0
    assert len(receiver.ids()) == 2


def test_replay_sends_a_dead_delivery_again_with_the_same_id(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(EVENTS={"MAX_TRIES": 1})
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/flaky/1"))
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    assert delivery.status == "failed"
    with commit():
        webhooks.replay_delivery(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert receiver.ids() == [event.id, event.id]


def test_410_disables_the_endpoint_and_fails_its_pending_deliveries(
    receiver: Receiver, endpoint: Any, commit: Any
) -> None:
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/gone"))
    first = record_event("course.completed", {"course": "intro", "user": 1})
    second = record_event("course.completed", {"course": "intro", "user": 2})
    outbox.fan_out(first.id)
    outbox.fan_out(second.id)
    outbox.send_due(limit=1)
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert "410" in endpoint.disabled_reason
    assert {d.event_id: d.status for d in Delivery.objects.all()} == {
        first.id: "failed",
        second.id: "failed",
    }
    assert receiver.ids() == [first.id]  # the second was never sent
    # A disabled endpoint gets no new deliveries.
    later = one_event(commit)
    assert not Delivery.objects.filter(event=later).exists()


def test_redirects_are_not_followed(receiver: Receiver, endpoint: Any, commit: Any) -> None:
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/redirect"))
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert "not followed" in delivery.last_error
    assert [r["path"] for r in receiver.records()] == ["/redirect"]


def test_a_slow_receiver_times_out_and_is_retried(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(WEBHOOKS={"TIMEOUT_SECONDS": 0.2})
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/slow/2"))
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    assert delivery.status == "pending"
    assert delivery.last_status_code is None
    assert delivery.last_error == "No answer within 0.2 s."


def test_a_url_that_turned_private_is_refused_at_send_time(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(WEBHOOKS={"ALLOW_PRIVATE_URLS": False})
    event = one_event(commit)
    delivery = Delivery.objects.get(event=event)
    assert delivery.status == "failed"
    assert "loopback" in delivery.last_error
    assert receiver.records() == []


def test_rotation_signs_with_both_secrets_during_the_overlap(
    receiver: Receiver, endpoint: Any, commit: Any
) -> None:
    old = endpoint.secret
    new = webhooks.rotate_secret(endpoint=endpoint)
    assert new != old
    receiver.trust(old, new)
    one_event(commit)
    [during] = receiver.records()
    assert (during["signatures"], during["verified_by"]) == (2, [0, 1])
    endpoint.refresh_from_db()
    endpoint.previous_secret_expires_at = timezone.now() - timedelta(seconds=1)
    endpoint.save()
    one_event(commit)
    after = receiver.records()[1]
    assert (after["signatures"], after["verified_by"]) == (1, [1])


def test_a_receiver_trusting_another_secret_verifies_nothing(
    receiver: Receiver, endpoint: Any, commit: Any
) -> None:
    receiver.trust(new_secret())
    one_event(commit)
    [record] = receiver.records()
    assert record["verified_by"] == []


def test_a_lost_enqueue_is_sent_by_the_periodic_command(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    # An alias missing from TASKS: the enqueue fails after the commit, as a broker that is
    # down would; the event row is there and the periodic sender finds it.
    learnplat_settings(EVENTS={"TASK_BACKEND": "missing"})
    event = one_event(commit)
    assert Event.objects.get(pk=event.pk).fanned_out_at is None
    assert receiver.records() == []
    call_command("learnplat_send_events", verbosity=0)
    assert receiver.ids() == [event.id]
    assert Delivery.objects.get(event=event).status == "delivered"


def test_claims_are_disjoint_and_an_expired_lease_is_claimed_again(
    endpoint: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(EVENTS={"BATCH_SIZE": 2})
    events = [record_event("course.completed", {"course": "intro", "user": n}) for n in range(3)]
    for event in events:
        outbox.fan_out(event.id)
    first = outbox.claim_due()
    second = outbox.claim_due()
    assert len(first) == 2
    assert len(second) == 1
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert outbox.claim_due() == []  # every lease is live
    Delivery.objects.filter(pk=first[0].pk).update(lease_expires_at=timezone.now())
    [again] = outbox.claim_due()
    assert again.pk == first[0].pk
    assert again.attempts == 2
    # The first sender's late result is discarded: its lease was taken over.
    assert outbox.record_outcome(first[0], outbox.DeliveryOutcome(ok=True)) == "discarded"


def test_a_lease_that_expires_on_the_last_try_fails_the_delivery(
    endpoint: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(EVENTS={"MAX_TRIES": 1})
    event = record_event("course.completed", {"course": "intro", "user": 1})
    outbox.fan_out(event.id)
    [claimed] = outbox.claim_due()
    Delivery.objects.filter(pk=claimed.pk).update(lease_expires_at=timezone.now())
    assert outbox.claim_due() == []
    claimed.refresh_from_db()
    assert claimed.status == "failed"
    assert "last allowed attempt" in claimed.last_error


def test_fan_out_happens_once(endpoint: Any) -> None:
    event = record_event("course.completed", {"course": "intro", "user": 1})
    assert outbox.fan_out(event.id) == 1
    assert outbox.fan_out(event.id) == 0
    assert Delivery.objects.filter(event=event).count() == 1


def test_an_endpoint_gets_only_the_types_it_asked_for(endpoint: Any, commit: Any) -> None:
    webhooks.update_endpoint(endpoint=endpoint, events=["course.completed"])
    other = one_event(commit, "enrollment.created")
    wanted = one_event(commit, "course.completed")
    assert list(Delivery.objects.values_list("event_id", flat=True)) == [wanted.id]
    assert other.id != wanted.id


@pytest.mark.parametrize("attempts", [1, 2, 5, 20])
def test_the_backoff_doubles_is_capped_and_jittered(attempts: int, learnplat_settings: Any) -> None:
    learnplat_settings(EVENTS={"RETRY_BACKOFF_SECONDS": 10, "MAX_BACKOFF_SECONDS": 100})
    full = min(10 * 2 ** (attempts - 1), 100)
    delays = {outbox.retry_delay(attempts).total_seconds() for _ in range(50)}
    assert all(full / 2 <= d <= full for d in delays)
    assert len(delays) > 1


def test_a_batch_whose_lease_runs_low_hands_the_rest_back_untried(
    receiver: Receiver, endpoint: Any, learnplat_settings: Any
) -> None:
    # Leases shorter than two timeouts: no attempt fits, every claim is handed back.
    learnplat_settings(EVENTS={"LEASE_SECONDS": 5}, WEBHOOKS={"TIMEOUT_SECONDS": 10})
    event = record_event("course.completed", {"course": "intro", "user": 1})
    outbox.fan_out(event.id)
    [claimed] = outbox.claim_due()
    Delivery.objects.filter(pk=claimed.pk).update(lease_token=None, lease_expires_at=None)
    assert outbox.send_due().as_dict()["delivered"] == 0  # and it returns
    delivery = Delivery.objects.get(pk=claimed.pk)
    assert (delivery.attempts, delivery.lease_token, delivery.status) == (1, None, "pending")
    assert receiver.records() == []


def test_deliveries_are_counted_by_sink_and_outcome(
    receiver: Receiver, endpoint: Any, commit: Any, learnplat_settings: Any
) -> None:
    from tests.core.test_metrics import TOKEN, sample, scrape

    learnplat_settings(METRICS={"TOKEN": TOKEN})

    def count(outcome: str) -> float:
        return sample(
            scrape(), "learnplat_outbox_deliveries_total", sink="webhook", outcome=outcome
        )

    before = {outcome: count(outcome) for outcome in ("delivered", "retry")}
    webhooks.update_endpoint(endpoint=endpoint, url=receiver.url("/flaky/1"))
    delivery = Delivery.objects.get(event=one_event(commit))
    make_due(delivery)
    outbox.send_due()
    assert count("retry") == before["retry"] + 1
    assert count("delivered") == before["delivered"] + 1
