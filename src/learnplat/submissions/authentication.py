"""Authentication of external graders: ``Authorization: Grader <secret>``.

A distinct keyword (not ``Bearer``) keeps grader secrets away from the JWT authenticator
and makes a leaked header recognisable. Tokens are created in the admin or with
``manage.py learnplat_create_grader_token``; only a SHA-256 of the secret is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from learnplat.submissions.models import GraderToken

#: ``last_used_at`` is refreshed at most this often, so polling graders cost no write each.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class GraderTokenAuthentication(BaseAuthentication):
    """Sets ``request.auth`` to the :class:`GraderToken`; ``request.user`` stays anonymous."""

    keyword = "Grader"

    def authenticate(self, request: Request) -> tuple[Any, GraderToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send 'Authorization: Grader <secret>'.")
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Invalid grader token.") from exc
        token = GraderToken.objects.for_secret(secret)
        if token is None:
            raise AuthenticationFailed("Invalid or inactive grader token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            GraderToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
