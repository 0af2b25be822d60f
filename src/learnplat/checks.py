"""System checks for learnplat's settings (ids ``learnplat.E001`` and up).

| id | problem |
| --- | --- |
| learnplat.E001 | ``LEARNPLAT`` is not a dict |
| learnplat.E002 | unknown key in ``LEARNPLAT`` (a typo would otherwise be ignored silently) |
| learnplat.E003 | a dotted path in ``LEARNPLAT`` cannot be imported |
| learnplat.E004 | a setting has the wrong type or value |
| learnplat.E005 | ``learnplat.accounts`` is installed without simplejwt's ``token_blacklist`` |
| learnplat.E006 | a required app is missing from ``INSTALLED_APPS`` |
| learnplat.E007 | ``REGISTRATION_ROLES`` names an unknown role |
| learnplat.E010 | ``PERMISSIONS`` names a key no learnplat view looks up |
| learnplat.E011 | ``SERIALIZERS`` names a key no learnplat view takes a serializer from |
| learnplat.E012 | ``THROTTLE_RATES`` names a scope no learnplat throttle reads |
| learnplat.E013 | ``ROLE_GROUPS`` names a role other than ``instructor`` and ``admin`` |
| learnplat.E014 | the key registry cannot be built: ``learnplat.urls`` fails to load |
| learnplat.E015 | ``PAGINATION_CLASS`` is not the dotted path of a pagination class |
| learnplat.W010 | learnplat's views do not accept the JWTs ``learnplat.accounts`` issues |
| learnplat.E020 | an ``EVALUATORS`` entry is not an evaluator class, or its kind name is invalid |
| learnplat.E030 | ``EVALUATION``: unknown key, bad number, or a backend/queue ``TASKS`` lacks |
| learnplat.E031 | the tasks API is set up for the other Django line (``django.tasks`` / backport) |
| learnplat.E040 | ``PROGRESS`` holds a threshold outside [0, 1] or kinds that are not strings |
| learnplat.E050 | ``ADAPTER`` is not a dotted path, or it cannot be imported |
| learnplat.E051 | ``ADAPTER`` names something that is not a ``DefaultAdapter`` subclass |
| learnplat.W052 | the adapter overrides ``resolve_role`` but inherits role methods that disagree |
| learnplat.E060 | ``NOTIFICATIONS``: unknown key, kind or channel, bad value, missing backend |
| learnplat.E070 | ``GRADING``: unknown key, bad threshold, missing backend |
| learnplat.E080 | ``CACHE``: unknown key, an alias ``CACHES`` lacks, a bad timeout or switch |
| learnplat.E100 | ``EVENTS``: unknown key, bad number, missing backend |
| learnplat.E101 | ``WEBHOOKS``: unknown key or bad value |
| learnplat.E102 | ``learnplat.events`` is installed without ``standardwebhooks`` or ``requests`` |

Ids E010 to E019 and W010 to W019 belong to the override keys and the REST framework
classes (``check_override_keys``, ``check_rest_framework_classes``; the keys come from
``learnplat.keys``); ids from E020 on belong to evaluation (``check_evaluators``), from E030 on
to the submissions pipeline (``check_evaluation``), from E040 on to progress
(``check_progress_settings``), from E050 on to the adapter (``check_adapter``), from E060 on
to notifications (``check_notification_settings``), from E070 on to grading
(``check_grading_settings``), from E080 on to cached reads (``check_cache_settings``), from
E100 on to the outbox and webhooks (``check_event_settings``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from importlib.util import find_spec
from typing import Any

import django
from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning

from learnplat.adapter import adapter_class_problem
from learnplat.conf import DEFAULTS, IMPORT_STRINGS, SETTINGS_NAME, settings
from learnplat.evaluation.registry import KIND_NAME, evaluator_class_problem
from learnplat.evaluation.validation import is_number
from learnplat.roles import Role

REQUIRED_APPS = (
    "rest_framework",
    "drf_spectacular",
    "learnplat.courses",
    "learnplat.submissions",
    "learnplat.progress",
)


def _error(msg: str, hint: str, n: int) -> Error:
    return Error(msg, hint=hint, obj=SETTINGS_NAME, id=f"learnplat.E{n:03d}")


def _dotted_paths(key: str, value: Any) -> list[tuple[str, str]]:
    """(where, dotted path) pairs of a setting that holds import strings."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found.append((key, value))
    elif isinstance(value, list | tuple):
        found += [(key, v) for v in value if isinstance(v, str)]
    elif isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            found += _dotted_paths(f"{key}[{sub_key!r}]", sub_value)
    return found


