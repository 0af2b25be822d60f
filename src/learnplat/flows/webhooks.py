"""Webhook endpoints, managed by platform admins: create, change, delete, rotate, replay.

The API (``webhooks/endpoints/``, ``webhooks/deliveries/``) and the admin call these; the
sending is :mod:`learnplat.flows.outbox` and :mod:`learnplat.events.webhooks`.

- A URL must pass :func:`learnplat.events.webhooks.check_url` (http(s), ``MAX_URL_LENGTH``,
  no loopback/private/link-local address unless ``ALLOW_PRIVATE_URLS``): 400 on ``url``.
- A secret left out is generated; one given must be a Standard Webhooks secret
  (``whsec_`` + base64 of 24 to 64 bytes): 400 on ``secret``.
- :func:`rotate_secret` makes a new secret and keeps the old one signing for
  ``LEARNPLAT["WEBHOOKS"]["SECRET_OVERLAP"]`` seconds (both signatures are sent).
- :func:`replay_delivery` sends a delivery again, with the same event id.

Settings read: ``LEARNPLAT["WEBHOOKS"]`` (docs/webhooks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from learnplat.adapter import get_adapter
from learnplat.events.choices import EventType
from learnplat.events.models import Delivery, WebhookEndpoint
from learnplat.events.webhooks import (
    RefusedURL,
    check_url,
    new_secret,
    secret_problem,
    webhooks_setting,
)
from learnplat.exceptions import InvalidInput
from learnplat.flows import outbox


def _checked_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput({"url": ["This field is required."]})
    try:
        check_url(url.strip())
    except RefusedURL as exc:
        raise InvalidInput({"url": [str(exc)]}) from exc
    return url.strip()


def _checked_events(events: Any) -> list[str]:
    if not isinstance(events, list | tuple) or not all(isinstance(e, str) for e in events):
        raise InvalidInput({"events": ["A list of event types."]})
    unknown = sorted(set(events) - set(EventType.values))
    if unknown:
        raise InvalidInput({"events": [f"Unknown event types: {', '.join(unknown)}."]})
    return list(dict.fromkeys(events))


def _checked_secret(secret: Any) -> str:
    problem = secret_problem(secret) if isinstance(secret, str) else "A secret is a string."
    if problem:
        raise InvalidInput({"secret": [problem]})
    return str(secret)


@transaction.atomic
def create_endpoint(
    *,
    url: str,
    events: Iterable[str] = (),
    is_active: bool = True,
    secret: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> WebhookEndpoint:
    """A new endpoint; its ``secret`` (given or generated) is on the returned row, the only
    time the API shows it. The adapter's ``save_extra()`` gets it (``webhook_endpoint_create``)."""
    endpoint = WebhookEndpoint.objects.create(
        url=_checked_url(url),
        events=_checked_events(list(events)),
        is_active=bool(is_active),
        secret=new_secret() if secret is None else _checked_secret(secret),
    )
    get_adapter().save_extra(
        key="webhook_endpoint_create", instance=endpoint, data=dict(extra or {})
    )
    return endpoint


@transaction.atomic
def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    is_active: bool | None = None,
    secret: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> WebhookEndpoint:
    """Change what is given. Turning an endpoint back on clears why it was turned off (a
    410); setting ``secret`` replaces it at once, without overlap (use :func:`rotate_secret`
    for that)."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        locked.url = _checked_url(url)
    if events is not None:
        locked.events = _checked_events(list(events))
    if is_active is not None:
        locked.is_active = bool(is_active)
        if locked.is_active:
            locked.disabled_reason = ""
    if secret is not None:
        locked.secret = _checked_secret(secret)
        locked.previous_secret, locked.previous_secret_expires_at = "", None
    locked.save()
    get_adapter().save_extra(key="webhook_endpoint_update", instance=locked, data=dict(extra or {}))
    return locked


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its delivery log."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret; the current one keeps signing (as a second signature) for
    ``SECRET_OVERLAP`` seconds so receivers can switch without missing a request."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_expires_at = timezone.now() + timedelta(
        seconds=float(webhooks_setting("SECRET_OVERLAP"))
    )
    locked.secret = new_secret()
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return locked.secret


def replay_delivery(*, delivery: Delivery) -> Delivery:
    """Send a webhook delivery again (same ``webhook-id``) once this commits, whatever its
    status, with fresh tries."""
    return outbox.replay(delivery)
