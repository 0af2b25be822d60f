"""The submit throttle, rated by ``LEARNPLAT["THROTTLE_RATES"]["learnplat_submit"]``::

LEARNPLAT = {"THROTTLE_RATES": {"learnplat_submit": "10/min"}}   # None turns it off
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import UserRateThrottle

from learnplat.conf import settings


class SubmitRateThrottle(UserRateThrottle):
    """Per user (per IP for anonymous requests); the rate is read on every request."""

    scope = "learnplat_submit"

    def __init__(self) -> None:
        # DRF reads the rate in __init__; do it lazily from LEARNPLAT instead.
        pass

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = settings.THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
