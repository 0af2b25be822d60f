"""Authentication of external graders: ``Authorization: Grader <secret>``.

A distinct keyword (not ``Bearer``) keeps grader secrets away from the JWT authenticator
and makes a leaked header recognisable. Tokens are created in the admin or with
``manage.py learnplat_create_grader_token``; only a SHA-256 of the secret is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from learnplat.flows import graders as graders_flow
from learnplat.submissions.models import GraderToken


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
        graders_flow.note_token_used(token=token)
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