def _valid_rate(rate: Any) -> bool:
    """A DRF throttle rate: ``"30/min"``, ``"5/hour"``, ``"1000/day"``, ``"2/s"``."""
    if not isinstance(rate, str) or rate.count("/") != 1:
        return False
    number, period = rate.split("/")
    return number.isdecimal() and period[:1] in {"s", "m", "h", "d"}


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping):
        return [
            _error(
                f"{SETTINGS_NAME} must be a dict, not {type(raw).__name__}.", "Set it to a dict.", 1
            )
        ]
    errors: list[CheckMessage] = []
    for key in raw:
        if key not in DEFAULTS:
            errors.append(
                _error(
                    f"Unknown key {SETTINGS_NAME}[{key!r}].",
                    "See docs/settings.md for the keys learnplat reads.",
                    2,
                )
            )
    for key, default in DEFAULTS.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(default, Mapping) and not isinstance(value, Mapping):
            errors.append(_error(f"{SETTINGS_NAME}[{key!r}] must be a dict.", "", 4))
        elif isinstance(default, int) and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            errors.append(_error(f"{SETTINGS_NAME}[{key!r}] must be a positive integer.", "", 4))
        elif isinstance(default, list) and not isinstance(value, list | tuple):
            errors.append(_error(f"{SETTINGS_NAME}[{key!r}] must be a list.", "", 4))
    if errors:
        return errors
    merged = settings.as_dict()
    for scope, rate in merged["THROTTLE_RATES"].items():
        if rate is not None and not _valid_rate(rate):
            errors.append(
                _error(
                    f"{SETTINGS_NAME}['THROTTLE_RATES'][{scope!r}] = {rate!r} is not a rate.",
                    'Use "<number>/<second|minute|hour|day>" (e.g. "30/min") or None.',
                    4,
                )
            )
    for key in sorted(IMPORT_STRINGS):
        for where, path in _dotted_paths(key, merged[key]):
            try:
                settings.import_from(path)
            except ImportError as exc:
                errors.append(
                    _error(
                        f"{SETTINGS_NAME}[{where}] = {path!r} cannot be imported: {exc}",
                        "Give the full dotted path of an importable attribute.",
                        3,
                    )
                )
    if merged["MAX_PAGE_SIZE"] < merged["PAGE_SIZE"]:
        errors.append(_error("MAX_PAGE_SIZE is smaller than PAGE_SIZE.", "Raise MAX_PAGE_SIZE.", 4))
    unknown_roles = [r for r in merged["REGISTRATION_ROLES"] if r not in Role.values]
    if unknown_roles or not merged["REGISTRATION_ROLES"]:
        errors.append(
            _error(
                f"REGISTRATION_ROLES must be a non-empty list of {Role.values}, "
                f"got {merged['REGISTRATION_ROLES']!r}.",
                'The default is ["student"].',
                7,
            )
        )
    return errors


#: EVALUATION keys that hold a number of seconds, and the smallest value each accepts.
_EVALUATION_SECONDS = {
    "LEASE_SECONDS": 0,
    "GRADER_LEASE_SECONDS": 0,
    "TIME_LIMIT_SECONDS": 0,
    "STALE_QUEUED_SECONDS": 0,
    "RETRY_BACKOFF_SECONDS": None,  # 0 allowed
}


