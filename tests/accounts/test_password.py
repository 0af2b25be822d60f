"""POST auth/password/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from learnplat.flows.accounts import revoke_all_refresh_tokens
from tests.accounts.conftest import ACTORS, STRONG_PASSWORD, bearer, login, me, refresh, url
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def change(client: APIClient, old: Any = PASSWORD, new: Any = STRONG_PASSWORD) -> Any:
    body = {k: v for k, v in {"old_password": old, "new_password": new}.items() if v is not None}
    return client.post(url("auth-password"), body, format="json")


def stored_password_unchanged(user: Any) -> bool:
    return bool(get_user_model().objects.get(pk=user.pk).check_password(PASSWORD))


@pytest.mark.parametrize("actor_name", ACTORS)
def test_each_user_changes_their_own_password(actor_name: str, actor: Any) -> None:
    if actor is None:
        assert change(APIClient()).status_code == 401
        return
    tokens = login(actor)

    response = change(bearer(tokens["access"]))

    assert response.status_code == 204
    assert response.content == b""
    fresh = get_user_model().objects.get(pk=actor.pk)
    assert fresh.check_password(STRONG_PASSWORD)
    assert login(actor, STRONG_PASSWORD)


def test_every_session_of_the_user_is_revoked(student: Any, instructor: Any) -> None:
    phone, laptop = login(student), login(student)
    someone_else = login(instructor)

    assert change(bearer(phone["access"])).status_code == 204

    for session in (phone, laptop):
        assert refresh(session["refresh"]).status_code == 401
        assert me(session["access"]).status_code == 401
        assert me(session["access"]).json()["code"] == "password_changed"
    assert refresh(someone_else["refresh"]).status_code == 200
    fresh = login(student, STRONG_PASSWORD)
    assert me(fresh["access"]).status_code == 200
    assert refresh(fresh["refresh"]).status_code == 200


def test_the_old_password_no_longer_logs_in(student: Any) -> None:
    change(bearer(login(student)["access"]))

    response = APIClient().post(
        url("auth-token"), {"username": "student", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 401


def test_a_wrong_old_password_is_refused(student: Any) -> None:
    tokens = login(student)

    response = change(bearer(tokens["access"]), old="not-my-password")

    assert response.status_code == 400
    assert list(response.json()) == ["old_password"]
    assert stored_password_unchanged(student)
    assert refresh(tokens["refresh"]).status_code == 200


@pytest.mark.parametrize(
    "new",
    ["password123", "short", "9384756102938", "stu-example-com", PASSWORD],
    ids=["common", "short", "numeric", "similar-to-email", "same-as-old"],
)
def test_weak_or_unchanged_new_passwords_are_refused(student: Any, new: str) -> None:
    response = change(bearer(login(student)["access"]), new=new)

    assert response.status_code == 400
    assert list(response.json()) == ["new_password"]
    assert stored_password_unchanged(student)


@pytest.mark.parametrize(
    ("old", "new", "fields"),
    [
        (None, STRONG_PASSWORD, {"old_password"}),
        (PASSWORD, None, {"new_password"}),
        (None, None, {"old_password", "new_password"}),
        (PASSWORD, ["x"], {"new_password"}),
        (PASSWORD, "x" * 1025, {"new_password"}),
        (12, STRONG_PASSWORD, {"old_password"}),
    ],
)
def test_bad_bodies_are_field_errors(student: Any, old: Any, new: Any, fields: set[str]) -> None:
    response = change(bearer(login(student)["access"]), old=old, new=new)

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert stored_password_unchanged(student)


def test_session_authenticated_browsers_stay_logged_in(student: Any) -> None:
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(student)

    assert change(client).status_code == 204
    assert client.get(url("auth-me")).status_code == 200


def test_revoke_all_skips_tokens_already_revoked(student: Any) -> None:
    login(student)
    login(student)

    assert revoke_all_refresh_tokens(user=student) == 2
    assert revoke_all_refresh_tokens(user=student) == 0
    assert OutstandingToken.objects.filter(user=student, blacklistedtoken__isnull=True).count() == 0
