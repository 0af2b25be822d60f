"""The outbox admin: endpoints through the flows (the secret shown once), read-only events
and deliveries, replay and rotation actions."""

from __future__ import annotations

from django.test import Client

from learnplat.events.models import Delivery, WebhookEndpoint
from learnplat.events.outbox import record_event
from tests.world import World

ADMIN = "/admin/learnplat_events"
URL = "https://93.184.215.14/hook"


def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.superuser)
    return client


def test_adding_an_endpoint_shows_its_secret_once(world: World) -> None:
    client = admin_client(world)
    response = client.post(
        f"{ADMIN}/webhookendpoint/add/",
        {"url": URL, "events": '["course.completed"]', "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["course.completed"]
    assert endpoint.secret in response.content.decode()
    page = client.get(f"{ADMIN}/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in page


def test_a_refused_url_is_a_message_not_an_error(world: World) -> None:
    response = admin_client(world).post(
        f"{ADMIN}/webhookendpoint/add/",
        {"url": "http://127.0.0.1/hook", "events": "[]", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "loopback" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotation_and_replay_actions(world: World) -> None:
    client = admin_client(world)
    endpoint = WebhookEndpoint.objects.create(url=URL, secret="whsec_" + "A" * 44)
    response = client.post(
        f"{ADMIN}/webhookendpoint/",
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == "whsec_" + "A" * 44
    assert endpoint.secret in response.content.decode()
    delivery = Delivery.objects.create(
        event=record_event("course.completed", {}),
        sink="webhook",
        target=str(endpoint.pk),
        endpoint=endpoint,
        status="failed",
        attempts=8,
    )
    for path in ("event", "delivery", f"delivery/{delivery.pk}/change"):
        assert client.get(f"{ADMIN}/{path}/").status_code == 200, path
    client.post(
        f"{ADMIN}/delivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
