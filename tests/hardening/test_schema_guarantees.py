"""Guarantees read from the whole OpenAPI schema, so they hold for endpoints added later.

- Every paginated list documents the 404 of a ``?page=`` that names no page, every list
  filtered by django-filter the 400 of an invalid filter value (schema fuzzing finds both).
- No credential ever travels in a URL: no query or path parameter is named like a token,
  password or secret, and every security scheme reads a header.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from learnplat.schema import PAGE_NOT_FOUND

SECRET_NAME = re.compile(r"token|secret|passw|api[-_]?key|access|refresh|auth|session", re.I)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    ]


def test_every_paginated_list_documents_the_404_of_a_missing_page(schema: dict[str, Any]) -> None:
    paginated = [
        (path, operation)
        for path, method, operation in operations(schema)
        if method == "get" and any(p["name"] == "page" for p in operation.get("parameters", []))
    ]
    assert paginated
    for path, operation in paginated:
        assert "404" in operation["responses"], path


def test_filtered_lists_document_the_400_of_an_invalid_filter(schema: dict[str, Any]) -> None:
    generic = {"page", "page_size", "ordering", "search", "format"}
    filtered = [
        (path, operation)
        for path, method, operation in operations(schema)
        if method == "get"
        and any(p["name"] == "page" for p in operation.get("parameters", []))
        and {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} - generic
    ]
    assert filtered
    for path, operation in filtered:
        assert "400" in operation["responses"], path


def test_the_added_answers_say_what_they_are(schema: dict[str, Any]) -> None:
    users = schema["paths"]["/api/users/"]["get"]["responses"]
    assert users["404"]["description"] == PAGE_NOT_FOUND
    assert users["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_no_parameter_carries_a_credential(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] in {"query", "path", "cookie"}:
                assert not SECRET_NAME.search(parameter["name"]), (method, path, parameter)


def test_every_security_scheme_reads_a_header(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes
    for name, scheme in schemes.items():
        if name == "cookieAuth":
            # Django's session cookie, for the browsable API; never a token in a URL.
            assert scheme == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
            continue
        assert scheme["type"] == "http" or scheme.get("in") == "header", (name, scheme)