@register(Tags.compatibility)
def check_evaluation(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("EVALUATION", {}), Mapping):
        return []  # reported by check_settings
    errors: list[CheckMessage] = []
    for key in raw.get("EVALUATION", {}):
        if key not in DEFAULTS["EVALUATION"]:
            errors.append(_error(f"Unknown key EVALUATION[{key!r}].", "See docs/settings.md.", 30))
    evaluation = settings.EVALUATION
    for key, minimum in _EVALUATION_SECONDS.items():
        value = evaluation[key]
        if not is_number(value) or value < 0 or (minimum is not None and value <= minimum):
            bound = "at least 0" if minimum is None else "greater than 0"
            errors.append(_error(f"EVALUATION[{key!r}] must be a number {bound}.", "", 30))
    max_tries = evaluation["MAX_TRIES"]
    if not isinstance(max_tries, int) or isinstance(max_tries, bool) or max_tries < 1:
        errors.append(_error("EVALUATION['MAX_TRIES'] must be a positive integer.", "", 30))
    if errors:
        return errors
    if evaluation["LEASE_SECONDS"] <= evaluation["TIME_LIMIT_SECONDS"]:
        errors.append(
            _error(
                "EVALUATION['LEASE_SECONDS'] must be longer than TIME_LIMIT_SECONDS.",
                "Otherwise a slow but healthy evaluation loses its lease and runs twice.",
                30,
            )
        )
    other_line = _check_tasks_module()
    if other_line:
        # Loading a backend of the other Django line fails or mixes two tasks APIs: the
        # version message says what to write, the backend errors would only repeat it.
        return errors + other_line
    errors += _check_task_backend(evaluation["TASK_BACKEND"], evaluation["QUEUE_NAME"])
    return errors


def tasks_settings_hint(django_major: int) -> str:
    """The settings that give Django ``django_major`` (5 or 6) the tasks API, as README.md says."""
    if django_major >= 6:
        return (
            "Django 6 has the tasks API built in (django.tasks) and needs no app for it; "
            "settings.py: "
            'TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}'
        )
    return (
        "Django 5.2 takes the tasks API from the django-tasks backport; settings.py: "
        'INSTALLED_APPS += ["django_tasks"] and '
        'TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}'
    )


def _check_tasks_module() -> list[CheckMessage]:
    """TASKS and INSTALLED_APPS must use the tasks API of the Django version that runs."""
    from learnplat.compat import TASKS_MODULE, task_backends

    hint = tasks_settings_hint(django.VERSION[0])
    other = "django_tasks" if TASKS_MODULE == "django.tasks" else "django.tasks"
    errors: list[CheckMessage] = []
    for alias, params in task_backends.settings.items():
        backend = params.get("BACKEND") if isinstance(params, Mapping) else None
        if isinstance(backend, str) and backend.startswith(f"{other}."):
            errors.append(
                _error(
                    f"TASKS[{alias!r}] uses {backend!r}, which is for Django "
                    f"{'5.2' if other == 'django_tasks' else '6'}; this is Django "
                    f"{django.get_version()}.",
                    hint,
                    31,
                )
            )
    if TASKS_MODULE == "django_tasks" and not apps.is_installed("django_tasks"):
        errors.append(
            _error(
                "On Django 5.2 learnplat uses the django-tasks backport, which is not in "
                "INSTALLED_APPS.",
                hint,
                31,
            )
        )
    return errors


def _check_task_backend(
    alias: Any, queue_name: Any, *, setting: str = "EVALUATION", n: int = 30
) -> list[CheckMessage]:
    from learnplat.compat import task_backends

    if not isinstance(alias, str) or alias not in task_backends.settings:
        return [
            _error(
                f"{setting}['TASK_BACKEND'] = {alias!r} is not an alias in TASKS "
                f"(known aliases: {sorted(task_backends.settings)}).",
                tasks_settings_hint(django.VERSION[0]),
                n,
            )
        ]
    try:
        backend = task_backends[alias]
    except Exception as exc:
        return [
            _error(
                f"The task backend {alias!r} cannot be loaded: {exc}",
                tasks_settings_hint(django.VERSION[0]),
                n,
            )
        ]
    if not isinstance(queue_name, str) or (backend.queues and queue_name not in backend.queues):
        return [
            _error(
                f"{setting}['QUEUE_NAME'] = {queue_name!r} is not a queue of the task "
                f"backend {alias!r}.",
                f'Add it to TASKS[{alias!r}]["QUEUES"].',
                n,
            )
        ]
    return []


