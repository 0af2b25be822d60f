"""The catch-all at the end of ``learnplat.urls``: JSON 404s for every unmatched API path."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}

UNMATCHED = [
    "/api/nothing/here/",
    "/api/nothing/here",
    "/api/",
    "/api/tasks/1.5/",
    "/api/courses/a b/",
    "/api/courses/intro/unknown-action/",
    "/api/courses/intro/unknown-action",
]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("url", UNMATCHED)
def test_unmatched_api_paths_are_json_404s(db: None, debug: bool, method: str, url: str) -> None:
    with override_settings(DEBUG=debug):
        response = getattr(Client(), method)(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("debug", [False, True])
def test_a_post_without_a_csrf_token_gets_the_404_not_a_csrf_page(
    db: None, student: Any, debug: bool
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)  # a session, so CSRF would apply

    with override_settings(DEBUG=debug):
        response = client.post("/api/nothing/", {"a": "b"})

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("debug", [False, True])
def test_paths_outside_the_include_keep_djangos_404(db: None, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = Client().get("/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_real_routes_are_not_shadowed(db: None, student: Any) -> None:
    client = Client()
    client.force_login(student)

    assert client.get(reverse("learnplat:course-list")).status_code == 200
    assert client.get("/api/schema/").status_code == 200
    # A detail route's own 404 is answered by its view, in the same shape.
    missing = client.get(reverse("learnplat:course-detail", kwargs={"slug": "missing"}))
    assert missing.status_code == 404
    assert missing.json() == NOT_FOUND


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_of_a_real_route_without_its_slash_is_redirected(db: None, method: str) -> None:
    response = getattr(Client(), method)("/api/courses?search=intro")

    assert response.status_code == 301
    assert response["Location"] == "/api/courses/?search=intro"


def test_a_write_to_a_real_route_without_its_slash_is_a_404_with_a_hint(db: None) -> None:
    response = Client().post("/api/courses", {"title": "x"})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. Did you mean /api/courses/ (with a trailing slash)?",
        "code": "not_found",
    }


@override_settings(APPEND_SLASH=False)
def test_without_append_slash_nothing_is_redirected(db: None) -> None:
    response = Client().get("/api/courses")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_catch_all_is_not_in_the_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert all("unmatched" not in path and ".*" not in path for path in schema["paths"])
