"""webhooks/endpoints/ (CRUD, rotate-secret/) and webhooks/deliveries/ (list, replay/):
platform admins only; secrets write-only and shown once; URL rules; query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.events.models import Delivery, WebhookEndpoint
from learnplat.events.outbox import record_event
from learnplat.events.webhooks import SECRET_PREFIX, new_secret
from learnplat.flows import webhooks
from tests.events.peers import Receiver, endpoint, private_urls, receiver
from tests.world import World

__all__ = ["endpoint", "private_urls", "receiver"]  # the fixtures

ENDPOINTS = "/api/webhooks/endpoints/"
DELIVERIES = "/api/webhooks/deliveries/"
# A public address, literal: saving resolves the host, and the tests need no DNS.
URL = "https://93.184.215.14/learnplat"
NOT_ADMINS = [("anonymous", 401), ("student", 403), ("instructor", 403), ("assistant", 403)]
ADMINS = ["admin", "superuser"]


def make_endpoint(url: str = URL, **kwargs: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=url, secret=new_secret(), **kwargs)


def endpoint_paths(pk: int) -> list[tuple[str, str]]:
    detail = f"{ENDPOINTS}{pk}/"
    return [
        ("get", ENDPOINTS),
        ("post", ENDPOINTS),
        ("get", detail),
        ("patch", detail),
        ("delete", detail),
        ("post", f"{detail}rotate-secret/"),
    ]


@pytest.mark.parametrize(("who", "code"), NOT_ADMINS)
def test_only_platform_admins_reach_the_endpoints(world: World, who: str, code: int) -> None:
    hook = make_endpoint()
    delivery = Delivery.objects.create(
        event=record_event("course.completed", {}), sink="webhook", target=str(hook.pk),
        endpoint=hook,
    )  # fmt: skip
    client = world.client(who)
    paths = [
        *endpoint_paths(hook.pk),
        ("get", DELIVERIES),
        ("post", f"{DELIVERIES}{delivery.pk}/replay/"),
    ]
    for method, path in paths:
        response = getattr(client, method)(path, {"url": URL} if method != "get" else None)
        assert response.status_code == code, (method, path)
    hook.refresh_from_db()
    assert hook.url == URL
    assert hook.is_active


@pytest.mark.parametrize("who", ADMINS)
def test_admins_create_read_change_rotate_and_delete(world: World, who: str) -> None:
    client = world.client(who)
    created = client.post(ENDPOINTS, {"url": URL, "events": ["submission.graded"]})
    assert created.status_code == 201
    body = created.json()
    secret = body.pop("secret")
    assert secret.startswith(SECRET_PREFIX)
    assert body == {
        "id": body["id"],
        "url": URL,
        "events": ["submission.graded"],
        "is_active": True,
    }
    detail = f"{ENDPOINTS}{body['id']}/"
    assert client.get(detail).json() == body  # the secret is never shown again
    assert client.get(ENDPOINTS).json()["results"] == [body]
    changed = client.patch(detail, {"is_active": False, "events": []})
    assert changed.status_code == 200
    assert changed.json() == {**body, "is_active": False, "events": []}
    rotated = client.post(f"{detail}rotate-secret/")
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"secret"}
    row = WebhookEndpoint.objects.get(pk=body["id"])
    assert (row.secret, row.previous_secret) == (rotated.json()["secret"], secret)
    assert row.previous_secret_expires_at is not None
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


def test_a_given_secret_is_kept_and_returned_once(world: World) -> None:
    secret = new_secret()
    created = world.client("admin").post(ENDPOINTS, {"url": URL, "secret": secret})
    assert created.json()["secret"] == secret
    assert WebhookEndpoint.objects.get().secret == secret


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://93.184.215.14/x"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://"}, "url"),
        ({"url": "https://user:pw@93.184.215.14/"}, "url"),
        ({"url": URL + "/" + "a" * 2000}, "url"),
        ({"url": "http://127.0.0.1:8000/hook"}, "url"),
        ({"url": "http://10.0.0.5/hook"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
        ({"url": "http://[::1]/hook"}, "url"),
        ({"url": "http://[::ffff:127.0.0.1]/hook"}, "url"),
        ({"url": "http://localhost/hook"}, "url"),
        ({}, "url"),
        ({"url": URL, "events": ["nope"]}, "events"),
        ({"url": URL, "events": "submission.graded"}, "events"),
        ({"url": URL, "secret": "plain"}, "secret"),
        ({"url": URL, "secret": "whsec_c2hvcnQ="}, "secret"),
        ({"url": URL, "secret": "whsec_!!!"}, "secret"),
        ({"url": URL, "is_active": "perhaps"}, "is_active"),
        ({"url": URL, "colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_a_400_on_the_field(world: World, body: dict[str, Any], field: str) -> None:
    response = world.client("admin").post(ENDPOINTS, body, format="json")
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {field}
    assert not WebhookEndpoint.objects.exists()


def test_a_bad_change_is_a_400_and_changes_nothing(world: World) -> None:
    hook = make_endpoint()
    response = world.client("admin").patch(
        f"{ENDPOINTS}{hook.pk}/", {"url": "http://192.168.1.1/"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"url"}
    hook.refresh_from_db()
    assert hook.url == URL


def test_private_urls_are_accepted_when_the_setting_allows_them(
    world: World, learnplat_settings: Any
) -> None:
    learnplat_settings(WEBHOOKS={"ALLOW_PRIVATE_URLS": True})
    response = world.client("admin").post(ENDPOINTS, {"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 201


def test_the_url_length_limit_is_a_setting(world: World, learnplat_settings: Any) -> None:
    learnplat_settings(WEBHOOKS={"MAX_URL_LENGTH": 30})
    response = world.client("admin").post(ENDPOINTS, {"url": URL + "/" + "a" * 10})
    assert response.status_code == 400
    assert "30" in response.json()["url"][0]


def test_unknown_ids_are_404(world: World) -> None:
    client = world.client("admin")
    assert client.get(f"{ENDPOINTS}999/").status_code == 404
    assert client.post(f"{ENDPOINTS}999/rotate-secret/").status_code == 404
    assert client.post(f"{DELIVERIES}999/replay/").status_code == 404


def deliveries_of(hook: WebhookEndpoint, n: int, type: str = "course.completed") -> None:
    for user in range(n):
        event = record_event(type, {"course": "intro", "user": user})
        Delivery.objects.create(event=event, sink="webhook", target=str(hook.pk), endpoint=hook)


def test_the_delivery_log_filters_by_endpoint_status_and_type(world: World) -> None:
    first, second = make_endpoint(), make_endpoint(url=URL + "/2")
    deliveries_of(first, 2)
    deliveries_of(second, 1, "enrollment.created")
    Delivery.objects.filter(endpoint=first).update(status="failed", last_status_code=500)
    # Another sink's deliveries are not webhooks: not listed.
    Delivery.objects.create(event=record_event("course.completed", {}), sink="xapi", target="")
    client = world.client("admin")
    body = client.get(DELIVERIES).json()
    assert body["count"] == 3
    row = body["results"][-1]
    event_id = Delivery.objects.filter(endpoint=first).order_by("pk")[0].event_id
    assert row == {
        "id": row["id"],
        "endpoint": first.pk,
        "event_id": event_id,
        "type": "course.completed",
        "status": "failed",
        "attempts": 0,
        "last_status_code": 500,
        "next_attempt_at": row["next_attempt_at"],
    }
    assert client.get(f"{DELIVERIES}?endpoint={second.pk}").json()["count"] == 1
    assert client.get(f"{DELIVERIES}?status=failed").json()["count"] == 2
    assert client.get(f"{DELIVERIES}?status=pending").json()["count"] == 1
    assert client.get(f"{DELIVERIES}?type=enrollment.created").json()["count"] == 1
    for bad in ("status=dead", "type=nope", "endpoint=x"):
        response = client.get(f"{DELIVERIES}?{bad}")
        assert response.status_code == 400, bad


def test_replay_answers_202_and_sends_the_same_id_again(
    world: World, receiver: Receiver, endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event("course.completed", {"course": "intro", "user": 1})
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered"
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(f"{DELIVERIES}{delivery.pk}/replay/")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert receiver.ids() == [event.id, event.id]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


@pytest.mark.parametrize("path", [ENDPOINTS, DELIVERIES])
def test_list_query_counts_do_not_grow(world: World, path: str) -> None:
    client = world.client("admin")
    hook = make_endpoint()
    deliveries_of(hook, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    for n in range(15):
        deliveries_of(make_endpoint(url=f"{URL}/{n}"), 1)
    with CaptureQueriesContext(connection) as large:
        response = client.get(path)
    assert response.json()["count"] in (16, 17)
    assert len(large) == len(small)


def test_an_endpoint_turned_back_on_forgets_why_it_was_off(world: World) -> None:
    hook = make_endpoint(is_active=False, disabled_reason="410 Gone")
    webhooks.update_endpoint(endpoint=hook, is_active=True)
    hook.refresh_from_db()
    assert (hook.is_active, hook.disabled_reason) == (True, "")
