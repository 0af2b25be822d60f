"""The webhook sink: Standard Webhooks signatures, URL rules, one POST per attempt.

Each request is a POST of the event's envelope (``{type, id, timestamp, data}``, compact
JSON) with the headers of the Standard Webhooks specification, made by the
``standardwebhooks`` library (extra ``learnplat[webhooks]``):

- ``webhook-id``: the event id, the same on every retry and replay (receivers deduplicate on it);
- ``webhook-timestamp``: the attempt's Unix time (receivers refuse stale ones);
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` with the endpoint's secret, and a second
  ``v1,...`` with the previous secret during ``SECRET_OVERLAP`` after a rotation.

Redirects are not followed (a 3xx is a failed attempt), every request has a timeout, 2xx is
delivered, 410 disables the endpoint, anything else is retried with backoff.

Settings read: ``LEARNPLAT["WEBHOOKS"]``::

    LEARNPLAT = {"WEBHOOKS": {"TIMEOUT_SECONDS": 10, "SECRET_OVERLAP": 86400,
                              "ALLOW_PRIVATE_URLS": False, "MAX_URL_LENGTH": 2000}}
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.utils import timezone

from learnplat.conf import settings
from learnplat.events.sinks import DeliveryOutcome

if TYPE_CHECKING:
    from learnplat.events.models import Delivery, Event, WebhookEndpoint

SINK_NAME = "webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
USER_AGENT = "learnplat-webhooks"
#: Longest receiver reply kept in ``Delivery.last_error``.
ERROR_BODY_CHARS = 500


def webhooks_setting(key: str) -> Any:
    return settings.WEBHOOKS[key]


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot sign (None when it can): ``whsec_`` + base64 of 24 to 64 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        return f"A secret starts with {SECRET_PREFIX!r}."
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except ValueError:
        return "A secret is whsec_ followed by base64."
    if not 24 <= len(raw) <= 64:
        return "A secret holds 24 to 64 bytes."
    return None


# -- URL rules -----------------------------------------------------------------------------


class RefusedURL(ValueError):
    """A webhook URL learnplat will not call; the message says why."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, resolve: bool = True) -> None:
    """Raise :class:`RefusedURL` unless ``url`` may be called.

    http(s) only, at most ``MAX_URL_LENGTH`` characters, a host name; and, unless
    ``ALLOW_PRIVATE_URLS``, every address the host resolves to is public (not loopback,
    private, link-local, multicast or reserved). Called when an endpoint is saved and before
    every send, since what a name resolves to can change.
    """
    if len(url) > int(webhooks_setting("MAX_URL_LENGTH")):
        raise RefusedURL(
            f"Ensure this URL has at most {webhooks_setting('MAX_URL_LENGTH')} characters."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedURL("Enter a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise RefusedURL("Only http and https URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise RefusedURL("Enter a valid URL.")
    if parts.username or parts.password:
        raise RefusedURL("A webhook URL cannot hold credentials; use the signature.")
    if webhooks_setting("ALLOW_PRIVATE_URLS") or not resolve:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise RefusedURL(f"The host {host!r} does not resolve.") from exc
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise RefusedURL(
                "This URL points at a loopback, private or link-local address, which "
                "webhooks may not call."
            )


# -- signing and sending -------------------------------------------------------------------


def body_of(event: Event) -> str:
    return json.dumps(event.envelope(), separators=(",", ":"), ensure_ascii=False)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    keys = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        keys.append(endpoint.previous_secret)
    return keys


def signed_headers(
    *, event_id: str, body: str, keys: list[str], sent_at: datetime
) -> dict[str, str]:
    """The Standard Webhooks headers of one request, one ``v1`` signature per key."""
    from standardwebhooks.webhooks import Webhook

    stamp = sent_at.astimezone(UTC)
    signatures = [Webhook(key).sign(msg_id=event_id, timestamp=stamp, data=body) for key in keys]
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class WebhookSink:
    """Delivers events to the active ``WebhookEndpoint`` rows that want their type."""

    name = SINK_NAME

    def targets(self, event: Event) -> list[str]:
        from learnplat.events.models import WebhookEndpoint

        return [str(endpoint.pk) for endpoint in WebhookEndpoint.objects.wanting(event.type)]

    def deliver(self, delivery: Delivery) -> DeliveryOutcome:
        import requests

        endpoint = delivery.endpoint
        if endpoint is None or not endpoint.is_active:
            return DeliveryOutcome(ok=False, error="The endpoint is disabled.", retry=False)
        try:
            check_url(endpoint.url)
        except RefusedURL as exc:
            return DeliveryOutcome(ok=False, error=str(exc), retry=False)
        now = timezone.now()
        body = body_of(delivery.event)
        headers = signed_headers(
            event_id=delivery.event_id,
            body=body,
            keys=signing_secrets(endpoint, now),
            sent_at=now,
        )
        timeout = float(webhooks_setting("TIMEOUT_SECONDS"))
        try:
            response = requests.post(
                endpoint.url,
                data=body.encode(),
                headers=headers,
                timeout=(timeout, timeout),
                allow_redirects=False,
            )
        except requests.Timeout:
            return DeliveryOutcome(ok=False, error=f"No answer within {timeout:g} s.")
        except requests.RequestException as exc:
            return DeliveryOutcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:1000])
        code = response.status_code
        if 200 <= code < 300:
            return DeliveryOutcome(ok=True, status_code=code)
        if code == 410:
            return DeliveryOutcome(
                ok=False,
                status_code=code,
                error="The receiver answered 410 Gone; the endpoint is disabled.",
                retry=False,
                disable_target=True,
            )
        if 300 <= code < 400:
            error = f"Redirect to {response.headers.get('location', '?')!r} not followed."
        else:
            error = response.text[:ERROR_BODY_CHARS]
        return DeliveryOutcome(ok=False, status_code=code, error=error)


webhook_sink = WebhookSink()
