"""The ``LEARNPLAT`` settings object.

Every key of the host's ``LEARNPLAT`` dict is read from ``django.conf.settings`` on each
access, so ``override_settings`` and per-request changes are always seen. Nested maps
(``PERMISSIONS``, ``SERIALIZERS``, ``EVALUATORS``, ``THROTTLE_RATES``, ``EVALUATION``, ...)
are merged onto a *copy* of the defaults, so a host names only what it changes::

    LEARNPLAT = {
        "PAGE_SIZE": 50,
        "PERMISSIONS": {"course_create": "myapp.permissions.IsStaffMember"},
        "EVALUATORS": {"python": "myapp.evaluators.PythonEvaluator"},
    }

The keys of :data:`REST_FRAMEWORK_FALLBACKS` (authentication, parsers, renderers,
pagination, page size) are read in this order: the ``LEARNPLAT`` key, then the key of the
host's ``REST_FRAMEWORK`` dict that DRF reads for every view (only when the host wrote it: DRF's
own defaults are not consulted), then learnplat's default in :data:`DEFAULTS`::

    REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}
    LEARNPLAT = {"PAGE_SIZE": 50}  # learnplat's views: DRF's JSONRenderer, 50 per page

Only the resolution of dotted paths is cached; the cache is cleared whenever a Django
``setting_changed`` signal names ``LEARNPLAT``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

SETTINGS_NAME = "LEARNPLAT"
REST_FRAMEWORK_SETTINGS_NAME = "REST_FRAMEWORK"

#: Every key learnplat understands, with its default. ``docs/settings.md`` documents each.
DEFAULTS: dict[str, Any] = {
    # The five keys of REST_FRAMEWORK_FALLBACKS below default to the host's REST_FRAMEWORK
    # value when it has one; these values apply when neither LEARNPLAT nor it sets the key.
    # Pagination of every list endpoint (MAX_PAGE_SIZE caps ?page_size= of PAGINATION_CLASS).
    "PAGINATION_CLASS": "learnplat.pagination.LearnplatPagination",
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
    # Authentication classes of every learnplat view (dotted paths).
    "AUTHENTICATION_CLASSES": [
        "learnplat.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Parsers of every learnplat view (dotted paths).
    "PARSER_CLASSES": [
        "learnplat.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Renderers of every learnplat view (dotted paths); the first is used when the client
    # does not ask. ORJSONRenderer writes what DRF's JSONRenderer writes, faster.
    "RENDERER_CLASSES": [
        "learnplat.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Dotted path of a learnplat.adapter.DefaultAdapter subclass: how roles are read, written
    # and queried, and the domain decisions a host may change (docs/adapter.md).
    "ADAPTER": "learnplat.adapter.DefaultAdapter",
    # Django group names read by learnplat.adapter.GroupRolesAdapter.
    "ROLE_GROUPS": {"instructor": "learnplat-instructors", "admin": "learnplat-admins"},
    # Platform roles self-registration may ask for; the first is the default.
    "REGISTRATION_ROLES": ["student"],
    # Scoped throttle rates of learnplat's own throttles (DRF rate strings, None = off).
    "THROTTLE_RATES": {
        "learnplat_register": "20/hour",
        "learnplat_token": "30/min",
        "learnplat_submit": "60/min",
    },
    # "<resource>_<action>" -> dotted path (or list of dotted paths, all must allow).
    "PERMISSIONS": {},
    # "<resource>_<action>" -> dotted path of a serializer class.
    "SERIALIZERS": {},
    # task kind -> dotted path of an evaluator class.
    "EVALUATORS": {
        "exact": "learnplat.evaluation.builtin.ExactEvaluator",
        "choice": "learnplat.evaluation.builtin.ChoiceEvaluator",
        "numeric": "learnplat.evaluation.builtin.NumericEvaluator",
        "regex": "learnplat.evaluation.builtin.RegexEvaluator",
        "manual": "learnplat.evaluation.builtin.ManualEvaluator",
        "external": "learnplat.evaluation.builtin.ExternalEvaluator",
    },
    # Guards of the built-in regex kind (learnplat.evaluation.safe_regex): longest pattern
    # and answer in characters, and the time limit of one match in seconds.
    "REGEX_MAX_PATTERN_LENGTH": 1000,
    "REGEX_MAX_ANSWER_LENGTH": 10_000,
    "REGEX_TIMEOUT_SECONDS": 1.0,
    # Largest accepted submission answer, in bytes of its JSON encoding.
    "MAX_ANSWER_BYTES": 64 * 1024,
    # Largest accepted Markdown description of a course or task, in characters.
    "MAX_DESCRIPTION_LENGTH": 100_000,
    # Largest accepted task ``config``, in bytes of its JSON encoding.
    "MAX_TASK_CONFIG_BYTES": 64 * 1024,
    # The evaluation pipeline (docs/workers.md).
    "EVALUATION": {
        # Alias in Django's TASKS setting, and the queue evaluations are enqueued on.
        "TASK_BACKEND": "default",
        "QUEUE_NAME": "default",
        # How long a worker owns a claimed submission; longer than TIME_LIMIT_SECONDS.
        "LEASE_SECONDS": 120,
        # How long an external grader owns a submission it fetched from grader/next/.
        "GRADER_LEASE_SECONDS": 600,
        # Claims per evaluation before the submission is marked failed.
        "MAX_TRIES": 3,
        # Wait before retry n (1-based): RETRY_BACKOFF_SECONDS * 2 ** (n - 1).
        "RETRY_BACKOFF_SECONDS": 5,
        # Longest an in-process evaluator may run before the try counts as failed.
        "TIME_LIMIT_SECONDS": 10,
        # A queued submission nobody claimed for this long is enqueued again by the sweeper.
        "STALE_QUEUED_SECONDS": 300,
    },
    # Notifications (docs/notifications.md), read when learnplat.notifications is installed.
    "NOTIFICATIONS": {
        # deadline_soon reminds of effective due dates this many hours ahead.
        "DEADLINE_SOON_HOURS": 24,
        # Alias in Django's TASKS setting, and the queue e-mails and reminders are enqueued on.
        "TASK_BACKEND": "default",
        "QUEUE_NAME": "default",
        # kind -> channel -> on/off, for users who have not chosen (every kind, both channels).
        "DEFAULT_PREFERENCES": {
            "submission_graded": {"in_app": True, "email": True},
            "grade_changed": {"in_app": True, "email": True},
            "deadline_soon": {"in_app": True, "email": True},
            "regrade_request_resolved": {"in_app": True, "email": True},
            "grades_released": {"in_app": True, "email": True},
            "regrade_request_created": {"in_app": True, "email": False},
            "comment_created": {"in_app": True, "email": True},
            "grading_assigned": {"in_app": True, "email": False},
            "group_invitation": {"in_app": True, "email": True},
            "attempt_restarted": {"in_app": True, "email": True},
        },
    },
    # The grading model (docs/grading.md).
    "GRADING": {
        # Grading changes on courses with more students than this are applied, with their
        # recompute, by a background task (202 and a recompute job) instead of in the request.
        "SYNC_RECOMPUTE_MAX_STUDENTS": 200,
        # Alias in Django's TASKS setting, and the queue recompute jobs are enqueued on.
        "TASK_BACKEND": "default",
        "QUEUE_NAME": "default",
        # The largest gradebook CSV ``courses/{slug}/gradebook/import/`` accepts (413 above).
        "IMPORT_MAX_BYTES": 2 * 1024 * 1024,
        # Rows a gradebook import may hold; more is a 400 before any row is read.
        "IMPORT_MAX_ROWS": 20_000,
        # How long a grader's claim on a submission (``POST submissions/{id}/claim/``) holds
        # before another grader may take it over.
        "CLAIM_TTL_SECONDS": 1800,
    },
    # The transactional outbox (docs/events.md), read when learnplat.events is installed.
    "EVENTS": {
        # Alias in Django's TASKS setting, and the queue delivery tasks are enqueued on.
        "TASK_BACKEND": "default",
        "QUEUE_NAME": "default",
        # Attempts per delivery before it is marked failed (dead; replay sends it again).
        "MAX_TRIES": 8,
        # Wait before retry n (1-based): RETRY_BACKOFF_SECONDS * 2 ** (n - 1), capped at
        # MAX_BACKOFF_SECONDS, then drawn at random between half of it and all of it (jitter).
        "RETRY_BACKOFF_SECONDS": 10,
        "MAX_BACKOFF_SECONDS": 3600,
        # How long a sender owns the deliveries it claimed; a batch whose lease runs low
        # (under twice WEBHOOKS["TIMEOUT_SECONDS"] left) hands the rest back and claims again.
        "LEASE_SECONDS": 120,
        # Deliveries one sender claims at a time.
        "BATCH_SIZE": 20,
        # Days an event and its deliveries are kept once nothing is left to send
        # (learnplat_prune_events); None keeps them for ever.
        "RETENTION_DAYS": 90,
    },
    # Webhook endpoints (docs/webhooks.md), read when learnplat.events is installed.
    "WEBHOOKS": {
        # Seconds a request to a receiver may take (connecting, then each read).
        "TIMEOUT_SECONDS": 10,
        # Seconds the previous secret still signs after a rotation (both signatures are sent).
        "SECRET_OVERLAP": 24 * 3600,
        # False: URLs whose host is or resolves to a loopback, private, link-local or other
        # non-public address are refused, when an endpoint is saved and again at each send.
        "ALLOW_PRIVATE_URLS": False,
        # Longest accepted endpoint URL, in characters.
        "MAX_URL_LENGTH": 2000,
    },
    # Health endpoints (docs/operations.md): name -> dotted path of a check that raises when
    # its dependency is unusable; /readyz runs them all.
    "HEALTH": {
        "READINESS_CHECKS": {
            "database": "learnplat.health.check_database",
            "cache": "learnplat.health.check_cache",
            "tasks": "learnplat.health.check_tasks",
        },
    },
    # Cached reads (docs/operations.md, "Caching"; learnplat.cache): the alias in Django's
    # CACHES the bodies live in, the longest time one is kept (seconds), and a switch
    # (False: no cached read and no cache call).
    "CACHE": {"ALIAS": "default", "TIMEOUT": 300, "ENABLED": True},
    # Prometheus metrics (docs/operations.md, needs learnplat[metrics]).
    "METRICS": {
        # Bearer token /metrics wants; without one it answers only with DEBUG on.
        "TOKEN": "",
        # Scrape-time collectors (dotted paths of classes with a collect() method).
        "COLLECTORS": ["learnplat.submissions.metrics.SubmissionsCollector"],
    },
    # The LTI 1.3 tool (docs/lti.md), read when learnplat.lti is installed.
    "LTI": {
        # Where a launch sends the browser, with ?code=<single-use code> appended: the front
        # end's route that trades the code at POST lti/session/ for a token pair.
        "LAUNCH_REDIRECT": "/lti/launch",
        # How long that code can be traded (seconds).
        "LAUNCH_CODE_TTL_SECONDS": 60,
        # Older tool keys the JWKS keeps serving after a rotation (manage.py
        # learnplat_lti_rotate_keys), for platforms that cache keys.
        "KEEP_PREVIOUS_KEYS": 1,
        # Whether a deep-linking request from someone the platform calls an Instructor
        # raises their learnplat account from student to the instructor role (so that the
        # default course_create rule lets them create a course from the selection page).
        # Off by default: least privilege; any registered platform's instructors qualify.
        "PROMOTE_INSTRUCTORS": False,
        # Seconds each request to a platform's services (AGS token and scores, NRPS) may
        # take before it fails and the outbox or the roster sync tries again later.
        "TIMEOUT_SECONDS": 10,
        # Alias in Django's TASKS setting, and the queue roster syncs are enqueued on.
        "TASK_BACKEND": "default",
        "QUEUE_NAME": "default",
    },
    # xAPI statements to a Learning Record Store (docs/xapi.md), read when learnplat.xapi
    # is installed; with no ENDPOINT the app sends nothing (learnplat_xapi.W001).
    "XAPI": {
        # The LRS's xAPI base URL; statements are POSTed to ENDPOINT + "statements".
        "ENDPOINT": "",
        # HTTP Basic credentials of the LRS (both empty: no Authorization header).
        "USERNAME": "",
        "PASSWORD": "",
        # The actor is an account {homePage: ACTOR_HOMEPAGE, name: "<user id>"}, or, with
        # ACTOR_MBOX, the user's e-mail as a mailto: mbox when they have one.
        "ACTOR_HOMEPAGE": "",
        "ACTOR_MBOX": False,
        # Courses and tasks are activities under this IRI: <base>/courses/<slug>[/tasks/<id>].
        "ACTIVITY_BASE": "",
        # Seconds to wait for the LRS's answer before the delivery is retried.
        "TIMEOUT": 10,
        # The X-Experience-API-Version header and each statement's "version".
        "VERSION": "1.0.3",
        # Language tag of the verbs' "display" maps.
        "LANGUAGE": "en-US",
    },
    # Progress and completion rules (docs/grading.md).
    "PROGRESS": {
        # A task is completed once a graded attempt's raw score reaches this share of max_score.
        "COMPLETION_THRESHOLD": 1.0,
        # Task kinds graded by people: completed once graded, whatever the score.
        "COMPLETE_WHEN_GRADED_KINDS": ["manual"],
    },
}

#: Top-level keys whose value is a dotted path (or list of them), resolved by ``import_from``.
#: ``ADAPTER`` is one too, but has checks of its own (``learnplat.checks.check_adapter``).
IMPORT_STRINGS = frozenset(
    {
        "AUTHENTICATION_CLASSES",
        "PARSER_CLASSES",
        "RENDERER_CLASSES",
        "PAGINATION_CLASS",
        "PERMISSIONS",
        "SERIALIZERS",
        "EVALUATORS",
    }
)

#: LEARNPLAT key -> the key of the host's ``REST_FRAMEWORK`` dict it falls back to.
REST_FRAMEWORK_FALLBACKS: dict[str, str] = {
    "AUTHENTICATION_CLASSES": "DEFAULT_AUTHENTICATION_CLASSES",
    "PARSER_CLASSES": "DEFAULT_PARSER_CLASSES",
    "RENDERER_CLASSES": "DEFAULT_RENDERER_CLASSES",
    "PAGINATION_CLASS": "DEFAULT_PAGINATION_CLASS",
    "PAGE_SIZE": "PAGE_SIZE",
}


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of ``defaults`` with ``overrides`` merged in, maps merged key by key."""
    merged = copy.deepcopy(dict(defaults))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@lru_cache(maxsize=512)
