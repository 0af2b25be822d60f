"""The throttles of the auth endpoints (rates in ``LEARNPLAT["THROTTLE_RATES"]``)::

LEARNPLAT = {"THROTTLE_RATES": {"learnplat_register": "20/hour", "learnplat_token": "30/min"}}
"""

from __future__ import annotations

from learnplat.throttling import LearnplatScopedRateThrottle


class RegisterThrottle(LearnplatScopedRateThrottle):
    """``auth/register/``: sign-ups per client."""

    scope = "learnplat_register"


class TokenThrottle(LearnplatScopedRateThrottle):
    """``auth/token/`` and ``auth/password/``: password guesses per client."""

    scope = "learnplat_token"
