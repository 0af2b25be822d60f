"""``learnplat.handlers``: JSON errors for the API's paths, Django's pages elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from learnplat.handlers import api_prefix, is_api_path
from tests.projects.urls import urlpatterns as test_urlpatterns


def crash(request: object) -> None:
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash), path("api/crash/", crash), *test_urlpatterns]
handler404 = "learnplat.handlers.page_not_found"
handler500 = "learnplat.handlers.server_error"

pytestmark = pytest.mark.urls("tests.hardening.test_handlers")


def test_the_prefix_is_where_the_host_mounts_the_api() -> None:
    assert api_prefix() == "/api/"
    assert is_api_path("/api/tasks/1.5/")
    assert not is_api_path("/admin/")


@override_settings(DEBUG=False)
@pytest.mark.parametrize("url", ["/api/tasks/1.5/", "/api/nothing/here/", "/api/courses/a b/"])
def test_unmatched_api_urls_are_json_404s(db: None, url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@override_settings(DEBUG=False)
def test_other_urls_keep_djangos_page(db: None) -> None:
    response = Client().get("/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("url", "json"), [("/api/crash/", True), ("/crash/", False)])
def test_crashes_are_json_500s_under_the_api_only(db: None, url: str, json: bool) -> None:
    client = Client(raise_request_exception=False)

    response = client.get(url)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json" if json else "text/html")
