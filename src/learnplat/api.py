"""The base every learnplat view builds on.

Authentication, renderers, parsers, pagination, permissions and serializers are resolved per
request (never frozen at import), and permissions and serializers are looked up per action
under ``"<resource>_<action>"`` keys so a host can replace any of them
(``learnplat.keys.override_keys()`` lists every key with its defaults). The classes of every
request come from ``LEARNPLAT``, else from the host's ``REST_FRAMEWORK``, else learnplat's
defaults (``learnplat.conf.REST_FRAMEWORK_FALLBACKS``)::

    LEARNPLAT = {
        "AUTHENTICATION_CLASSES": [...],  # else REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
        "PARSER_CLASSES": [...],          # else REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]
        "RENDERER_CLASSES": [...],        # else REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]
        "PAGINATION_CLASS": "...",        # else REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]
        "PERMISSIONS": {"course_create": "..."},
        "SERIALIZERS": {"course_retrieve": "..."},
    }
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.conf import settings as django_settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, InterfaceError, OperationalError
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.permissions import BasePermission
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.serializers import BaseSerializer

from learnplat.conf import settings
from learnplat.exceptions import InvalidInput, ServiceError, ServiceUnavailable
from learnplat.parsers import JSONParser
from learnplat.schema import LearnplatAutoSchema

logger = logging.getLogger("learnplat.api")
_UNSET = object()


class LearnplatViewMixin:
    """Mix into a DRF view or viewset.

    ``permission_resource`` names the resource (``"course"``); ``action_permissions`` maps
    an action (``"create"``) to its default permission classes, ``action_serializers`` to its
    default serializer. The effective ones are ``LEARNPLAT["PERMISSIONS"]["course_create"]``
    and ``LEARNPLAT["SERIALIZERS"]["course_create"]`` when the host set them.
    ``action_aliases`` lets several actions share one key (``{"partial_update": "update"}``:
    PUT and PATCH are both ``course_update``).
    """

    permission_resource: ClassVar[str] = ""
    action_aliases: ClassVar[dict[str, str]] = {}
    action_permissions: ClassVar[dict[str, list[type[BasePermission] | Any]]] = {}
    action_serializers: ClassVar[dict[str, type[BaseSerializer[Any]]]] = {}
    # Whatever DEFAULT_SCHEMA_CLASS the host uses: learnplat's operations document the
    # answers its lists give on their own (drf-spectacular is a dependency).
    schema: ViewInspector | None = LearnplatAutoSchema()

    def _current_action(self) -> str:
        action = getattr(self, "action", None)
        if not action:
            request = getattr(self, "request", None)
            action = (request.method if request is not None else "get") or "get"
            action = action.lower()
        return self.action_aliases.get(str(action), str(action))

    def permission_key(self, action: str | None = None) -> str:
        return f"{self.permission_resource}_{action or self._current_action()}"

    def default_permission_classes(self, action: str) -> list[Any]:
        """The permission classes of ``action`` when ``LEARNPLAT["PERMISSIONS"]`` has none."""
        default = self.action_permissions.get(action)
        if default is None:
            default = list(getattr(self, "permission_classes", []))
        return list(default)

    def default_serializer_class(self, action: str) -> type[BaseSerializer[Any]] | None:
        """The serializer of ``action`` when ``LEARNPLAT["SERIALIZERS"]`` has none."""
        return self.action_serializers.get(action) or getattr(self, "serializer_class", None)

    def get_permissions(self) -> list[BasePermission]:
        action = self._current_action()
        default = self.default_permission_classes(action)
        classes = settings.permission_classes(self.permission_key(action), default)
        return [permission() for permission in classes]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        action = self._current_action()
        default = self.default_serializer_class(action)
        return settings.serializer_class(self.permission_key(action), default)  # type: ignore[no-any-return,unused-ignore]

    def get_authenticators(self) -> list[Any]:
        return [cls() for cls in settings.import_list(settings.AUTHENTICATION_CLASSES)]

    def get_parsers(self) -> list[Any]:
        # DRF's JSONParser (a host's REST_FRAMEWORK list usually names it) lets a body nested
        # too deep for Python through as a 500; learnplat's subclass differs only in
        # answering it with a 400.
        classes = settings.import_list(settings.PARSER_CLASSES)
        return [(JSONParser if cls is DRFJSONParser else cls)() for cls in classes]

    def get_renderers(self) -> list[Any]:
        return [cls() for cls in settings.import_list(settings.RENDERER_CLASSES)]

    @property
    def pagination_class(self) -> type[BasePagination] | None:
        """``LEARNPLAT["PAGINATION_CLASS"]``, else the host's ``DEFAULT_PAGINATION_CLASS``,
        else :class:`~learnplat.pagination.LearnplatPagination`; read per request, and by
        drf-spectacular for the schema of every list."""
        chosen = self.__dict__.get("_pagination_class", _UNSET)
        if chosen is not _UNSET:
            return chosen
        return settings.import_value(settings.PAGINATION_CLASS)

    @pagination_class.setter
    def pagination_class(self, value: type[BasePagination] | None) -> None:
        # ``as_view(pagination_class=...)`` sets it on the instance, as on any DRF view.
        self.__dict__["_pagination_class"] = value

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, ServiceError):
            exc = exc.to_api_exception()
        elif isinstance(exc, InvalidInput):
            exc = ValidationError(exc.errors)
        elif isinstance(exc, RequestDataTooBig):
            # Django raises it while DRF reads the body; unhandled it becomes an HTML 400
            # page (or a 500 in some servers), not the JSON error clients parse.
            message = (
                f"The request body is larger than {django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE} "
                "bytes."
            )
            exc = ParseError({"detail": message, "code": "request_too_large"})
        elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            # Form bodies beyond DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES: the same JSON 400.
            exc = ParseError({"detail": str(exc), "code": "request_too_large"})
        elif vanished(exc):
            # Deleted by another request while this one ran (a PATCH racing a DELETE).
            logger.warning("The object went away during the request: %s", exc)
            exc = NotFound()
        elif isinstance(exc, OperationalError | InterfaceError):
            # The database went away (restart, failover, network): a 503 the client may
            # retry, not a 500. Django drops the broken connection when the request ends and
            # CONN_HEALTH_CHECKS makes the next request open a fresh one.
            logger.error("Database unavailable: %s", exc, exc_info=exc)
            exc = ServiceUnavailable()
        return super().handle_exception(exc)  # type: ignore[misc]


def vanished(exc: Exception) -> bool:
    """Whether ``exc`` says a row was gone: ``DoesNotExist``, or a ``save(update_fields=...)``
    that updated nothing (``Model.NotUpdated`` on Django 6, a ``DatabaseError`` before)."""
    if isinstance(exc, ObjectDoesNotExist):
        return True
    return isinstance(exc, DatabaseError) and "did not affect any rows" in str(exc)


def not_found() -> NotFound:
    """The 404 outsiders get for objects they may not see (never a 403 that reveals them)."""
    return NotFound()
