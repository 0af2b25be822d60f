"""Cached reads of the catalog, course detail, task lists and detail, and progress
(docs/operations.md, "Caching"; decision 0035).

Settings (``LEARNPLAT["CACHE"]``, defaults shown)::

    LEARNPLAT = {"CACHE": {
        "ALIAS": "default",   # the Django cache (CACHES) the bodies live in
        "TIMEOUT": 300,       # seconds a body is kept at most
        "ENABLED": True,      # False: no cached read and no cache call at all
    }}

What is kept is the body as it was rendered for one caller (with its content type and its
``ETag``), under a key made of the view, the path and sorted query, the negotiated media
type, the language and the caller (a user id, or ``anonymous`` for every anonymous caller:
their bodies hold no personal data). Each entry also records the *generation* tokens of what
it was built from: the ``global`` one, and e.g. ``catalog``, ``course:12`` or ``user:5``. A
read serves the entry only while every one of those tokens is unchanged, so invalidation is
replacing a token (a new random one, never an increment: two racing writers cannot land on
the same value a stale entry was stored under). :func:`changed` does it at once and again
on commit, so a reader that rebuilt an entry from the rows before the commit is invalidated
too.

Who calls :func:`changed`:

- every save and delete of a learnplat model that a cached body shows, through the
  ``post_save``/``post_delete`` receivers :func:`connect` installs (so the admin, a shell
  and a host's own code are covered as well as the flows); a new model must be shown or
  listed in :data:`NOT_SHOWN` (tests/core/test_cache.py keeps that list honest);
- the flows that write with ``update()``, ``bulk_create()`` or ``bulk_update()``, which send
  no signal;
- a change of a user (their name is shown to others, their role decides what they see):
  every body at once (``global``), since profiles change seldom.

Authorization is never cached: the views run their authentication, permission and
visibility checks on every request and only then look the body up. A cache backend that
fails is logged (once a minute) and read around: the answer is built as if there were no
cache, and ``/readyz`` says ``cache`` is failing.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.response import Response

import learnplat
from learnplat.conditional import ConditionalGetMixin
from learnplat.conf import SETTINGS_NAME, settings

logger = logging.getLogger("learnplat.cache")

GLOBAL = "global"
CATALOG = "catalog"
_PREFIX = "learnplat:cache:1:"
#: A failing backend is logged at most this often (seconds), not once per request.
WARNING_INTERVAL = 60.0
#: Headers a hit sets itself (finalize_response and ConditionalGetMixin) or must never replay.
_NOT_REPLAYED = frozenset(
    {"content-type", "content-length", "etag", "cache-control", "vary", "set-cookie", "allow"}
)


def course_gen(pk: Any) -> str:
    """The generation of one course: everything shown about it and inside it."""
    return f"course:{getattr(pk, 'pk', pk)}"


def user_gen(pk: Any) -> str:
    """The generation of one user's memberships (what ``progress/`` lists)."""
    return f"user:{getattr(pk, 'pk', pk)}"


def enabled() -> bool:
    return bool(settings.CACHE["ENABLED"])


def _backend() -> Any:
    return caches[settings.CACHE["ALIAS"]]


@lru_cache(maxsize=1)
def settings_fingerprint() -> str:
    """learnplat's version, the host's ``LEARNPLAT`` and ``REST_FRAMEWORK``: a body rendered
    by other code, serializers or renderers is never served (the keys differ)."""
    host = getattr(django_settings, "REST_FRAMEWORK", None) or {}
    described = (
        f"{learnplat.__version__}|{sorted(settings.user_settings().items())!r}"
        f"|{sorted(host.items())!r}"
    )
    return hashlib.blake2b(described.encode(), digest_size=8).hexdigest()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in (SETTINGS_NAME, "REST_FRAMEWORK"):
        settings_fingerprint.cache_clear()


setting_changed.connect(_on_setting_changed, dispatch_uid="learnplat.cache.settings")


def _gen_key(name: str) -> str:
    return f"{_PREFIX}gen:{name}"


class _Health:
    """Process-wide memory of a failing backend: when it was last logged, and whether a
    change could not be recorded (then everything is invalidated once the backend answers)."""

    lock = threading.Lock()
    last_warning = -math.inf
    lost_change = False


def _failed(what: str, exc: Exception) -> None:
    now = time.monotonic()
    with _Health.lock:
        if now - _Health.last_warning < WARNING_INTERVAL:
            return
        _Health.last_warning = now
    logger.warning(
        "The learnplat cache failed to %s (%s); reads go uncached until it answers.",
        what,
        type(exc).__name__,
    )


