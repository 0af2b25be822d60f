"""GET/POST courses/{slug}/enrollments/: staff manage a course's members."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from learnplat.courses.models import Enrollment
from learnplat.roles import Role
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import enroll, make_user

pytestmark = pytest.mark.django_db


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=200,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_list_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).get(url("course-enrollments", "intro"))
    assert response.status_code == code
    if code == 200:
        rows = response.json()["results"]
        assert [(r["user"]["username"], r["role"]) for r in rows] == [
            ("instructor", "instructor"),
            ("assistant", "assistant"),
            ("student", "student"),
            ("other_student", "student"),
        ]
        assert set(rows[0]) == {
            "id",
            "user",
            "course",
            "role",
            "status",
            "section",
            "created",
            "modified",
        }
        assert set(rows[0]["user"]) == {"id", "username", "first_name", "last_name"}


@matrix(
    anonymous=404,
    outsider=404,
    student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_list_of_a_draft_matrix(world: World, role: str, code: int) -> None:
    assert world.client(role).get(url("course-enrollments", "secret")).status_code == code


def test_filters(world: World) -> None:
    client = world.client("instructor")
    Enrollment.objects.filter(user=world.users["student"], course=world.course).update(
        status="dropped"
    )
    staff = client.get(url("course-enrollments", "intro"), {"role": "assistant"}).json()
    assert [r["user"]["username"] for r in staff["results"]] == ["assistant"]
    dropped = client.get(url("course-enrollments", "intro"), {"status": "dropped"}).json()
    assert [r["user"]["username"] for r in dropped["results"]] == ["student"]
    assert client.get(url("course-enrollments", "intro"), {"role": "king"}).status_code == 400


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=201,
    other_instructor=403,
    instructor=201,
    admin=201,
)
def test_add_student_matrix(world: World, role: str, code: int) -> None:
    newcomer = make_user(Role.STUDENT, username="newcomer")
    response = world.client(role).post(
        url("course-enrollments", "intro"), {"user": newcomer.pk, "role": "student"}
    )
    assert response.status_code == code
    assert Enrollment.objects.filter(user=newcomer, course=world.course).exists() is (code == 201)
    if code == 201:
        assert response.json()["user"]["username"] == "newcomer"
        assert response.json()["role"] == "student"


@pytest.mark.parametrize(
    ("adder", "code"), [("assistant", 403), ("instructor", 201), ("admin", 201)]
)
def test_only_instructors_add_staff(world: World, adder: str, code: int) -> None:
    helper = make_user(Role.STUDENT, username="helper")
    response = world.client(adder).post(
        url("course-enrollments", "intro"), {"user": helper.pk, "role": "assistant"}
    )
    assert response.status_code == code
    if code == 403:
        assert response.json()["code"] == "permission_denied"
        assert not Enrollment.objects.filter(user=helper).exists()


def test_assistant_cannot_demote_staff(world: World) -> None:
    response = world.client("assistant").post(
        url("course-enrollments", "intro"),
        {"user": world.users["instructor"].pk, "role": "student"},
    )
    assert response.status_code == 403
    assert Enrollment.objects.get(user=world.users["instructor"], course=world.course).role == (
        "instructor"
    )


def test_staff_additions_ignore_capacity_and_closed_enrollment(world: World) -> None:
    world.course.capacity = 1
    world.course.enrollment_open = False
    world.course.save()
    newcomer = make_user(Role.STUDENT)
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), {"user": newcomer.pk}
    )
    assert response.status_code == 201
    assert response.json()["role"] == "student"


def test_promote_reactivate_and_conflicts(world: World) -> None:
    client = world.client("instructor")
    student = world.users["student"]
    same = client.post(url("course-enrollments", "intro"), {"user": student.pk, "role": "student"})
    assert (same.status_code, same.json()["code"]) == (409, "already_enrolled")
    promoted = client.post(
        url("course-enrollments", "intro"), {"user": student.pk, "role": "assistant"}
    )
    assert promoted.status_code == 201
    assert Enrollment.objects.filter(user=student, course=world.course).count() == 1
    Enrollment.objects.filter(user=student, course=world.course).update(status="dropped")
    back = client.post(url("course-enrollments", "intro"), {"user": student.pk, "role": "student"})
    assert (back.status_code, back.json()["status"]) == (201, "active")
    demote_self = client.post(
        url("course-enrollments", "intro"),
        {"user": world.users["instructor"].pk, "role": "assistant"},
    )
    assert (demote_self.status_code, demote_self.json()["code"]) == (409, "last_instructor")


@pytest.mark.parametrize("key", ["user", "username", "email"])
def test_add_by_id_username_or_email(world: World, key: str) -> None:
    newcomer = make_user(Role.STUDENT, username="Newcomer", email="New.Comer@Example.com")
    value = {"user": newcomer.pk, "username": "newcomer", "email": "new.comer@example.COM"}[key]
    response = world.client("assistant").post(
        url("course-enrollments", "intro"), {key: value, "role": "student"}
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["user"]["id"], response.json()["role"]) == (newcomer.pk, "student")
    again = world.client("instructor").post(url("course-enrollments", "intro"), {key: value})
    assert (again.status_code, again.json()["code"]) == (409, "already_enrolled")
    assert Enrollment.objects.filter(user=newcomer, course=world.course).count() == 1


def test_a_dropped_member_added_by_username_is_active_again(world: World) -> None:
    student = world.users["student"]
    Enrollment.objects.filter(user=student, course=world.course).update(status="dropped")
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), {"username": "STUDENT"}
    )
    assert (response.status_code, response.json()["status"]) == (201, "active")
    assert Enrollment.objects.filter(user=student, course=world.course).count() == 1


def test_an_exact_username_wins_over_one_that_differs_in_case(world: World) -> None:
    # learnplat's user model refuses such pairs; the host shapes with their own user model
    # (custom_user, auth_user) allow them.
    lower = make_user(Role.STUDENT, username="twin")
    try:
        with transaction.atomic():
            make_user(Role.STUDENT, username="Twin", email="twin2@example.com")
    except IntegrityError:
        pytest.skip("this host shape's user model keeps usernames unique in any case")
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), {"username": "twin"}
    )
    assert (response.status_code, response.json()["user"]["id"]) == (201, lower.pk)
    ambiguous = world.client("instructor").post(
        url("course-enrollments", "intro"), {"username": "TWIN"}
    )
    assert ambiguous.status_code == 400
    assert "username" in ambiguous.json()


def test_an_e_mail_shared_by_two_users_is_400(world: World) -> None:
    make_user(Role.STUDENT, email="shared@example.com")
    try:
        with transaction.atomic():
            make_user(Role.STUDENT, email="Shared@example.com")
    except IntegrityError:
        pytest.skip("this host shape's user model keeps e-mail addresses unique in any case")
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), {"email": "SHARED@example.com"}
    )
    assert response.status_code == 400
    assert "Several users" in response.json()["email"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"role": "student"}, "non_field_errors"),
        ({"user": "STUDENT", "username": "student"}, "non_field_errors"),
        ({"username": "student", "email": "student@example.com"}, "non_field_errors"),
        ({"username": "nobody-by-that-name"}, "username"),
        ({"username": ""}, "username"),
        ({"username": None}, "username"),
        ({"username": "x" * 1000}, "username"),
        ({"email": "nobody@example.com"}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": ["student@example.com"]}, "email"),
        ({"username": "student", "role": "owner"}, "role"),
        ({"user": 999999}, "user"),
        ({"user": "abc"}, "user"),
        ({"user": None}, "user"),
        ({"user": 1, "role": "owner"}, "role"),
        ({"user": 1, "status": "active"}, "status"),
    ],
)
def test_bad_input_is_400(world: World, payload: dict[str, Any], field: str) -> None:
    before = Enrollment.objects.values_list("pk", "role", "status").order_by("pk")
    before = list(before)
    if payload.get("user") == "STUDENT":
        payload = {**payload, "user": world.users["student"].pk}
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert list(Enrollment.objects.values_list("pk", "role", "status").order_by("pk")) == before


def test_inactive_users_cannot_be_added(world: World) -> None:
    ghost = make_user(Role.STUDENT, is_active=False)
    response = world.client("instructor").post(
        url("course-enrollments", "intro"), {"user": ghost.pk}
    )
    assert response.status_code == 400


def test_list_query_count_is_constant(world: World, django_assert_num_queries: Any) -> None:
    client = world.client("assistant")

    def listing(expected: int) -> None:
        response = client.get(url("course-enrollments", "intro"), {"page_size": 100})
        assert response.status_code == 200
        assert len(response.json()["results"]) == expected

    def more_members() -> None:
        for _ in range(40):
            enroll(make_user(Role.STUDENT), world.course)

    assert_same_query_count(
        django_assert_num_queries, lambda: listing(4), lambda: listing(44), between=more_members
    )
