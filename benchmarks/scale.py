#!/usr/bin/env python
"""A 5,000-student course, measured: ``python benchmarks/scale.py`` (``run.py --scale-course``).

Seeds a database of its own (``DATABASE_URL``'s name + ``_scale``, or ``--database-url``) with
two courses of ``--tasks`` tasks: the big one (``--students``, default 5,000) and a small one
(``--small-students``, default 500; its students are the big course's first ones), every
student with ``--attempts`` graded attempts on every task, inserted with ``COPY``
(``benchmarks.seed.copy_rows``). The progress rows then come from the project's own
``recompute_progress()`` for each course, timed apart from the ``COPY``. Then, against
gunicorn in the benchmark settings on the RQ backend (Redis ``--redis-url``):

1. **Gradebook page** (``?page_size=100``, pages in turn, one gunicorn worker): p50/p99 over
   ``--page-calls`` calls, and queries per request, in both courses.
2. **Gradebook CSV** (``?format=csv``, streamed): seconds, bytes, and the gunicorn worker's
   peak RSS above its RSS before the request (sampled from /proc every 10 ms), in both
   courses: streaming keeps it from growing with the rows.
3. **Recompute**: a grading change (a task's weight) through ``refresh_course_totals``, which
   queues the recompute job; one real ``rqworker`` runs it. Seconds from the change to the
   job's ``done``.
4. **Burst**: ``--burst`` submissions through ``submit()`` into the big course with no worker
   running, then 2 ``rqworker`` processes drain them, then ``--latency-count`` more at half
   that rate (``benchmarks/pipeline.py --backend rq``): graded/s, p50/p99 submit→graded.
   Then ``--fork-burst`` more the same way with RQ's default worker class, which forks a
   process per job (the other runs use ``rq.worker.SimpleWorker``: see ``SIMPLE_WORKER``).
5. **Mixed run**: gunicorn with 4 workers and the 2 RQ workers, one wrk process per endpoint
   (gradebook page, task list, progress, submissions list, submit) at once for
   ``--mixed-seconds``: req/s and p50/p99 each.

Queries per request of every read must be the same in both courses, or the run fails; so do
errors. Speed never fails it. Results: ``scale.json``, ``.md`` and ``.png`` in ``--out``.
``--smoke`` is CI's: 250 and 25 students × 5 tasks, 60 submissions, a 5 s mixed run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a script: python benchmarks/scale.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import report
from benchmarks.load import LoadResult, Request, run_wrk
from benchmarks.pipeline import WORKER_COMMANDS, _percentile
from benchmarks.server import (
    DEFAULT_DATABASE_URL,
    ROOT,
    Server,
    django_env,
    ensure_import_path,
    processes,
    rss_bytes,
)

BIG = "bench-scale"
SMALL = "bench-scale-small"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
#: The burst's workers run each job in the worker process; RQ's default worker forks a
#: work horse per job, which costs the evaluation pipeline more than half its throughput
#: (measured beside it, on ``--fork-burst`` submissions).
SIMPLE_WORKER = "rq.worker.SimpleWorker"
RQ_WORKER = [*WORKER_COMMANDS["rq"], "--worker-class", SIMPLE_WORKER]
RSS_SAMPLE_SECONDS = 0.01
#: The streamed CSV's RSS growth in the big course may exceed twice the small course's by
#: this much (allocator noise); holding 5,000 rows × 50 tasks would take far more.
CSV_RSS_SLACK_MIB = 32


@dataclass(frozen=True)
class ScalePlan:
    students: int = 5000
    small_students: int = 500
    tasks: int = 50
    attempts: int = 2


FULL = ScalePlan()
# Above GRADING's SYNC_RECOMPUTE_MAX_STUDENTS (200), so the recompute is a queued job.
SMOKE = ScalePlan(students=250, small_students=25, tasks=5)


def scale_database_url(base_url: str) -> str:
    """``…/learnplat_bench`` → ``…/learnplat_bench_scale``."""
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "learnplat_bench"
    return urlunsplit(parts._replace(path=f"/{name}_scale"))


# -- seeding (in a Django process: python -m benchmarks.scale seed ...) ---------------------


def seed(plan: ScalePlan, log: Callable[[str], None]) -> dict[str, float]:
    """Both courses with COPY, then their progress by the project's recompute; seconds of each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from benchmarks.seed import EPOCH, PASSWORD, copy_rows, make_submission, make_task, make_user
    from learnplat.courses.models import Course, Enrollment, Task
    from learnplat.flows.progress import recompute_progress
    from learnplat.submissions.models import Submission

    rng = random.Random(plan.students)
    user_model = get_user_model()
    password = make_password(PASSWORD)
    started = time.monotonic()
    names = [f"student-{i:07d}" for i in range(plan.students)]
    users = [
        make_user(user_model, password, "scale-instructor", "instructor"),
        *(make_user(user_model, password, name, "student") for name in names),
    ]
    ids = copy_rows(user_model, users)
    instructor, students = ids[0], ids[1:]
    big, small = copy_rows(
        Course,
        [
            Course(slug=slug, title=title, status="published", published_at=EPOCH, created=EPOCH)
            for slug, title in ((BIG, "A 5,000-student course"), (SMALL, "Its small twin"))
        ],
    )
    tasks = {
        course: copy_rows(Task, [make_task(course, p) for p in range(plan.tasks)])
        for course in (big, small)
    }
    members = {big: students, small: students[: plan.small_students]}
    copy_rows(
        Enrollment,
        [
            Enrollment(user_id=user, course_id=course, role=role, created=EPOCH, modified=EPOCH)
            for course, ids_ in members.items()
            for user, role in ((instructor, "instructor"), *((s, "student") for s in ids_))
        ],
    )

    def submissions() -> Any:
        for course, ids_ in members.items():
            for n, user in enumerate(ids_):
                for p, task in enumerate(tasks[course]):
                    for attempt in range(1, plan.attempts + 1):
                        when = EPOCH + timedelta(hours=p, seconds=n * plan.attempts + attempt)
                        yield make_submission(rng, user, course, task, attempt, when)

    copy_rows(Submission, submissions())
    copied = time.monotonic() - started
    log(f"  [{copied:6.1f}s] COPY: {Submission.objects.count()} submissions")
    for course in (big, small):
        recompute_progress(course=Course.objects.get(pk=course))
    progress = time.monotonic() - started - copied
    log(f"  [{copied + progress:6.1f}s] progress recomputed")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"copy_seconds": round(copied, 1), "progress_seconds": round(progress, 1)}


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed_main(args: argparse.Namespace) -> None:
    from benchmarks.seed import fingerprint, prepare_database

    plan = ScalePlan(args.students, args.small_students, args.tasks, args.attempts)
    timings: dict[str, float] = {}
    started = time.monotonic()

    def seed_data() -> None:
        timings.update(seed(plan, _stderr))

    mark = fingerprint(plan, f"scale-{plan.students}x{plan.tasks}x{plan.attempts}")
    prepare_database(
        mark, seed_data, reseed=not args.reuse, log=lambda m: print(m, file=sys.stderr)
    )
    if timings:
        timings["seed_seconds"] = round(time.monotonic() - started, 1)
    print("SCALE_MANIFEST " + json.dumps(read_manifest(plan) | {"seed": timings or None}))


