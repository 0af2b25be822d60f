"""Traces (learnplat.tracing, docs/operations.md "Traces"), recorded with the OpenTelemetry
SDK's in-memory exporter: one submission is one trace from the request to its progress, and
the trace continues from the job's carried context, not from whatever the process had."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from learnplat import tracing
from learnplat.compat import task_backends
from learnplat.submissions.models import Submission
from learnplat.submissions.tasks import evaluate_submission
from tests.projects.base import TASKS_PREFIX
from tests.spans import named, one, parent_id, spans
from tests.world import World

__all__ = ["spans"]  # the fixture

ANSWER = "4"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_one_submission_is_one_trace_from_request_to_progress(
    transactional_db: None, world: World, spans: InMemorySpanExporter
) -> None:
    # A real commit: the evaluation is enqueued (and, on the immediate backend, run) when the
    # submit flow's transaction commits, as in production.
    response = world.client(world.student).post(
        f"/api/tasks/{world.task.pk}/submissions/",
        {"answer": ANSWER},
        format="json",
        HTTP_X_REQUEST_ID="trace-req-1",
    )
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert submission.status == "graded"

    server = one(spans, "POST /api/tasks/{task_pk}/submissions/")
    submit = one(spans, "learnplat.submit")
    enqueue = one(spans, "learnplat.enqueue")
    evaluate = one(spans, "learnplat.evaluate")
    progress = next(
        s for s in named(spans, "learnplat.progress") if parent_id(s) == evaluate.context.span_id
    )
    chain = [server, submit, enqueue, evaluate, progress]
    assert {s.context.trace_id for s in chain} == {server.context.trace_id}
    assert server.parent is None
    assert [parent_id(s) for s in chain[1:]] == [s.context.span_id for s in chain[:-1]]
    assert [s.kind for s in chain] == [
        SpanKind.SERVER,
        SpanKind.INTERNAL,
        SpanKind.PRODUCER,
        SpanKind.CONSUMER,
        SpanKind.INTERNAL,
    ]
    assert server.attributes["http.route"] == "/api/tasks/{task_pk}/submissions/"
    assert server.attributes["http.response.status_code"] == 201
    assert submit.attributes["learnplat.submission_id"] == submission.pk
    assert submit.attributes["learnplat.task_id"] == world.task.pk
    assert submit.attributes["learnplat.outcome"] == "created"
    assert evaluate.attributes["learnplat.outcome"] == "graded"
    assert progress.attributes["learnplat.status"] == "graded"
    # Every span of the request carries its id: a trace and a log line find each other.
    assert {s.attributes["learnplat.request_id"] for s in chain} == {"trace-req-1"}


def test_the_worker_continues_the_trace_from_the_job_not_from_its_own_context(
    transactional_db: None,
    world: World,
    spans: InMemorySpanExporter,
    learnplat_settings: Any,
    settings: Any,
) -> None:
    # The dummy backend stores the job instead of running it, as a real queue would.
    settings.TASKS = {
        **settings.TASKS,
        "queue": {"BACKEND": f"{TASKS_PREFIX}.backends.dummy.DummyBackend"},
    }
    learnplat_settings(EVALUATION={"TASK_BACKEND": "queue"})

    response = world.client(world.student).post(
        f"/api/tasks/{world.task.pk}/submissions/", {"answer": ANSWER}, format="json"
    )
    assert response.status_code == 201, response.content
    (job,) = task_backends["queue"].results
    carried = job.kwargs["trace_context"]
    assert set(carried) >= {"traceparent"}
    assert named(spans, "learnplat.evaluate") == []
    enqueue = one(spans, "learnplat.enqueue")

    # The worker: an empty context, so nothing of the request's trace is current there (as
    # in another process); only what the job carries can link the run to the request.
    outcome = [contextvars.Context().run(evaluate_submission.call, *job.args, **job.kwargs)]

    assert outcome == ["graded"]
    evaluate = one(spans, "learnplat.evaluate")
    assert evaluate.context.trace_id == enqueue.context.trace_id
    assert parent_id(evaluate) == enqueue.context.span_id


@pytest.mark.parametrize(
    "carried",
    [
        None,
        "00-not-a-dict",
        {"traceparent": "garbage"},
        {"traceparent": "x" * 5000},
        {"traceparent": 42},
    ],
    ids=["none", "not-a-mapping", "bad-traceparent", "huge", "not-a-string"],
)
def test_a_job_without_a_usable_trace_context_starts_a_new_trace(
    world: World, spans: InMemorySpanExporter, carried: Any
) -> None:
    submission = Submission.objects.create(
        user=world.student,
        task=world.task,
        course=world.course,
        attempt=1,
        answer=ANSWER,
        max_score=10,
    )
    assert evaluate_submission.call(submission.pk, trace_context=carried) == "graded"
    evaluate = one(spans, "learnplat.evaluate")
    assert evaluate.parent is None


def test_an_incoming_traceparent_makes_the_request_part_of_the_callers_trace(
    world: World, spans: InMemorySpanExporter
) -> None:
    response = world.client(world.student).get("/api/courses/", HTTP_TRACEPARENT=TRACEPARENT)
    assert response.status_code == 200
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert f"{server.context.trace_id:032x}" == TRACEPARENT.split("-")[1]
    assert f"{parent_id(server):016x}" == TRACEPARENT.split("-")[2]


def test_a_host_that_traces_requests_itself_gets_no_second_server_span(
    world: World, spans: InMemorySpanExporter
) -> None:
    tracer = trace.get_tracer("the-host")
    with tracer.start_as_current_span("host request", kind=SpanKind.SERVER) as host:
        response = world.client(world.student).get("/api/courses/", HTTP_X_REQUEST_ID="host-1")
    assert response.status_code == 200
    servers = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert [s.name for s in servers] == ["host request"]
    assert servers[0].context.span_id == host.get_span_context().span_id
    assert servers[0].attributes["learnplat.request_id"] == "host-1"


def test_span_names_use_the_url_pattern_and_mark_server_errors(
    world: World, spans: InMemorySpanExporter
) -> None:
    world.client(world.student).get(f"/api/tasks/{world.task.pk}/")
    world.client(world.student).get("/api/tasks/999999/")
    servers = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert {s.name for s in servers} == {"GET /api/tasks/{pk}/"}
    assert sorted(s.attributes["http.response.status_code"] for s in servers) == [200, 404]
    # A 4xx is the caller's error, not the server's.
    assert {s.status.status_code for s in servers} == {StatusCode.UNSET}


def test_no_span_carries_an_answer_a_password_or_a_token(
    world: World, spans: InMemorySpanExporter
) -> None:
    secret_answer = "my-secret-answer-7f3a"
    client = world.client(world.student)
    response = client.post(
        f"/api/tasks/{world.task.pk}/submissions/", {"answer": secret_answer}, format="json"
    )
    assert response.status_code == 201
    login = client.post(
        "/api/auth/token/", {"username": "nobody", "password": "pw-secret-9d1"}, format="json"
    )
    assert login.status_code in (400, 401)
    assert spans.get_finished_spans()
    for recorded in spans.get_finished_spans():
        text = repr(dict(recorded.attributes or {})) + recorded.name
        assert secret_answer not in text
        assert "pw-secret-9d1" not in text


def test_span_keeps_only_the_allowed_attributes_and_never_an_exception_message(
    spans: InMemorySpanExporter,
) -> None:
    class AnswerLeakError(Exception):
        pass

    def fail() -> None:
        with tracing.span("learnplat.test", task_id=3, answer="42") as current:
            current.set_attribute("learnplat.submission_id", 9)
            current.set_attribute("token", "abc")
            raise AnswerLeakError("the answer was 42")

    with pytest.raises(AnswerLeakError):
        fail()
    recorded = one(spans, "learnplat.test")
    assert dict(recorded.attributes or {}) == {
        "learnplat.task_id": 3,
        "learnplat.submission_id": 9,
        "error.type": AnswerLeakError.__qualname__,
    }
    assert recorded.status.status_code == StatusCode.ERROR
    assert recorded.status.description == "AnswerLeakError"
    assert not recorded.events  # no exception event with the message


def test_without_the_extra_everything_works_and_nothing_is_traced(
    transactional_db: None,
    world: World,
    spans: InMemorySpanExporter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tracing, "trace", None)
    assert not tracing.enabled()
    assert tracing.carrier() == {}
    response = world.client(world.student).post(
        f"/api/tasks/{world.task.pk}/submissions/", {"answer": ANSWER}, format="json"
    )
    assert response.status_code == 201
    assert Submission.objects.get().status == "graded"
    assert spans.get_finished_spans() == ()
