"""OpenAPI pieces shared by learnplat's views (drf-spectacular).

- :class:`LearnplatJWTScheme` describes ``learnplat.authentication.JWTAuthentication`` as the
  ``jwtAuth`` bearer scheme (spectacular's own simplejwt extension matches simplejwt's class
  exactly, not its subclasses).
- :func:`error_responses` gives the documented error bodies for ``@extend_schema``::

      @extend_schema(responses={201: CourseSerializer, **error_responses(400, 401, 403)})

- :class:`LearnplatAutoSchema`, the schema class of every learnplat view, documents the
  answers every paginated or filtered list gives whatever its view says: 404 for a ``?page=``
  that names no page, 400 for an invalid filter value.

Hosts generating their schema should map learnplat's enums to stable names
(``ENUM_NAME_OVERRIDES``, see docs/auth.md), as several resources have a ``role``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.filters import SearchFilter


class LearnplatJWTScheme(SimpleJWTScheme):
    """``Authorization: Bearer <access>`` for learnplat's JWT authentication and subclasses."""

    target_class = "learnplat.authentication.JWTAuthentication"
    match_subclasses = True


class ErrorSerializer(serializers.Serializer[Any]):
    """An error that is not about individual fields."""

    detail = serializers.CharField(help_text="A human-readable message.")
    code = serializers.CharField(
        required=False,
        help_text="A stable machine-readable code (domain errors and token errors carry one).",
    )


class ValidationErrorSerializer(serializers.Serializer[Any]):
    """The body of a 400: messages per field (see the extension below for its schema)."""


class ValidationErrorSchema(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (
                "Field name → list of messages (nested fields nest the same way); "
                "`non_field_errors` holds errors of the body as a whole. A body that is not "
                "valid JSON gets `detail` instead."
            ),
            "properties": {
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
                "detail": {"type": "string"},
                "code": {"type": "string"},
            },
            "additionalProperties": {},
        }


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Invalid input: field errors.",
    401: "Not authenticated, or the token is invalid, expired or revoked.",
    403: "Authenticated but not allowed.",
    404: "Not found, or not visible to you.",
    409: "The current state does not allow this (see `code`).",
    413: "The uploaded file is over its size limit (`file_too_large`).",
    429: "Too many requests: throttled (see the Retry-After header).",
}


def error_responses(
    *codes: int, descriptions: Mapping[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """Documented error responses for ``codes``, with ``descriptions`` replacing the defaults."""
    responses: dict[int, OpenApiResponse] = {}
    for code in codes:
        description = (descriptions or {}).get(code, ERROR_DESCRIPTIONS[code])
        body = ValidationErrorSerializer if code == 400 else ErrorSerializer
        responses[code] = OpenApiResponse(response=body, description=description)
    return responses


#: What a list answers on its own, beyond what its view documents.
PAGE_NOT_FOUND = "`?page=` names no page: past the last one, or not a page number."
INVALID_FILTER = "A filter parameter has an invalid value: messages per parameter."


class LearnplatAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` that also documents the 404 of every paginated list
    (DRF's pagination answers ``{"detail": "Invalid page."}``) and the 400 of every list
    filtered by django-filter (invalid values get field errors), so clients and schema
    fuzzers are never surprised by them."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None or self.method != "GET":
            return operation
        responses = operation.setdefault("responses", {})
        query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        extra: dict[str, OpenApiResponse] = {}
        if "page" in query:
            extra["404"] = OpenApiResponse(ErrorSerializer, description=PAGE_NOT_FOUND)
        if self._is_list_view() and self._filters_validate():
            extra["400"] = OpenApiResponse(ValidationErrorSerializer, description=INVALID_FILTER)
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        if self._is_conditional():
            self._document_conditional_get(operation, responses)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _is_conditional(self) -> bool:
        from learnplat.conditional import ConditionalGetMixin

        view = self.view
        if not isinstance(view, ConditionalGetMixin):
            return False
        action = getattr(view, "action", None) or "get"
        return action in view.conditional_actions

    def _document_conditional_get(self, operation: Any, responses: dict[str, Any]) -> None:
        operation.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": "If-None-Match",
                "schema": {"type": "string"},
                "description": "An `ETag` this caller got before: 304 while it is current.",
            }
        )
        if "200" in responses:
            responses["200"].setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": "The tag of this body for this caller; changes with the body.",
            }
        responses["304"] = {"description": "Not modified: the `If-None-Match` tag is current."}

    def _filters_validate(self) -> bool:
        backends = [
            b for b in getattr(self.view, "filter_backends", None) or [] if isinstance(b, type)
        ]
        if any(issubclass(b, SearchFilter) for b in backends):
            return True  # ?search= refuses NUL characters
        django_filters = any(issubclass(b, DjangoFilterBackend) for b in backends)
        return django_filters and bool(
            getattr(self.view, "filterset_class", None)
            or getattr(self.view, "filterset_fields", None)
        )


def recompute_accepted(body: Any, what: str) -> OpenApiResponse:
    """The 202 of a write whose progress recompute went to a background job."""
    return OpenApiResponse(
        body,
        description=f"{what} The course is large, so its students' figures are rebuilt by "
        "a background job: the header `Location` is the job "
        "(`GET courses/{slug}/grading/jobs/{id}/`). Gradebook figures change when it is "
        "done; students' own progress follows the change at once.",
    )
