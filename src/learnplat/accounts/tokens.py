"""The JWTs learnplat issues and reads.

Lifetimes, algorithm and keys come from simplejwt's ``SIMPLE_JWT`` settings. Whatever those
say about rotation and blacklisting, learnplat's refresh endpoint always rotates and
blacklists (see :mod:`learnplat.flows.accounts`): the API promises that a refresh token
works once (docs/auth.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from learnplat.authentication import PASSWORD_CLAIM, password_fingerprint


def jwt_settings() -> Any:
    """simplejwt's current settings: it rebinds its ``api_settings`` when ``SIMPLE_JWT``
    changes, so a reference imported once would go stale."""
    return simplejwt_settings.api_settings


class LearnplatRefreshToken(RefreshToken):
    """A refresh token (and, through ``access_token``, its access token) for one user.

    Carries the password fingerprint claim, so both stop working when the password changes,
    and is recorded as an outstanding token so it can be revoked.
    """

    @classmethod
    def for_user(cls, user: Any) -> LearnplatRefreshToken:
        # Token.for_user, not BlacklistMixin.for_user: the outstanding row must hold the
        # token with every claim, so it is written here once the claims are complete.
        token: LearnplatRefreshToken = super(BlacklistMixin, cls).for_user(user)
        token[PASSWORD_CLAIM] = password_fingerprint(user)
        OutstandingToken.objects.create(
            user=user,
            jti=token[jwt_settings().JTI_CLAIM],
            token=str(token),
            created_at=token.current_time,
            expires_at=datetime_from_epoch(token["exp"]),
        )
        return token


class _RefreshTokenOnly(RefreshToken):
    """Signature, expiry and type checks of a refresh token, without the blacklist lookup.

    Services look the blacklist up themselves, under a row lock, so that two requests with
    the same token cannot both succeed. Never hand this class out.
    """

    def check_blacklist(self) -> None:
        return None


def read_refresh_token(raw: str) -> RefreshToken:
    """Decode a refresh token (raises simplejwt's ``TokenError`` if forged, expired or not
    a refresh token). Whether it was revoked is for the caller to check."""
    return _RefreshTokenOnly(raw)  # type: ignore[arg-type]


def read_any_token(raw: str) -> Token:
    """Decode an access or refresh token, checking signature and expiry only."""
    return UntypedToken(raw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def issue_token_pair(user: Any) -> TokenPair:
    """A fresh access + refresh pair for ``user`` (one INSERT: the outstanding refresh)."""
    refresh = LearnplatRefreshToken.for_user(user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))
