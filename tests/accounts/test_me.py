"""GET, PATCH auth/me/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learnplat.roles import Role, get_role
from tests.accounts.conftest import ACTORS, USER_KEYS, client_as, url
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXPECTED_ROLE = {
    "student": "student",
    "instructor": "instructor",
    "platform_admin": "admin",
    "superuser": "admin",
}


def patch_me(user: Any, body: Any) -> Any:
    return client_as(user).patch(url("auth-me"), body, format="json")


@pytest.mark.parametrize("actor_name", ACTORS)
def test_me_shows_the_caller(actor_name: str, actor: Any) -> None:
    response = client_as(actor).get(url("auth-me"))

    if actor is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_KEYS
    assert body["id"] == actor.pk
    assert body["username"] == actor.username
    assert body["email"] == actor.email
    assert body["role"] == EXPECTED_ROLE[actor_name]
    assert body["date_joined"].endswith(("Z", "+00:00"))


@pytest.mark.parametrize("actor_name", ACTORS)
def test_me_update_changes_own_names(actor_name: str, actor: Any) -> None:
    response = patch_me(actor, {"first_name": "Grace", "last_name": "Hopper"})

    if actor is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert response.json()["first_name"] == "Grace"
    actor.refresh_from_db()
    assert (actor.first_name, actor.last_name) == ("Grace", "Hopper")


def test_read_only_fields_sent_are_ignored(student: Any) -> None:
    before = get_user_model().objects.get(pk=student.pk)

    response = patch_me(
        student,
        {
            "role": "admin",
            "username": "root",
            "is_active": False,
            "is_staff": True,
            "is_superuser": True,
            "id": 999,
            "date_joined": "2000-01-01T00:00:00Z",
            "last_name": "Changed",
        },
    )

    assert response.status_code == 200
    assert response.json()["role"] == "student"
    after = get_user_model().objects.get(pk=student.pk)
    assert get_role(after) == Role.STUDENT
    assert (after.username, after.is_active, after.is_staff, after.is_superuser) == (
        before.username,
        True,
        False,
        False,
    )
    assert after.date_joined == before.date_joined
    assert after.last_name == "Changed"


def test_email_can_change_to_a_free_address(student: Any) -> None:
    response = patch_me(student, {"email": "new@EXAMPLE.com"})

    assert response.status_code == 200
    student.refresh_from_db()
    assert student.email == "new@example.com"


def test_own_email_in_another_case_is_allowed(student: Any) -> None:
    response = patch_me(student, {"email": student.email.upper()})

    assert response.status_code == 200


@pytest.mark.parametrize("taken", ["other@example.com", "OTHER@example.com"])
def test_email_taken_by_another_user_is_refused(student: Any, taken: str) -> None:
    make_user(username="other", email="other@example.com")

    response = patch_me(student, {"email": taken.swapcase()})

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    student.refresh_from_db()
    assert student.email == "student@example.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", ""),
        ("email", None),
        ("email", "nope"),
        ("email", ["a@example.com"]),
        ("first_name", "x" * 151),
        ("first_name", None),
        ("last_name", {"a": 1}),
    ],
)
def test_bad_values_are_field_errors(student: Any, field: str, value: Any) -> None:
    response = patch_me(student, {field: value})

    assert response.status_code == 400
    assert list(response.json()) == [field]
    fresh = get_user_model().objects.get(pk=student.pk)
    assert getattr(fresh, field) == getattr(student, field)


def test_an_empty_patch_changes_nothing(student: Any) -> None:
    response = patch_me(student, {})

    assert response.status_code == 200
    assert response.json()["email"] == student.email


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_other_methods_are_not_allowed(student: Any, method: str) -> None:
    response = getattr(client_as(student), method)(url("auth-me"), {}, format="json")

    assert response.status_code == 405


def test_head_behaves_like_get(student: Any) -> None:
    assert client_as(student).head(url("auth-me")).status_code == 200
    assert client_as(None).head(url("auth-me")).status_code == 401


def test_the_browsable_api_renders(student: Any) -> None:
    response = client_as(student).get(url("auth-me"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"student@example.com" in response.content


def test_deactivated_users_are_refused_at_once(student: Any) -> None:
    client = client_as(student)
    student.is_active = False
    student.save()

    response = client.get(url("auth-me"))

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"
