"""Scoped throttles whose rates come from ``LEARNPLAT["THROTTLE_RATES"]``, read per request.

The host's ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` is not consulted, so learnplat's
throttles work without the host configuring DRF, and ``override_settings`` reaches them::

    LEARNPLAT = {"THROTTLE_RATES": {"learnplat_register": "5/hour", "learnplat_token": None}}

``None`` turns a scope off. Anonymous clients are counted per IP address (DRF's
``NUM_PROXIES`` decides which address), authenticated ones per user. Counts live in the
``default`` cache, which must be shared by all processes (Redis, Memcached, a database
cache) for the limits to hold across workers.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from learnplat.conf import settings


class LearnplatScopedRateThrottle(SimpleRateThrottle):
    """Subclass and set ``scope`` to a key of ``LEARNPLAT["THROTTLE_RATES"]``."""

    scope: str = ""

    def get_rate(self) -> str | None:
        rate: str | None = settings.THROTTLE_RATES.get(self.scope)
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