def _recover(backend: Any) -> None:
    # A change made while the backend was down bumped nothing; entries written before may
    # still be there once it is back, so none of them may be served.
    if _Health.lost_change:
        backend.set(_gen_key(GLOBAL), secrets.token_hex(8), timeout=None)
        _Health.lost_change = False


# -- invalidation -------------------------------------------------------------------------------


def _bump(names: frozenset[str]) -> None:
    try:
        backend = _backend()
        backend.set_many({_gen_key(name): secrets.token_hex(8) for name in names}, timeout=None)
    except Exception as exc:
        _Health.lost_change = True
        _failed("record a change", exc)


def changed(
    *,
    course: Any = None,
    courses: Iterable[Any] = (),
    user: Any = None,
    users: Iterable[Any] = (),
    catalog: bool = False,
    everything: bool = False,
) -> None:
    """Invalidate the cached bodies built from what a write changed: a course (instance or
    id), users' memberships, the catalog, or ``everything``. Call it from code that writes
    without model signals (``update()``, ``bulk_create()``, ``bulk_update()``, raw SQL)."""
    if not enabled():
        return
    names: set[str] = set()
    for one in [course, *courses]:
        if one is not None:
            names.add(course_gen(one))
    for one in [user, *users]:
        if one is not None:
            names.add(user_gen(one))
    if catalog:
        names.add(CATALOG)
    if everything:
        names.add(GLOBAL)
    if not names:
        return
    _bump(frozenset(names))
    # Again once the rows are visible to others: a read between the first bump and the
    # commit saw the old rows and may have stored them under the token set just now.
    _bump_on_commit(names)


