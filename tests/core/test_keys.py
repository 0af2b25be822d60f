"""The registry of override keys (``learnplat.keys``) and the checks built on it (E010-E015)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.schemas.generators import EndpointEnumerator
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from learnplat import keys
from learnplat.api import LearnplatViewMixin
from learnplat.conf import DEFAULTS
from learnplat.throttling import LearnplatScopedRateThrottle


def _learnplat_endpoints() -> set[tuple[str, str]]:
    """(method, path) of every learnplat view, found by DRF's schema enumerator instead of
    the registry's own walk."""
    import learnplat.urls

    found = set()
    enumerator = EndpointEnumerator(patterns=learnplat.urls.urlpatterns)
    for path, method, callback in enumerator.get_api_endpoints():
        view_class = callback.cls
        if not issubclass(view_class, LearnplatViewMixin):
            continue
        if method.lower() not in view_class.http_method_names:  # a router's PUT on PATCH-only
            continue
        normalized = re.sub(r"\{(pk|\w+_pk)\}", "{id}", path.lstrip("/"))
        found.add((method, normalized))
    return found


def test_every_learnplat_url_and_method_has_a_key() -> None:
    listed = {
        (e.method, e.path) for entry in keys.override_keys().values() for e in entry.endpoints
    }
    assert _learnplat_endpoints() - listed == set()
    assert listed - _learnplat_endpoints() == set()


def test_the_registry_knows_the_views_defaults() -> None:
    from learnplat.accounts.serializers import RegisterSerializer
    from learnplat.courses.permissions import IsCourseStaff
    from learnplat.permissions import IsAuthenticated
    from learnplat.submissions.serializers import GradeSerializer
    from learnplat.submissions.views import SubmissionViewSet

    registry = keys.override_keys()
    grade = registry["submission_grade"]
    assert grade.view is SubmissionViewSet
    assert (grade.resource, grade.action) == ("submission", "grade")
    assert grade.permissions == (IsAuthenticated, IsCourseStaff)
    assert grade.serializer is GradeSerializer
    assert [(e.method, e.path, e.url_name) for e in grade.endpoints] == [
        ("POST", "submissions/{id}/grade/", "submission-grade")
    ]
    assert registry["auth_register"].serializer is RegisterSerializer
    # PUT and PATCH share the key through action_aliases; a 204 has no serializer.
    assert registry["course_update"].methods == ("PUT", "PATCH")
    assert registry["course_destroy"].serializer is None
    assert "course_destroy" in keys.permission_keys()
    assert "course_destroy" not in keys.serializer_keys()
    # TaskViewSet refuses PUT (http_method_names): only PATCH is task_update.
    assert registry["task_update"].methods == ("PATCH",)


class ProbeKey(BasePermission):
    """Refuses every request, naming the key the view looked it up under."""

    def has_permission(self, request: Any, view: Any) -> bool:
        raise PermissionDenied({"detail": view.permission_key(), "code": "probe"})


@pytest.mark.django_db
def test_each_endpoint_looks_up_the_key_the_registry_lists() -> None:
    registry = keys.override_keys()
    probe = f"{__name__}.ProbeKey"
    client = APIClient()
    with override_settings(LEARNPLAT={"PERMISSIONS": dict.fromkeys(registry, probe)}):
        for key, entry in registry.items():
            for endpoint in entry.endpoints:
                path = endpoint.path.replace("{slug}", "a-course")
                # {id} and the other ids a path names ({user_id}).
                url = "/api/" + re.sub(r"\{\w+\}", "1", path)
                response = client.generic(endpoint.method, url, "{}", "application/json")
                assert response.status_code == 403, (key, endpoint)
                assert response.json()["detail"] == key, (key, endpoint)


def test_the_registry_is_cached_and_cleared_when_a_setting_changes() -> None:
    keys.override_keys()
    assert keys._cached.cache_info().currsize == 1
    with override_settings(LEARNPLAT={"PAGE_SIZE": 5}):
        assert keys._cached.cache_info().currsize == 0
        keys.override_keys()
    assert keys._cached.cache_info().currsize == 0


def test_learnplat_throttle_scopes_are_the_rates_it_defaults() -> None:
    import learnplat.accounts.throttling
    import learnplat.submissions.throttling
    import learnplat.throttling

    modules = [
        learnplat.throttling,
        learnplat.accounts.throttling,
        learnplat.submissions.throttling,
    ]
    scopes = {
        cls.scope
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, SimpleRateThrottle)
        and cls.__module__ == module.__name__
        and cls.scope
    }
    assert scopes == set(DEFAULTS["THROTTLE_RATES"])
    assert set(DEFAULTS["THROTTLE_RATES"]) <= keys.throttle_scopes()


class HostThrottle(LearnplatScopedRateThrottle):
    scope = "myhost_export"


def test_a_host_subclass_of_the_scoped_throttle_may_be_rated() -> None:
    assert "myhost_export" in keys.throttle_scopes()
    assert _messages(THROTTLE_RATES={"myhost_export": "5/min"}) == []


SERIALIZERS = "learnplat.submissions.serializers"


def _messages(**learnplat: object) -> list[tuple[str, str, str]]:
    with override_settings(LEARNPLAT=learnplat):
        return [
            (m.id, m.msg, m.hint or "")
            for m in run_checks(tags=["compatibility", "security"])
            if m.id and m.id.startswith("learnplat.")
        ]


