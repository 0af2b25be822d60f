"""Fixtures and helpers of the accounts tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learnplat.accounts.tokens import TokenPair, issue_token_pair
from tests.factories import PASSWORD

#: Passes every validator of the test settings (length, common, numeric, similarity).
STRONG_PASSWORD = "vivid-otter-canoe-41"

#: The five kinds of caller every endpoint is tested with.
ACTORS = ["anonymous", "student", "instructor", "platform_admin", "superuser"]

USER_KEYS = {"id", "username", "email", "first_name", "last_name", "role", "date_joined"}
ADMIN_USER_KEYS = USER_KEYS | {"is_active", "last_login"}


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"learnplat:{name}", kwargs=kwargs or None)


def tokens_for(user: Any) -> TokenPair:
    """A token pair exactly as the login endpoint issues it."""
    return issue_token_pair(user)


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def login(user: Any, password: str = PASSWORD) -> dict[str, str]:
    """Log in through the API; returns ``{"access", "refresh"}``."""
    response = APIClient().post(
        url("auth-token"), {"username": user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def refresh(raw: str) -> Any:
    return APIClient().post(url("auth-token-refresh"), {"refresh": raw}, format="json")


def me(access: str) -> Any:
    return bearer(access).get(url("auth-me"))


@pytest.fixture
def actor(request: pytest.FixtureRequest) -> Any:
    """The user for an actor name (``None`` for anonymous); parametrize ``actor_name``."""
    name = request.getfixturevalue("actor_name")
    return None if name == "anonymous" else request.getfixturevalue(name)


def client_as(user: Any) -> APIClient:
    """A client with a learnplat-issued access token of ``user`` (anonymous for ``None``)."""
    if user is None:
        return APIClient()
    return bearer(tokens_for(user).access)
