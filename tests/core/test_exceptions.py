"""``learnplat.exceptions``: one hierarchy, one translation into response bodies."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from learnplat.exceptions import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    LearnplatError,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
    api_exception,
)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (BadRequest(), 400, "bad_request"),
        (Unauthenticated(), 401, "token_not_valid"),
        (Forbidden(), 403, "permission_denied"),
        (NotFound(), 404, "not_found"),
        (Conflict("Full.", code="course_full"), 409, "course_full"),
        (ServiceUnavailable(), 503, "service_unavailable"),
    ],
)
def test_each_class_has_a_status_a_code_and_an_object_body(
    error: LearnplatError, status: int, code: str
) -> None:
    assert isinstance(error, LearnplatError)
    assert error.status_code == status
    assert error.code == code
    assert error.detail == {"detail": error.message, "code": code}
    assert str(error) == error.message


def test_invalid_input_is_field_errors_and_a_drf_validation_error() -> None:
    error = InvalidInput({"score": ["Must be between 0 and 10."]})

    assert isinstance(error, LearnplatError)
    assert isinstance(error, drf_exceptions.ValidationError)
    assert error.status_code == 400
    assert error.errors == {"score": ["Must be between 0 and 10."]}
    assert error.detail == {"score": ["Must be between 0 and 10."]}
    assert str(error) == "score: Must be between 0 and 10."


def test_a_serializer_reports_invalid_input_from_validate_as_field_errors() -> None:
    class Checked(serializers.Serializer[Any]):
        title = serializers.CharField()

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            raise InvalidInput({"title": ["Taken."]})

    serializer = Checked(data={"title": "x"})

    assert not serializer.is_valid()
    assert serializer.errors == {"title": ["Taken."]}


@pytest.mark.parametrize(
    ("raised", "status", "body"),
    [
        (
            Http404("No Task matches the given query."),
            404,
            {"detail": "Not found.", "code": "not_found"},
        ),
        (
            DjangoPermissionDenied(),
            403,
            {"detail": Forbidden.default_detail, "code": "permission_denied"},
        ),
        (
            OperationalError("gone"),
            503,
            {"detail": ServiceUnavailable.default_detail, "code": "service_unavailable"},
        ),
        (
            drf_exceptions.NotAuthenticated(),
            401,
            {
                "detail": "Authentication credentials were not provided.",
                "code": "not_authenticated",
            },
        ),
        (
            drf_exceptions.ValidationError(
                "Null characters are not allowed.", code="null_characters_not_allowed"
            ),
            400,
            {"detail": "Null characters are not allowed.", "code": "null_characters_not_allowed"},
        ),
        (drf_exceptions.ValidationError([{"a": ["b"]}]), 400, {"non_field_errors": [{"a": ["b"]}]}),
        (drf_exceptions.ValidationError({"a": ["b"]}), 400, {"a": ["b"]}),
    ],
)
def test_api_exception_gives_every_error_an_object_body(
    raised: Exception, status: int, body: dict[str, Any]
) -> None:
    translated = api_exception(raised)

    assert isinstance(translated, drf_exceptions.APIException)
    assert translated.status_code == status
    assert translated.detail == body


def test_an_oversized_body_is_a_bad_request(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    translated = api_exception(RequestDataTooBig())

    assert isinstance(translated, BadRequest)
    assert translated.detail == {
        "detail": "The request body is larger than 100 bytes.",
        "code": "request_too_large",
    }


def test_api_exception_keeps_drf_classes_and_leaves_the_original_alone() -> None:
    throttled = drf_exceptions.Throttled(wait=7)

    translated = api_exception(throttled)

    assert isinstance(translated, drf_exceptions.Throttled)
    assert translated.wait == 7
    assert translated.detail["code"] == "throttled"  # type: ignore[index]
    assert isinstance(throttled.detail, str)


def test_unknown_exceptions_pass_through() -> None:
    error = RuntimeError("boom")

    assert api_exception(error) is error


class HostView(APIView):
    """A host's own view calling a flow, with learnplat's handler as EXCEPTION_HANDLER."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def get(self, request: Any) -> Response:
        kind = request.query_params["kind"]
        if kind == "conflict":
            raise Conflict("No attempts left for this task.", code="attempts_exhausted")
        if kind == "retry":
            raise Conflict("Spent for today.", code="daily_limit_reached", retry_after=90)
        if kind == "list":
            raise drf_exceptions.ValidationError("Bad.")
        raise Http404


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        (
            "conflict",
            409,
            {"detail": "No attempts left for this task.", "code": "attempts_exhausted"},
        ),
        ("list", 400, {"detail": "Bad.", "code": "invalid"}),
        ("404", 404, {"detail": "Not found.", "code": "not_found"}),
    ],
)
def test_hosts_get_the_same_bodies_with_the_exception_handler(
    settings: Any, kind: str, status: int, body: dict[str, Any]
) -> None:
    settings.REST_FRAMEWORK = {
        **getattr(settings, "REST_FRAMEWORK", {}),
        "EXCEPTION_HANDLER": "learnplat.exceptions.exception_handler",
    }
    request = APIRequestFactory().get("/", {"kind": kind})

    response = HostView.as_view()(request)

    assert response.status_code == status
    assert response.data == body


def test_learnplat_errors_render_under_drfs_own_handler_too(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **getattr(settings, "REST_FRAMEWORK", {}),
        "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
    }
    request = APIRequestFactory().get("/", {"kind": "conflict"})

    response = HostView.as_view()(request)

    assert response.status_code == 409
    assert response.data == {
        "detail": "No attempts left for this task.",
        "code": "attempts_exhausted",
    }


def test_a_conflict_with_retry_after_sends_the_header_and_keeps_the_body(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **getattr(settings, "REST_FRAMEWORK", {}),
        "EXCEPTION_HANDLER": "learnplat.exceptions.exception_handler",
    }
    response = HostView.as_view()(APIRequestFactory().get("/", {"kind": "retry"}))
    assert response.status_code == 409
    assert response.data == {"detail": "Spent for today.", "code": "daily_limit_reached"}
    assert response["Retry-After"] == "90"
    plain = HostView.as_view()(APIRequestFactory().get("/", {"kind": "conflict"}))
    assert "Retry-After" not in plain