def _import_cached(dotted_path: str) -> Any:
    return import_string(dotted_path)


class LearnplatSettings:
    """Lazy view of ``settings.LEARNPLAT`` merged onto :data:`DEFAULTS`.

    ``learnplat.conf.settings.PAGE_SIZE`` reads the host's value now, not at import.
    """

    def user_settings(self) -> Mapping[str, Any]:
        value = getattr(django_settings, SETTINGS_NAME, None) or {}
        return value if isinstance(value, Mapping) else {}

    def as_dict(self) -> dict[str, Any]:
        """What ``LEARNPLAT`` says: its values merged onto the defaults, without the
        ``REST_FRAMEWORK`` fallback (the system checks validate this dict)."""
        return _merge(DEFAULTS, self.user_settings())

    def rest_framework_value(self, name: str) -> Any:
        """The host's ``REST_FRAMEWORK`` value for LEARNPLAT key ``name``, or ``None``.

        Read from the dict the host wrote, not from DRF's ``api_settings``: DRF's defaults
        (no JWT, the stdlib JSON encoder, no pagination) would hide learnplat's. ``None``
        counts as unset, since it is what DRF's own defaults for pagination are.
        """
        rest_framework_key = REST_FRAMEWORK_FALLBACKS.get(name)
        host = getattr(django_settings, REST_FRAMEWORK_SETTINGS_NAME, None)
        if rest_framework_key is None or not isinstance(host, Mapping):
            return None
        return host.get(rest_framework_key)

    def source(self, name: str) -> str:
        """Where the value of ``name`` comes from: ``"LEARNPLAT"``, ``"REST_FRAMEWORK"`` or
        ``"default"``."""
        if name in self.user_settings():
            return SETTINGS_NAME
        if self.rest_framework_value(name) is not None:
            return REST_FRAMEWORK_SETTINGS_NAME
        return "default"

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown learnplat setting: {name!r}")
        user = self.user_settings()
        default = DEFAULTS[name]
        if name not in user:
            host = self.rest_framework_value(name)
            if host is not None:
                return copy.deepcopy(host)
            return copy.deepcopy(default)
        value = user[name]
        if isinstance(default, Mapping) and isinstance(value, Mapping):
            return _merge(default, value)
        return value

    # -- dotted paths -------------------------------------------------------------------

    def import_from(self, dotted_path: str) -> Any:
        """Import ``dotted_path`` (cached until the settings change)."""
        return _import_cached(dotted_path)

    def import_value(self, value: Any) -> Any:
        """Import ``value`` if it is a dotted path; anything else (a class, as DRF's own
        settings also accept) is returned as it is."""
        return self.import_from(value) if isinstance(value, str) else value

    def import_list(self, paths: Any) -> list[Any]:
        if isinstance(paths, str):
            paths = [paths]
        return [self.import_value(path) for path in paths]

    def permission_classes(self, key: str, default: list[Any]) -> list[Any]:
        """Permission classes for ``"<resource>_<action>"``: the host's override or ``default``."""
        configured = self.PERMISSIONS.get(key)
        if configured is None:
            return list(default)
        return self.import_list(configured)

    def serializer_class(self, key: str, default: Any) -> Any:
        """Serializer class for ``"<resource>_<action>"``: the host's override or ``default``."""
        configured = self.SERIALIZERS.get(key)
        if configured is None:
            return default
        return self.import_from(configured)


settings = LearnplatSettings()


def clear_caches() -> None:
    """Forget every resolved dotted path (called when ``LEARNPLAT`` changes)."""
    _import_cached.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTINGS_NAME:
        clear_caches()