@register(Tags.compatibility)
def check_notification_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("NOTIFICATIONS", {}), Mapping):
        return []  # check_settings reports these
    defaults = DEFAULTS["NOTIFICATIONS"]
    errors: list[CheckMessage] = []
    hint = "See docs/settings.md#notifications."
    for key in raw.get("NOTIFICATIONS", {}):
        if key not in defaults:
            errors.append(_error(f"Unknown key NOTIFICATIONS[{key!r}].", hint, 60))
    notifications = settings.NOTIFICATIONS
    hours = notifications["DEADLINE_SOON_HOURS"]
    if not is_number(hours) or hours <= 0:
        errors.append(_error("NOTIFICATIONS['DEADLINE_SOON_HOURS'] must be a number > 0.", "", 60))
    preferences = notifications["DEFAULT_PREFERENCES"]
    kinds = defaults["DEFAULT_PREFERENCES"]
    channels = next(iter(kinds.values()))
    if not isinstance(preferences, Mapping):
        preferences = {}
        errors.append(_error("NOTIFICATIONS['DEFAULT_PREFERENCES'] must be a dict.", hint, 60))
    for kind, chosen in preferences.items():
        name = f"NOTIFICATIONS['DEFAULT_PREFERENCES'][{kind!r}]"
        if kind not in kinds:
            errors.append(
                _error(f"{name} is not a notification kind.", _closest(kind, kinds, ""), 60)
            )
        elif not isinstance(chosen, Mapping) or any(
            channel not in channels or not isinstance(on, bool) for channel, on in chosen.items()
        ):
            errors.append(
                _error(f"{name} must map the channels in_app and email to booleans.", hint, 60)
            )
    if errors:
        return errors
    return _check_task_backend(
        notifications["TASK_BACKEND"], notifications["QUEUE_NAME"], setting="NOTIFICATIONS", n=60
    )


@register(Tags.compatibility)
def check_grading_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("GRADING", {}), Mapping):
        return []  # check_settings reports these
    errors: list[CheckMessage] = []
    hint = "See docs/settings.md#grading."
    for key in raw.get("GRADING", {}):
        if key not in DEFAULTS["GRADING"]:
            errors.append(_error(f"Unknown key GRADING[{key!r}].", hint, 70))
    grading = settings.GRADING
    limit = grading["SYNC_RECOMPUTE_MAX_STUDENTS"]
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        errors.append(
            _error("GRADING['SYNC_RECOMPUTE_MAX_STUDENTS'] must be an integer >= 0.", hint, 70)
        )
    for key in ("IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS"):
        value = grading[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(_error(f"GRADING[{key!r}] must be an integer >= 1.", hint, 70))
    ttl = grading["CLAIM_TTL_SECONDS"]
    if not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 1:
        errors.append(_error("GRADING['CLAIM_TTL_SECONDS'] must be an integer >= 1.", hint, 70))
    if errors:
        return errors
    return _check_task_backend(
        grading["TASK_BACKEND"], grading["QUEUE_NAME"], setting="GRADING", n=70
    )


@register(Tags.compatibility)
def check_cache_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("CACHE", {}), Mapping):
        return []  # check_settings reports these
    errors: list[CheckMessage] = []
    hint = "See docs/settings.md#cache."
    for key in raw.get("CACHE", {}):
        if key not in DEFAULTS["CACHE"]:
            errors.append(_error(f"Unknown key CACHE[{key!r}].", hint, 80))
    cache = settings.CACHE
    if cache["ALIAS"] not in getattr(django_settings, "CACHES", {"default": {}}):
        errors.append(_error(f"CACHE['ALIAS'] {cache['ALIAS']!r} is not in CACHES.", hint, 80))
    timeout = cache["TIMEOUT"]
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        errors.append(_error("CACHE['TIMEOUT'] must be an integer >= 1 (seconds).", hint, 80))
    if not isinstance(cache["ENABLED"], bool):
        errors.append(_error("CACHE['ENABLED'] must be True or False.", hint, 80))
    return errors


