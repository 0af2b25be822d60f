"""Bodies that are not what any endpoint expects: always a clear 4xx, never a 500, and nothing
written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from tests.accounts.conftest import client_as, url

pytestmark = pytest.mark.django_db

# (url name, method, caller fixture or None); users/{id}/ is about the "student" fixture.
ENDPOINTS = [
    ("auth-register", "post", None),
    ("auth-token", "post", None),
    ("auth-token-refresh", "post", None),
    ("auth-token-verify", "post", None),
    ("auth-logout", "post", "student"),
    ("auth-me", "patch", "student"),
    ("auth-password", "post", "student"),
    ("user-detail", "patch", "platform_admin"),
]

FIVE_MB = 5 * 1024 * 1024


def prepare(request: pytest.FixtureRequest, endpoint: tuple[str, str, str | None]) -> Any:
    """A function sending a body to ``endpoint`` as its caller (tokens issued beforehand)."""
    name, method, caller = endpoint
    target = request.getfixturevalue("student")
    user = request.getfixturevalue(caller) if caller else None
    path = url(name, pk=target.pk) if name == "user-detail" else url(name)
    client: APIClient = client_as(user)

    def send(body: bytes, content_type: str = "application/json", **extra: Any) -> Any:
        return getattr(client, method)(path, body, content_type=content_type, **extra)

    return send


def database_state() -> tuple[int, int, int, list[Any]]:
    users = get_user_model().objects.order_by("pk")
    rows = list(users.values_list("username", "email", "first_name", "is_active", "password"))
    return users.count(), OutstandingToken.objects.count(), BlacklistedToken.objects.count(), rows


def long_values() -> bytes:
    """Every field of every endpoint far too long, in a body under Django's size limit."""
    value = "x" * 200_000
    fields = ["username", "password", "refresh", "token", "old_password", "new_password"]
    fields += ["first_name", "last_name", "role"]
    return json.dumps(dict.fromkeys(fields, value) | {"email": f"{value}@x.io"}).encode()


def five_megabytes() -> bytes:
    return b'{"username": "' + b"x" * FIVE_MB + b'", "password": "x", "refresh": "x"}'


JSON = "application/json"

# name -> (body, content type, status, error code in the body or None)
CASES: dict[str, tuple[Callable[[], bytes], str, int, str | None]] = {
    "malformed": (lambda: b'{"username": "ada", ', JSON, 400, None),
    "trailing-garbage": (lambda: b'{"username": "ada"} x', JSON, 400, None),
    "nan": (lambda: b'{"username": NaN}', JSON, 400, None),
    "not-utf8": (lambda: b'{"username": "\xff\xfe"}', JSON, 400, None),
    "deeply-nested": (lambda: b"[" * 100_000 + b"]" * 100_000, JSON, 400, None),
    "list": (lambda: b"[]", JSON, 400, None),
    "string": (lambda: b'"ada"', JSON, 400, None),
    "number": (lambda: b"42", JSON, 400, None),
    "null": (lambda: b"null", JSON, 400, None),
    "long-values": (long_values, JSON, 400, None),
    "five-megabytes": (five_megabytes, JSON, 400, "request_too_large"),
    # Beyond DATA_UPLOAD_MAX_NUMBER_FIELDS (1000), which Django refuses with an HTML 400.
    "too-many-form-fields": (
        lambda: "&".join(f"f{n}=1" for n in range(1500)).encode(),
        "application/x-www-form-urlencoded",
        400,
        "request_too_large",
    ),
    "text-plain": (lambda: b"username=ada", "text/plain", 415, None),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_bodies_get_a_json_4xx_and_change_nothing(
    request: pytest.FixtureRequest, endpoint: Any, case: str
) -> None:
    make_body, content_type, status, code = CASES[case]
    send = prepare(request, endpoint)
    before = database_state()

    response = send(make_body(), content_type=content_type)

    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body
    if code is not None:
        assert body["code"] == code
    assert database_state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_the_browsable_api_renders_every_endpoint(
    request: pytest.FixtureRequest, endpoint: Any
) -> None:
    name, _, caller = endpoint
    target = request.getfixturevalue("student")
    user = request.getfixturevalue(caller) if caller else None
    path = url(name, pk=target.pk) if name == "user-detail" else url(name)

    response = client_as(user).get(path, HTTP_ACCEPT="text/html")

    assert response.status_code in (200, 405)
    assert response["Content-Type"].startswith("text/html")
