"""Passwords and tokens never reach the logs, nor the error reports Django mails to ADMINS.

Every credential flow runs with every logger at DEBUG (but SQL: ``django.db.backends``
logs query parameters by design and is off in production) and a handler that keeps what
would be written. Then each flow fails inside its service and the report Django's
``AdminEmailHandler`` would send is rendered in full, local variables included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from learnplat.flows import accounts as accounts_flow
from tests.conftest import client_for
from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-secret-passphrase-77"
REGISTER_PASSWORD = "registering-with-this-secret-99"


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)


@pytest.fixture
def logs() -> Iterator[Keep]:
    handler = Keep()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "django", "learnplat")}
    sql = logging.getLogger("django.db.backends")
    sql_level = sql.level
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    sql.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        sql.setLevel(sql_level)


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret and secret in text]


def test_credential_flows_log_no_secret(student: Any, logs: Keep) -> None:
    anonymous = APIClient()
    seen: list[str] = [PASSWORD, NEW_PASSWORD, REGISTER_PASSWORD]

    registered = anonymous.post(
        reverse("learnplat:auth-register"),
        {"username": "newcomer", "email": "newcomer@example.com", "password": REGISTER_PASSWORD},
        format="json",
    )
    assert registered.status_code == 201
    seen += [registered.json()["access"], registered.json()["refresh"]]
    wrong = anonymous.post(
        reverse("learnplat:auth-token"),
        {"username": student.username, "password": "wrong-" + PASSWORD},
        format="json",
    )
    assert wrong.status_code == 401
    seen.append("wrong-" + PASSWORD)
    pair = anonymous.post(
        reverse("learnplat:auth-token"),
        {"username": student.username, "password": PASSWORD},
        format="json",
    ).json()
    seen += [pair["access"], pair["refresh"]]
    rotated = anonymous.post(
        reverse("learnplat:auth-token-refresh"), {"refresh": pair["refresh"]}, format="json"
    ).json()
    seen += [rotated["access"], rotated["refresh"]]
    reused = anonymous.post(
        reverse("learnplat:auth-token-refresh"), {"refresh": pair["refresh"]}, format="json"
    )
    assert reused.status_code == 401
    anonymous.post(reverse("learnplat:auth-token-verify"), {"token": "forged." + pair["access"]})
    user_client = APIClient()
    user_client.credentials(HTTP_AUTHORIZATION=f"Bearer {rotated['access']}")
    assert user_client.get(reverse("learnplat:auth-me")).status_code == 200
    bad = user_client.post(
        reverse("learnplat:auth-password"),
        {"old_password": "not-" + PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert bad.status_code == 400
    seen.append("not-" + PASSWORD)
    changed = user_client.post(
        reverse("learnplat:auth-password"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert changed.status_code == 204
    # The old access token no longer works: a 401 that must not echo it either.
    assert user_client.get(reverse("learnplat:auth-me")).status_code == 401
    logout = client_for(student).post(
        reverse("learnplat:auth-logout"), {"refresh": rotated["refresh"]}, format="json"
    )
    assert logout.status_code in {204, 401}

    assert logs.records, "the flows logged nothing: the capture is broken"
    assert secrets_in(logs.text(), seen) == []


SECRET_FIELDS = {"password", "old_password", "new_password", "refresh"}
FAILURES: dict[str, tuple[str, str, Callable[[Any], dict[str, Any]]]] = {
    "register": (
        "register_user",
        "auth-register",
        lambda user: {"username": "x1", "email": "x1@example.com", "password": REGISTER_PASSWORD},
    ),
    "token": (
        "log_in",
        "auth-token",
        lambda user: {"username": user.username, "password": PASSWORD},
    ),
    "refresh": (
        "rotate_refresh_token",
        "auth-token-refresh",
        lambda user: {"refresh": str(RefreshToken.for_user(user))},
    ),
    "password": (
        "change_password",
        "auth-password",
        lambda user: {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "logout": (
        "log_out",
        "auth-logout",
        lambda user: {"refresh": str(RefreshToken.for_user(user))},
    ),
}


@override_settings(DEBUG=False)
@pytest.mark.parametrize("flow", list(FAILURES))
@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_error_reports_of_crashing_credential_flows_hold_no_secret(
    student: Any, logs: Keep, monkeypatch: pytest.MonkeyPatch, flow: str, encoding: str
) -> None:
    service, url_name, body = FAILURES[flow]

    def crash(**kwargs: Any) -> Any:
        raise RuntimeError("the service broke")

    monkeypatch.setattr(accounts_flow, service, crash)
    client = client_for(student)
    client.raise_request_exception = False
    token = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    data = body(student)
    secrets = [token, *(str(v) for k, v in data.items() if k in SECRET_FIELDS)]

    response = client.post(reverse(f"learnplat:{url_name}"), data, format=encoding)

    assert response.status_code == 500
    errors = [r for r in logs.records if r.name == "django.request" and r.exc_info]
    assert errors
    for record in errors:
        assert record.exc_info is not None
        report = ExceptionReporter(
            getattr(record, "request", None), *record.exc_info, is_email=True
        ).get_traceback_text()
        assert "the service broke" in report
        assert secrets_in(report, secrets) == []
    assert secrets_in(logs.text(), secrets) == []
