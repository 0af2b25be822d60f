"""Scoped throttles of auth/register/, auth/token/ and auth/password/."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.accounts.conftest import STRONG_PASSWORD, bearer, login, url
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(n: int, ip: str = "10.0.0.1") -> int:
    body = {"username": f"new{n}", "email": f"new{n}@example.com", "password": STRONG_PASSWORD}
    response = APIClient().post(url("auth-register"), body, format="json", REMOTE_ADDR=ip)
    return int(response.status_code)


def log_in(ip: str = "10.0.0.1", password: str = "wrong") -> Any:
    return APIClient().post(
        url("auth-token"),
        {"username": "student", "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_registration_is_throttled_per_client(learnplat_settings: Any) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_register": "2/min"})

    assert [sign_up(n) for n in range(3)] == [201, 201, 429]
    assert sign_up(3, ip="10.0.0.2") == 201


def test_a_throttled_response_says_when_to_retry(learnplat_settings: Any) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_register": "1/hour"})
    sign_up(0)

    response = APIClient().post(url("auth-register"), {}, format="json", REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0


def test_login_attempts_are_throttled_even_when_right(
    student: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_token": "3/min"})

    statuses = [log_in().status_code for _ in range(3)]
    right_password = log_in(password=PASSWORD)

    assert statuses == [401, 401, 401]
    assert right_password.status_code == 429
    assert log_in(ip="10.0.0.9", password=PASSWORD).status_code == 200


def test_rates_are_read_on_every_request(student: Any, learnplat_settings: Any) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_token": "1/min"})
    assert log_in().status_code == 401
    assert log_in().status_code == 429

    learnplat_settings(THROTTLE_RATES={"learnplat_token": "100/min"})

    assert log_in().status_code == 401


def test_none_turns_a_scope_off(student: Any, learnplat_settings: Any) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_token": None})

    assert {log_in().status_code for _ in range(40)} == {401}


def test_scopes_are_counted_apart(student: Any, learnplat_settings: Any) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_token": "1/min", "learnplat_register": "1/min"})

    assert log_in().status_code == 401
    assert sign_up(0) == 201
    assert log_in().status_code == 429
    assert sign_up(1) == 429


def test_the_hosts_drf_throttle_settings_are_not_needed(
    student: Any, learnplat_settings: Any, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    learnplat_settings(THROTTLE_RATES={"learnplat_token": "1/min"})

    assert log_in().status_code == 401
    assert log_in().status_code == 429


def test_password_changes_are_counted_per_user(
    student: Any, instructor: Any, learnplat_settings: Any
) -> None:
    # Logging in spends from the same per-client budget, so do it first, unthrottled.
    learnplat_settings(THROTTLE_RATES={"learnplat_token": None})
    stu, inst = bearer(login(student)["access"]), bearer(login(instructor)["access"])
    learnplat_settings(THROTTLE_RATES={"learnplat_token": "2/min"})

    def attempt(client: APIClient) -> int:
        body = {"old_password": "wrong", "new_password": STRONG_PASSWORD}
        return int(client.post(url("auth-password"), body, format="json").status_code)

    assert [attempt(stu) for _ in range(3)] == [400, 400, 429]
    assert attempt(inst) == 400


@pytest.mark.parametrize("run", [1, 2])
def test_counts_do_not_leak_between_tests(run: int, learnplat_settings: Any) -> None:
    # Each run uses up the whole budget; the second would get a 429 if the cache leaked.
    learnplat_settings(THROTTLE_RATES={"learnplat_register": "1/min"})

    assert sign_up(run) == 201
