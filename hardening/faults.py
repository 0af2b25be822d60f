"""Faults: ``python -m hardening faults [--only postgres,sigkill,redis]``.

- ``postgres``: PostgreSQL stops for ``--outage`` seconds under mixed traffic, then starts
  again. It runs on a throwaway cluster of its own (``pg_createcluster 15 faults --port
  5433``, created on first use, stopped afterwards), never the shared one. Passes when every
  answer is either the right one or a 503 with ``Retry-After`` (never a 500 or a dropped
  connection), the outage was seen, every request after recovery succeeds, and no
  acknowledged submission is missing.
- ``sigkill``: a django-tasks-db worker killed with SIGKILL mid-evaluation loses nothing
  (the submissions suite's ``tests/submissions/test_fault_sigkill.py``, real processes).
- ``redis``: with ``TASKS_BACKEND=rq``, Redis (a server of its own on a free port) goes away:
  submissions are still accepted (201, ``queued``: the row is the outbox), and once Redis is
  back the sweeper (``learnplat_requeue_stale``) re-enqueues them and the worker grades all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.server import ROOT, Server, django_env, free_port, manage, processes
from hardening import live
from hardening.traffic import EXPECTED, Traffic, summary

PG_VERSION = os.environ.get("HARDENING_PG_VERSION", "15")
PG_CLUSTER = "faults"
PG_PORT = int(os.environ.get("HARDENING_PG_PORT", "5433"))


# -- PostgreSQL restarted under load ---------------------------------------------------------


def _cluster(*args: str) -> None:
    subprocess.run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, *args], check=True)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[None]:
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    if not any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in listed.stdout.splitlines()):
        # Loopback only, trust: a disposable cluster for this test and nothing else.
        subprocess.run(
            [
                "pg_createcluster",
                PG_VERSION,
                PG_CLUSTER,
                "--port",
                str(PG_PORT),
                "--",
                "--auth=trust",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    _cluster("start")
    try:
        yield
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _cluster("stop", "-m", "fast")


def _on_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)
    auth = f"{host[0]}@" if len(host) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


def postgres(options: argparse.Namespace) -> list[str]:
    url = _on_port(live.database_url("faults"), PG_PORT)
    with throwaway_cluster():
        world = live.prepare(url)
        env = django_env(
            url, "hardening.settings", TASKS_BACKEND="immediate", HARDENING_THROTTLES="off"
        )
        count_before = _submission_count(url)
        with Server(env, log_path=options.out / "gunicorn-postgres.log") as server:
            traffic = Traffic(server.port, world, mix={"catalog": 4, "submit": 4, "progress": 2})
            marks: dict[str, float] = {}

            def tick(elapsed: float) -> None:
                if "down" not in marks and elapsed >= options.before:
                    marks["down"] = time.monotonic()
                    _cluster("stop", "-m", "fast")
                    print(f"  PostgreSQL stopped at {elapsed:.0f}s", flush=True)
                elif (
                    "up" not in marks
                    and "down" in marks
                    and elapsed >= options.before + options.outage
                ):
                    _cluster("start")
                    marks["up"] = time.monotonic()
                    print(f"  PostgreSQL started at {elapsed:.0f}s", flush=True)

            traffic.run(options.before + options.outage + options.after, options.threads, tick)
        count_after = _submission_count(url)
    outcomes = traffic.outcomes
    unavailable = [o for o in outcomes if o.status == 503]
    wrong = [o for o in outcomes if o.status not in {EXPECTED[o.kind], 503}]
    no_retry_after = [o for o in unavailable if not o.retry_after]
    settled = marks.get("up", float("inf")) + options.settle
    late_failures = [o for o in outcomes if o.at > settled and o.status != EXPECTED[o.kind]]
    acknowledged = sum(1 for o in outcomes if o.kind == "submit" and o.status == 201)
    stored = count_after - count_before
    report = {
        "requests": len(outcomes),
        "kinds": summary(outcomes),
        "answered_503": len(unavailable),
        "other_failures": len(wrong),
        "failures_after_recovery": len(late_failures),
        "submissions_acknowledged": acknowledged,
        "submissions_stored": stored,
    }
    print(json.dumps(report, indent=2), flush=True)
    problems = []
    if not unavailable:
        problems.append("the outage was never seen (no 503): the run proves nothing")
    if wrong:
        problems.append(f"{len(wrong)} answers neither right nor 503, first {_first(wrong)}")
    if no_retry_after:
        problems.append(f"{len(no_retry_after)} 503s without Retry-After")
    if late_failures:
        problems.append(
            f"{len(late_failures)} failures after recovery, first {_first(late_failures)}"
        )
    if stored < acknowledged:
        problems.append(f"{acknowledged} submissions acknowledged but {stored} stored")
    return problems


def _first(outcomes: list[Any]) -> str:
    return f"{outcomes[0].kind} -> {outcomes[0].status}"


def _submission_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SELECT count(*) FROM learnplat_submissions_submission").fetchone()
    return int(row[0]) if row else 0


# -- a worker killed mid-evaluation -------------------------------------------------------------


def sigkill(options: argparse.Namespace) -> list[str]:
    test = ROOT / "tests" / "submissions" / "test_fault_sigkill.py"
    if not test.exists():
        return [f"{test.relative_to(ROOT)} is missing"]
    env = dict(os.environ)
    env["DATABASE_URL"] = live.database_url("sigkill")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds",
            "tests.projects.workers.settings",
            str(test),
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    return [] if completed.returncode == 0 else [f"{test.name} failed"]


# -- Redis down under the RQ backend ------------------------------------------------------------


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _redis_ping(port), "Redis to answer", 20)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


def _redis_ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _wait(condition: Callable[[], bool], what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise RuntimeError(f"timed out waiting for {what}")


def redis_down(options: argparse.Namespace) -> list[str]:
    port = free_port()
    url = live.database_url("redis")
    rq_env = {
        "TASKS_BACKEND": "rq",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "HARDENING_THROTTLES": "off",
        "HARDENING_STALE_QUEUED_SECONDS": "1",
    }
    world = live.prepare(url, **rq_env)
    env = django_env(url, "hardening.settings", **rq_env)
    worker = [["rqworker", "default", "--job-class", "django_tasks_rq.Job"]]
    takers = world["taker_tokens"]
    task = world["gradebook_tasks"][0]
    submitted: list[tuple[int, str]] = []
    problems: list[str] = []

    def submit_batch(server: Server, count: int, label: str) -> None:
        for _ in range(count):
            token = takers[len(submitted) % len(takers)]
            status, _, body = server.request(
                "POST", f"/api/tasks/{task}/submissions/", token=token, body={"answer": "4"}
            )
            if status != 201:
                problems.append(f"{label}: submit answered {status} {body[:120]!r}")
                continue
            submitted.append((json.loads(body)["id"], token))

    def graded(server: Server) -> bool:
        for pk, token in submitted:
            status, _, body = server.request("GET", f"/api/submissions/{pk}/", token=token)
            if status != 200 or json.loads(body)["status"] != "graded":
                return False
        return True

    with Server(env, log_path=options.out / "gunicorn-redis.log") as server:
        with redis_server(port) as redis_process, processes(worker, env):
            submit_batch(server, 5, "Redis up")
            _wait(lambda: graded(server), "the first submissions to be graded", 60)
            print("  5 submissions graded with Redis up; stopping Redis", flush=True)
            redis_process.terminate()
            redis_process.wait(10)
            submit_batch(server, 10, "Redis down")
            print(f"  {len(submitted) - 5} of 10 submissions accepted with Redis down", flush=True)
        with redis_server(port), processes(worker, env):
            time.sleep(1.5)  # past STALE_QUEUED_SECONDS
            manage(["learnplat_requeue_stale"], env)
            try:
                _wait(lambda: graded(server), "every submission to be graded", 90)
                print(f"  all {len(submitted)} graded after Redis came back", flush=True)
            except RuntimeError as exc:
                problems.append(str(exc))
    if len(submitted) != 15:
        problems.append(f"{15 - len(submitted)} submissions were refused")
    return problems


SCENARIOS = {"postgres": postgres, "sigkill": sigkill, "redis": redis_down}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--before", type=float, default=6, help="seconds of load before")
    parser.add_argument("--outage", type=float, default=4, help="seconds PostgreSQL is down")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after")
    parser.add_argument("--settle", type=float, default=3, help="grace after restart")
    parser.add_argument("--out", type=Path, default=Path("/tmp/learnplat-faults"))
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in options.only.split(","):
        print(f"--- fault: {name}", flush=True)
        problems = SCENARIOS[name](options)
        for problem in problems:
            print(f"PROBLEM ({name}): {problem}", flush=True)
        print(f"--- {name}: {'FAILED' if problems else 'passed'}", flush=True)
        if problems:
            failed.append(name)
    print("faults: " + ("FAILED for " + ", ".join(failed) if failed else "every fault passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
