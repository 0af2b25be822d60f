"""Every 4xx body is a JSON object, read from the whole OpenAPI schema so that it holds for
endpoints added later: a NUL character in each query parameter of each GET operation."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll

NUL = "\x00"


def get_operations() -> list[tuple[str, list[str]]]:
    """(path, query parameter names) of every GET whose path needs at most a course slug."""
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path.replace("{slug}", ""):
            continue
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        found.append((path, names))
    return found


OPERATIONS = get_operations()
CASES = [(path, name) for path, names in OPERATIONS for name in names]


def test_the_cases_cover_every_list_and_its_filters() -> None:
    paths = {path for path, _ in CASES}
    assert {
        "/api/users/",
        "/api/courses/",
        "/api/submissions/",
        "/api/courses/{slug}/enrollments/",
        "/api/courses/{slug}/tasks/",
        "/api/courses/{slug}/extensions/",
        "/api/courses/{slug}/gradebook/",
    } <= paths
    assert ("/api/users/", "search") in CASES
    assert ("/api/courses/", "status") in CASES


@pytest.fixture
def admin_client(platform_admin: Any, instructor: Any, student: Any) -> Any:
    course = CourseFactory(slug="intro", status="published")
    enroll(instructor, course, "instructor")
    enroll(student, course)
    TaskFactory(course=course, is_published=True)
    return client_for(platform_admin)


@pytest.mark.parametrize(("path", "parameter"), CASES)
def test_a_nul_in_any_query_parameter_gets_an_object(
    admin_client: Any, path: str, parameter: str
) -> None:
    url = path.replace("{slug}", "intro")

    response = admin_client.get(url, {parameter: NUL})

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict), (url, parameter, body)
        assert parameter in body or {"detail", "code"} <= set(body), (url, parameter, body)


@pytest.mark.parametrize("path", ["/api/users/", "/api/courses/intro/gradebook/"])
def test_a_nul_search_is_an_error_on_search(admin_client: Any, path: str) -> None:
    response = admin_client.get(path, {"search": NUL})

    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


def test_a_nul_filter_value_is_an_error_on_that_filter(admin_client: Any) -> None:
    response = admin_client.get("/api/courses/", {"search": NUL, "status": NUL})

    assert response.status_code == 400
    assert set(response.json()) == {"search", "status"}


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/courses/missing/", 404, "not_found"),
        ("get", "/api/courses/?page=99", 404, "not_found"),
        ("delete", "/api/courses/", 405, "method_not_allowed"),
        ("post", "/api/auth/logout/", 401, "not_authenticated"),
    ],
)
def test_errors_about_no_field_carry_detail_and_code(
    db: None, api_client: Any, method: str, url: str, status: int, code: str
) -> None:
    response = getattr(api_client, method)(url)

    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code


def test_a_body_that_is_not_json_is_an_object(db: None, instructor: Any) -> None:
    response = client_for(instructor).post(
        "/api/courses/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
