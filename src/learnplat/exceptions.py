"""One error taxonomy: every error learnplat raises to its callers is a :class:`LearnplatError`.

Flows raise them; views, serializers, the admin, management commands and tasks let them
through or catch them by class. Each has a ``status_code``, a stable machine-readable
``code`` and a human ``message``, and is a DRF ``APIException`` whose ``detail`` already is
the response body, so it renders the same under whatever ``EXCEPTION_HANDLER`` a host uses:

=======================  ======  ===========================================================
class                    status  body
=======================  ======  ===========================================================
:class:`InvalidInput`    400     field → messages: ``{"score": ["..."]}`` (a DRF
                                 ``ValidationError``, so serializers absorb it as field errors)
:class:`BadRequest`      400     ``{"detail": "...", "code": "request_too_large"}``
:class:`Unauthenticated` 401     ``{"detail": "...", "code": "token_not_valid"}``
:class:`Forbidden`       403     ``{"detail": "...", "code": "not_enrolled"}``
:class:`NotFound`        404     ``{"detail": "Not found.", "code": "not_found"}``
:class:`Conflict`        409     ``{"detail": "...", "code": "attempts_exhausted"}``, with
                                 ``Retry-After`` when given ``retry_after``
:class:`PayloadTooLarge` 413     ``{"detail": "...", "code": "file_too_large"}``
:class:`ServiceUnavailable` 503  ``{"detail": "...", "code": "service_unavailable"}``, with
                                 ``Retry-After``
=======================  ======  ===========================================================

:func:`api_exception` is the one place that turns everything else a view may meet into the
same shapes: Django's ``Http404`` and ``PermissionDenied``, bodies over Django's upload
limits, a database that went away, a row deleted meanwhile, and DRF errors whose body would
be a bare string or a list. learnplat's views call it from
:meth:`learnplat.api.LearnplatViewMixin.handle_exception`; a host gets the same for its own
views with::

    REST_FRAMEWORK = {"EXCEPTION_HANDLER": "learnplat.exceptions.exception_handler"}

or by calling :func:`api_exception` first in its own handler.

Reads ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django) for the message of an oversized body.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework import views as drf_views
from rest_framework.response import Response
from rest_framework.settings import api_settings

logger = logging.getLogger("learnplat.api")


class LearnplatError(drf_exceptions.APIException):
    """Base of every error learnplat raises to its callers: ``{"detail", "code"}``.

    ``message`` is the human text, ``code`` the stable machine-readable code (API.md names
    them), ``detail`` the response body as DRF expects it.
    """

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_detail: Any = "The request could not be handled."
    default_code: str = "error"

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        self.code = code or self.default_code
        self.message = str(detail if detail is not None else self.default_detail)
        super().__init__(detail={"detail": self.message, "code": self.code}, code=self.code)

    def __str__(self) -> str:
        return self.message


class BadRequest(LearnplatError):
    """400 about the request as a whole (its size, its encoding), not about one field."""

    default_detail = "The request could not be read."
    default_code = "bad_request"


class InvalidInput(drf_exceptions.ValidationError, LearnplatError):
    """400 with field errors: input that breaks a rule.

    ``errors`` has the shape of DRF's validation errors: field → list of messages, nested
    dicts for nested objects and lists (one entry per item) for nested lists, so
    ``{"tasks": [{}, {"config": {"answers": ["..."]}}]}`` points at the second task. Being
    a DRF ``ValidationError``, it becomes field errors when a serializer's validation
    raises it.
    """

    default_detail = "Invalid input."
    default_code = "invalid"

    def __init__(self, errors: Mapping[Any, Any], *, code: str | None = None) -> None:
        self.errors = dict(errors)
        self.code = code or self.default_code
        self.message = "; ".join(f"{field}: {_text(value)}" for field, value in self.errors.items())
        drf_exceptions.ValidationError.__init__(self, self.errors, code=self.code)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return " ".join(_text(item) for item in value)
    return str(value)


class Unauthenticated(LearnplatError, drf_exceptions.AuthenticationFailed):
    """401: a token that does not decode, expired, was revoked, or whose user may not log in.

    An ``AuthenticationFailed``, so DRF adds the ``WWW-Authenticate`` header.
    """

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Token is invalid or expired"
    default_code = "token_not_valid"


class Forbidden(LearnplatError):
    """403 with a code: the user is known and may see the object, but may not do this."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "You do not have permission to perform this action."
    default_code = "permission_denied"


