"""Reading, writing and querying platform roles under every host shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from learnplat.adapter import DefaultAdapter, GroupRolesAdapter, get_adapter
from learnplat.conf import settings as lp_settings
from learnplat.roles import (
    Role,
    RoleNotWritable,
    filter_by_role,
    get_role,
    set_role,
    with_roles,
)
from tests.factories import make_user, user_model_has_role_field

pytestmark = pytest.mark.django_db


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def test_each_host_shape_has_an_adapter_that_writes_roles(host_shape: str) -> None:
    adapter = get_adapter()

    assert type(adapter) is (GroupRolesAdapter if host_shape == "auth_user" else DefaultAdapter)
    assert adapter.can_write_roles()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Role.STUDENT, Role.INSTRUCTOR),
        (Role.INSTRUCTOR, Role.ADMIN),
        (Role.ADMIN, Role.STUDENT),
        (Role.INSTRUCTOR, Role.STUDENT),
    ],
)
def test_set_role_persists(start: Role, to: Role) -> None:
    user = make_user(start, username="u")
    assert get_role(user) == start

    set_role(user, to)

    assert get_role(user) == to
    assert get_role(fresh(user)) == to


def test_group_writer_keeps_a_user_in_one_role_group(host_shape: str) -> None:
    if host_shape != "auth_user":
        pytest.skip("roles are groups only in the auth_user shape")
    user = make_user(Role.ADMIN, username="u")
    unrelated, _ = Group.objects.get_or_create(name="newsletter")
    user.groups.add(unrelated)

    set_role(user, Role.INSTRUCTOR)

    names = set(user.groups.values_list("name", flat=True))
    assert names == {lp_settings.ROLE_GROUPS["instructor"], "newsletter"}


class NobodyTeaches(DefaultAdapter):
    """A host's own rule that neither writes roles nor computes them in SQL."""

    def resolve_role(self, user: Any) -> Role:
        return Role.STUDENT

    def can_write_roles(self) -> bool:
        return False

    def role_expression(self) -> None:
        return None


def test_an_adapter_that_cannot_write_or_query_roles(learnplat_settings: Any) -> None:
    learnplat_settings(ADAPTER="tests.core.test_roles.NobodyTeaches")
    user = make_user(Role.INSTRUCTOR, username="u")

    assert get_role(fresh(user)) == Role.STUDENT
    with pytest.raises(RoleNotWritable):
        set_role(user, Role.INSTRUCTOR)
    with pytest.raises(LookupError):
        filter_by_role(get_user_model().objects.all(), Role.STUDENT)
    [row] = with_roles(get_user_model().objects.filter(pk=user.pk))
    assert get_role(row) == Role.STUDENT


def test_superusers_are_admins_whatever_the_adapter_says(learnplat_settings: Any) -> None:
    learnplat_settings(ADAPTER="tests.core.test_roles.NobodyTeaches")
    root = make_user(username="root", is_superuser=True)

    assert get_role(fresh(root)) == Role.ADMIN


def test_the_default_adapter_without_a_role_field_cannot_write(
    learnplat_settings: Any,
) -> None:
    if user_model_has_role_field():
        pytest.skip("needs a user model without a role field")
    learnplat_settings(ADAPTER="learnplat.adapter.DefaultAdapter")
    root = make_user(username="root", is_superuser=True)
    make_user(Role.INSTRUCTOR, username="i")  # a group member: not a role the default reads

    assert not get_adapter().can_write_roles()
    # Without a role field everyone is a student, and SQL says so too.
    admins = filter_by_role(get_user_model().objects.all(), Role.ADMIN)
    assert list(admins.values_list("username", flat=True)) == [root.username]
    assert get_role(get_user_model().objects.get(username="i")) == Role.STUDENT


def test_with_roles_agrees_with_get_role_for_every_user() -> None:
    make_user(Role.STUDENT, username="s")
    make_user(Role.INSTRUCTOR, username="i")
    make_user(Role.ADMIN, username="a")
    make_user(Role.STUDENT, username="root", is_superuser=True)
    make_user(Role.INSTRUCTOR, username="root2", is_superuser=True)

    annotated = {u.username: get_role(u) for u in with_roles(get_user_model().objects.all())}
    resolved = {u.username: get_role(u) for u in get_user_model().objects.all()}

    assert annotated == resolved
    assert annotated == {
        "s": Role.STUDENT,
        "i": Role.INSTRUCTOR,
        "a": Role.ADMIN,
        "root": Role.ADMIN,
        "root2": Role.ADMIN,
    }


def test_an_unknown_stored_role_reads_as_student() -> None:
    if not user_model_has_role_field():
        pytest.skip("needs a role field")
    user = make_user(username="u")
    get_user_model().objects.filter(pk=user.pk).update(role="wizard")

    [row] = with_roles(get_user_model().objects.filter(pk=user.pk))

    assert get_role(row) == Role.STUDENT
    assert get_role(fresh(user)) == Role.STUDENT


@pytest.mark.parametrize("role", list(Role))
def test_filter_by_role(role: Role) -> None:
    for r in Role:
        make_user(r, username=f"user-{r.value}")
    make_user(Role.STUDENT, username="root", is_superuser=True)

    found = set(
        filter_by_role(get_user_model().objects.all(), role).values_list("username", flat=True)
    )

    expected = {f"user-{role.value}"} | ({"root"} if role == Role.ADMIN else set())
    assert found == expected


def test_annotated_users_need_no_query_for_their_role(django_assert_num_queries: Any) -> None:
    for r in Role:
        make_user(r, username=f"user-{r.value}")

    with django_assert_num_queries(1):
        roles = [get_role(u) for u in with_roles(get_user_model().objects.all())]

    assert sorted(roles) == sorted(Role)