@pytest.mark.parametrize(
    ("setting", "typo", "expected", "suggestion"),
    [
        ("PERMISSIONS", "course_craete", "learnplat.E010", "course_create"),
        ("SERIALIZERS", "submision_retrieve", "learnplat.E011", "submission_retrieve"),
        ("THROTTLE_RATES", "learnplat_tokn", "learnplat.E012", "learnplat_token"),
        ("ROLE_GROUPS", "instructors", "learnplat.E013", "instructor"),
    ],
)
def test_an_unknown_key_is_an_error_that_suggests_the_closest(
    setting: str, typo: str, expected: str, suggestion: str
) -> None:
    value = {
        "PERMISSIONS": "learnplat.permissions.AllowAny",
        "SERIALIZERS": "learnplat.submissions.serializers.SubmissionSerializer",
        "THROTTLE_RATES": "5/min",
        "ROLE_GROUPS": "Teachers",
    }[setting]
    messages = _messages(**{setting: {typo: value}})
    assert [m[0] for m in messages] == [expected]
    assert repr(typo) in messages[0][1]
    assert f"Did you mean {suggestion!r}?" in messages[0][2]


@pytest.mark.parametrize(
    ("setting", "key", "value"),
    [
        ("PERMISSIONS", "course_create", "learnplat.permissions.IsPlatformAdmin"),
        ("PERMISSIONS", "course_destroy", "learnplat.permissions.IsPlatformAdmin"),
        (
            "SERIALIZERS",
            "submission_retrieve",
            "learnplat.submissions.serializers.SubmissionSerializer",
        ),
        ("THROTTLE_RATES", "learnplat_token", "5/min"),
        ("THROTTLE_RATES", "learnplat_submit", None),
        ("ROLE_GROUPS", "instructor", "Teachers"),
        ("ROLE_GROUPS", "admin", "Managers"),
    ],
)
def test_a_valid_key_is_no_error(setting: str, key: str, value: object) -> None:
    assert _messages(**{setting: {key: value}}) == []


def test_every_registry_key_is_valid_in_permissions_and_serializers() -> None:
    path = "learnplat.permissions.AllowAny"
    assert _messages(PERMISSIONS=dict.fromkeys(keys.permission_keys(), path)) == []
    serializer = "learnplat.submissions.serializers.SubmissionSerializer"
    assert _messages(SERIALIZERS=dict.fromkeys(keys.serializer_keys(), serializer)) == []


def test_a_serializer_for_an_action_without_one_is_an_error() -> None:
    path = "learnplat.courses.serializers.CourseSerializer"
    assert [m[0] for m in _messages(SERIALIZERS={"course_publish": path})] == ["learnplat.E011"]


def test_a_urlconf_that_fails_to_load_is_reported_not_raised(monkeypatch: Any) -> None:
    monkeypatch.setattr(keys, "URLCONF", "tests.core.no_such_urls")
    keys.clear_cache()
    try:
        messages = _messages(PERMISSIONS={"course_create": "learnplat.permissions.AllowAny"})
    finally:
        monkeypatch.undo()
        keys.clear_cache()
    assert [m[0] for m in messages] == ["learnplat.E014"]
    assert "tests.core.no_such_urls" in messages[0][1]


def test_a_pagination_class_that_is_none_is_an_error() -> None:
    ids = [m[0] for m in _messages(PAGINATION_CLASS="learnplat.permissions.AllowAny")]
    assert ids == ["learnplat.E015"]
    assert _messages(PAGINATION_CLASS="rest_framework.pagination.LimitOffsetPagination") == []


def test_authentication_without_learnplat_jwt_is_a_warning() -> None:
    session = ["rest_framework.authentication.SessionAuthentication"]
    assert [m[0] for m in _messages(AUTHENTICATION_CLASSES=session)] == ["learnplat.W010"]
    with override_settings(REST_FRAMEWORK={"DEFAULT_AUTHENTICATION_CLASSES": session}):
        messages = _messages()
    assert [m[0] for m in messages] == ["learnplat.W010"]
    assert "REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']" in messages[0][1]
    # learnplat's own key wins over the host's, so it silences the warning.
    with override_settings(REST_FRAMEWORK={"DEFAULT_AUTHENTICATION_CLASSES": session}):
        assert _messages(AUTHENTICATION_CLASSES=DEFAULTS["AUTHENTICATION_CLASSES"]) == []


def test_the_command_prints_every_key_with_its_defaults(capsys: Any) -> None:
    with override_settings(
        LEARNPLAT={"PERMISSIONS": {"course_create": "learnplat.permissions.IsPlatformAdmin"}}
    ):
        call_command("learnplat_keys")
    out = capsys.readouterr().out
    for key in keys.permission_keys():
        assert f"| {key} |" in out
    assert (
        "| course_create | POST courses/ | IsInstructor | CourseCreateSerializer "
        "| PERMISSIONS: learnplat.permissions.IsPlatformAdmin |"
    ) in out
    assert "| learnplat_submit | 60/min |" in out
    assert "| RENDERER_CLASSES | default | learnplat.renderers.ORJSONRenderer" in out


def test_request_classes_of_the_wrong_type_are_reported_not_raised() -> None:
    ids = {m[0] for m in _messages(AUTHENTICATION_CLASSES=5, PAGINATION_CLASS=5)}
    assert ids == {"learnplat.E004", "learnplat.E015"}
