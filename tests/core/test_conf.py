from __future__ import annotations

import sys
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from learnplat.adapter import DefaultAdapter, GroupRolesAdapter
from learnplat.conf import DEFAULTS, settings
from learnplat.roles import Role
from tests.overrides import override_learnplat


def test_defaults_are_returned_when_host_sets_nothing() -> None:
    with override_settings(LEARNPLAT={}):
        assert DEFAULTS["PAGE_SIZE"] == settings.PAGE_SIZE


def test_host_value_is_read_on_every_access() -> None:
    with override_settings(LEARNPLAT={"PAGE_SIZE": 7}):
        assert settings.PAGE_SIZE == 7
    with override_settings(LEARNPLAT={"PAGE_SIZE": 9}):
        assert settings.PAGE_SIZE == 9


def test_nested_maps_merge_onto_a_copy_of_the_defaults() -> None:
    with override_settings(LEARNPLAT={"EVALUATION": {"MAX_TRIES": 9}}):
        merged = settings.EVALUATION
        assert merged["MAX_TRIES"] == 9
        assert merged["LEASE_SECONDS"] == DEFAULTS["EVALUATION"]["LEASE_SECONDS"]
        merged["LEASE_SECONDS"] = -1
    assert DEFAULTS["EVALUATION"]["LEASE_SECONDS"] != -1
    assert DEFAULTS["EVALUATION"]["MAX_TRIES"] != 9


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError):
        _ = settings.NOT_A_SETTING


def cached_target() -> str:
    return "first"


def test_import_cache_is_cleared_when_learnplat_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    path = f"{__name__}.cached_target"
    first = settings.import_from(path)
    monkeypatch.setattr(sys.modules[__name__], "cached_target", lambda: "second")
    # The path is resolved once: a new object at the same path is not seen...
    assert settings.import_from(path) is first
    with override_settings(DEBUG=True):
        assert settings.import_from(path) is first
    # ...until LEARNPLAT changes (setting_changed runs learnplat.conf._on_setting_changed).
    with override_learnplat(PAGE_SIZE=7):
        assert settings.import_from(path)() == "second"


def _ids(**overrides: object) -> set[str]:
    with override_learnplat(**overrides):
        return {
            m.id
            for m in run_checks(tags=["compatibility", "security"])
            if m.id and m.id.startswith("learnplat.")
        }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"PAGE_SZE": 5}, "learnplat.E002"),
        ({"ROLE_RESOLVER": "learnplat.roles.group_role_resolver"}, "learnplat.E002"),
        ({"PERMISSIONS": {"course_create": "nowhere.Perm"}}, "learnplat.E003"),
        ({"PAGE_SIZE": 0}, "learnplat.E004"),
        ({"PAGE_SIZE": 500}, "learnplat.E004"),
        ({"PERMISSIONS": ["x"]}, "learnplat.E004"),
        ({"REGISTRATION_ROLES": ["wizard"]}, "learnplat.E007"),
        ({"ADAPTER": "nowhere.Adapter"}, "learnplat.E050"),
        ({"ADAPTER": "learnplat.adapter.NoSuchAdapter"}, "learnplat.E050"),
        ({"ADAPTER": 42}, "learnplat.E050"),
        ({"ADAPTER": "learnplat.roles.Role"}, "learnplat.E051"),
        ({"ADAPTER": "learnplat.adapter.get_adapter"}, "learnplat.E051"),
        ({"ADAPTER": "tests.core.test_conf.LonelyResolver"}, "learnplat.W052"),
        ({"ADAPTER": "tests.core.test_conf.GroupsPlusStaff"}, "learnplat.W052"),
        ({"PARSER_CLASSES": ["nowhere.Parser"]}, "learnplat.E003"),
        ({"THROTTLE_RATES": {"learnplat_token": "often"}}, "learnplat.E004"),
        ({"THROTTLE_RATES": {"learnplat_token": 30}}, "learnplat.E004"),
    ],
)
def test_system_checks_report_bad_settings(overrides: dict[str, object], expected: str) -> None:
    assert expected in _ids(**overrides)


def test_system_checks_pass_on_the_defaults() -> None:
    assert _ids() == set()


class LonelyResolver(DefaultAdapter):
    """Overrides how roles are read, but not how they are written or queried."""

    def resolve_role(self, user: Any) -> Role:
        return Role.ADMIN if user.is_staff else Role.STUDENT


class GroupsPlusStaff(GroupRolesAdapter):
    def resolve_role(self, user: Any) -> Role:
        return Role.ADMIN if user.is_staff else super().resolve_role(user)

    def role_expression(self) -> Any:
        return None


class ConsistentRoles(LonelyResolver):
    def can_write_roles(self) -> bool:
        return False

    def role_expression(self) -> None:
        return None


@pytest.mark.parametrize(
    "adapter",
    [
        "learnplat.adapter.DefaultAdapter",
        "learnplat.adapter.GroupRolesAdapter",
        "tests.core.test_conf.ConsistentRoles",
        "tests.core.example_adapter.DepartmentAdapter",
    ],
)
def test_consistent_adapters_pass_the_checks(adapter: str) -> None:
    assert _ids(ADAPTER=adapter) == set()


def test_the_adapter_check_names_the_inherited_role_methods() -> None:
    with override_settings(LEARNPLAT={"ADAPTER": "tests.core.test_conf.GroupsPlusStaff"}):
        [warning] = [m for m in run_checks(tags=["compatibility"]) if m.id == "learnplat.W052"]
    assert "inherits can_write_roles(), write_role() from" in warning.msg


def test_blacklist_app_missing_is_reported() -> None:
    from django.conf import settings as dj

    apps = [a for a in dj.INSTALLED_APPS if a != "rest_framework_simplejwt.token_blacklist"]
    with override_settings(INSTALLED_APPS=apps):
        from learnplat.checks import check_token_blacklist

        assert [m.id for m in check_token_blacklist()] == ["learnplat.E005"]
