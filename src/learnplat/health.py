"""Liveness and readiness views for load balancers and orchestrators.

- :func:`healthz`: the process answers; no I/O, so a slow database never restarts a healthy
  web process.
- :func:`readyz`: every check in ``LEARNPLAT["HEALTH"]["READINESS_CHECKS"]`` passes → 200;
  otherwise 503 naming each failing part (and only the exception's class: readiness output
  is often reachable from further than logs are)::

      {"status": "unavailable", "failing": ["cache"],
       "checks": {"database": "ok", "cache": "ConnectionError", "tasks": "ok"}}

A check is a callable taking no arguments that raises when its dependency is unusable.
learnplat's own: :func:`check_database` (every alias in ``DATABASES``), :func:`check_cache`
(the ``default`` cache: a write and a read) and :func:`check_tasks` (the evaluation's task
backend passes its own system checks). learnplat imports no queue library, so a host on RQ
adds a ping of its Redis (the example project's ``config/health.py`` does)::

    LEARNPLAT = {"HEALTH": {"READINESS_CHECKS": {
        "database": "learnplat.health.check_database",
        "cache": "learnplat.health.check_cache",
        "tasks": "myproject.health.check_rq",
    }}}

Include them where the host wants them (``path("readyz", learnplat.health.readyz)``); they
need no authentication and answer JSON only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learnplat.compat import task_backends
from learnplat.conf import settings

logger = logging.getLogger("learnplat.health")


def check_database() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_cache() -> None:
    cache = caches["default"]
    key = f"learnplat:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) != "1":
            # A dummy cache (or one that drops writes) cannot serve cached reads.
            raise RuntimeError("the cache does not keep what is written to it")
    finally:
        cache.delete(key)


def check_tasks() -> None:
    backend = task_backends[settings.EVALUATION["TASK_BACKEND"]]
    errors = [message for message in backend.check() if message.is_serious()]
    if errors:
        raise RuntimeError("; ".join(str(message.msg) for message in errors))


def readiness_checks() -> dict[str, Callable[[], None]]:
    configured = settings.HEALTH["READINESS_CHECKS"]
    # A check set to None is switched off (the setting is merged onto the defaults).
    return {
        name: import_string(path) if isinstance(path, str) else path
        for name, path in configured.items()
        if path is not None
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception as exc:
            logger.warning("Readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = type(exc).__name__
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return JsonResponse(
            {"status": "unavailable", "failing": failing, "checks": results}, status=503
        )
    return JsonResponse({"status": "ok", "checks": results})
