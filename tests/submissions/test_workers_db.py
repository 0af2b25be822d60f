"""django-tasks-db workers on PostgreSQL, as real processes (``manage.py db_worker``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from learnplat.flows.submit import submit
from learnplat.submissions.models import Evaluation, Submission
from tests.factories import enroll, make_user
from tests.spans import one, read_lines, spans
from tests.submissions.conftest import World, set_kind
from tests.submissions.workers import requires_workers, wait_for, workers

__all__ = ["spans", "workers"]  # the fixtures
pytestmark = requires_workers


def all_done(*statuses: str) -> Any:
    return lambda: not Submission.objects.exclude(status__in=statuses).exists()


def test_db_worker_grades_what_the_api_enqueued(world: World, workers: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    pool = workers("db")
    answers = ["4", "5", "4"]
    for n, answer in enumerate(answers):
        student = make_user(username=f"s{n}")
        enroll(student, world.course)
        response = world.client(student).post(
            f"/api/tasks/{world.task.pk}/submissions/", {"answer": answer}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["status"] == "queued"  # nobody evaluated it in the request
    assert DBTaskResult.objects.count() == 3
    pool.start_db_worker()
    wait_for("every submission graded", all_done("graded"), pool)
    scores = list(Submission.objects.order_by("pk").values_list("score", flat=True))
    assert scores == [10.0, 0.0, 10.0]
    for submission in Submission.objects.all():
        assert Evaluation.objects.filter(submission=submission).count() == 1
    wait_for(
        "the task results to be stored",
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3,
        pool,
    )


def test_the_worker_logs_the_evaluation_under_the_request_id_of_its_submit(
    world: World, workers: Any
) -> None:
    pool = workers("db")
    response = world.client(world.student).post(
        f"/api/tasks/{world.task.pk}/submissions/",
        {"answer": "4"},
        format="json",
        HTTP_X_REQUEST_ID="trace-me-42",
    )
    assert response.status_code == 201
    submission_id = response.json()["id"]
    pool.start_db_worker()
    wait_for("the submission graded", all_done("graded"), pool)

    def evaluated() -> list[dict[str, Any]]:
        lines = [line for line in pool.output().splitlines() if line.startswith("{")]
        return [
            record
            for record in map(json.loads, lines)
            if record.get("message") == f"Evaluated submission {submission_id}: graded"
        ]

    wait_for("the worker's log line", lambda: bool(evaluated()), pool)
    (record,) = evaluated()
    assert record["request_id"] == "trace-me-42"
    assert record["submission_id"] == submission_id


def test_the_workers_spans_continue_the_trace_of_the_request_that_enqueued(
    world: World, workers: Any, spans: Any, tmp_path: Path
) -> None:
    pool = workers("db")
    traces = tmp_path / "worker-spans.jsonl"
    pool.extra_env["LEARNPLAT_TEST_TRACES"] = str(traces)
    response = world.client(world.student).post(
        f"/api/tasks/{world.task.pk}/submissions/", {"answer": "4"}, format="json"
    )
    assert response.status_code == 201
    submission_id = response.json()["id"]
    enqueue = one(spans, "learnplat.enqueue")
    pool.start_db_worker()
    wait_for("the submission graded", all_done("graded"), pool)

    def worker_span(name: str) -> list[dict[str, Any]]:
        return [s for s in read_lines(traces) if s["name"] == name]

    wait_for("the worker's evaluate span", lambda: bool(worker_span("learnplat.evaluate")), pool)
    (evaluate,) = worker_span("learnplat.evaluate")
    (progress,) = worker_span("learnplat.progress")
    # Another process, one trace: the worker's run is the child of the web's enqueue.
    assert evaluate["trace_id"] == enqueue.context.trace_id
    assert evaluate["parent_id"] == enqueue.context.span_id
    assert evaluate["kind"] == "CONSUMER"
    assert evaluate["attributes"]["learnplat.submission_id"] == submission_id
    assert evaluate["attributes"]["learnplat.outcome"] == "graded"
    assert progress["parent_id"] == evaluate["span_id"]


def test_db_worker_retries_after_the_backoff(world: World, workers: Any, tmp_path: Path) -> None:
    from django_tasks_db.models import DBTaskResult

    pool = workers("db", RETRY_BACKOFF_SECONDS=0.5)
    set_kind(world.task, "flaky", {"answers": ["4"], "marker_dir": str(tmp_path)})
    submission = submit(user=world.student, task=world.task, answer="4").submission
    pool.start_db_worker()
    wait_for("the retry to grade it", all_done("graded"), pool)
    submission.refresh_from_db()
    assert submission.tries == 2
    runs = list(Evaluation.objects.filter(submission=submission).values_list("error", "score"))
    assert runs == [("ConnectionError: a transient failure", None), ("", 10.0)]
    failed_run = Evaluation.objects.filter(submission=submission).exclude(error="").get()
    first, deferred = DBTaskResult.objects.order_by("enqueued_at")
    assert first.run_after > deferred.run_after  # "never deferred" is stored as the max date
    assert failed_run.finished_at is not None
    assert deferred.run_after == failed_run.finished_at + timedelta(seconds=0.5)
