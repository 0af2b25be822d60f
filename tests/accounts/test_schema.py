"""The OpenAPI description of the accounts endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

# path -> method -> the response codes it must document
EXPECTED = {
    "/api/auth/register/": {"post": {"201", "400", "429"}},
    "/api/auth/token/": {"post": {"200", "400", "401", "429"}},
    "/api/auth/token/refresh/": {"post": {"200", "400", "401"}},
    "/api/auth/token/verify/": {"post": {"200", "400", "401"}},
    "/api/auth/logout/": {"post": {"204", "400", "401", "403"}},
    "/api/auth/me/": {"get": {"200", "401"}, "patch": {"200", "400", "401"}},
    "/api/auth/password/": {"post": {"204", "400", "401", "429"}},
    "/api/users/": {"get": {"200", "400", "401", "403", "404"}},
    "/api/users/{id}/": {
        "get": {"200", "401", "403", "404"},
        "patch": {"200", "400", "401", "403", "404"},
    },
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    GENERATOR_STATS.reset()
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache, GENERATOR_STATS._error_cache
    return generated


def test_the_schema_is_valid_openapi(schema: dict[str, Any]) -> None:
    validate_schema(schema)


@pytest.mark.parametrize("path", list(EXPECTED))
def test_every_operation_documents_its_responses(schema: dict[str, Any], path: str) -> None:
    operations = schema["paths"][path]

    assert set(operations) == set(EXPECTED[path])
    for method, codes in EXPECTED[path].items():
        assert set(operations[method]["responses"]) == codes


def test_the_bearer_scheme_is_described(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    me = schema["paths"]["/api/auth/me/"]["get"]
    assert {"jwtAuth": []} in me["security"]


def test_credential_endpoints_need_no_authentication(schema: dict[str, Any]) -> None:
    for path in ["/api/auth/register/", "/api/auth/token/", "/api/auth/token/refresh/"]:
        assert schema["paths"][path]["post"]["security"] == [{}]


def test_the_user_has_the_documented_fields(schema: dict[str, Any]) -> None:
    user = schema["components"]["schemas"]["User"]

    assert set(user["properties"]) == {
        "id", "username", "email", "first_name", "last_name", "role", "date_joined",
    }  # fmt: skip
    assert set(user["required"]) == set(user["properties"])
    assert user["properties"]["role"]["allOf"][0]["$ref"].endswith("/PlatformRoleEnum")
    registration = schema["components"]["schemas"]["Registration"]
    assert set(registration["required"]) == {"user", "access", "refresh"}
