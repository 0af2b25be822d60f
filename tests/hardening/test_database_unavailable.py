"""A database that cannot be reached is a 503 with ``Retry-After`` (retry later), never a 500.

The live check (PostgreSQL restarted under load) is ``python -m hardening faults``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.urls import reverse

from learnplat.authentication import JWTAuthentication
from tests.conftest import client_for


def failing(exc: Exception) -> Any:
    def get_user(self: Any, validated_token: Any) -> Any:
        raise exc

    return get_user


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError('connection to server at "127.0.0.1", port 5432 failed'),
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "closed-mid-query", "closed-connection"],
)
def test_an_unreachable_database_is_a_503_to_retry(
    student: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, exc: Exception
) -> None:
    monkeypatch.setattr(JWTAuthentication, "get_user", failing(exc))

    response = client_for(student).get(reverse("learnplat:auth-me"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The service is briefly unavailable; try again in a few seconds.",
        "code": "service_unavailable",
    }
    assert any(r.levelname == "ERROR" and r.name == "learnplat.api" for r in caplog.records)


def test_other_database_errors_are_not_disguised(
    student: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A programming error is a bug to see, not an outage to wait out.
    monkeypatch.setattr(JWTAuthentication, "get_user", failing(ProgrammingError("no column")))

    with pytest.raises(ProgrammingError):
        client_for(student).get(reverse("learnplat:auth-me"))
