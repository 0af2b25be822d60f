"""The evaluation pipeline benchmark: ``python -m benchmarks.pipeline --workers 2``.

Runs in a seeded benchmark database (``DATABASE_URL``) with ``TASKS_BACKEND=db``:

1. **Throughput.** ``--count`` submissions go through ``submit()`` (which enqueues their
   evaluation in django-tasks-db) with no worker running; then ``--workers`` ``db_worker``
   processes start and drain the queue. graded/s = submissions / (last − first
   ``evaluated_at``), so worker start-up is not counted.
2. **Latency.** With the workers running, ``--latency-count`` more submissions are sent at
   half the measured throughput; submit→graded is ``evaluated_at − submitted_at``.
3. **Bare loop** (``--bare``): the same submissions, then ``flows.evaluate.run_evaluation(id)``
   called in a plain loop in this process: the same database writes (claim, evaluation,
   grade, progress) without the task framework.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.server import ensure_import_path, processes

WORKER_POLL_SECONDS = "0.1"


def _setup() -> None:
    ensure_import_path()
    import django

    django.setup()


def _pipeline_data() -> tuple[list[Any], list[Any]]:
    from django.contrib.auth import get_user_model

    from learnplat.courses.models import Task

    students = list(
        get_user_model()._default_manager.filter(username__startswith="pipeline-").order_by("pk")
    )
    tasks = list(Task.objects.filter(course__slug="bench-pipeline").order_by("position"))
    return students, tasks


def reset() -> None:
    """Forget every earlier pipeline run: its submissions, progress and queued tasks."""
    from django_tasks_db.models import DBTaskResult

    from learnplat.progress.models import CourseProgress, TaskProgress
    from learnplat.submissions.models import Submission

    Submission.objects.filter(course__slug="bench-pipeline").delete()
    TaskProgress.objects.filter(course__slug="bench-pipeline").delete()
    CourseProgress.objects.filter(course__slug="bench-pipeline").delete()
    DBTaskResult.objects.all().delete()


def submit_many(count: int, *, pace_per_second: float | None = None) -> list[int]:
    """Submit ``count`` right answers round-robin over the pipeline students and tasks."""
    from learnplat.flows.submit import submit

    students, tasks = _pipeline_data()
    ids = []
    started = time.monotonic()
    for n in range(count):
        if pace_per_second:
            delay = started + n / pace_per_second - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        user = students[n % len(students)]
        task = tasks[(n // len(students)) % len(tasks)]
        ids.append(submit(user=user, task=task, answer="4").submission.pk)
    return ids


def wait_until_done(ids: Sequence[int], timeout: float) -> None:
    from learnplat.submissions.models import Submission

    deadline = time.monotonic() + timeout
    pending = len(ids)
    while time.monotonic() < deadline:
        pending = Submission.objects.filter(pk__in=ids, evaluated_at__isnull=True).count()
        if not pending:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{pending} of {len(ids)} submissions were not evaluated in {timeout}s")


def timings(ids: Sequence[int]) -> dict[str, Any]:
    from learnplat.submissions.models import Submission

    rows = list(
        Submission.objects.filter(pk__in=ids).values_list("status", "submitted_at", "evaluated_at")
    )
    evaluated = sorted(r[2] for r in rows)
    span = (evaluated[-1] - evaluated[0]).total_seconds() if len(evaluated) > 1 else 0.0
    latencies = sorted((r[2] - r[1]).total_seconds() * 1000 for r in rows)
    statuses: dict[str, int] = {}
    for status, *_ in rows:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "count": len(rows),
        "statuses": statuses,
        "graded_per_second": round((len(rows) - 1) / span, 1) if span else None,
        "latency_ms": {
            "p50": round(_percentile(latencies, 50), 1),
            "p99": round(_percentile(latencies, 99), 1),
        },
    }


def _percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def run_workers(workers: int, count: int, latency_count: int, timeout: float) -> dict[str, Any]:
    import os

    reset()
    queued = submit_many(count)
    command = ["db_worker", "--interval", WORKER_POLL_SECONDS, "--no-startup-delay", "--no-reload"]
    with processes([command] * workers, env=dict(os.environ)):
        wait_until_done(queued, timeout)
        drained = timings(queued)
        rate = drained["graded_per_second"] or 10.0
        paced = submit_many(latency_count, pace_per_second=max(rate / 2, 1.0))
        wait_until_done(paced, timeout)
        latency = timings(paced)
    return {
        "workers": workers,
        "count": count,
        "statuses": drained["statuses"],
        "graded_per_second": drained["graded_per_second"],
        "latency_count": latency_count,
        "submit_rate_per_second": round(max(rate / 2, 1.0), 1),
        "latency_ms": latency["latency_ms"],
    }


def run_bare(count: int) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from learnplat.flows import evaluate

    reset()
    ids = submit_many(count)
    DBTaskResult.objects.all().delete()
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    for submission_id in ids:
        outcome = evaluate.run_evaluation(submission_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    elapsed = time.monotonic() - started
    return {
        "count": count,
        "outcomes": outcomes,
        "graded_per_second": round(count / elapsed, 1),
        "seconds": round(elapsed, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--latency-count", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--bare", action="store_true", help="the loop without task framework")
    args = parser.parse_args(argv)
    _setup()
    if args.bare:
        result = run_bare(args.count)
    else:
        result = run_workers(args.workers, args.count, args.latency_count, args.timeout)
    reset()
    print("PIPELINE_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
