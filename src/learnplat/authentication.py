"""JWT authentication for learnplat views (first of learnplat's fallback
``AUTHENTICATION_CLASSES``; name it in ``LEARNPLAT`` or the host's ``REST_FRAMEWORK`` list).

Reads simplejwt's ``SIMPLE_JWT`` settings (lifetimes, algorithm, signing key) like any
simplejwt view; docs/auth.md lists the recommended values.

Tokens that learnplat's auth endpoints issue carry a ``lp_pwd`` claim: a keyed digest of the
user's password hash. When the password changes (``auth/password/``, the Django admin,
``manage.py changepassword``) the digest no longer matches and every access and refresh token
issued before stops working at once. Tokens minted elsewhere without the claim are checked
as simplejwt checks them.
"""

from __future__ import annotations

from typing import Any

from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

#: The claim holding :func:`password_fingerprint` in tokens issued by learnplat.
PASSWORD_CLAIM = "lp_pwd"  # noqa: S105 (a claim name, not a password)
_PASSWORD_KEY_SALT = "learnplat.authentication.password_fingerprint"  # noqa: S105


def password_fingerprint(user: Any) -> str:
    """A digest of the user's password hash keyed with ``SECRET_KEY``.

    It changes whenever the password does and reveals nothing about it (the token payload
    is readable by anyone who holds the token).
    """
    return salted_hmac(_PASSWORD_KEY_SALT, user.password or "", algorithm="sha256").hexdigest()[:32]


def token_user_problem(token: Any, user: Any) -> tuple[str, str] | None:
    """Why ``token`` may not act for ``user`` any more, as ``(message, code)``, or ``None``.

    Refused: inactive users, and tokens issued before the user's last password change.
    """
    if not user.is_active:
        return "User is inactive", "user_inactive"
    fingerprint = token.get(PASSWORD_CLAIM)
    if fingerprint is not None and not constant_time_compare(
        str(fingerprint), password_fingerprint(user)
    ):
        return "The password was changed after this token was issued.", "password_changed"
    return None


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's bearer authentication that also refuses, at once, tokens of deactivated
    users and tokens issued before the user's last password change.

    The user row is read on every request anyway, so both checks cost no query.
    """

    def get_user(self, validated_token: Any) -> Any:
        user = super().get_user(validated_token)
        problem = token_user_problem(validated_token, user)
        if problem is not None:
            raise AuthenticationFailed(problem[0], code=problem[1])
        return user