@register(Tags.compatibility)
def check_evaluators(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every configured task kind must name an importable evaluator class."""
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("EVALUATORS", {}), Mapping):
        return []  # E001 / E004 report these
    errors: list[CheckMessage] = []
    timeout = raw.get("REGEX_TIMEOUT_SECONDS", DEFAULTS["REGEX_TIMEOUT_SECONDS"])
    if not is_number(timeout) or timeout <= 0:
        errors.append(
            _error(
                f"{SETTINGS_NAME}['REGEX_TIMEOUT_SECONDS'] must be a number of seconds "
                f"greater than 0, not {timeout!r}.",
                "The default is 1.0.",
                4,
            )
        )
    hint = "Map the kind to the dotted path of an Evaluator subclass, or to None to remove it."
    for kind, path in settings.EVALUATORS.items():
        where = f"{SETTINGS_NAME}['EVALUATORS'][{kind!r}]"
        if path is None:
            continue
        if not isinstance(kind, str) or not KIND_NAME.fullmatch(kind):
            errors.append(
                _error(
                    f"{where}: a kind name is 1 to 50 letters, digits, dots, hyphens or "
                    "underscores.",
                    "Task.kind stores it, so it must fit there.",
                    20,
                )
            )
        if not isinstance(path, str):
            errors.append(_error(f"{where} must be a dotted path or None.", hint, 20))
            continue
        try:
            evaluator_class = settings.import_from(path)
        except ImportError:
            continue  # E003 reports it
        problem = evaluator_class_problem(evaluator_class)
        if problem:
            errors.append(_error(f"{where} = {path!r}: {problem}", hint, 20))
    return errors


@register(Tags.compatibility)
def check_installed_apps(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for app in REQUIRED_APPS:
        if not apps.is_installed(app):
            errors.append(_error(f"{app!r} must be in INSTALLED_APPS for learnplat.", "", 6))
    return errors


@register(Tags.security)
def check_token_blacklist(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Refresh rotation, logout and password change all revoke refresh tokens through the
    # blacklist, so the auth endpoints cannot work safely without it.
    if apps.is_installed("learnplat.accounts") and not apps.is_installed(
        "rest_framework_simplejwt.token_blacklist"
    ):
        return [
            _error(
                "learnplat's auth endpoints rotate and revoke refresh tokens, but "
                "'rest_framework_simplejwt.token_blacklist' is not in INSTALLED_APPS.",
                "Add 'rest_framework_simplejwt.token_blacklist' to INSTALLED_APPS and migrate.",
                5,
            )
        ]
    return []


@register(Tags.compatibility)
def check_progress_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("PROGRESS", {}), Mapping):
        return []  # check_settings reports these
    progress = settings.PROGRESS
    errors: list[CheckMessage] = []
    threshold = progress["COMPLETION_THRESHOLD"]
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 1
    ):
        errors.append(
            _error(
                "PROGRESS['COMPLETION_THRESHOLD'] must be a number from 0 to 1, "
                f"got {threshold!r}.",
                "1.0 means full marks; 0.5 half of max_score.",
                40,
            )
        )
    kinds = progress["COMPLETE_WHEN_GRADED_KINDS"]
    if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
        errors.append(
            _error(
                f"PROGRESS['COMPLETE_WHEN_GRADED_KINDS'] must be a list of task kinds, "
                f"got {kinds!r}.",
                'The default is ["manual"].',
                40,
            )
        )
    return errors


_LIST_KEYS = "`python manage.py learnplat_keys` lists every key with its defaults."


def _closest(name: Any, valid: Iterable[str], listing: str) -> str:
    """A hint naming the valid key closest to ``name``, then where to find them all."""
    valid = sorted(valid)
    close = difflib.get_close_matches(str(name), valid, n=1) if isinstance(name, str) else []
    guess = f"Did you mean {close[0]!r}? " if close else ""
    return guess + (listing or f"Valid keys: {', '.join(valid)}.")


def _unknown_keys(
    setting: str, valid: Iterable[str], n: int, reason: str, listing: str = ""
) -> list[CheckMessage]:
    """An error for each key of ``LEARNPLAT[setting]`` outside ``valid``."""
    raw = getattr(django_settings, SETTINGS_NAME, {})
    given = raw.get(setting, {}) if isinstance(raw, Mapping) else {}
    if not isinstance(given, Mapping):
        return []  # E001 / E004 report these
    valid = list(valid)
    return [
        _error(
            f"{SETTINGS_NAME}[{setting!r}][{key!r}]: {reason}",
            _closest(key, valid, listing),
            n,
        )
        for key in given
        if key not in valid
    ]


@register(Tags.compatibility)
def check_override_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Keys of ``PERMISSIONS``, ``SERIALIZERS``, ``THROTTLE_RATES`` and ``ROLE_GROUPS`` must
    be ones learnplat reads: a typo would otherwise leave the default silently in force."""
    from learnplat import keys

    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping):
        return []  # E001
    errors: list[CheckMessage] = []
    if "PERMISSIONS" in raw or "SERIALIZERS" in raw:
        try:
            permission_keys, serializer_keys = keys.permission_keys(), keys.serializer_keys()
        except Exception as exc:
            return [
                _error(
                    f"The keys of {SETTINGS_NAME}['PERMISSIONS'] and ['SERIALIZERS'] cannot be "
                    f"checked: {keys.URLCONF} fails to load ({type(exc).__name__}: {exc}).",
                    "Fix the error above; learnplat's views are listed from that URLconf.",
                    14,
                )
            ]
        errors += _unknown_keys(
            "PERMISSIONS",
            permission_keys,
            10,
            "no learnplat view looks up this key, so the override would be ignored.",
            _LIST_KEYS,
        )
        errors += _unknown_keys(
            "SERIALIZERS",
            serializer_keys,
            11,
            "no learnplat view takes a serializer from this key (an unknown key, or an "
            "action that answers with no body or with another key's serializer), so the "
            "override would be ignored.",
            _LIST_KEYS,
        )
    if "THROTTLE_RATES" in raw:
        errors += _unknown_keys(
            "THROTTLE_RATES",
            keys.throttle_scopes(),
            12,
            "no learnplat throttle reads this scope, so the rate would be ignored.",
        )
    errors += _unknown_keys(
        "ROLE_GROUPS",
        keys.ROLE_GROUP_KEYS,
        13,
        "only the roles 'instructor' and 'admin' have a group (everyone else is a student).",
    )
    return errors