class NotFound(LearnplatError):
    """404: not found, or not visible to this user (never a 403 that reveals it exists)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_detail = "Not found."
    default_code = "not_found"


class Conflict(LearnplatError):
    """409: the current state does not allow this (already enrolled, attempts used up, ...).

    ``retry_after`` (seconds, when the state will have changed by itself: a daily budget
    resets) becomes the ``Retry-After`` header; the body stays ``{"detail", "code"}``.
    """

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"

    def __init__(
        self, detail: str | None = None, *, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail, code=code)
        if retry_after is not None:
            # DRF's exception handler sends an exception's ``wait`` as ``Retry-After``.
            self.wait = max(int(retry_after), 0)


class PayloadTooLarge(LearnplatError):
    """413: an upload over a limit of its own (a gradebook CSV over
    ``LEARNPLAT["GRADING"]["IMPORT_MAX_BYTES"]``)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "file_too_large"


class ServiceUnavailable(LearnplatError):
    """503 with ``Retry-After``: the database cannot be reached (a restart, a failover).

    Clients may retry; nothing was half-written, as the transaction did not commit.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is briefly unavailable; try again in a few seconds."
    default_code = "service_unavailable"
    #: Seconds; DRF's exception handler sends it as the ``Retry-After`` header.
    wait = 5


def vanished(exc: BaseException) -> bool:
    """Whether ``exc`` says a row was gone: ``DoesNotExist``, or a ``save(update_fields=...)``
    that updated nothing (``Model.NotUpdated`` on Django 6, a ``DatabaseError`` before)."""
    if isinstance(exc, ObjectDoesNotExist):
        return True
    return isinstance(exc, DatabaseError) and "did not affect any rows" in str(exc)


def api_exception(exc: Exception) -> Exception:
    """``exc`` as the DRF exception whose body has learnplat's error shape; unknown
    exceptions come back unchanged (a 500, as DRF would make them)."""
    if isinstance(exc, LearnplatError):
        return exc
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return Forbidden()
    if isinstance(exc, RequestDataTooBig):
        # Django raises it while DRF reads the body; unhandled it becomes an HTML 400 page
        # (or a 500 in some servers), not the JSON error clients parse.
        limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return BadRequest(
            f"The request body is larger than {limit} bytes.", code="request_too_large"
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        # Form bodies beyond DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES: the same JSON 400.
        return BadRequest(str(exc), code="request_too_large")
    if vanished(exc):
        # Deleted by another request while this one ran (a PATCH racing a DELETE).
        logger.warning("The object went away during the request: %s", exc)
        return NotFound()
    if isinstance(exc, OperationalError | InterfaceError):
        # The database went away (restart, failover, network): a 503 the client may retry,
        # not a 500. Django drops the broken connection when the request ends and
        # CONN_HEALTH_CHECKS makes the next request open a fresh one.
        logger.error("Database unavailable: %s", exc, exc_info=exc)
        return ServiceUnavailable()
    if isinstance(exc, drf_exceptions.APIException):
        return _as_object(exc)
    return exc


def _as_object(exc: drf_exceptions.APIException) -> drf_exceptions.APIException:
    """DRF's own errors with a body that is an object: ``{"detail", "code"}`` for a bare
    message (DRF would send ``{"detail"}`` alone) or a list of messages (DRF would send the
    list: ``SearchFilter`` on ``?search=%00``), ``non_field_errors`` for a list of objects."""
    detail = exc.detail
    if isinstance(detail, dict):
        return exc
    body: dict[str, Any]
    if isinstance(detail, list):
        if not all(isinstance(item, str) for item in detail):
            body = {api_settings.NON_FIELD_ERRORS_KEY: detail}
        else:
            codes = [getattr(item, "code", None) for item in detail]
            body = {
                "detail": " ".join(str(item) for item in detail),
                "code": next((c for c in codes if c), exc.default_code),
            }
    else:
        body = {"detail": str(detail), "code": getattr(detail, "code", None) or exc.default_code}
    # A copy keeps the class (DRF reads it for WWW-Authenticate and Retry-After).
    shaped = copy.copy(exc)
    shaped.detail = body
    return shaped


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler after :func:`api_exception`: a host's ``EXCEPTION_HANDLER``
    for error bodies in learnplat's shape on its own views too."""
    return drf_views.exception_handler(api_exception(exc), context)
