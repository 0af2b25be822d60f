"""The LRS client against a real Ralph: stored, idempotent, refused, unreachable."""

from __future__ import annotations

import uuid
from typing import Any

from learnplat.xapi.client import post_statements
from tests.xapi.lrs import RalphServer, free_port


def a_statement(**extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://learn.example.com", "name": "5"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attempted",
            "display": {"en-US": "attempted"},
        },
        "object": {"objectType": "Activity", "id": "https://learn.example.com/xapi/courses/c"},
        "timestamp": "2026-12-03T10:00:00+00:00",
        "version": "1.0.3",
        **extra,
    }


def test_statements_are_stored_and_read_back(ralph: RalphServer) -> None:
    statement = a_statement()
    answer = post_statements(
        [statement], config=ralph.xapi_settings() | {"TIMEOUT": 10, "VERSION": "1.0.3"}
    )
    assert (answer.ok, answer.status_code) == (True, 200)
    stored = ralph.statement(statement["id"])
    assert stored is not None
    assert stored["actor"] == statement["actor"]
    assert stored["verb"]["id"] == statement["verb"]["id"]


def test_the_same_statements_again_are_stored_once(ralph: RalphServer) -> None:
    config = ralph.xapi_settings() | {"TIMEOUT": 10, "VERSION": "1.0.3"}
    statement = a_statement()
    assert post_statements([statement], config=config).status_code == 200
    again = post_statements([statement], config=config)
    # Ralph's answer to ids it holds with the same content: 204, nothing written.
    assert (again.ok, again.status_code) == (True, 204)
    assert ralph.stored_copies(statement["id"]) == 1


def test_a_different_statement_under_a_known_id_is_refused(ralph: RalphServer) -> None:
    config = ralph.xapi_settings() | {"TIMEOUT": 10, "VERSION": "1.0.3"}
    statement = a_statement()
    post_statements([statement], config=config)
    changed = statement | {"timestamp": "2026-12-03T11:00:00+00:00"}
    answer = post_statements([changed], config=config)
    assert (answer.ok, answer.status_code, answer.retry) == (False, 409, False)


def test_an_invalid_statement_is_refused_without_retry(ralph: RalphServer) -> None:
    config = ralph.xapi_settings() | {"TIMEOUT": 10, "VERSION": "1.0.3"}
    # An agent with no identifier (xAPI requires one): Ralph's 422.
    answer = post_statements([a_statement(actor={"objectType": "Agent"})], config=config)
    assert (answer.ok, answer.status_code, answer.retry) == (False, 422, False)
    assert "LRS answered 422" in answer.error


def test_a_bad_request_is_refused_without_retry(ralph: RalphServer) -> None:
    config = ralph.xapi_settings() | {"TIMEOUT": 10, "VERSION": "1.0.3"}
    statement = a_statement()
    # Two statements under one id in one batch: Ralph's 400.
    answer = post_statements([statement, statement], config=config)
    assert (answer.ok, answer.status_code, answer.retry) == (False, 400, False)


def test_wrong_credentials_are_retried(ralph: RalphServer) -> None:
    config = ralph.xapi_settings() | {"PASSWORD": "wrong", "TIMEOUT": 10, "VERSION": "1.0.3"}
    answer = post_statements([a_statement()], config=config)
    assert (answer.ok, answer.status_code, answer.retry) == (False, 401, True)


def test_no_lrs_listening_is_retried() -> None:
    config = {
        "ENDPOINT": f"http://127.0.0.1:{free_port()}/xAPI/",
        "USERNAME": "",
        "PASSWORD": "",
        "TIMEOUT": 10,
        "VERSION": "1.0.3",
    }
    answer = post_statements([a_statement()], config=config)
    assert (answer.ok, answer.status_code, answer.retry) == (False, None, True)
    assert answer.error.startswith("ConnectionError")
