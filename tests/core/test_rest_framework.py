"""learnplat's views honour the host's REST_FRAMEWORK (decision 0007).

Precedence of each request class: the LEARNPLAT key, then the host's REST_FRAMEWORK key (only
if the host wrote it), then learnplat's default (JWT + session, orjson + browsable API,
learnplat's JSON parser, LearnplatPagination).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authentication import SessionAuthentication
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from learnplat.authentication import JWTAuthentication
from learnplat.conf import settings
from learnplat.pagination import LearnplatPagination
from learnplat.renderers import ORJSONRenderer
from tests.conftest import client_for
from tests.core.host_classes import HeaderAuthentication, HostJSONRenderer, HostPagination
from tests.factories import CourseFactory, make_user

pytestmark = pytest.mark.django_db

HOST = "tests.core.host_classes"
HOST_REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_AUTHENTICATION_CLASSES": [f"{HOST}.HeaderAuthentication"],
    "DEFAULT_RENDERER_CLASSES": [f"{HOST}.HostJSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": f"{HOST}.HostPagination",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}


def host_rest_framework(**extra: Any) -> Any:
    from django.conf import settings as django_settings

    return override_settings(
        REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, **HOST_REST_FRAMEWORK, **extra}
    )


def test_learnplat_defaults_apply_when_the_host_sets_nothing() -> None:
    user = make_user(username="ada")
    CourseFactory.create_batch(3)
    response = client_for(user).get("/api/auth/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "ada"
    assert isinstance(response.accepted_renderer, ORJSONRenderer)
    assert [type(a) for a in response.renderer_context["view"].get_authenticators()] == [
        JWTAuthentication,
        SessionAuthentication,
    ]
    listing = APIClient().get("/api/courses/", {"page_size": 2})
    assert set(listing.json()) == {"count", "next", "previous", "results"}
    assert len(listing.json()["results"]) == 2
    assert {settings.source(name) for name in ("PAGINATION_CLASS", "RENDERER_CLASSES")} == {
        "default"
    }


def test_the_hosts_authentication_is_used_and_jwt_no_longer_is() -> None:
    user = make_user(username="grace")
    with host_rest_framework():
        response = APIClient().get("/api/auth/me/", HTTP_X_HOST_USER="grace")
        assert response.status_code == 200
        assert response.json()["username"] == "grace"
        authenticators = response.renderer_context["view"].get_authenticators()
        assert [type(a) for a in authenticators] == [HeaderAuthentication]
        # Only the host's classes authenticate: a learnplat JWT is not one of them now.
        # (403, not 401: the host's class names no WWW-Authenticate scheme.)
        assert client_for(user).get("/api/auth/me/").status_code == 403


def test_the_hosts_renderer_is_used() -> None:
    with host_rest_framework():
        # DRF reloads its own api_settings on setting_changed; learnplat reads the dict too.
        assert [HostJSONRenderer] == api_settings.DEFAULT_RENDERER_CLASSES
        response = APIClient().get("/api/courses/")
        assert isinstance(response.accepted_renderer, HostJSONRenderer)
        assert response["Content-Type"] == "application/json"
    assert isinstance(APIClient().get("/api/courses/").accepted_renderer, ORJSONRenderer)


def test_the_hosts_pagination_class_is_used() -> None:
    CourseFactory.create_batch(3)
    with host_rest_framework():
        body = APIClient().get("/api/courses/").json()
        assert len(body["results"]) == HostPagination.default_limit
        assert body["count"] == 3
        assert "offset=2" in body["next"]
        assert len(APIClient().get("/api/courses/", {"limit": 1}).json()["results"]) == 1


def test_the_hosts_page_size_sizes_learnplats_pagination() -> None:
    CourseFactory.create_batch(4)
    with host_rest_framework(DEFAULT_PAGINATION_CLASS=None, PAGE_SIZE=3):
        body = APIClient().get("/api/courses/").json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert len(body["results"]) == 3
        # A host page size above learnplat's cap raises the cap rather than shrink pages.
        with override_settings(LEARNPLAT={"MAX_PAGE_SIZE": 2}):
            assert len(APIClient().get("/api/courses/").json()["results"]) == 3
            assert len(APIClient().get("/api/courses/", {"page_size": 2}).json()["results"]) == 2


def test_a_learnplat_key_beats_the_hosts_rest_framework() -> None:
    user = make_user()
    CourseFactory.create_batch(3)
    learnplat = {
        "AUTHENTICATION_CLASSES": ["learnplat.authentication.JWTAuthentication"],
        "RENDERER_CLASSES": ["learnplat.renderers.ORJSONRenderer"],
        "PAGINATION_CLASS": "learnplat.pagination.LearnplatPagination",
        "PAGE_SIZE": 1,
    }
    with host_rest_framework(PAGE_SIZE=50), override_settings(LEARNPLAT=learnplat):
        response = client_for(user).get("/api/auth/me/")
        assert response.status_code == 200
        assert isinstance(response.accepted_renderer, ORJSONRenderer)
        body = client_for(user).get("/api/courses/").json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert len(body["results"]) == 1
        assert {settings.source(name) for name in learnplat} == {"LEARNPLAT"}


def test_drf_json_parser_of_the_host_still_answers_too_deep_json_with_400() -> None:
    depth = 200_000
    body = "[" * depth + "]" * depth
    with host_rest_framework():
        response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nesting too deep" in response.json()["detail"]


def test_none_in_the_hosts_rest_framework_counts_as_unset() -> None:
    with host_rest_framework(DEFAULT_PAGINATION_CLASS=None, PAGE_SIZE=None):
        assert settings.PAGINATION_CLASS == "learnplat.pagination.LearnplatPagination"
        assert settings.PAGE_SIZE == 20
        assert settings.source("PAGE_SIZE") == "default"


def _list_schema(path: str) -> tuple[list[str], dict[str, Any]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][path]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return [p["name"] for p in operation.get("parameters", [])], component


def test_the_schema_documents_the_pagination_in_force() -> None:
    parameters, page = _list_schema("/api/courses/")
    assert {"page", "page_size"} <= set(parameters)
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    with host_rest_framework():
        parameters, page = _list_schema("/api/courses/")
    assert {"limit", "offset"} <= set(parameters)
    assert "page_size" not in parameters
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_learnplat_pagination_is_the_default_class() -> None:
    assert settings.import_value(settings.PAGINATION_CLASS) is LearnplatPagination