@register(Tags.compatibility)
def check_rest_framework_classes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The pagination class is one, and the authentication in force accepts learnplat's JWTs.

    Both may come from the host's ``REST_FRAMEWORK`` (docs/settings.md), which the host may
    have written for its own views without learnplat's in mind.
    """
    from rest_framework.pagination import BasePagination

    from learnplat.authentication import JWTAuthentication

    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping):
        return []  # E001
    errors: list[CheckMessage] = []
    pagination = settings.PAGINATION_CLASS
    where = (
        f"{SETTINGS_NAME}['PAGINATION_CLASS']"
        if settings.source("PAGINATION_CLASS") != "REST_FRAMEWORK"
        else "REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS']"
    )
    try:
        pagination_class = settings.import_value(pagination)
    except ImportError:
        pagination_class = None  # E003 reports LEARNPLAT's; DRF's own views fail on the host's
    if pagination_class is not None and not (
        isinstance(pagination_class, type) and issubclass(pagination_class, BasePagination)
    ):
        errors.append(
            _error(
                f"{where} = {pagination!r} is not a pagination class.",
                "Name a subclass of rest_framework.pagination.BasePagination; the default is "
                f"{DEFAULTS['PAGINATION_CLASS']!r}.",
                15,
            )
        )
    if apps.is_installed("learnplat.accounts"):
        try:
            authenticators = settings.import_list(settings.AUTHENTICATION_CLASSES)
        except (ImportError, TypeError):
            return errors  # E003 / E004 report LEARNPLAT's; DRF's views fail on the host's
        if not any(
            isinstance(cls, type) and issubclass(cls, JWTAuthentication) for cls in authenticators
        ):
            from_host = settings.source("AUTHENTICATION_CLASSES") == "REST_FRAMEWORK"
            where = (
                "REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']"
                if from_host
                else f"{SETTINGS_NAME}['AUTHENTICATION_CLASSES']"
            )
            hint = "Add 'learnplat.authentication.JWTAuthentication' there" + (
                f", or set {SETTINGS_NAME}['AUTHENTICATION_CLASSES'] for learnplat's views alone."
                if from_host
                else "."
            )
            errors.append(
                CheckWarning(
                    f"learnplat's views authenticate with {where}, which has no "
                    "learnplat.authentication.JWTAuthentication: the tokens auth/token/ "
                    "issues are refused on learnplat's endpoints, or (with simplejwt's own "
                    "class) keep working after a deactivation or a password change.",
                    hint=hint,
                    obj=SETTINGS_NAME,
                    id="learnplat.W010",
                )
            )
    return errors


def _defined_in(cls: type, name: str) -> type:
    return next(klass for klass in cls.__mro__ if name in vars(klass))


@register(Tags.compatibility)
def check_adapter(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``ADAPTER`` must name an importable ``DefaultAdapter`` subclass."""
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping):
        return []  # E001
    path = raw.get("ADAPTER", DEFAULTS["ADAPTER"])
    where = f"{SETTINGS_NAME}['ADAPTER']"
    hint = "Give the dotted path of a learnplat.adapter.DefaultAdapter subclass (docs/adapter.md)."
    if not isinstance(path, str):
        return [_error(f"{where} must be a dotted path, not {path!r}.", hint, 50)]
    try:
        adapter_class = settings.import_from(path)
    except ImportError as exc:
        return [_error(f"{where} = {path!r} cannot be imported: {exc}", hint, 50)]
    problem = adapter_class_problem(adapter_class)
    if problem is not None:
        return [_error(f"{where} = {path!r}: {problem}", hint, 51)]
    resolver = _defined_in(adapter_class, "resolve_role")

    def inherited(name: str) -> bool:
        definer = _defined_in(adapter_class, name)
        return definer is not resolver and issubclass(resolver, definer)

    stale = [f"{name}()" for name in ("role_expression", "can_write_roles") if inherited(name)]
    # An inherited writer does no harm where the adapter says roles cannot be written.
    if inherited("write_role") and adapter_class().can_write_roles():
        stale.append("write_role()")
    if stale:
        return [
            CheckWarning(
                f"{path} overrides resolve_role() but inherits {', '.join(stale)} from a "
                "class that reads roles another way, so role changes, user lists and "
                "?role= filters may disagree with the roles it resolves.",
                hint="Override them in the same class; return False from can_write_roles() "
                "or None from role_expression() when roles cannot be written or queried.",
                obj=SETTINGS_NAME,
                id="learnplat.W052",
            )
        ]
    return []