def read_manifest(plan: ScalePlan) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from benchmarks.seed import access_token, counts
    from learnplat.courses.models import Course, Task

    users = get_user_model()._default_manager
    instructor = users.get(username="scale-instructor").pk
    student = users.get(username="student-0000000").pk
    courses = dict(Course.objects.filter(slug__in=[BIG, SMALL]).values_list("slug", "pk"))
    return {
        "plan": asdict(plan),
        "counts": counts(),
        "submit_task": Task.objects.filter(course_id=courses[BIG]).order_by("position")[0].pk,
        "tokens": {"instructor": access_token(instructor), "student": access_token(student)},
    }


# -- the recompute through a worker (python -m benchmarks.scale recompute) -----------------


def recompute_main(args: argparse.Namespace) -> None:
    """A grading change on the big course; the job it queues run by one real rqworker."""
    import django

    django.setup()
    from benchmarks.recompute import _toggle_weight
    from learnplat.courses.models import Course
    from learnplat.flows.recompute import collect_jobs, refresh_course_totals
    from learnplat.progress.choices import RecomputeState

    course = Course.objects.get(slug=BIG)
    with processes([RQ_WORKER], env=dict(os.environ)):
        time.sleep(args.worker_warmup)  # the worker imports Django before it takes jobs
        started = time.perf_counter()
        with collect_jobs() as jobs:
            _toggle_weight(course)
            refresh_course_totals(course=course, kind="benchmark")
        if not jobs:
            raise SystemExit("the change was applied in the request: no job (course too small?)")
        job = jobs[0]
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (RecomputeState.DONE, RecomputeState.FAILED):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    ran = (job.finished_at - job.started_at).total_seconds() if job.finished_at else None
    print(
        "SCALE_RECOMPUTE "
        + json.dumps(
            {
                "state": str(job.state),
                "error": job.error or None,
                "students": job.students_done,
                "seconds": round(elapsed, 1),
                "job_seconds": None if ran is None else round(ran, 1),
            }
        )
    )


