"""Recording learnplat's spans in tests (tests/core/test_tracing.py and the worker tests).

:func:`spans` is the fixture: the OpenTelemetry SDK with an in-memory exporter, installed as
the process's tracer provider on first use (a process can set it once). :class:`JSONLinesExporter`
is what a worker subprocess uses instead (``LEARNPLAT_TEST_TRACES``, tests/projects/workers):
one JSON object per finished span, appended to a file the test reads.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_exporter = InMemorySpanExporter()


def install(exporter: SpanExporter) -> None:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    install(_exporter)
    _exporter.clear()
    yield _exporter
    _exporter.clear()


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def one(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    (found,) = named(exporter, name)
    return found


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


class JSONLinesExporter(SpanExporter):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [
            json.dumps(
                {
                    "name": s.name,
                    "trace_id": s.context.trace_id,
                    "span_id": s.context.span_id,
                    "parent_id": parent_id(s),
                    "kind": s.kind.name,
                    "attributes": dict(s.attributes or {}),
                }
            )
            for s in spans
        ]
        with self._lock, self.path.open("a") as out:
            out.writelines(line + "\n" for line in lines)
        return SpanExportResult.SUCCESS


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]
