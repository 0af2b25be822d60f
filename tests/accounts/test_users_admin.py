"""GET users/, GET and PATCH users/{id}/ (platform admins)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learnplat.adapter import DefaultAdapter
from learnplat.roles import Role, get_role
from tests.accounts.conftest import (
    ACTORS,
    ADMIN_USER_KEYS,
    bearer,
    client_as,
    login,
    me,
    refresh,
    url,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ALLOWED = {"platform_admin", "superuser"}


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def patch_user(by: Any, user: Any, body: Any) -> Any:
    return client_as(by).patch(url("user-detail", pk=user.pk), body, format="json")


def listed(by: Any, **params: Any) -> Any:
    response = client_as(by).get(url("user-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def usernames(body: Any) -> list[str]:
    return [row["username"] for row in body["results"]]


# -- who may ---------------------------------------------------------------------------


def expected_status(actor_name: str, ok: int) -> int:
    if actor_name == "anonymous":
        return 401
    return ok if actor_name in ALLOWED else 403


@pytest.mark.parametrize("actor_name", ACTORS)
def test_only_platform_admins_list_users(actor_name: str, actor: Any) -> None:
    response = client_as(actor).get(url("user-list"))

    assert response.status_code == expected_status(actor_name, 200)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_only_platform_admins_see_a_user(actor_name: str, actor: Any, student: Any) -> None:
    response = client_as(actor).get(url("user-detail", pk=student.pk))

    assert response.status_code == expected_status(actor_name, 200)
    if response.status_code == 200:
        assert set(response.json()) == ADMIN_USER_KEYS


@pytest.mark.parametrize("actor_name", ACTORS)
def test_only_platform_admins_change_roles(actor_name: str, actor: Any) -> None:
    target = make_user(Role.STUDENT, username="target")

    response = patch_user(actor, target, {"role": "instructor"})

    assert response.status_code == expected_status(actor_name, 200)
    expected = Role.INSTRUCTOR if actor_name in ALLOWED else Role.STUDENT
    assert get_role(fresh(target)) == expected


def test_non_admins_get_403_even_for_missing_users(student: Any) -> None:
    assert client_as(student).get(url("user-detail", pk=99999)).status_code == 403


def test_admins_get_404_for_missing_users(platform_admin: Any) -> None:
    client = client_as(platform_admin)

    assert client.get(url("user-detail", pk=99999)).status_code == 404
    assert client.patch(url("user-detail", pk=99999), {"role": "admin"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "post"])
def test_other_methods_are_not_allowed(platform_admin: Any, student: Any, method: str) -> None:
    client = client_as(platform_admin)
    response = getattr(client, method)(url("user-detail", pk=student.pk), {}, format="json")

    assert response.status_code == 405
    assert get_user_model().objects.filter(pk=student.pk).exists()


# -- the list --------------------------------------------------------------------------


def test_the_list_shows_each_users_role(
    platform_admin: Any, student: Any, instructor: Any, superuser: Any
) -> None:
    body = listed(platform_admin)

    assert body["count"] == 4
    assert set(body) == {"count", "next", "previous", "results"}
    roles = {row["username"]: row["role"] for row in body["results"]}
    assert roles == {
        "admin": "admin",
        "student": "student",
        "instructor": "instructor",
        "superuser": "admin",
    }
    assert all(set(row) == ADMIN_USER_KEYS for row in body["results"])


def test_search_matches_username_email_and_names(platform_admin: Any) -> None:
    make_user(username="grace", email="g@navy.mil", first_name="Grace", last_name="Hopper")
    make_user(username="alan", email="alan@example.com", first_name="Alan", last_name="Turing")

    assert usernames(listed(platform_admin, search="hopp")) == ["grace"]
    assert usernames(listed(platform_admin, search="NAVY")) == ["grace"]
    assert usernames(listed(platform_admin, search="alan")) == ["alan"]
    assert usernames(listed(platform_admin, search="turing")) == ["alan"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("student", {"student"}), ("instructor", {"instructor"}), ("admin", {"admin", "superuser"})],
)
def test_filter_by_role(
    platform_admin: Any,
    student: Any,
    instructor: Any,
    superuser: Any,
    role: str,
    expected: set[str],
) -> None:
    assert set(usernames(listed(platform_admin, role=role))) == expected


def test_an_unknown_role_filter_is_a_400(platform_admin: Any) -> None:
    response = client_as(platform_admin).get(url("user-list"), {"role": "wizard"})

    assert response.status_code == 400
    assert list(response.json()) == ["role"]


def test_filter_by_active(platform_admin: Any, student: Any) -> None:
    make_user(username="gone", is_active=False)

    assert usernames(listed(platform_admin, is_active="false")) == ["gone"]
    assert "gone" not in usernames(listed(platform_admin, is_active="true"))


def test_ordering_and_pagination(platform_admin: Any) -> None:
    for name in ["carol", "alice", "bob"]:
        make_user(username=name)

    assert usernames(listed(platform_admin, ordering="username"))[:3] == ["admin", "alice", "bob"]
    page = listed(platform_admin, ordering="-username", page_size=2)
    assert usernames(page) == ["carol", "bob"]
    assert page["count"] == 4
    assert page["next"] is not None
    second = listed(platform_admin, ordering="-username", page_size=2, page=2)
    assert usernames(second) == ["alice", "admin"]


def test_unknown_ordering_fields_are_ignored(platform_admin: Any, student: Any) -> None:
    # ?ordering=password must not leak an ordering oracle on password hashes.
    assert usernames(listed(platform_admin, ordering="password")) == ["admin", "student"]


@pytest.mark.parametrize("size", [3, 13])
def test_the_list_costs_the_same_queries_at_any_size(
    platform_admin: Any, size: int, django_assert_num_queries: Any
) -> None:
    for n in range(size):
        make_user([Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN][n % 3], username=f"u{n}")
    client = client_as(platform_admin)

    # The caller's row, the caller's role (only where roles are groups), count, page.
    expected = 4 if _uses_groups() else 3
    with django_assert_num_queries(expected):
        response = client.get(url("user-list"), {"page_size": 50})

    assert response.json()["count"] == size + 1


def _uses_groups() -> bool:
    return not any(f.name == "role" for f in get_user_model()._meta.get_fields())


# -- changing users --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["instructor", "admin", "student"])
def test_admins_set_every_role(platform_admin: Any, role: str) -> None:
    target = make_user(Role.INSTRUCTOR if role == "student" else Role.STUDENT, username="t")

    response = patch_user(platform_admin, target, {"role": role})

    assert response.status_code == 200
    assert response.json()["role"] == role
    assert get_role(fresh(target)) == Role(role)


def test_role_changes_take_effect_on_existing_tokens(platform_admin: Any, student: Any) -> None:
    tokens = login(student)

    patch_user(platform_admin, student, {"role": "admin"})

    assert me(tokens["access"]).json()["role"] == "admin"
    assert bearer(tokens["access"]).get(url("user-list")).status_code == 200


def test_deactivating_kills_access_and_refresh_tokens_at_once(
    platform_admin: Any, student: Any
) -> None:
    tokens = login(student)

    response = patch_user(platform_admin, student, {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert me(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401


def test_reactivating_does_not_revive_refresh_tokens(platform_admin: Any, student: Any) -> None:
    tokens = login(student)
    patch_user(platform_admin, student, {"is_active": False})

    response = patch_user(platform_admin, student, {"is_active": True})

    assert response.status_code == 200
    assert fresh(student).is_active
    assert refresh(tokens["refresh"]).status_code == 401
    assert login(student)


def test_other_fields_sent_are_ignored(platform_admin: Any, student: Any) -> None:
    response = patch_user(
        platform_admin,
        student,
        {
            "username": "renamed",
            "email": "x@example.com",
            "first_name": "X",
            "is_superuser": True,
            "is_staff": True,
            "password": "plain",
        },
    )

    assert response.status_code == 200
    after = fresh(student)
    assert (after.username, after.email, after.first_name) == (
        student.username,
        student.email,
        student.first_name,
    )
    assert (after.is_superuser, after.is_staff) == (False, False)
    assert after.password == student.password


@pytest.mark.parametrize(
    "body", [{"role": "wizard"}, {"role": ["admin"]}, {"is_active": "maybe"}, {"role": None}]
)
def test_bad_values_are_field_errors(platform_admin: Any, student: Any, body: Any) -> None:
    response = patch_user(platform_admin, student, body)

    assert response.status_code == 400
    assert list(response.json()) == list(body)
    assert get_role(fresh(student)) == Role.STUDENT
    assert fresh(student).is_active


@pytest.mark.parametrize("body", [{"role": "student"}, {"is_active": False}])
def test_admins_cannot_lock_themselves_out(platform_admin: Any, body: Any) -> None:
    response = patch_user(platform_admin, platform_admin, body)

    assert response.status_code == 403
    assert response.json()["code"] == "self_lockout"
    after = fresh(platform_admin)
    assert get_role(after) == Role.ADMIN
    assert after.is_active


def test_admins_may_resend_their_own_values(platform_admin: Any) -> None:
    response = patch_user(platform_admin, platform_admin, {"role": "admin", "is_active": True})

    assert response.status_code == 200


def test_superusers_are_always_admins(platform_admin: Any, superuser: Any) -> None:
    response = patch_user(platform_admin, superuser, {"role": "student"})

    assert response.status_code == 400
    assert list(response.json()) == ["role"]
    assert get_role(fresh(superuser)) == Role.ADMIN


def test_only_superusers_deactivate_superusers(platform_admin: Any, superuser: Any) -> None:
    other_root = make_user(username="root2", is_superuser=True, is_staff=True)

    refused = patch_user(platform_admin, superuser, {"is_active": False})
    allowed = patch_user(superuser, other_root, {"is_active": False})

    assert refused.status_code == 403
    assert refused.json()["code"] == "superuser_protected"
    assert fresh(superuser).is_active
    assert allowed.status_code == 200
    assert not fresh(other_root).is_active


def test_an_adapter_that_cannot_write_roles_refuses_role_changes(
    platform_admin: Any, student: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(ADAPTER="tests.accounts.test_users_admin.StaffAreAdmins")
    admin = make_user(username="boss", is_staff=True)

    response = patch_user(admin, student, {"role": "instructor"})
    filtered = client_as(admin).get(url("user-list"), {"role": "student"})
    plain_list = client_as(admin).get(url("user-list"))

    assert response.status_code == 400
    assert list(response.json()) == ["role"]
    assert filtered.status_code == 400
    assert plain_list.status_code == 200
    roles = {row["username"]: row["role"] for row in plain_list.json()["results"]}
    assert roles["boss"] == "admin"
    assert roles["student"] == "student"


def test_the_adapters_role_writer_is_used(
    platform_admin: Any, student: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(ADAPTER="tests.accounts.test_users_admin.StaffAreAdminsWritable")
    admin = make_user(username="boss", is_staff=True)

    response = patch_user(admin, student, {"role": "admin"})

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert fresh(student).is_staff


class StaffAreAdmins(DefaultAdapter):
    """Roles from the ``is_staff`` flag, which SQL is not told about and learnplat may not write."""

    def resolve_role(self, user: Any) -> Role:
        return Role.ADMIN if user.is_staff else Role.STUDENT

    def can_write_roles(self) -> bool:
        return False

    def role_expression(self) -> None:
        return None


class StaffAreAdminsWritable(StaffAreAdmins):
    def can_write_roles(self) -> bool:
        return True

    def write_role(self, user: Any, role: Role) -> None:
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
