"""POST auth/token/, auth/token/refresh/, auth/token/verify/, auth/logout/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from learnplat.accounts.tokens import LearnplatRefreshToken, read_refresh_token
from learnplat.authentication import PASSWORD_CLAIM
from learnplat.flows import accounts as accounts_flow
from tests.accounts.conftest import (
    ACTORS,
    STRONG_PASSWORD,
    bearer,
    client_as,
    login,
    me,
    refresh,
    tokens_for,
    url,
)
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def obtain(username: str, password: str) -> Any:
    return APIClient().post(
        url("auth-token"), {"username": username, "password": password}, format="json"
    )


def verify(token: str) -> Any:
    return APIClient().post(url("auth-token-verify"), {"token": token}, format="json")


def logout(client: APIClient, token: Any) -> Any:
    return client.post(url("auth-logout"), {"refresh": token}, format="json")


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    return f"{header}.{payload}.{signature[:5]}{flipped}{signature[6:]}"


def expired_refresh(user: Any) -> str:
    token = LearnplatRefreshToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=-1))
    return str(token)


# -- auth/token/ -----------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
def test_every_active_user_logs_in(actor_name: str, actor: Any) -> None:
    response = obtain(actor.username, PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert me(body["access"]).json()["id"] == actor.pk
    assert RefreshToken(body["refresh"])["user_id"] == str(actor.pk)


def test_issued_tokens_carry_the_password_fingerprint(student: Any) -> None:
    body = login(student)

    assert PASSWORD_CLAIM in RefreshToken(body["refresh"]).payload
    assert OutstandingToken.objects.filter(user=student).count() == 1
    assert OutstandingToken.objects.get(user=student).token == body["refresh"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("student", "wrong-password"), ("nobody", PASSWORD), ("STUDENT", PASSWORD)],
)
def test_wrong_credentials_get_the_same_401(student: Any, username: str, password: str) -> None:
    response = obtain(username, password)

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert OutstandingToken.objects.count() == 0


def test_inactive_users_cannot_log_in(student: Any) -> None:
    student.is_active = False
    student.save()

    response = obtain("student", PASSWORD)

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_a_stale_authorization_header_does_not_block_login(student: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tampered(tokens_for(student).access)}")

    response = client.post(
        url("auth-token"), {"username": "student", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "student"},
        {"password": PASSWORD},
        {"username": ["student"], "password": PASSWORD},
        {"username": "student", "password": None},
        {"username": "x" * 151, "password": PASSWORD},
        {"username": "student", "password": "x" * 1025},
    ],
)
def test_bad_login_bodies_are_field_errors(student: Any, body: dict[str, Any]) -> None:
    response = APIClient().post(url("auth-token"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"username", "password"}


def test_last_login_follows_simplejwt_setting(student: Any, settings: Any) -> None:
    login(student)
    student.refresh_from_db()
    assert student.last_login is None

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "UPDATE_LAST_LOGIN": True}
    login(student)
    student.refresh_from_db()
    assert student.last_login is not None


# -- auth/token/refresh/ ---------------------------------------------------------------


def test_refresh_rotates_and_the_old_token_is_dead(student: Any) -> None:
    first = login(student)

    response = refresh(first["refresh"])

    assert response.status_code == 200
    second = response.json()
    assert set(second) == {"access", "refresh"}
    assert second["refresh"] != first["refresh"]
    assert me(second["access"]).status_code == 200
    reused = refresh(first["refresh"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"
    assert refresh(second["refresh"]).status_code == 200


@pytest.mark.parametrize("actor_name", ACTORS)
def test_refresh_and_verify_for_every_kind_of_user(actor_name: str, actor: Any) -> None:
    # Both endpoints ignore who calls them; what matters is whose token is sent.
    owner = actor or make_user(username="anon-owner")
    tokens = tokens_for(owner)
    caller = client_as(actor)

    rotated = caller.post(url("auth-token-refresh"), {"refresh": tokens.refresh}, format="json")
    verified = caller.post(url("auth-token-verify"), {"token": tokens.access}, format="json")

    assert rotated.status_code == 200
    assert me(rotated.json()["access"]).json()["id"] == owner.pk
    assert verified.status_code == 200


def test_refresh_rotates_even_when_simplejwt_would_not(student: Any, settings: Any) -> None:
    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT,
        "ROTATE_REFRESH_TOKENS": False,
        "BLACKLIST_AFTER_ROTATION": False,
    }
    first = login(student)

    second = refresh(first["refresh"]).json()

    assert second["refresh"] != first["refresh"]
    assert refresh(first["refresh"]).status_code == 401
    assert BlacklistedToken.objects.filter(token__jti=read_refresh_token(first["refresh"])["jti"])


def test_refresh_refuses_a_deactivated_user_at_once(student: Any) -> None:
    tokens = login(student)
    student.is_active = False
    student.save()

    response = refresh(tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"
    assert me(tokens["access"]).status_code == 401


def test_refresh_refuses_a_deleted_user(student: Any) -> None:
    tokens = login(student)
    get_user_model().objects.filter(pk=student.pk).delete()

    response = refresh(tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_refresh_refuses_tokens_from_before_a_password_change(student: Any) -> None:
    tokens = login(student)
    # Changed outside learnplat (admin, changepassword): nothing was blacklisted.
    student.set_password(STRONG_PASSWORD)
    student.save()

    response = refresh(tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"
    assert me(tokens["access"]).status_code == 401
    assert me(tokens["access"]).json()["code"] == "password_changed"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: tampered(tokens_for(user).refresh),
        lambda user: tokens_for(user).access,  # an access token is not a refresh token
        expired_refresh,
        lambda user: "not.a.jwt",
        lambda user: "garbage",
        lambda user: 12345,
    ],
    ids=["tampered", "access-token", "expired", "three-dots", "garbage", "number"],
)
def test_refresh_refuses_bad_tokens_with_401(student: Any, make_token: Any) -> None:
    response = refresh(make_token(student))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert BlacklistedToken.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": ["x"]}, {"refresh": None}])
def test_refresh_bodies_without_a_token_string_are_field_errors(body: dict[str, Any]) -> None:
    response = APIClient().post(url("auth-token-refresh"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["refresh"]


def test_a_refresh_token_learnplat_did_not_record_rotates_once(student: Any) -> None:
    token = LearnplatRefreshToken.for_user(student)
    OutstandingToken.objects.all().delete()

    assert refresh(str(token)).status_code == 200
    assert refresh(str(token)).status_code == 401


def test_refresh_tokens_minted_by_plain_simplejwt_still_work(student: Any) -> None:
    # Host code may mint tokens itself; they have no password claim and are accepted.
    token = str(RefreshToken.for_user(student))

    response = refresh(token)

    assert response.status_code == 200
    assert PASSWORD_CLAIM in RefreshToken(response.json()["refresh"]).payload


# -- auth/token/verify/ ----------------------------------------------------------------


def test_verify_accepts_live_access_and_refresh_tokens(student: Any) -> None:
    tokens = tokens_for(student)

    for token in (tokens.access, tokens.refresh):
        response = verify(token)
        assert response.status_code == 200
        assert response.json() == {}


def test_verify_refuses_used_refresh_tokens(student: Any) -> None:
    tokens = tokens_for(student)
    refresh(tokens.refresh)

    response = verify(tokens.refresh)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_refuses_tokens_of_deactivated_users(student: Any) -> None:
    tokens = tokens_for(student)
    student.is_active = False
    student.save()

    assert verify(tokens.access).json()["code"] == "user_inactive"
    assert verify(tokens.refresh).status_code == 401


def test_verify_refuses_tokens_from_before_a_password_change(student: Any) -> None:
    tokens = tokens_for(student)
    student.set_password(STRONG_PASSWORD)
    student.save()

    assert verify(tokens.access).status_code == 401
    assert verify(tokens.access).json()["code"] == "password_changed"


@pytest.mark.parametrize("kind", ["tampered", "expired", "garbage"])
def test_verify_refuses_bad_tokens(student: Any, kind: str) -> None:
    token = {
        "tampered": tampered(tokens_for(student).access),
        "expired": expired_refresh(student),
        "garbage": "garbage",
    }[kind]

    response = verify(token)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_needs_a_token() -> None:
    response = APIClient().post(url("auth-token-verify"), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["token"]


# -- auth/logout/ ----------------------------------------------------------------------


def test_anonymous_cannot_log_out(student: Any) -> None:
    tokens = tokens_for(student)

    response = logout(APIClient(), tokens.refresh)

    assert response.status_code == 401
    assert refresh(tokens.refresh).status_code == 200


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
def test_logout_revokes_that_refresh_token(actor_name: str, actor: Any) -> None:
    tokens = login(actor)
    other_session = login(actor)

    response = logout(bearer(tokens["access"]), tokens["refresh"])

    assert response.status_code == 204
    assert response.content == b""
    assert refresh(tokens["refresh"]).status_code == 401
    assert refresh(other_session["refresh"]).status_code == 200


def test_logout_is_idempotent(student: Any) -> None:
    tokens = tokens_for(student)
    client = bearer(tokens.access)

    assert logout(client, tokens.refresh).status_code == 204
    assert logout(client, tokens.refresh).status_code == 204
    assert BlacklistedToken.objects.count() == 1


def test_logout_refuses_another_users_refresh_token(student: Any, instructor: Any) -> None:
    theirs = tokens_for(instructor)

    response = logout(client_as(student), theirs.refresh)

    assert response.status_code == 403
    assert response.json()["code"] == "token_not_owned"
    assert refresh(theirs.refresh).status_code == 200


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: tampered(tokens_for(user).refresh),
        lambda user: tokens_for(user).access,
        expired_refresh,
        lambda user: "garbage",
    ],
    ids=["tampered", "access-token", "expired", "garbage"],
)
def test_logout_with_a_bad_token_is_a_field_error(student: Any, make_token: Any) -> None:
    response = logout(client_as(student), make_token(student))

    assert response.status_code == 400
    assert list(response.json()) == ["refresh"]


def test_logout_needs_a_token(student: Any) -> None:
    response = client_as(student).post(url("auth-logout"), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["refresh"]


# -- access tokens ---------------------------------------------------------------------


def test_access_tokens_of_deleted_users_are_refused(student: Any) -> None:
    access = tokens_for(student).access
    student.delete()

    assert me(access).status_code == 401


def test_make_user_helper_has_a_usable_password() -> None:
    # Guards the fixtures the whole file relies on.
    user = make_user(username="helper")
    assert user.check_password(PASSWORD)


def test_a_refresh_racing_past_the_check_is_refused_not_a_500(
    student: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where row locks do nothing (SQLite), another request may blacklist the token between
    # the blacklist check and the insert; simulate it landing in that gap.
    raw = tokens_for(student).refresh
    original = accounts_flow._check_usable

    def racing_request_lands(token: Any, user: Any) -> None:
        original(token, user)
        BlacklistedToken.objects.create(
            token=OutstandingToken.objects.get(jti=token[api_settings.JTI_CLAIM])
        )

    monkeypatch.setattr(accounts_flow, "_check_usable", racing_request_lands)

    response = refresh(raw)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert OutstandingToken.objects.filter(user=student).count() == 1
