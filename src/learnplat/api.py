"""The base every learnplat view builds on.

Authentication, renderers, parsers, pagination, permissions and serializers are resolved per
request from ``LEARNPLAT`` (never frozen at import), and permissions and serializers are
looked up per action under ``"<resource>_<action>"`` keys so a host can replace any of them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.serializers import BaseSerializer

from learnplat.conf import settings
from learnplat.exceptions import NotFound, api_exception
from learnplat.pagination import LearnplatPagination
from learnplat.schema import LearnplatAutoSchema


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
    pagination_class: type[BasePagination] | None = LearnplatPagination
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

    def get_permissions(self) -> list[BasePermission]:
        action = self._current_action()
        default = self.action_permissions.get(action)
        if default is None:
            default = list(getattr(self, "permission_classes", []))
        classes = settings.permission_classes(self.permission_key(action), default)
        return [permission() for permission in classes]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        action = self._current_action()
        default = self.action_serializers.get(action) or getattr(self, "serializer_class", None)
        return settings.serializer_class(self.permission_key(action), default)  # type: ignore[no-any-return,unused-ignore]

    def get_authenticators(self) -> list[Any]:
        return [cls() for cls in settings.import_list(settings.AUTHENTICATION_CLASSES)]

    def get_parsers(self) -> list[Any]:
        return [cls() for cls in settings.import_list(settings.PARSER_CLASSES)]

    def get_renderers(self) -> list[Any]:
        return [cls() for cls in settings.import_list(settings.RENDERER_CLASSES)]

    def handle_exception(self, exc: Exception) -> Any:
        # Every error body in learnplat's shape, whatever EXCEPTION_HANDLER the host uses.
        return super().handle_exception(api_exception(exc))  # type: ignore[misc]


def not_found() -> NotFound:
    """The 404 outsiders get for objects they may not see (never a 403 that reveals them)."""
    return NotFound()
