"""Races that only a real database with concurrent transactions can show (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from tests.accounts.conftest import STRONG_PASSWORD, refresh, tokens_for, url
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(3))
def test_one_refresh_token_sent_twice_at_once_rotates_once(student: Any, attempt: int) -> None:
    raw = tokens_for(student).refresh

    statuses = race(lambda: refresh(raw).status_code, lambda: refresh(raw).status_code).values()

    assert sorted(statuses) == [200, 401]
    # The original and exactly one successor.
    assert OutstandingToken.objects.filter(user=student).count() == 2


def sign_up(username: str, email: str) -> Callable[[], Any]:
    body = {"username": username, "email": email, "password": STRONG_PASSWORD}
    return lambda: APIClient().post(url("auth-register"), body, format="json")


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        (("Ada", "one@example.com"), ("ada", "two@example.com"), "username"),
        (("one", "Ada@example.com"), ("two", "ada@EXAMPLE.com"), "email"),
    ],
)
def test_simultaneous_sign_ups_differing_in_case_create_one_user(
    first: tuple[str, str], second: tuple[str, str], field: str
) -> None:
    responses = race(sign_up(*first), sign_up(*second)).values()

    assert sorted(r.status_code for r in responses) == [201, 400]
    [refused] = [r for r in responses if r.status_code == 400]
    assert list(refused.json()) == [field]
    assert get_user_model().objects.count() == 1
