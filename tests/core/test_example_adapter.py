"""The worked example of docs/adapter.md (tests/core/example_adapter.py) does what the page
says, under every host shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learnplat.courses.models import Course
from learnplat.roles import Role, get_role
from tests.conftest import client_for
from tests.factories import make_user
from tests.projects.departments.models import CourseDepartment

pytestmark = pytest.mark.django_db

EXAMPLE = "tests.core.example_adapter"


@pytest.fixture(autouse=True)
def _example_host(settings: Any) -> None:
    settings.LEARNPLAT = {
        **settings.LEARNPLAT,
        "ADAPTER": f"{EXAMPLE}.DepartmentAdapter",
        "SERIALIZERS": {
            "course_create": f"{EXAMPLE}.CourseCreateWithDepartment",
            "course_update": f"{EXAMPLE}.CourseWithDepartment",
            "course_retrieve": f"{EXAMPLE}.CourseDetailWithDepartment",
        },
    }


@pytest.fixture
def staff() -> Any:
    return make_user(username="teacher", is_staff=True)


@pytest.fixture
def root() -> Any:
    return make_user(username="root", is_staff=True, is_superuser=True)


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def test_staff_are_instructors_superusers_admins_and_the_rest_students(
    staff: Any, root: Any
) -> None:
    plain = make_user(Role.INSTRUCTOR, username="plain")  # a learnplat role the host ignores

    assert [get_role(fresh(u)) for u in (staff, root, plain)] == [
        Role.INSTRUCTOR,
        Role.ADMIN,
        Role.STUDENT,
    ]


def test_a_course_is_created_with_its_department(staff: Any) -> None:
    response = client_for(staff).post(
        "/api/courses/", {"title": "Algebra", "department": "maths"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["department"] == "maths"
    assert CourseDepartment.objects.get(course__slug="algebra").name == "maths"


def test_only_staff_author_courses(staff: Any) -> None:
    student = make_user(username="learner")

    response = client_for(student).post(
        "/api/courses/", {"title": "Algebra", "department": "maths"}, format="json"
    )

    assert response.status_code == 403
    assert not Course.objects.exists()


def test_an_unknown_department_is_a_400_and_creates_nothing(staff: Any) -> None:
    response = client_for(staff).post(
        "/api/courses/", {"title": "Algebra", "department": "astrology"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["department"]
    assert not Course.objects.exists()


def test_the_department_changes_with_a_patch_and_stays_without_one(staff: Any) -> None:
    client = client_for(staff)
    client.post("/api/courses/", {"title": "Algebra", "department": "maths"}, format="json")

    moved = client.patch("/api/courses/algebra/", {"department": "physics"}, format="json")
    renamed = client.patch("/api/courses/algebra/", {"title": "Algebra I"}, format="json")

    assert moved.status_code == 200
    assert renamed.status_code == 200
    assert renamed.json()["department"] == "physics"
    assert renamed.json()["title"] == "Algebra I"


def test_admins_make_instructors_by_setting_the_staff_flag(root: Any) -> None:
    learner = make_user(username="learner")

    response = client_for(root).patch(
        f"/api/users/{learner.pk}/", {"role": "instructor"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["role"] == "instructor"
    assert fresh(learner).is_staff


def test_admins_cannot_be_made_through_the_api(root: Any) -> None:
    learner = make_user(username="learner")

    response = client_for(root).patch(f"/api/users/{learner.pk}/", {"role": "admin"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"role": ["Admins are superusers here; use the Django admin."]}
    assert not fresh(learner).is_staff


@pytest.mark.parametrize(
    ("role", "expected"),
    [("instructor", {"teacher"}), ("admin", {"root"}), ("student", {"learner"})],
)
def test_role_filters_compute_the_same_rule_in_sql(
    staff: Any, root: Any, role: str, expected: set[str]
) -> None:
    make_user(username="learner")

    response = client_for(root).get("/api/users/", {"role": role})

    assert response.status_code == 200
    assert {row["username"] for row in response.json()["results"]} == expected