# -- measurements (the orchestrating process: no Django here) -------------------------------


def _subprocess_json(command: list[str], env: dict[str, str], prefix: str) -> dict[str, Any]:
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(prefix + " "):
            return dict(json.loads(line.removeprefix(prefix + " ")))
    raise RuntimeError(f"{' '.join(command)} failed ({out.returncode}):\n{out.stderr[-3000:]}")


def _timed_calls(server: Server, paths: Sequence[str], token: str, calls: int) -> dict[str, Any]:
    took, queries, statuses = [], set(), set()
    for n in range(calls):
        start = time.perf_counter()
        status, headers, _ = server.request("GET", paths[n % len(paths)], token=token)
        took.append((time.perf_counter() - start) * 1000)
        statuses.add(status)
        queries.add(int(headers.get("X-Query-Count", -1)))
    took.sort()
    return {
        "calls": calls,
        "p50_ms": round(_percentile(took, 50), 1),
        "p99_ms": round(_percentile(took, 99), 1),
        "queries": sorted(queries),
        "statuses": sorted(statuses),
    }


def _stream_csv(server: Server, path: str, token: str) -> dict[str, Any]:
    """Read the streamed CSV in chunks while a thread samples the worker's RSS."""
    import http.client

    pid = server.worker_pid
    before = rss_bytes(pid)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes(pid))
            time.sleep(RSS_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    size = rows = 0
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        status = response.status
        while chunk := response.read(65536):
            size += len(chunk)
            rows += chunk.count(b"\n")
    finally:
        conn.close()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
    return {
        "status": status,
        "seconds": round(elapsed, 2),
        "bytes": size,
        "rows": rows - 1,
        "rss_before_mib": round(before / 2**20, 1),
        "rss_peak_mib": round(peak[0] / 2**20, 1),
        "rss_growth_mib": round((peak[0] - before) / 2**20, 1),
    }


def stream_csv_fresh(
    env: dict[str, str], slug: str, token: str, options: argparse.Namespace
) -> dict[str, Any]:
    """The CSV from a worker of its own that has served one small request: its RSS growth is
    the export's, not what the page calls before it left behind."""
    with Server(env, log_path=options.out / "gunicorn-scale.log", timeout=600) as server:
        return _stream_csv(server, f"/api/courses/{slug}/gradebook/?format=csv", token)


def gradebook_pages(slug: str, students: int) -> list[str]:
    """Every page of 100 students, taken in turn: the last pages cost what the first do."""
    pages = max(1, students // 100)
    return [f"/api/courses/{slug}/gradebook/?page={p}&page_size=100" for p in range(1, pages + 1)]


def reads(manifest: dict[str, Any], slug: str) -> dict[str, tuple[list[str], str]]:
    """The read endpoints whose queries per request must not depend on the course's size."""
    student, instructor = manifest["tokens"]["student"], manifest["tokens"]["instructor"]
    return {
        "gradebook": ([f"/api/courses/{slug}/gradebook/?page_size=100"], instructor),
        "tasks": ([f"/api/courses/{slug}/tasks/"], student),
        "progress": ([f"/api/courses/{slug}/progress/"], student),
        "submissions": ([f"/api/submissions/?course={slug}"], student),
    }


def measure_reads(
    env: dict[str, str], manifest: dict[str, Any], options: argparse.Namespace, log: Any
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    students = {BIG: manifest["plan"]["students"], SMALL: manifest["plan"]["small_students"]}
    with Server(env, log_path=options.out / "gunicorn-scale.log", timeout=600) as server:
        for slug, count in students.items():
            pages = max(1, count // 100)
            paths = [
                f"/api/courses/{slug}/gradebook/?page={p}&page_size=100"
                for p in range(1, pages + 1)
            ]
            token = manifest["tokens"]["instructor"]
            _timed_calls(server, paths, token, min(3, options.page_calls))  # warm the worker
            page = _timed_calls(server, paths, token, options.page_calls)
            # A first call and a second (a cache hit where learnplat caches the read).
            queries = {
                name: [_timed_calls(server, p, t, 1)["queries"][0] for _ in range(2)]
                for name, (p, t) in reads(manifest, slug).items()
            }
            csv = stream_csv_fresh(env, slug, token, options)
            found[slug] = {"students": count, "page": page, "queries": queries, "csv": csv}
            log(
                f"{count} students: gradebook page p50 {page['p50_ms']} ms p99 {page['p99_ms']} ms"
                f" queries {queries}; CSV {csv['bytes']} bytes in {csv['seconds']} s,"
                f" worker RSS +{csv['rss_growth_mib']} MiB (peak {csv['rss_peak_mib']} MiB)"
            )
    return found


def measure_burst(
    env: dict[str, str], options: argparse.Namespace, log: Any, count: int, worker_class: str
) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "benchmarks.pipeline", "--backend=rq", "--workers=2",
        f"--course={BIG}", f"--count={count}", f"--latency-count={options.latency_count}",
        *([f"--rq-worker-class={worker_class}"] if worker_class else []),
    ]  # fmt: skip
    burst = _subprocess_json(command, env, "PIPELINE_RESULT")
    burst["worker_class"] = worker_class or "rq.worker.Worker (a fork per job)"
    log(
        f"burst of {count} through RQ, 2 {burst['worker_class']}: {burst['graded_per_second']}"
        f" graded/s, submit→graded p50 {burst['latency_ms']['p50']} ms p99"
        f" {burst['latency_ms']['p99']} ms {burst['statuses']}"
    )
    return burst


def mixed_requests(manifest: dict[str, Any]) -> dict[str, Request]:
    student, instructor = manifest["tokens"]["student"], manifest["tokens"]["instructor"]
    return {
        "gradebook": Request(
            tuple(gradebook_pages(BIG, manifest["plan"]["students"])), token=instructor
        ),
        "tasks": Request((f"/api/courses/{BIG}/tasks/",), token=student),
        "progress": Request((f"/api/courses/{BIG}/progress/",), token=student),
        "submissions": Request((f"/api/submissions/?course={BIG}",), token=student),
        "submit": Request(
            (f"/api/tasks/{manifest['submit_task']}/submissions/",),
            method="POST",
            token=student,
            body={"answer": "4"},
        ),
    }  # fmt: skip


def measure_mixed(
    env: dict[str, str], manifest: dict[str, Any], options: argparse.Namespace, log: Any
) -> dict[str, Any]:
    requests = mixed_requests(manifest)
    log_path = options.out / "gunicorn-scale-mixed.log"
    with (
        Server(env, workers=4, log_path=log_path, timeout=120) as server,
        processes([RQ_WORKER] * 2, env=env),
        ThreadPoolExecutor(len(requests)) as pool,
    ):
        futures = {
            name: pool.submit(
                run_wrk,
                server.base_url,
                request,
                seconds=options.mixed_seconds,
                connections=options.connections,
                timeout_seconds=30,
            )
            for name, request in requests.items()
        }
        results: dict[str, LoadResult] = {n: f.result() for n, f in futures.items()}
    rows = {name: r.as_dict() for name, r in results.items()}
    for name, row in rows.items():
        log(
            f"mixed {name:<12} {row['rps']:7.1f}/s  p50 {row['p50_ms']:.1f} ms"
            f"  p99 {row['p99_ms']:.1f} ms" + (f"  ERRORS {row['errors']}" if row["errors"] else "")
        )
    return {"seconds": options.mixed_seconds, "connections": options.connections, "endpoints": rows}


def problems(results: dict[str, Any]) -> list[str]:
    found = []
    courses = results["reads"]
    for name in courses[BIG]["queries"]:
        big, small = courses[BIG]["queries"][name], courses[SMALL]["queries"][name]
        if big != small:
            found.append(f"{name}: queries per request {big} at {courses[BIG]['students']} "
                         f"students, {small} at {courses[SMALL]['students']}")  # fmt: skip
    for slug, row in courses.items():
        if row["page"]["statuses"] != [200]:
            found.append(f"{slug} gradebook page answered {row['page']['statuses']}")
        if row["csv"]["status"] != 200 or row["csv"]["rows"] != row["students"]:
            found.append(f"{slug} CSV: status {row['csv']['status']}, {row['csv']['rows']} rows")
    growth = [courses[s]["csv"]["rss_growth_mib"] for s in (SMALL, BIG)]
    if growth[1] > 2 * growth[0] + CSV_RSS_SLACK_MIB:
        found.append(f"CSV: the worker's RSS grows with the rows (+{growth[0]} MiB at "
                     f"{courses[SMALL]['students']} students, +{growth[1]} MiB at "
                     f"{courses[BIG]['students']})")  # fmt: skip
    recompute = results["recompute"]
    if recompute["state"] != "done":
        found.append(f"recompute job {recompute['state']}: {recompute['error']}")
    for key in ("burst", "burst_forking"):
        if set(results[key]["statuses"]) != {"graded"}:
            found.append(f"{key}: not all graded {results[key]['statuses']}")
    for name, row in results["mixed"]["endpoints"].items():
        if row["errors"] or not row["requests"]:
            found.append(f"mixed {name}: {row['requests']} requests, errors {row['errors']}")
    return found


# -- the report ----------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    m, plan, seed_ = results["machine"], results["plan"], results["seed"]
    reads_ = results["reads"]
    big, small = reads_[BIG], reads_[SMALL]
    lines = [
        f"# A {plan['students']:,}-student course",
        "",
        f"Run {results['started']} ({results['seconds']} s in all) on {m['nproc']} CPUs "
        f"({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}; Python {m['python']}, "
        f"Django {m['django']}, PostgreSQL {m['postgresql']}, {m['wrk']}, {m['gunicorn']}.",
        "",
        f"Data: {plan['students']:,} students × {plan['tasks']} tasks × {plan['attempts']} graded "
        f"attempts, and a {plan['small_students']:,}-student twin; rows: {results['counts']}.",
        "",
    ]
    if seed_:
        lines += [
            f"Seed: {seed_['seed_seconds']} s in all: COPY {seed_['copy_seconds']} s, progress "
            f"rows by the project's `recompute_progress()` {seed_['progress_seconds']} s.",
            "",
        ]
    else:
        lines += ["Seed: the database was reused (`--reuse`), not seeded in this run.", ""]
    lines += [
        "## Gradebook",
        "",
        "| students | page p50 ms | page p99 ms | CSV s | CSV MiB | worker RSS before → peak MiB "
        "| RSS growth MiB |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in (small, big):
        page, csv = row["page"], row["csv"]
        lines.append(
            f"| {row['students']:,} | {page['p50_ms']} | {page['p99_ms']} | {csv['seconds']} | "
            f"{csv['bytes'] / 2**20:.1f} | {csv['rss_before_mib']} → {csv['rss_peak_mib']} | "
            f"{csv['rss_growth_mib']} |"
        )
    lines += [
        "",
        f"Page: `?page_size=100`, {big['page']['calls']} calls over the pages in turn, one "
        "gunicorn worker.",
        "",
        "Queries per request, a first call / a second (learnplat caches the task list and "
        "progress):",
        "",
        "| students | " + " | ".join(big["queries"]) + " |",
        "| --- |" + " ---: |" * len(big["queries"]),
    ]
    for row in (small, big):
        lines.append(
            f"| {row['students']:,} students | "
            + " | ".join(" / ".join(map(str, q)) for q in row["queries"].values())
            + " |"
        )
    r, b, f = results["recompute"], results["burst"], results["burst_forking"]
    lines += [
        "",
        "## Background work",
        "",
        f"- Recompute after a grading change, one rqworker: **{r['seconds']} s** from the "
        f"change to `done` (the job itself {r['job_seconds']} s, {r['students']:,} students, "
        f"{r['state']}).",
        f"- Burst of {b['count']:,} submissions through RQ, 2 rqworkers "
        f"(`--worker-class {SIMPLE_WORKER}`): **{b['graded_per_second']} graded/s**; "
        f"submit→graded p50 {b['latency_ms']['p50']} ms, p99 {b['latency_ms']['p99']} ms "
        f"({b['latency_count']} more at {b['submit_rate_per_second']}/s).",
        f"- The same with RQ's default worker (a fork per job), {f['count']:,} submissions: "
        f"{f['graded_per_second']} graded/s; p50 {f['latency_ms']['p50']} ms, p99 "
        f"{f['latency_ms']['p99']} ms ({f['latency_count']} at "
        f"{f['submit_rate_per_second']}/s).",
        "",
        f"## Mixed run ({results['mixed']['seconds']} s, gunicorn 4 workers, 2 rqworkers)",
        "",
        f"One wrk process per endpoint at once, {results['mixed']['connections']} "
        "connections each.",
        "",
        "| endpoint | requests | req/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]  # fmt: skip
    for name, row in results["mixed"]["endpoints"].items():
        lines.append(
            f"| {name} | {row['requests']} | {row['rps']} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['errors'] or '–'} |"
        )
    lines += ["", f"Problems: {results['problems'] or 'none'}.", ""]
    return "\n".join(lines)


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reads_ = results["reads"]
    sizes = [f"{reads_[s]['students']:,} students" for s in (SMALL, BIG)]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    for i, key in enumerate(("p50_ms", "p99_ms")):
        axes[0].bar([x + i * 0.4 for x in range(2)], [reads_[s]["page"][key] for s in (SMALL, BIG)],
                    0.4, label=key.removesuffix("_ms"))  # fmt: skip
    axes[0].set_xticks([0.2, 1.2], sizes)
    axes[0].set_ylabel("ms")
    axes[0].set_title("gradebook page (100 students)")
    axes[0].legend(fontsize=8)
    axes[1].bar(sizes, [reads_[s]["csv"]["rss_growth_mib"] for s in (SMALL, BIG)])
    axes[1].set_ylabel("worker RSS growth while streaming, MiB")
    axes[1].set_title("streamed gradebook CSV")
    mixed = results["mixed"]["endpoints"]
    names = list(mixed)
    for i, key in enumerate(("p50_ms", "p99_ms")):
        axes[2].bar([x + i * 0.4 for x in range(len(names))], [mixed[n][key] for n in names], 0.4,
                    label=key.removesuffix("_ms"))  # fmt: skip
    axes[2].set_xticks([x + 0.2 for x in range(len(names))], names, rotation=20)
    axes[2].set_ylabel("ms")
    axes[2].set_title(f"mixed run, {results['mixed']['seconds']} s, 4 gunicorn workers")
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- the run -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "seed", "recompute"])
    parser.add_argument(
        "--database-url",
        default=scale_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--students", type=int, default=FULL.students)
    parser.add_argument("--small-students", type=int, default=FULL.small_students)
    parser.add_argument("--tasks", type=int, default=FULL.tasks)
    parser.add_argument("--attempts", type=int, default=FULL.attempts)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--fork-burst", type=int, default=500, help="with RQ's forking worker")
    parser.add_argument("--latency-count", type=int, default=200)
    parser.add_argument("--page-calls", type=int, default=50)
    parser.add_argument("--mixed-seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=2, help="per endpoint, mixed run")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded alike")
    parser.add_argument("--worker-warmup", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--smoke", action="store_true", help="CI's short run")
    options = parser.parse_args(argv)
    if options.smoke:
        smoke = replace(SMOKE)
        options.students, options.small_students = smoke.students, smoke.small_students
        options.tasks, options.attempts = smoke.tasks, smoke.attempts
        options.burst, options.latency_count, options.page_calls = 60, 10, 10
        options.fork_burst = 20
        options.mixed_seconds, options.connections = 5, 1
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    if options.command == "seed":
        seed_main(options)
        return 0
    if options.command == "recompute":
        recompute_main(options)
        return 0
    ensure_import_path()
    options.out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, flush=True)

    started = datetime.now(UTC).replace(microsecond=0)
    clock = time.monotonic()
    # RQ backend: submissions and recompute jobs go through Redis to real rqworkers.
    # The cache too: four gunicorn workers must see each other's invalidations.
    env = django_env(
        options.database_url,
        TASKS_BACKEND="rq",
        REDIS_URL=options.redis_url,
        CACHE_URL=options.redis_url,
    )
    forwarded = [
        f"--students={options.students}", f"--small-students={options.small_students}",
        f"--tasks={options.tasks}", f"--attempts={options.attempts}",
        f"--database-url={options.database_url}",
    ]  # fmt: skip
    seed_command = [sys.executable, "-m", "benchmarks.scale", "seed", *forwarded]
    if options.reuse:
        seed_command.append("--reuse")
    manifest = _subprocess_json(seed_command, env, "SCALE_MANIFEST")
    # The Redis database is the run's own: no cached read or queued job of an earlier seed.
    import redis

    redis.Redis.from_url(options.redis_url).flushdb()
    log(f"seeded: {manifest['seed']} {manifest['counts']}")
    results: dict[str, Any] = {
        "started": started.isoformat(),
        "smoke": options.smoke,
        "plan": manifest["plan"],
        "counts": manifest["counts"],
        "seed": manifest["seed"],
        "machine": report.machine(options.database_url),
    }
    results["reads"] = measure_reads(env, manifest, options, log)
    recompute_command = [
        sys.executable, "-m", "benchmarks.scale", "recompute", *forwarded,
        f"--worker-warmup={options.worker_warmup}", f"--timeout={options.timeout}",
    ]  # fmt: skip
    results["recompute"] = _subprocess_json(recompute_command, env, "SCALE_RECOMPUTE")
    log(f"recompute through an rqworker: {results['recompute']}")
    results["burst"] = measure_burst(env, options, log, options.burst, SIMPLE_WORKER)
    results["burst_forking"] = measure_burst(env, options, log, options.fork_burst, "")
    results["mixed"] = measure_mixed(env, manifest, options, log)
    results["seconds"] = round(time.monotonic() - clock, 1)
    results["problems"] = problems(results)
    stem = "scale-smoke" if options.smoke else "scale"
    for path in report.write(results, options.out, stem, as_markdown=markdown, draw=chart):
        log(f"wrote {path}")
    for problem in results["problems"]:
        log(f"PROBLEM: {problem}")
    return 1 if results["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
