"""Prometheus metrics (the optional extra ``learnplat[metrics]``: prometheus-client).

Without prometheus-client installed every ``observe_*`` / ``count_*`` function here does
nothing, so learnplat's flows call them unconditionally. With it:

- :class:`MetricsMiddleware` times every request: ``learnplat_http_request_duration_seconds``
  (histogram by ``route`` — the URL's name, else its pattern, never the path, so ids do not
  multiply series —
  ``method`` and ``status``).
- The evaluation pipeline records ``learnplat_evaluation_duration_seconds`` (by ``kind`` and
  ``outcome``), ``learnplat_submission_graded_seconds`` (submit → graded) and
  ``learnplat_sweeper_total`` (``requeued_lease``, ``failed_lease``, ``requeued_lost``).
- At scrape time the collectors of ``LEARNPLAT["METRICS"]["COLLECTORS"]`` read the database:
  ``learnplat_submissions`` (by ``status``) and ``learnplat_queue_depth`` (queued submissions
  by ``queue``: the task backend for in-process kinds, ``external:<name>`` for graders).
- :func:`metrics_view` serves them all. Under gunicorn with several workers set
  ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, cleared at start) and mark dead workers in
  ``child_exit`` (the example project's ``gunicorn.conf.py``): the view then adds up every
  worker's values, as prometheus-client's multiprocess mode does.

Access: with ``LEARNPLAT["METRICS"]["TOKEN"]`` set, the view wants
``Authorization: Bearer <token>`` (else 401); without a token it answers only when ``DEBUG``
is on (else 404, as if it were not there).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learnplat.conf import settings

try:
    import prometheus_client
    from prometheus_client import multiprocess
except ImportError:  # the extra is not installed: every metric is a no-op
    prometheus_client = None  # type: ignore[assignment]

#: Buckets for request and evaluation durations (seconds): 5 ms to 30 s.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
#: Buckets for submit → graded (seconds): a queue can hold work for minutes.
GRADED_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


def enabled() -> bool:
    return prometheus_client is not None


@cache
def _metrics() -> dict[str, Any]:
    # Created on first use, after PROMETHEUS_MULTIPROC_DIR is in the environment.
    assert prometheus_client is not None
    p = prometheus_client
    return {
        "http": p.Histogram(
            "learnplat_http_request_duration_seconds",
            "Time to answer a request, by URL name (else pattern), method and status.",
            ["route", "method", "status"],
            buckets=DURATION_BUCKETS,
        ),
        "evaluation": p.Histogram(
            "learnplat_evaluation_duration_seconds",
            "Time to evaluate and record one submission, by task kind and outcome.",
            ["kind", "outcome"],
            buckets=DURATION_BUCKETS,
        ),
        "graded": p.Histogram(
            "learnplat_submission_graded_seconds",
            "Time from a submission to its grade (automatic evaluation).",
            buckets=GRADED_BUCKETS,
        ),
        "sweeper": p.Counter(
            "learnplat_sweeper",
            "What the sweeper did: leases requeued or failed, lost queue entries requeued.",
            ["action"],
        ),
        "deliveries": p.Counter(
            "learnplat_outbox_deliveries",
            "Outbox delivery attempts, by sink and outcome (delivered, retry, failed).",
            ["sink", "outcome"],
        ),
    }


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    if enabled():
        _metrics()["http"].labels(route, method, str(status)).observe(seconds)


def observe_evaluation(*, kind: str, outcome: str, seconds: float) -> None:
    if enabled():
        _metrics()["evaluation"].labels(kind, outcome).observe(seconds)


def observe_graded(*, seconds: float) -> None:
    if enabled():
        _metrics()["graded"].observe(max(seconds, 0.0))


def count_sweep(*, requeued_leases: int, failed_leases: int, requeued_lost: int) -> None:
    if not enabled():
        return
    counter = _metrics()["sweeper"]
    for action, n in (
        ("requeued_lease", requeued_leases),
        ("failed_lease", failed_leases),
        ("requeued_lost", requeued_lost),
    ):
        if n:
            counter.labels(action).inc(n)


def count_delivery(*, sink: str, outcome: str) -> None:
    if enabled():
        _metrics()["deliveries"].labels(sink, outcome).inc()


class MetricsMiddleware:
    """Times each request; put it right after ``RequestIDMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The URL's name (``course-detail``), else its pattern: a bounded set either way.
        route = "<unmatched>" if match is None else match.view_name or f"/{match.route}"
        observe_request(
            route=route,
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


def _collectors() -> Iterable[Any]:
    for path in settings.METRICS["COLLECTORS"]:
        yield import_string(path)()


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type (every worker's, in multiprocess mode)."""
    assert prometheus_client is not None
    p = prometheus_client
    _metrics()  # this process's metrics are listed even before their first sample
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        own = p.CollectorRegistry()
        multiprocess.MultiProcessCollector(own)
    else:
        own = p.REGISTRY
    scraped = p.CollectorRegistry()
    for collector in _collectors():
        scraped.register(collector)
    # Two registries, distinct names: their texts concatenate into one valid exposition.
    return p.generate_latest(own) + p.generate_latest(scraped), p.CONTENT_TYPE_LATEST


def _allowed(request: HttpRequest) -> bool | None:
    """True: serve; False: 401; None: 404."""
    token = settings.METRICS["TOKEN"]
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return True if django_settings.DEBUG else None


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    allowed = _allowed(request)
    if allowed is None or not enabled():
        return HttpResponse(status=404)
    if not allowed:
        response = HttpResponse("Bearer token required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
