"""The registry of ``"<resource>_<action>"`` keys, under which every learnplat view looks up
the permission classes and the serializer of each action.

Built from the views themselves: the URL patterns of ``learnplat.urls`` are walked through
Django's resolver (by module path, when first asked, so the core imports no app), and each
view mixing in :class:`~learnplat.api.LearnplatViewMixin` is asked, method by method, for its
action's key and defaults, the way it answers them at request time. The system checks
(``learnplat.E010`` and up) validate these ``LEARNPLAT`` maps against it, and
``python manage.py learnplat_keys`` prints it::

    LEARNPLAT = {
        "PERMISSIONS": {"course_create": "myproject.permissions.IsStaffMember"},
        "SERIALIZERS": {"course_retrieve": "myproject.serializers.CourseWithSyllabus"},
    }

Reads no setting. The registry is cached; any ``setting_changed`` signal clears it, since
``INSTALLED_APPS`` decides which views are mounted.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import URLPattern, URLResolver, get_resolver

from learnplat.api import LearnplatViewMixin
from learnplat.conf import DEFAULTS

#: The URLconf whose views the registry lists.
URLCONF = "learnplat.urls"

#: The roles ``LEARNPLAT["ROLE_GROUPS"]`` maps to groups (every other user is a student).
ROLE_GROUP_KEYS = tuple(DEFAULTS["ROLE_GROUPS"])

#: Methods that run no action of their own (DRF answers them from the GET handler or itself).
_NO_ACTION_METHODS = frozenset({"head", "options"})
_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Endpoint:
    """One HTTP method on one URL of ``learnplat.urls``.

    ``path`` is written as API.md writes it: no leading slash, ``{slug}``, and ``{id}`` for
    primary keys (``tasks/{id}/submissions/``, where the route says ``<int:task_pk>``).
    """

    method: str
    path: str
    url_name: str


@dataclass(frozen=True)
class OverrideKey:
    """A ``"<resource>_<action>"`` key with the defaults its view uses when ``LEARNPLAT``
    does not replace them.

    ``serializer`` is the class the view declares for the action in ``action_serializers``,
    or ``None`` for actions that serialize nothing of their own (a 204, or an answer built
    with another key's serializer): ``LEARNPLAT["SERIALIZERS"]`` accepts only keys that have
    one, since anything else would be ignored.
    """

    key: str
    resource: str
    action: str
    view: type[Any]
    permissions: tuple[Any, ...]
    serializer: type[Any] | None
    endpoints: tuple[Endpoint, ...] = field(default=())

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(endpoint.method for endpoint in self.endpoints))

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(endpoint.path for endpoint in self.endpoints))


def _api_path(regex: str) -> str:
    """``^tasks/(?P<pk>[^/.]+)/$`` or ``tasks/<int:task_pk>/`` -> ``tasks/{id}/``."""
    # What DRF's schema generator uses too; imported here because the module pulls in the
    # admin, which a registry built only on demand need not load at startup.
    from django.contrib.admindocs.views import simplify_regex

    def parameter(match: re.Match[str]) -> str:
        name = match["name"]
        return "{id}" if name == "pk" or name.endswith("_pk") else "{" + name + "}"

    return _PARAMETER.sub(parameter, simplify_regex(regex)).lstrip("/")


def _walk(patterns: Any, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _methods(view_class: type[Any], actions: dict[str, str] | None) -> list[str]:
    """The methods a view answers with one of its actions: a viewset's mapped methods, an
    APIView's handlers, less those ``http_method_names`` refuses with a 405."""
    candidates = list(actions) if actions else list(view_class.http_method_names)
    return [
        method
        for method in candidates
        if method not in _NO_ACTION_METHODS
        and method in view_class.http_method_names
        and (actions or hasattr(view_class, method))
    ]


def _view_for(callback: Any, method: str) -> Any:
    """The view instance as DRF builds it for a ``method`` request, without a request: its
    ``action`` is set as ``ViewSetMixin.as_view`` sets it, and ``request.method`` is all an
    AuthView reads to find its own."""
    view = callback.cls(**getattr(callback, "initkwargs", {}))
    view.request = SimpleNamespace(method=method.upper())
    view.args, view.kwargs = (), {}
    actions = getattr(callback, "actions", None)
    if actions:
        view.action_map = actions
        view.action = actions[method]
    return view


def _build() -> dict[str, OverrideKey]:
    found: dict[str, OverrideKey] = {}
    for regex, pattern in _walk(get_resolver(URLCONF).url_patterns):
        callback = pattern.callback
        view_class = getattr(callback, "cls", None)
        if not (isinstance(view_class, type) and issubclass(view_class, LearnplatViewMixin)):
            continue
        path = _api_path(regex)
        if "{format}" in path:  # a format-suffix copy of a route listed already
            continue
        for method in _methods(view_class, getattr(callback, "actions", None)):
            view = _view_for(callback, method)
            action = view._current_action()
            key = view.permission_key(action)
            endpoint = Endpoint(method.upper(), path, pattern.name or "")
            if key in found:
                known = found[key]
                found[key] = OverrideKey(
                    key=key,
                    resource=known.resource,
                    action=known.action,
                    view=known.view,
                    permissions=known.permissions,
                    serializer=known.serializer,
                    endpoints=(*known.endpoints, endpoint),
                )
                continue
            found[key] = OverrideKey(
                key=key,
                resource=view.permission_resource,
                action=action,
                view=view_class,
                permissions=tuple(view.default_permission_classes(action)),
                serializer=view.action_serializers.get(action),
                endpoints=(endpoint,),
            )
    return found


@lru_cache(maxsize=1)
def _cached() -> dict[str, OverrideKey]:
    return _build()


def override_keys() -> dict[str, OverrideKey]:
    """Every ``"<resource>_<action>"`` key of ``learnplat.urls``, in URL order."""
    return dict(_cached())


def permission_keys() -> list[str]:
    """The keys ``LEARNPLAT["PERMISSIONS"]`` accepts."""
    return list(_cached())


def serializer_keys() -> list[str]:
    """The keys ``LEARNPLAT["SERIALIZERS"]`` accepts: those whose action has a serializer."""
    return [key for key, entry in _cached().items() if entry.serializer is not None]


def throttle_scopes() -> set[str]:
    """The scopes ``THROTTLE_RATES`` may rate: learnplat's own, and those of the host's
    ``LearnplatScopedRateThrottle`` subclasses (their modules are imported through the root
    URLconf first, as the views that use them are)."""
    from django.urls import get_resolver

    from learnplat.throttling import LearnplatScopedRateThrottle

    # Imports the host's views and so their throttles; Django's own URL checks report a
    # URLconf that fails to load.
    with contextlib.suppress(Exception):
        get_resolver().url_patterns  # noqa: B018
    scopes = set(DEFAULTS["THROTTLE_RATES"])
    pending = list(LearnplatScopedRateThrottle.__subclasses__())
    while pending:
        throttle = pending.pop()
        pending += throttle.__subclasses__()
        if isinstance(getattr(throttle, "scope", None), str) and throttle.scope:
            scopes.add(throttle.scope)
    return scopes


def clear_cache() -> None:
    _cached.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(**kwargs: Any) -> None:
    clear_cache()


def class_name(value: Any) -> str:
    """``IsAuthenticated`` for a class; DRF's ``A & B`` compositions as their repr."""
    return str(getattr(value, "__name__", None) or value)


def describe(entry: OverrideKey) -> list[str]:
    """The key, its endpoints, default permissions and default serializer, as table cells."""
    endpoints = ", ".join(f"{e.method} {e.path}" for e in entry.endpoints)
    permissions = ", ".join(class_name(p) for p in entry.permissions) or "(none)"
    serializer = entry.serializer.__name__ if entry.serializer is not None else "—"
    return [entry.key, endpoints, permissions, serializer]
