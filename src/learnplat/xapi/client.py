"""The LRS client: POST a batch of statements to ``XAPI["ENDPOINT"] + "statements"``.

:func:`post_statements` never raises for what the network or the LRS does; it answers with the
outbox's :class:`~learnplat.events.sinks.DeliveryOutcome`: whether the batch is stored, and
whether sending it again may help:

=========================================  ==========================================
the LRS answers                            outcome
=========================================  ==========================================
200 (new ids) or 204 (all already stored)  stored
400, 409, 413, 422                         refused: the same statements would be
                                           refused again, so they are not retried
anything else (401, 403, 404, 429, 5xx,    not stored, retried by the outbox
a redirect), a timeout, no connection
=========================================  ==========================================

204 is how an LRS answers statements whose ids it already holds with the same content
(xAPI 1.0.3, Communication 2.1.2), which makes a retried delivery harmless. Redirects are
not followed: a POST that is redirected is an endpoint to fix, not to chase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import requests

from learnplat.conf import settings
from learnplat.events.sinks import DeliveryOutcome

#: Answers that mean the LRS will never take these statements as they are.
REFUSED_STATUSES = frozenset({400, 409, 413, 422})
#: The longest part of an LRS's error body kept in the delivery's error.
ERROR_BODY_CHARS = 500


def statements_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/statements"


def post_statements(
    statements: Sequence[Mapping[str, Any]], *, config: Mapping[str, Any] | None = None
) -> DeliveryOutcome:
    """Send ``statements`` in one request to the LRS ``config`` (default ``XAPI``) names."""
    config = config if config is not None else settings.XAPI
    auth = (config["USERNAME"], config["PASSWORD"]) if config["USERNAME"] else None
    timeout = float(config["TIMEOUT"])
    try:
        response = requests.post(
            statements_url(config["ENDPOINT"]),
            json=list(statements),
            auth=auth,
            headers={"X-Experience-API-Version": config["VERSION"]},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return DeliveryOutcome(ok=False, error=f"{type(error).__name__}: {error}")
    status = response.status_code
    if status in (200, 204):
        return DeliveryOutcome(ok=True, status_code=status)
    body = response.text[:ERROR_BODY_CHARS]
    return DeliveryOutcome(
        ok=False,
        status_code=status,
        error=f"LRS answered {status}: {body}",
        retry=status not in REFUSED_STATUSES,
    )
