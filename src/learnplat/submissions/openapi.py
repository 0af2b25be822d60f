"""OpenAPI pieces of the submissions views: error bodies and their responses."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of 401, 403 and 404 answers; domain errors add ``code``."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Machine-readable reason.")


class DomainErrorSerializer(serializers.Serializer[Any]):
    """The body of 409 answers (and of 403 answers that carry a reason)."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `attempts_exhausted`.")


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Field name → list of messages.",
    "additionalProperties": {},
    "example": {"answer": ["The answer must be a string."]},
}

_DESCRIPTIONS = {
    400: "Invalid input.",
    401: "Not authenticated, or the token is invalid.",
    403: "Authenticated but not allowed.",
    404: "Not found, or not visible to you.",
}


def error_responses(
    *statuses: int, conflict: str | None = None, forbidden: str | None = None
) -> dict[int, OpenApiResponse]:
    """``responses`` entries for error ``statuses``; ``conflict`` lists 409 codes (adds 409),
    ``forbidden`` describes 403 codes (adds 403)."""
    responses: dict[int, OpenApiResponse] = {}
    for status in statuses:
        if status == 400:
            responses[status] = OpenApiResponse(VALIDATION_ERROR_SCHEMA, _DESCRIPTIONS[400])
        else:
            responses[status] = OpenApiResponse(ErrorSerializer, _DESCRIPTIONS[status])
    if forbidden:
        responses[403] = OpenApiResponse(
            ErrorSerializer, f"{_DESCRIPTIONS[403]} With a `code` when: {forbidden}."
        )
    if conflict:
        responses[409] = OpenApiResponse(DomainErrorSerializer, f"Conflict; `code`: {conflict}.")
    return dict(sorted(responses.items()))


class GraderTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Grader <secret>`` in the schema."""

    target_class = "learnplat.submissions.authentication.GraderTokenAuthentication"
    name = "graderToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Grader <secret>`, a secret from the admin or from "
            "`manage.py learnplat_create_grader_token`.",
        }


try:  # until learnplat.schema (accounts/courses work) describes the JWT scheme itself
    from learnplat.schema import LearnplatJWTScheme  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
except ImportError:
    from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

    class _JWTScheme(SimpleJWTScheme):  # type: ignore[misc,unused-ignore]
        target_class = "learnplat.authentication.JWTAuthentication"
