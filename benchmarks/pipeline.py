"""The evaluation pipeline benchmark: ``python -m benchmarks.pipeline --workers 2``.

Runs in a seeded benchmark database (``DATABASE_URL``) with ``TASKS_BACKEND=db`` (or
``rq`` with ``--backend rq``: ``rqworker`` processes on the example project's ``REDIS_URL``):

1. **Throughput.** ``--count`` submissions go through ``submit()`` (which enqueues their
   evaluation in django-tasks-db) with no worker running; then ``--workers`` ``db_worker``
   processes start and drain the queue. graded/s = submissions / (last − first
   ``evaluated_at``), so worker start-up is not counted.
2. **Latency.** With the workers running and the queue empty again (graded submissions
   queue e-mail tasks behind the evaluations), ``--latency-count`` more submissions are sent
   at half the measured throughput; submit→graded is ``evaluated_at − submitted_at``.
   ``--course`` submits to another seeded course (``benchmarks/scale.py``'s): its seeded
   submissions and progress stay, only what earlier runs submitted goes.
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
from datetime import timedelta
from typing import Any

from benchmarks.server import ensure_import_path, processes

WORKER_POLL_SECONDS = "0.1"
PIPELINE_COURSE = "bench-pipeline"
WORKER_COMMANDS = {
    "db": ["db_worker", "--interval", WORKER_POLL_SECONDS, "--no-startup-delay", "--no-reload"],
    "rq": ["rqworker", "default", "--job-class", "django_tasks_rq.Job"],
}


def _setup() -> None:
    ensure_import_path()
    import django

    django.setup()


def _pipeline_data(course: str) -> tuple[list[Any], list[Any]]:
    from django.contrib.auth import get_user_model

    from learnplat.courses.models import Task

    students = list(
        get_user_model()
        ._default_manager.filter(
            learnplat_enrollments__course__slug=course, learnplat_enrollments__role="student"
        )
        .order_by("pk")
    )
    tasks = list(Task.objects.filter(course__slug=course).order_by("position"))
    return students, tasks


def reset(course: str = PIPELINE_COURSE) -> None:
    """Forget every earlier pipeline run: its submissions, progress and queued tasks (in
    another course than the pipeline's, only the submissions made after the seed)."""
    from django.conf import settings

    from benchmarks.seed import EPOCH
    from learnplat.progress.models import CourseProgress, TaskProgress
    from learnplat.submissions.models import Submission

    if course == PIPELINE_COURSE:
        Submission.objects.filter(course__slug=course).delete()
        TaskProgress.objects.filter(course__slug=course).delete()
        CourseProgress.objects.filter(course__slug=course).delete()
    else:
        # Seeded submissions are dated within days of the seed's EPOCH; runs submit "now".
        seeded_until = EPOCH + timedelta(days=365)
        Submission.objects.filter(course__slug=course, submitted_at__gt=seeded_until).delete()
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    if "django_rq" in settings.INSTALLED_APPS:
        import django_rq

        django_rq.get_queue("default").empty()


def submit_many(
    count: int, *, pace_per_second: float | None = None, course: str = PIPELINE_COURSE
) -> list[int]:
    """Submit ``count`` right answers round-robin over the course's students and tasks."""
    from learnplat.flows.submit import submit

    students, tasks = _pipeline_data(course)
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


def queued_tasks() -> int:
    """Tasks waiting or running on the backend's queues: evaluations, and the e-mails and
    progress work that graded submissions enqueue behind them."""
    from django.conf import settings

    waiting = 0
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        waiting += DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    if "django_rq" in settings.INSTALLED_APPS:
        import django_rq

        queue = django_rq.get_queue("default")
        waiting += queue.count + queue.started_job_registry.count
    return waiting


def wait_until_idle(timeout: float) -> None:
    """Until the queue is empty: a burst's e-mail tasks sit in the same FIFO queue ahead of
    the next evaluations, and the latency run must not time their backlog."""
    deadline = time.monotonic() + timeout
    while queued_tasks():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the task queue did not empty in {timeout}s")
        time.sleep(0.2)


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


def run_workers(
    workers: int,
    count: int,
    latency_count: int,
    timeout: float,
    *,
    backend: str = "db",
    course: str = PIPELINE_COURSE,
    worker_options: Sequence[str] = (),
) -> dict[str, Any]:
    import os

    reset(course)
    queued = submit_many(count, course=course)
    command = [*WORKER_COMMANDS[backend], *worker_options]
    with processes([command] * workers, env=dict(os.environ)):
        wait_until_done(queued, timeout)
        drained = timings(queued)
        wait_until_idle(timeout)
        rate = drained["graded_per_second"] or 10.0
        paced = submit_many(latency_count, pace_per_second=max(rate / 2, 1.0), course=course)
        wait_until_done(paced, timeout)
        latency = timings(paced)
    return {
        "backend": backend,
        "worker_options": list(worker_options),
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
    parser.add_argument("--backend", choices=sorted(WORKER_COMMANDS), default="db")
    parser.add_argument("--course", default=PIPELINE_COURSE, help="slug of a seeded course")
    parser.add_argument(
        "--rq-worker-class", help="rqworker --worker-class (default: RQ's, a fork per job)"
    )
    args = parser.parse_args(argv)
    _setup()
    if args.bare:
        result = run_bare(args.count)
    else:
        result = run_workers(
            args.workers,
            args.count,
            args.latency_count,
            args.timeout,
            backend=args.backend,
            course=args.course,
            worker_options=["--worker-class", args.rq_worker_class] if args.rq_worker_class else (),
        )
    reset(args.course)
    print("PIPELINE_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
