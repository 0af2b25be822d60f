"""Domain errors with a machine-readable ``code``.

The API's 403 and 409 responses carry ``{"detail": "...", "code": "attempts_exhausted"}``.
The body is built here rather than in an exception handler, so it holds whatever
``EXCEPTION_HANDLER`` the host project uses.
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException


class DomainError(APIException):
    """Base of the domain errors: ``detail`` plus a stable ``code``."""

    status_code: int = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"

    def __init__(self, detail: str | None = None, code: str | None = None) -> None:
        self.error_code = code or self.default_code
        message = str(detail if detail is not None else self.default_detail)
        super().__init__(detail={"detail": message, "code": self.error_code}, code=self.error_code)

    def __str__(self) -> str:
        return str(self.detail["detail"]) if isinstance(self.detail, dict) else str(self.detail)


class Conflict(DomainError):
    """409: the current state does not allow this (already enrolled, attempts used up, ...)."""

    status_code = status.HTTP_409_CONFLICT


class Forbidden(DomainError):
    """403 with a code: the user is known and may see the object, but may not do this."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "You do not have permission to perform this action."
    default_code = "permission_denied"


class ServiceUnavailable(DomainError):
    """503 with ``Retry-After``: the database cannot be reached (a restart, a failover).

    Clients may retry; nothing was half-written, as the transaction did not commit.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is briefly unavailable; try again in a few seconds."
    default_code = "service_unavailable"
    #: Seconds; DRF's exception handler sends it as the ``Retry-After`` header.
    wait = 5


class InvalidInput(Exception):
    """Raised by flows for input that breaks a rule: views answer 400 with ``errors``.

    ``errors`` has the shape of DRF's validation errors: field → list of messages, nested
    dicts for nested objects and lists (one entry per item) for nested lists, so
    ``{"tasks": [{}, {"config": {"answers": ["..."]}}]}`` points at the second task.
    """

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


class ServiceError(Exception):
    """Raised by flows; views turn it into a :class:`DomainError` of the same code.

    Services stay free of HTTP so management commands and tasks can call them.
    """

    status_code = 409

    def __init__(
        self, message: str, *, code: str, status_code: int | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra
        if status_code is not None:
            self.status_code = status_code

    def to_api_exception(self) -> DomainError:
        if self.status_code == status.HTTP_403_FORBIDDEN:
            return Forbidden(self.message, code=self.code)
        return Conflict(self.message, code=self.code)
