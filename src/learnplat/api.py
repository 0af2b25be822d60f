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

from typing import Any, ClassVar

from rest_framework.pagination import BasePagination
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.permissions import BasePermission
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.serializers import BaseSerializer

from learnplat import context
from learnplat.conf import settings
from learnplat.exceptions import NotFound, PayloadTooLarge, api_exception
from learnplat.parsers import JSONParser
from learnplat.schema import LearnplatAutoSchema

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
        request = getattr(self, "request", None)
        method = str(getattr(request, "method", None) or "get").lower()
        if action == "metadata":
            # OPTIONS describes each method with a request cloned to that method: the
            # serializer and permissions are those of the action the method maps to.
            action = getattr(self, "action_map", {}).get(method) or action
        if not action:
            action = method
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

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Authentication has run: from here on the request's logs name the user and course.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.bind(user_id=user.pk)
        if kwargs.get("slug"):
            context.bind(course=kwargs["slug"])

    def handle_exception(self, exc: Exception) -> Any:
        # Every error body in learnplat's shape, whatever EXCEPTION_HANDLER the host uses.
        return super().handle_exception(api_exception(exc))  # type: ignore[misc]


def not_found() -> NotFound:
    """The 404 outsiders get for objects they may not see (never a 403 that reveals them)."""
    return NotFound()


#: What a multipart body may carry beyond the file itself (boundaries, headers, ``dry_run``).
MULTIPART_OVERHEAD = 64 * 1024


def refuse_oversized_upload(request: Any, limit: int) -> None:
    """413 ``file_too_large`` for a multipart body whose ``Content-Length`` is over
    ``limit`` (plus :data:`MULTIPART_OVERHEAD`), before the body is parsed or spooled."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