def _positive(value: Any) -> bool:
    return is_number(value) and value > 0


@register(Tags.compatibility)
def check_event_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping):
        return []  # check_settings reports it
    errors: list[CheckMessage] = []
    for name, n in (("EVENTS", 100), ("WEBHOOKS", 101)):
        if not isinstance(raw.get(name, {}), Mapping):
            return []  # check_settings reports these
        for key in raw.get(name, {}):
            if key not in DEFAULTS[name]:
                errors.append(
                    _error(
                        f"Unknown key {name}[{key!r}].", f"See docs/settings.md#{name.lower()}.", n
                    )
                )
    events, webhooks = settings.EVENTS, settings.WEBHOOKS
    for key in ("MAX_TRIES", "BATCH_SIZE"):
        value = events[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(_error(f"EVENTS[{key!r}] must be an integer >= 1.", "", 100))
    for key in ("RETRY_BACKOFF_SECONDS", "MAX_BACKOFF_SECONDS", "LEASE_SECONDS"):
        if not _positive(events[key]):
            errors.append(_error(f"EVENTS[{key!r}] must be a number > 0 (seconds).", "", 100))
    if events["RETENTION_DAYS"] is not None and not _positive(events["RETENTION_DAYS"]):
        errors.append(
            _error("EVENTS['RETENTION_DAYS'] must be a number of days > 0, or None.", "", 100)
        )
    for key in ("TIMEOUT_SECONDS", "SECRET_OVERLAP"):
        if not _positive(webhooks[key]):
            errors.append(_error(f"WEBHOOKS[{key!r}] must be a number > 0 (seconds).", "", 101))
    length = webhooks["MAX_URL_LENGTH"]
    if not isinstance(length, int) or isinstance(length, bool) or not 10 <= length <= 2000:
        errors.append(
            _error("WEBHOOKS['MAX_URL_LENGTH'] must be an integer from 10 to 2000.", "", 101)
        )
    if (
        _positive(events["LEASE_SECONDS"])
        and _positive(webhooks["TIMEOUT_SECONDS"])
        and events["LEASE_SECONDS"] <= 2 * webhooks["TIMEOUT_SECONDS"]
    ):
        errors.append(
            _error(
                "EVENTS['LEASE_SECONDS'] must be more than twice WEBHOOKS['TIMEOUT_SECONDS']: "
                "a sender hands back claims with less lease left than that.",
                "",
                100,
            )
        )
    if not isinstance(webhooks["ALLOW_PRIVATE_URLS"], bool):
        errors.append(_error("WEBHOOKS['ALLOW_PRIVATE_URLS'] must be True or False.", "", 101))
    if apps.is_installed("learnplat.events"):
        missing = [m for m in ("standardwebhooks", "requests") if find_spec(m) is None]
        if missing:
            errors.append(
                _error(
                    f"learnplat.events needs {' and '.join(missing)}.",
                    'pip install "learnplat[webhooks]"',
                    102,
                )
            )
    if errors or not apps.is_installed("learnplat.events"):
        return errors
    return _check_task_backend(
        events["TASK_BACKEND"], events["QUEUE_NAME"], setting="EVENTS", n=100
    )