class CommitBump:
    """The generations one transaction changed, bumped again when it commits: one
    ``on_commit`` callback per transaction, however many rows it writes."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __call__(self) -> None:
        _bump(frozenset(self.names))


def _bump_on_commit(names: set[str]) -> None:
    connection: Any = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: the rows were visible when the first bump ran
    pending = getattr(connection, "_learnplat_cache_bump", None)
    # A savepoint rolled back drops the callbacks registered inside it, ours too.
    if pending is None or not any(item[1] is pending for item in connection.run_on_commit):
        pending = CommitBump()
        connection._learnplat_cache_bump = pending
        transaction.on_commit(pending)
    pending.names |= names


def _tokens(backend: Any, names: Iterable[str], found: dict[str, Any]) -> dict[str, str]:
    """The current token of each name (from ``found``, a get_many of their keys), creating
    the missing ones; ``add`` keeps a token another process created in the meantime."""
    tokens: dict[str, str] = {}
    for name in names:
        token = found.get(_gen_key(name))
        if token is None:
            fresh = secrets.token_hex(8)
            token = fresh if backend.add(_gen_key(name), fresh, timeout=None) else None
            if token is None:
                token = backend.get(_gen_key(name)) or fresh
        tokens[name] = token
    return tokens


# -- the read side --------------------------------------------------------------------------------


class CachedReadMixin(ConditionalGetMixin):
    """Mix into a view whose ``conditional_actions`` are also served from the cache.

    The view's handler runs every authorization check first, then returns
    ``self.cached_read(depends_on=..., build=...)``: the cached body when its generations
    are current, else ``build()``, whose rendered 200 is stored on the way out. A body that
    stops being true at a known moment (a score released at a due date) says so with
    :meth:`valid_until` while it is built.
    """

    _cache_pending: tuple[str, dict[str, str], list[str]] | None = None
    _cache_valid_until: datetime | None = None
    #: Shared between all anonymous callers (their bodies hold nothing personal).
    cache_caller_anonymous: ClassVar[str] = "anonymous"

    def cache_key_parts(self, request: Request) -> list[str]:
        """What the body may differ by. A host whose serializers read anything else from
        the request extends this (or turns caching off)."""
        caller = request.user
        who = f"user:{caller.pk}" if caller.is_authenticated else self.cache_caller_anonymous
        query = sorted(request.query_params.lists())
        return [
            settings_fingerprint(),
            f"{type(self).__module__}.{type(self).__qualname__}",
            str(getattr(self, "action", None) or request.method),
            request.path,
            repr(query),
            str(request.accepted_media_type),
            str(get_language()),
            who,
        ]

    def valid_until(self, moment: datetime | None) -> None:
        """The body being built changes by itself at ``moment`` (None: no such moment)."""
        if moment is not None and (
            self._cache_valid_until is None or moment < self._cache_valid_until
        ):
            self._cache_valid_until = moment

    def _cacheable(self, request: Request) -> bool:
        if not enabled() or request.method not in ("GET", "HEAD"):
            return False
        # The browsable API renders forms and a CSRF token per session: never shared.
        return not str(request.accepted_media_type).startswith("text/html")

    def cached_read(
        self,
        *,
        depends_on: Iterable[str],
        build: Callable[[], HttpResponseBase],
        more: Callable[[], Iterable[str]] | None = None,
    ) -> HttpResponseBase:
        """The cached answer, or ``build()``'s. ``depends_on`` names the generations the
        body is built from; ``more`` finds further ones with a query (only when the entry
        must be built: a hit reads them from the entry)."""
        request: Request = self.request  # type: ignore[attr-defined]
        self._cache_pending = None
        if not self._cacheable(request):
            return build()
        parts = "\x1f".join(self.cache_key_parts(request))
        key = f"{_PREFIX}body:{hashlib.blake2b(parts.encode(), digest_size=20).hexdigest()}"
        names = [GLOBAL, *depends_on]
        try:
            backend = _backend()
            _recover(backend)
            found = backend.get_many([key, *map(_gen_key, names)])
            entry = found.get(key)
            if entry is not None and self._current(backend, entry, names, found):
                return self._replay(entry)
            tokens = _tokens(backend, names, found)
            extra = sorted(set(more()) - set(names)) if more else []
            if extra:
                tokens.update(_tokens(backend, extra, backend.get_many(map(_gen_key, extra))))
        except Exception as exc:
            _failed("read", exc)
            return build()
        self._cache_pending = (key, tokens, extra)
        return build()

    def _current(
        self, backend: Any, entry: dict[str, Any], names: list[str], found: dict[str, Any]
    ) -> bool:
        stored: dict[str, str] = entry["tokens"]
        if any(stored.get(name) != found.get(_gen_key(name)) for name in names):
            return False
        extra = entry["extra"]
        if extra:
            now = backend.get_many([_gen_key(name) for name in extra])
            if any(stored.get(name) != now.get(_gen_key(name)) for name in extra):
                return False
        valid_until = entry["valid_until"]
        return valid_until is None or timezone.now() < valid_until

    def _replay(self, entry: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
        for name, value in entry["headers"]:
            response[name] = value
        response.learnplat_etag = entry["etag"]  # type: ignore[attr-defined]
        return response

    def conditional_rendered(self, request: Request, response: Response, etag: str) -> None:
        pending, self._cache_pending = self._cache_pending, None
        if pending is None or response.status_code != 200:
            return
        key, tokens, extra = pending
        timeout = int(settings.CACHE["TIMEOUT"])
        valid_until = self._cache_valid_until
        if valid_until is not None:
            timeout = min(timeout, math.ceil((valid_until - timezone.now()).total_seconds()))
        if timeout <= 0:
            return
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_REPLAYED]
        entry = {
            "tokens": tokens,
            "extra": extra,
            "body": bytes(response.content),
            "content_type": response["Content-Type"],
            "etag": etag,
            "headers": headers,
            "valid_until": valid_until,
        }
        try:
            _backend().set(key, entry, timeout=timeout)
        except Exception as exc:
            _failed("store", exc)


# -- receivers: every model a cached body shows ------------------------------------------------

#: Learnplat models no cached body shows: their writes invalidate nothing. Each name is
#: ``app_label.ModelName``; tests/core/test_cache.py fails when a model is neither resolved
#: to a course nor listed here.
NOT_SHOWN = frozenset(
    {
        "learnplat_notifications.Notification",
        "learnplat_notifications.NotificationPreference",
        "learnplat_notifications.DeadlineReminder",
        "learnplat_submissions.Evaluation",
        "learnplat_submissions.GradeChange",
        "learnplat_submissions.RubricAssessment",
        "learnplat_submissions.SubmissionComment",
        "learnplat_submissions.Pseudonym",
        "learnplat_submissions.GraderToken",
        "learnplat_submissions.TaskStart",
        "learnplat_courses.GroupInvitation",
        # The outbox: no cached body shows it, and its rows change with every delivery.
        "learnplat_events.Event",
        "learnplat_events.Delivery",
        "learnplat_events.WebhookEndpoint",
        # The LTI app's rows (when installed) are in no body: launches must not empty the
        # course's cached reads.
        "learnplat_lti.ResourceLinkBinding",
        "learnplat_lti.LaunchCode",
        "learnplat_lti.SpentNonce",
    }
)

ENROLLMENT = "learnplat_courses.Enrollment"
#: Models whose rows the catalog shows (titles, task counts, instructors, who is enrolled).
CATALOG_MODELS = frozenset(
    {"learnplat_courses.Course", "learnplat_courses.Task", "learnplat_courses.Enrollment"}
)


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def course_path(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]] | None:
    """The foreign keys leading from ``model`` to its course (empty for the course itself,
    None when it has no course)."""
    course_model = apps.get_model("learnplat_courses", "Course")
    if model is course_model:
        return []
    user_model = apps.get_model(django_settings.AUTH_USER_MODEL)
    paths: list[list[Any]] = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.related_model is user_model:
            continue
        target: Any = field.related_model
        if target is course_model:
            return [field]
        if target is model or not target._meta.app_label.startswith("learnplat"):
            continue
        rest = course_path(target)
        if rest:
            paths.append([field, *rest])
    # The shortest way: a membership names its group set, not only its group.
    return min(paths, key=len) if paths else None


def _course_id(instance: models.Model, path: list[Any]) -> Any:
    """The course id of ``instance``: from its own column or the related rows it holds,
    else one query from the first parent."""
    if not path:
        return instance.pk
    current: Any = instance
    for index, field in enumerate(path):
        value = getattr(current, field.attname)
        if value is None:
            return None
        if index == len(path) - 1:
            return value
        cached = current._state.fields_cache.get(field.name)
        if cached is None:
            lookup = "__".join(f.name for f in path[index + 1 :])
            parent = field.related_model._default_manager
            return parent.filter(pk=value).values_list(lookup, flat=True).first()
        current = cached
    return None


def _path_of(model: type[models.Model]) -> list[Any] | None:
    # Found on first use, not in ready(): walking the relations there would fix the model
    # registry's caches before every app (and type checkers' plugins) finished loading.
    if model not in _PATHS:
        _PATHS[model] = course_path(model) if _label(model) not in NOT_SHOWN else None
    return _PATHS[model]


def _model_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    path = _path_of(sender)
    if path is None:
        changed(everything=True)
        return
    course_id = _course_id(instance, path)
    label = _label(sender)
    # progress/ lists the courses a user takes: a membership change is theirs too.
    enrolled = getattr(instance, "user_id", None) if label == ENROLLMENT else None
    if course_id is None:
        changed(everything=True)
    else:
        changed(course=course_id, user=enrolled, catalog=label in CATALOG_MODELS)


#: Saves of a user that change nothing any body shows.
_UNSHOWN_USER_FIELDS = frozenset({"last_login", "password"})


def _user_changed(
    sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    # A new user is in no body yet; a login stamps last_login only.
    if created or (update_fields and set(update_fields) <= _UNSHOWN_USER_FIELDS):
        return
    changed(everything=True)


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    changed(everything=True)


def _relation_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    path = _path_of(type(instance)) if type(instance) in _CONNECTED else None
    course_id = _course_id(instance, path) if path is not None else None
    if course_id is None:
        # The other side of the relation (a user's groups or sections): any course.
        changed(everything=True)
    else:
        changed(course=course_id, catalog=_label(type(instance)) in CATALOG_MODELS)


_PATHS: dict[type[models.Model], list[Any] | None] = {}
_CONNECTED: set[type[models.Model]] = set()


def shown_models() -> dict[type[models.Model], list[Any] | None]:
    """Every learnplat model that is not in :data:`NOT_SHOWN`, with its path to its course."""
    found: dict[type[models.Model], list[Any] | None] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("learnplat"):
            continue
        for model in config.get_models():
            if _label(model) in NOT_SHOWN or model._meta.swapped:
                continue
            if model is apps.get_model(django_settings.AUTH_USER_MODEL):
                continue
            found[model] = course_path(model)
    return found


def _connect(model: type[models.Model]) -> None:
    _CONNECTED.add(model)
    uid = f"learnplat.cache:{_label(model)}"
    post_save.connect(_model_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_model_changed, sender=model, dispatch_uid=uid)
    for field in model._meta.local_many_to_many:
        through: Any = field.remote_field.through
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"{uid}.{field.name}")


def connect() -> None:
    """Connect the receivers (``LearnplatConfig.ready``). Per model, never for every
    sender: a delete receiver costs a model Django's fast delete."""
    user_model = apps.get_model(django_settings.AUTH_USER_MODEL)
    for config in apps.get_app_configs():
        if not config.name.startswith("learnplat"):
            continue
        for model in config.get_models():
            if _label(model) in NOT_SHOWN or model._meta.swapped or model is user_model:
                continue
            _connect(model)
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="learnplat.cache:user")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="learnplat.cache:user")
    groups = next((f for f in user_model._meta.many_to_many if f.name == "groups"), None)
    if groups is not None:
        m2m_changed.connect(
            _relation_changed,
            sender=groups.remote_field.through,
            dispatch_uid="learnplat.cache:user.groups",
        )
