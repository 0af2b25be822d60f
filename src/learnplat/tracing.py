"""OpenTelemetry traces (the optional extra ``learnplat[otel]``: opentelemetry-api).

Without opentelemetry-api installed every function here does nothing, so learnplat's flows
call them unconditionally. With it, learnplat makes spans through the API only, under the
tracer ``learnplat``; the host decides where they go by configuring the SDK (a
``TracerProvider`` and an exporter, usually OTLP) as for any other instrumented library. Until
a host does, the API's default provider drops them at next to no cost.

One submission is one trace across processes::

    POST tasks/{id}/submissions/          (SERVER: TracingMiddleware, or the host's own
    └── learnplat.submit                   Django instrumentation when it has one)
        └── learnplat.enqueue             (PRODUCER: the trace context goes into the job)
            └── learnplat.evaluate        (CONSUMER: in the worker process, the job's context
                └── learnplat.progress     is its parent)

Attributes name ids and outcomes (``learnplat.submission_id``, ``learnplat.task_id``,
``learnplat.course_id``, ``learnplat.outcome``, ``learnplat.request_id``), never an answer, a
token or a grader's secret: :func:`span` keeps only the names in :data:`ATTRIBUTES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

from learnplat import context

try:
    from opentelemetry import context as otel_context
    from opentelemetry import propagate, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError:  # the extra is not installed: every span is a no-op
    trace = None  # type: ignore[assignment]

TRACER_NAME = "learnplat"

#: The attributes a learnplat span may carry; anything else given to :func:`span` is
#: dropped, so no caller can put an answer or a secret into a trace by accident.
ATTRIBUTES = frozenset(
    {
        "learnplat.submission_id",
        "learnplat.task_id",
        "learnplat.course_id",
        "learnplat.user_id",
        "learnplat.outcome",
        "learnplat.request_id",
        "learnplat.kind",
        "learnplat.queue",
        "learnplat.attempt",
        "learnplat.status",
    }
)

#: The longest trace-context value a job may carry back into a worker; a W3C
#: ``traceparent`` is 55 characters and ``tracestate`` at most 512 list members' worth.
_MAX_CARRIER_VALUE = 1024


def enabled() -> bool:
    return trace is not None


def _tracer() -> Any:
    return trace.get_tracer(TRACER_NAME)


def _clean(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in attributes.items()
        if name in ATTRIBUTES and isinstance(value, str | int | float | bool)
    }


class _NoSpan:
    """What :func:`span` yields without the extra: it takes attributes and ignores them."""

    def set_attribute(self, name: str, value: Any) -> None:
        pass

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        pass


_NO_SPAN = _NoSpan()


class _Span:
    """A learnplat span: setting an attribute goes through the same allow-list."""

    def __init__(self, span: Any) -> None:
        self._span = span

    def set_attribute(self, name: str, value: Any) -> None:
        self._span.set_attributes(_clean({name: value}))

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        self._span.set_attributes(_clean(attributes))


@contextmanager
def span(name: str, *, kind: str = "internal", **attributes: Any) -> Iterator[Any]:
    """A span named ``name`` around the block, child of the current one.

    ``attributes`` use the names of :data:`ATTRIBUTES` with ``_`` for ``.`` after the
    prefix (``submission_id=3`` is ``learnplat.submission_id``). An exception leaving the
    block marks the span as an error with the exception's type, never its message (which
    may quote an answer).
    """
    if trace is None:
        yield _NO_SPAN
        return
    span_kind = {
        "internal": SpanKind.INTERNAL,
        "producer": SpanKind.PRODUCER,
        "consumer": SpanKind.CONSUMER,
        "server": SpanKind.SERVER,
    }[kind]
    request_id = context.get("request_id")
    values = {f"learnplat.{key}": value for key, value in attributes.items()}
    if request_id:
        values["learnplat.request_id"] = request_id
    with _tracer().start_as_current_span(
        name,
        kind=span_kind,
        attributes=_clean(values),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield _Span(current)
        except BaseException as exc:
            current.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            current.set_attribute("error.type", type(exc).__qualname__)
            raise


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers (``traceparent``, ``tracestate``), for a job
    to carry into the worker; empty without the extra or outside any span."""
    if trace is None:
        return {}
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


@contextmanager
def continued(headers: Mapping[str, Any] | None) -> Iterator[None]:
    """Make the trace context in ``headers`` (from :func:`carrier`) current for the block.

    A job from an older release (no headers) or headers that are not a small string mapping
    (a job is data from the queue) start a new trace instead.
    """
    if trace is None or not isinstance(headers, Mapping):
        yield
        return
    clean = {
        str(key): value
        for key, value in headers.items()
        if isinstance(key, str) and isinstance(value, str) and len(value) <= _MAX_CARRIER_VALUE
    }
    token = otel_context.attach(propagate.extract(clean))
    try:
        yield
    finally:
        otel_context.detach(token)


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def route_template(route: str) -> str:
    """A URL pattern as a route template: ``api/tasks/<int:pk>/`` and DRF's
    ``^api/tasks/(?P<pk>[^/.]+)/$`` both become ``/api/tasks/{pk}/``."""
    template = _CONVERTER.sub(r"{\1}", _NAMED_GROUP.sub(r"{\1}", route))
    return "/" + template.removeprefix("^").removesuffix("$").lstrip("/")


class TracingMiddleware:
    """A SERVER span for every request, named ``{method} {route}`` (the URL's pattern, never
    the path, so ids do not multiply span names). Put it right after
    ``RequestIDMiddleware`` so the span carries the request id.

    When the host already traces requests (``opentelemetry-instrumentation-django``), its
    span is current here; this middleware then only adds ``learnplat.request_id`` to it,
    so a request is never two server spans.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if trace is None:
            return self.get_response(request)
        current = trace.get_current_span()
        if current.get_span_context().is_valid:
            request_id = context.get("request_id")
            if request_id and current.is_recording():
                current.set_attribute("learnplat.request_id", request_id)
            return self.get_response(request)
        method = request.method or "GET"
        parent = propagate.extract(request.headers)
        with _tracer().start_as_current_span(
            method,
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method},
            record_exception=False,
        ) as server:
            request_id = context.get("request_id")
            if request_id:
                server.set_attribute("learnplat.request_id", request_id)
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            if match is not None:
                route = route_template(match.route)
                server.update_name(f"{method} {route}")
                server.set_attribute("http.route", route)
            server.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                server.set_status(Status(StatusCode.ERROR))
            return response
