"""JWT authentication for learnplat views (``LEARNPLAT["AUTHENTICATION_CLASSES"]``)."""

from __future__ import annotations

from typing import Any

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's bearer authentication that also refuses deactivated users at once.

    The user row is read on every request anyway, so a deactivated user's access token
    stops working immediately rather than when it expires.
    """

    def get_user(self, validated_token: Any) -> Any:
        user = super().get_user(validated_token)
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user
