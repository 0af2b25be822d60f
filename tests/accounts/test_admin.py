"""The Django admin of the learnplat user (learnplat_accounts.User host shape only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from learnplat.accounts.admin import LearnplatUserAdmin
from learnplat.accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD, login, refresh
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(superuser: Any) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def test_registered_only_for_the_learnplat_user(host_shape: str) -> None:
    assert admin.site.is_registered(User) == (host_shape == "learnplat_user")
    if host_shape == "learnplat_user":
        assert isinstance(admin.site.get_model_admin(User), LearnplatUserAdmin)


@pytest.fixture
def learnplat_user_only(host_shape: str) -> None:
    if host_shape != "learnplat_user":
        pytest.skip("the admin is registered for learnplat_accounts.User only")


@pytest.mark.usefixtures("learnplat_user_only")
def test_changelist_shows_and_filters_roles(admin_client_: Client, instructor: Any) -> None:
    changelist = reverse("admin:learnplat_accounts_user_changelist")

    everyone = admin_client_.get(changelist)
    instructors = admin_client_.get(changelist, {"role__exact": "instructor"})

    assert everyone.status_code == 200
    assert b"column-role" in everyone.content
    assert [u.username for u in instructors.context["cl"].result_list] == ["instructor"]


@pytest.mark.usefixtures("learnplat_user_only")
def test_change_form_edits_the_role(admin_client_: Client, student: Any) -> None:
    change = reverse("admin:learnplat_accounts_user_change", args=[student.pk])
    form = admin_client_.get(change)
    assert b'name="role"' in form.content

    data = {
        "username": student.username,
        "email": student.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "role": "instructor",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    response = admin_client_.post(change, data)

    assert response.status_code == 302
    assert get_user_model().objects.get(pk=student.pk).role == "instructor"


@pytest.mark.usefixtures("learnplat_user_only")
def test_add_form_creates_a_user_with_a_role(admin_client_: Client) -> None:
    add = reverse("admin:learnplat_accounts_user_add")
    data = {
        "username": "newbie",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "usable_password": "true",
        "role": "instructor",
    }

    response = admin_client_.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert get_user_model().objects.get(username="newbie").role == "instructor"


@pytest.mark.usefixtures("learnplat_user_only")
def test_case_insensitive_duplicates_are_refused_in_the_admin(
    admin_client_: Client, student: Any
) -> None:
    add = reverse("admin:learnplat_accounts_user_add")
    data = {
        "username": student.username.upper(),
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "usable_password": "true",
        "role": "student",
    }

    response = admin_client_.post(add, data)

    assert response.status_code == 200
    assert get_user_model().objects.filter(username__iexact=student.username).count() == 1


@pytest.mark.usefixtures("learnplat_user_only")
def test_revoke_action_logs_users_out_everywhere(admin_client_: Client, student: Any) -> None:
    tokens = login(student)
    bystander = make_user(username="bystander")
    theirs = login(bystander)

    response = admin_client_.post(
        reverse("admin:learnplat_accounts_user_changelist"),
        {"action": "revoke_refresh_tokens", "_selected_action": [student.pk]},
    )

    assert response.status_code == 302
    assert refresh(tokens["refresh"]).status_code == 401
    assert refresh(theirs["refresh"]).status_code == 200
    assert OutstandingToken.objects.filter(user=student).exists()


def test_the_admin_class_fits_a_hosts_own_user_with_the_mixin(host_shape: str) -> None:
    if host_shape == "auth_user":
        pytest.skip("auth.User has no role field")
    site = admin.AdminSite()

    model_admin = LearnplatUserAdmin(get_user_model(), site)

    assert model_admin.check() == []


def _change_data(user: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "role": user.role,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.usefixtures("learnplat_user_only")
def test_deactivating_in_the_admin_revokes_refresh_tokens(
    admin_client_: Client, student: Any
) -> None:
    tokens = login(student)
    change = reverse("admin:learnplat_accounts_user_change", args=[student.pk])

    response = admin_client_.post(change, _change_data(student, is_active=""))

    assert response.status_code == 302
    assert get_user_model().objects.get(pk=student.pk).is_active is False
    assert refresh(tokens["refresh"]).status_code == 401


@pytest.mark.usefixtures("learnplat_user_only")
def test_admins_cannot_lock_themselves_out_in_the_admin(
    admin_client_: Client, superuser: Any
) -> None:
    change = reverse("admin:learnplat_accounts_user_change", args=[superuser.pk])

    response = admin_client_.post(
        change, _change_data(superuser, is_active="", is_staff="on", is_superuser="on")
    )

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "You cannot demote or deactivate your own account." in messages
    assert get_user_model().objects.get(pk=superuser.pk).is_active is True


@pytest.mark.usefixtures("learnplat_user_only")
def test_a_password_set_in_the_admin_revokes_refresh_tokens(
    admin_client_: Client, student: Any
) -> None:
    tokens = login(student)
    # UserAdmin names this URL auth_user_password_change for any user model: build it.
    url = reverse("admin:learnplat_accounts_user_change", args=[student.pk]).replace(
        "/change/", "/password/"
    )

    response = admin_client_.post(
        url, {"password1": STRONG_PASSWORD + "!", "password2": STRONG_PASSWORD + "!"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_user_model().objects.get(pk=student.pk).check_password(STRONG_PASSWORD + "!")
    assert refresh(tokens["refresh"]).status_code == 401
