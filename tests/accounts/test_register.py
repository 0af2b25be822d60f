"""POST auth/register/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Value
from rest_framework.test import APIClient

from learnplat.accounts.signals import user_registered
from learnplat.adapter import DefaultAdapter
from learnplat.exceptions import InvalidInput
from learnplat.flows import accounts as accounts_flow
from learnplat.roles import Role, get_role
from tests.accounts.conftest import (
    ACTORS,
    STRONG_PASSWORD,
    USER_KEYS,
    client_as,
    me,
    refresh,
    url,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

User = get_user_model


def payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "ada",
        "email": "ada@example.com",
        "password": STRONG_PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(client: APIClient | None = None, **overrides: Any) -> Any:
    return (client or APIClient()).post(url("auth-register"), payload(**overrides), format="json")


def fresh_role(username: str) -> Role | None:
    return get_role(User().objects.get(username=username))


def test_anonymous_registers_and_gets_a_working_token_pair() -> None:
    response = register()

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert set(body["user"]) == USER_KEYS
    assert body["user"]["username"] == "ada"
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["first_name"] == "Ada"
    assert body["user"]["role"] == "student"
    user = User().objects.get(username="ada")
    assert body["user"]["id"] == user.pk
    assert user.check_password(STRONG_PASSWORD)
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, False, False)
    assert me(body["access"]).json()["username"] == "ada"
    assert refresh(body["refresh"]).status_code == 200


@pytest.mark.parametrize("actor_name", ACTORS)
def test_every_caller_may_register(actor_name: str, actor: Any) -> None:
    response = register(client_as(actor))

    assert response.status_code == 201
    assert fresh_role("ada") == Role.STUDENT


def test_a_stale_authorization_header_does_not_block_registration() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert register(client).status_code == 201


def test_optional_names_may_be_left_out() -> None:
    response = register(first_name=None, last_name=None)

    assert response.status_code == 201
    assert response.json()["user"]["first_name"] == ""


def test_email_domain_is_normalised() -> None:
    response = register(email="Ada@EXAMPLE.com")

    assert response.status_code == 201
    assert User().objects.get(username="ada").email == "Ada@example.com"


@pytest.mark.parametrize("role", ["instructor", "admin"])
def test_registration_never_grants_a_higher_role_by_default(role: str) -> None:
    response = register(role=role)

    assert response.status_code == 400
    assert "role" in response.json()
    assert not User().objects.filter(username="ada").exists()


def test_asking_for_the_student_role_is_fine() -> None:
    assert register(role="student").status_code == 201
    assert fresh_role("ada") == Role.STUDENT


def test_settings_may_allow_registering_as_instructor(learnplat_settings: Any) -> None:
    learnplat_settings(REGISTRATION_ROLES=["student", "instructor"])

    assert register(role="instructor").status_code == 201
    assert register(username="bob", email="bob@example.com").status_code == 201
    response = register(username="eve", email="eve@example.com", role="admin")

    assert fresh_role("ada") == Role.INSTRUCTOR
    assert fresh_role("bob") == Role.STUDENT
    assert response.status_code == 400
    assert not User().objects.filter(username="eve").exists()


def test_the_first_registration_role_is_the_default(learnplat_settings: Any) -> None:
    learnplat_settings(REGISTRATION_ROLES=["instructor"])

    response = register()

    assert response.status_code == 201
    assert response.json()["user"]["role"] == "instructor"
    assert fresh_role("ada") == Role.INSTRUCTOR


def test_a_role_the_site_cannot_store_is_refused(learnplat_settings: Any) -> None:
    learnplat_settings(
        ADAPTER="tests.accounts.test_register.EveryoneIsAStudent",
        REGISTRATION_ROLES=["student", "instructor"],
    )

    response = register(role="instructor")

    assert response.status_code == 400
    assert "role" in response.json()
    assert not User().objects.filter(username="ada").exists()


class EveryoneIsAStudent(DefaultAdapter):
    def resolve_role(self, user: Any) -> Role:
        return Role.STUDENT

    def can_write_roles(self) -> bool:
        return False

    def role_expression(self) -> Any:
        return Value(Role.STUDENT.value)


@pytest.mark.parametrize(
    ("field", "taken", "sent"),
    [
        ("username", "Ada", "ada"),
        ("username", "ada", "ADA"),
        ("email", "ADA@example.com", "ada@example.com"),
        ("email", "ada@example.com", "Ada@Example.COM"),
    ],
)
def test_duplicates_differing_only_in_case_are_refused(field: str, taken: str, sent: str) -> None:
    existing = {"username": "someone", "email": "someone@example.com", field: taken}
    make_user(**existing)
    before = User().objects.count()

    response = register(**{field: sent})

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert User().objects.count() == before


def test_both_duplicates_are_reported_at_once() -> None:
    make_user(username="ada", email="ada@example.com")

    response = register()

    assert response.status_code == 400
    assert set(response.json()) == {"username", "email"}


@pytest.mark.parametrize(
    "password",
    [
        "password",  # common
        "abc12",  # too short
        "83749150264",  # entirely numeric
        "lovelace-ada",  # too similar to the user's name
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    response = register(password=password)

    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert response.json()["password"]
    assert not User().objects.filter(username="ada").exists()


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_required_fields_are_required(missing: str) -> None:
    response = register(**{missing: None})

    assert response.status_code == 400
    assert list(response.json()) == [missing]
    assert User().objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", ["ada"]),
        ("username", {"name": "ada"}),
        ("username", "bad name!"),
        ("username", "a\x00b"),
        ("username", ""),
        ("username", "x" * 151),
        ("email", 5),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@example.com"),
        ("password", {"x": 1}),
        ("password", "Aa1-" * 257),
        ("first_name", None),
        ("first_name", "x" * 151),
        ("last_name", True),
        ("role", "wizard"),
        ("role", ["student"]),
    ],
)
def test_wrong_types_and_lengths_are_field_errors(field: str, value: Any) -> None:
    body = payload()
    body[field] = value

    response = APIClient().post(url("auth-register"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert User().objects.count() == 0


def test_unknown_and_privileged_fields_are_ignored() -> None:
    response = register(is_staff=True, is_superuser=True, is_active=False, id=999, groups=[1])

    assert response.status_code == 201
    user = User().objects.get(username="ada")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.pk != 999
    assert get_role(user) == Role.STUDENT


def test_registered_signal_is_sent_once_on_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    received: list[Any] = []

    def receiver(sender: Any, user: Any, **kwargs: Any) -> None:
        received.append(user.username)

    user_registered.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            register()
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        user_registered.disconnect(receiver)

    assert received == ["ada"]


def test_nothing_is_written_when_a_later_step_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(user: Any) -> Any:
        raise RuntimeError("token store down")

    monkeypatch.setattr(accounts_flow, "issue_token_pair", broken)

    with pytest.raises(RuntimeError):
        register()

    assert not User().objects.filter(username="ada").exists()


def test_the_service_reports_a_duplicate_the_serializer_did_not_see() -> None:
    # Another sign-up committed between validation and the INSERT.
    make_user(username="ADA", email="other@example.com")

    with pytest.raises(InvalidInput) as caught:
        accounts_flow.register_user(
            username="ada", email="ada@example.com", password=STRONG_PASSWORD
        )

    assert caught.value.errors == {"username": ["A user with that username already exists."]}
    assert caught.value.code == "unique"
    assert User().objects.filter(username__iexact="ada").count() == 1
