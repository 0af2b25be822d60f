#!/usr/bin/env python
"""Run every benchmark and write the results: ``python benchmarks/run.py``.

For each data size (``--scales``, default 1, 10 and 100 times the base plan of
``benchmarks/seed.py``) it seeds (or reuses) a PostgreSQL database of its own, serves the
example project with gunicorn (one worker, loopback, DEBUG off, the benchmark settings that
mount the baseline views), and for each scenario checks that learnplat and its baseline
answer the same JSON, reads the queries per request, then drives wrk against both in
alternating rounds. Then the evaluation pipeline benchmark (``benchmarks/pipeline.py``)
runs at 1× data, and the in-process benchmark of the lean serializers
(``benchmarks/serializers.py``, also written as ``serializers.json`` and ``.md``). Results
go to ``--out`` (default benchmarks/results/) as ``results.json``, ``results.md`` and
``results.png``.

``--in-process`` also calls every read scenario and its baseline through Django's test
client in one process (``benchmarks/inprocess.py``), with and without learnplat's cache:
the fixed HTTP cost that wrk pays on both sides hides part of the framework's own cost.

``--scale-course`` runs only the 5,000-student course (``benchmarks/scale.py``; with
``--smoke``, its CI size), writing ``scale.json``, ``.md`` and ``.png``.

``--smoke`` is the seconds-long check CI runs: 1× data, one short round, 50 pipeline
submissions, three short serializer rounds; it fails on any error or baseline mismatch
(or a lean serializer answering other JSON than DRF's way), never on speed. docs/performance.md
has the full-run command and the last figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import report
from benchmarks.load import LoadResult, Request, run_wrk
from benchmarks.seed import database_url_for
from benchmarks.server import DEFAULT_DATABASE_URL, ROOT, Server, django_env

#: Paginated endpoints: queries and latency must not grow with the data.
FLAT_P50_FACTOR = 1.5
FLAT_P50_SLACK_MS = 2.0


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    learnplat: Request
    baseline: Request
    paginated: bool
    #: learnplat / baseline throughput it must reach (None: reported only).
    target: float | None = report.LIST_TARGET
    #: Compare only the keys of the two answers (answers that create rows differ in ids).
    same_shape_only: bool = False


def scenarios(manifest: dict[str, Any]) -> list[Scenario]:
    tokens = manifest["tokens"]
    slug = manifest["gradebook_course"]
    task = manifest["submit_task"]

    def pair(path: str, token: str = "", **kwargs: Any) -> tuple[Request, Request]:
        paths = tuple(p.strip() for p in path.split(","))
        return (
            Request(tuple(f"/api/{p}" for p in paths), token=token, **kwargs),
            Request(tuple(f"/bench/{p}" for p in paths), token=token, **kwargs),
        )

    def scenario(name: str, title: str, path: str, token: str = "", **options: Any) -> Scenario:
        request_options = {k: options.pop(k) for k in ("method", "body") if k in options}
        learnplat, baseline = pair(path, token, **request_options)
        return Scenario(name, title, learnplat, baseline, **options)

    return [
        scenario(
            "catalog",
            # learnplat serves it from its cache (learnplat.cache), the baseline builds it on
            # every request: the cache must at least double the throughput.
            "Course catalog (anonymous, 20/page, cached)",
            "courses/?page=1, courses/?page=2, courses/?page=3",
            paginated=True,
            target=report.CACHED_TARGET,
        ),
        scenario(
            "tasks",
            "Task list (enrolled student)",
            f"courses/{slug}/tasks/",
            tokens["bench_student"],
            paginated=True,
        ),
        scenario(
            "submissions",
            "Submissions list (student)",
            "submissions/",
            tokens["bench_student"],
            paginated=True,
        ),
        scenario(
            "progress",
            "Course progress (student)",
            f"courses/{slug}/progress/",
            tokens["bench_student"],
            paginated=False,
        ),
        scenario(
            "gradebook",
            "Gradebook 200 × 30 (instructor)",
            # Both pages of 100 students (page_size is capped at 100).
            f"courses/{slug}/gradebook/?page_size=100, "
            f"courses/{slug}/gradebook/?page=2&page_size=100",
            tokens["bench_instructor"],
            paginated=False,
        ),
        scenario(
            "submit",
            "Submit (immediate backend)",
            f"tasks/{task}/submissions/",
            tokens["submitter"],
            method="POST",
            body={"answer": "4"},
            paginated=False,
            target=None,
            same_shape_only=True,
        ),
    ]


# -- one scenario -------------------------------------------------------------------------


def _fetch(server: Server, request: Request) -> tuple[int, dict[str, str], Any]:
    status, headers, body = server.request(
        request.method, request.paths[0], token=request.token or None, body=request.body
    )
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = body[:200].decode(errors="replace")
    return status, headers, data


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return type(value).__name__


def compare(server: Server, scenario: Scenario) -> dict[str, Any]:
    """Answer the same status and JSON (or, for writes, JSON of the same shape)?"""
    lp_status, lp_headers, lp_data = _fetch(server, scenario.learnplat)
    base_status, base_headers, base_data = _fetch(server, scenario.baseline)
    # Page links point at each side's own mount point.
    base_data = json.loads(json.dumps(base_data).replace("/bench/", "/api/"))
    if scenario.same_shape_only:
        same = _shape(lp_data) == _shape(base_data)
    else:
        same = lp_data == base_data
    return {
        "same": same and lp_status == base_status,
        "status": [lp_status, base_status],
        "queries": {
            "learnplat": int(lp_headers.get("X-Query-Count", -1)),
            "baseline": int(base_headers.get("X-Query-Count", -1)),
        },
        "learnplat_sample": None if same else lp_data,
        "baseline_sample": None if same else base_data,
    }


def _median_round(rounds: list[LoadResult]) -> dict[str, Any]:
    ordered = sorted(rounds, key=lambda r: r.rps)
    middle = ordered[len(ordered) // 2]
    data = middle.as_dict()
    data["rps"] = round(statistics.median(r.rps for r in rounds), 1)
    data["rounds_rps"] = [r.rps for r in rounds]
    data["errors"] = {
        k: sum(r.errors.get(k, 0) for r in rounds) for k in {k for r in rounds for k in r.errors}
    }
    return data


def measure(server: Server, scenario: Scenario, options: argparse.Namespace) -> dict[str, Any]:
    parity = compare(server, scenario)
    sides: dict[str, list[LoadResult]] = {"learnplat": [], "baseline": []}
    # Alternate the two sides so that whatever else the machine does hits both alike.
    for _ in range(options.rounds):
        for side in ("learnplat", "baseline"):
            request = getattr(scenario, side)
            sides[side].append(
                run_wrk(
                    server.base_url,
                    request,
                    seconds=options.seconds,
                    connections=options.connections,
                )
            )
    learnplat = _median_round(sides["learnplat"])
    baseline = _median_round(sides["baseline"])
    return {
        "title": scenario.title,
        "paginated": scenario.paginated,
        "target": scenario.target,
        "learnplat": learnplat,
        "baseline": baseline,
        "ratio": round(learnplat["rps"] / baseline["rps"], 3) if baseline["rps"] else 0.0,
        "queries": parity["queries"],
        "parity": parity,
    }


# -- a data size ----------------------------------------------------------------------------


def seed_scale(database_url: str, scale: int, reseed: bool) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            "-m",
            "benchmarks.seed",
            f"--scale={scale}",
            f"--manifest={out.name}",
        ]
        if reseed:
            command.append("--reseed")
        # TASKS_BACKEND=db: migrate creates the django-tasks-db tables the pipeline uses.
        env = django_env(database_url, TASKS_BACKEND="db")
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        return dict(json.loads(Path(out.name).read_text()))


def run_scale(
    scale: int, options: argparse.Namespace, log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    database_url = database_url_for(options.database_url, scale)
    manifest = seed_scale(database_url, scale, options.reseed)
    log(f"{scale}x data: {manifest['counts']}")
    env = django_env(database_url, TASKS_BACKEND="immediate")
    rows: dict[str, Any] = {}
    log_path = options.out / f"gunicorn-{scale}x.log"
    with Server(env, log_path=log_path) as server:
        for scenario in scenarios(manifest):
            if options.only and scenario.name not in options.only:
                continue
            row = measure(server, scenario, options)
            rows[scenario.name] = row
            lp, base = row["learnplat"], row["baseline"]
            log(
                f"  {scenario.name:<12} learnplat {lp['rps']:7.0f}/s  baseline {base['rps']:7.0f}/s"
                f"  ratio {row['ratio']:.2f}  p50 {lp['p50_ms']:.1f}/{base['p50_ms']:.1f} ms"
                f"  queries {row['queries']['learnplat']}/{row['queries']['baseline']}"
                + ("" if row["parity"]["same"] else "  BASELINE MISMATCH")
            )
    if options.in_process:
        rows_in_process = run_in_process(scale, manifest, options, log)
        options.in_process_results[scale] = rows_in_process
    return rows, manifest["counts"]


def scaling(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    scales = list(results)
    table: dict[str, Any] = {}
    for name, first in results[scales[0]].items():
        rows = [results[s][name] for s in scales if name in results[s]]
        queries = [r["queries"]["learnplat"] for r in rows]
        p50 = [r["learnplat"]["p50_ms"] for r in rows]
        bound = max(p50[0] * FLAT_P50_FACTOR, p50[0] + FLAT_P50_SLACK_MS)
        table[name] = {
            "title": first["title"],
            "paginated": first["paginated"],
            "queries": queries,
            "p50_ms": p50,
            "flat": len(set(queries)) == 1 and all(p <= bound for p in p50),
        }
    return table


def run_serializers(options: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """``benchmarks/serializers.py`` in a process of its own (it sets Django up on the 1×
    database); its results, with ``failed`` naming paths whose two answers differ."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.serializers",
        f"--database-url={options.database_url}",
        f"--out={options.out}",
    ]
    if options.smoke:
        command.append("--smoke")
    env = django_env(database_url_for(options.database_url, 1), TASKS_BACKEND="db")
    out = subprocess.run(command, env=env, cwd=ROOT, check=False, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        log(f"serializers: {line}")
    path = options.out / "serializers.json"
    if out.returncode not in (0, 1) or not path.exists():
        raise RuntimeError(f"benchmarks.serializers failed ({out.returncode}):\n{out.stderr}")
    return dict(json.loads(path.read_text()))


def run_pipeline(options: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    database_url = database_url_for(options.database_url, 1)
    env = django_env(database_url, TASKS_BACKEND="db")

    def pipeline(*args: str) -> dict[str, Any]:
        command = [
            sys.executable,
            "-m",
            "benchmarks.pipeline",
            f"--count={options.pipeline_count}",
            *args,
        ]
        out = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("PIPELINE_RESULT "))
        return dict(json.loads(line.removeprefix("PIPELINE_RESULT ")))

    bare = pipeline("--bare")
    log(f"pipeline bare loop: {bare['graded_per_second']} graded/s {bare['outcomes']}")
    runs = []
    for workers in options.pipeline_workers:
        run = pipeline(f"--workers={workers}", f"--latency-count={options.latency_count}")
        run["ratio"] = round((run["graded_per_second"] or 0) / bare["graded_per_second"], 3)
        log(
            f"pipeline {workers} worker(s): {run['graded_per_second']} graded/s "
            f"(ratio {run['ratio']:.2f}), submit→graded p50 {run['latency_ms']['p50']} ms "
            f"p99 {run['latency_ms']['p99']} ms {run['statuses']}"
        )
        runs.append(run)
    return {"count": options.pipeline_count, "bare": bare, "workers": runs}


def run_in_process(
    scale: int, manifest: dict[str, Any], options: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    """``benchmarks/inprocess.py`` for the GET scenarios at ``scale``, once with learnplat's
    cache and once without; ``{"cached": ..., "uncached": ...}``."""
    reads = [
        {
            "name": s.name,
            "title": s.title,
            "paths": list(s.learnplat.paths),
            "baseline_paths": list(s.baseline.paths),
            "token": s.learnplat.token,
        }
        for s in scenarios(manifest)
        if s.learnplat.method == "GET" and (not options.only or s.name in options.only)
    ]
    database_url = database_url_for(options.database_url, scale)
    found: dict[str, Any] = {}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as spec:
        json.dump(reads, spec)
        spec.flush()
        for mode, flag in (("cached", "1"), ("uncached", "0")):
            command = [
                sys.executable,
                "-m",
                "benchmarks.inprocess",
                f"--scenarios={spec.name}",
                f"--requests={options.in_process_requests}",
                f"--rounds={options.in_process_rounds}",
            ]
            env = django_env(database_url, TASKS_BACKEND="immediate", BENCH_CACHE=flag)
            out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            if out.returncode not in (0, 1) or not out.stdout.strip():
                raise RuntimeError(f"benchmarks.inprocess failed ({out.returncode}):\n{out.stderr}")
            found[mode] = json.loads(out.stdout)
            for name, row in found[mode]["scenarios"].items():
                log(
                    f"  in-process {mode:<8} {name:<12} learnplat {row['learnplat_rps']:7.0f}/s"
                    f"  baseline {row['baseline_rps']:7.0f}/s  ratio {row['ratio']:.2f}"
                )
            for name, error in found[mode]["errors"].items():
                log(f"  in-process {mode:<8} {name:<12} ERROR {error}")
    return found


# -- the run ------------------------------------------------------------------------------


def problems(results: dict[str, Any], check_targets: bool) -> list[str]:
    found = []
    for scale, rows in results["scales"].items():
        for name, row in rows.items():
            if not row["parity"]["same"]:
                found.append(f"{scale}x {name}: the baseline does not answer what learnplat does")
            for side in ("learnplat", "baseline"):
                if row[side]["errors"]:
                    found.append(f"{scale}x {name}: {side} errors {row[side]['errors']}")
            if check_targets and row["target"] is not None and row["ratio"] < row["target"]:
                found.append(f"{scale}x {name}: ratio {row['ratio']} < {row['target']}")
    for name, row in results.get("scaling", {}).items():
        if row["paginated"] and len(set(row["queries"])) != 1:
            found.append(f"{name}: queries per request grow with the data {row['queries']}")
        if check_targets and row["paginated"] and not row["flat"]:
            found.append(f"{name}: latency grows with the data {row['p50_ms']}")
    pipeline = results.get("pipeline")
    if pipeline:
        for run in pipeline["workers"]:
            if set(run["statuses"]) != {"graded"}:
                found.append(
                    f"pipeline {run['workers']} worker(s): not all graded {run['statuses']}"
                )
            if check_targets and run["ratio"] < report.PIPELINE_TARGET:
                found.append(f"pipeline {run['workers']} worker(s): ratio {run['ratio']}")
    for scale, modes in results.get("in_process", {}).items():
        for mode, run in modes.items():
            for name, error in run["errors"].items():
                found.append(f"{scale}x {name} in process ({mode}): {error}")
            if check_targets and mode == "uncached":
                for name, row in run["scenarios"].items():
                    target = report.IN_PROCESS_TARGET
                    if name in report.IN_PROCESS_LISTS and row["ratio"] < target:
                        found.append(f"{scale}x {name} in process: ratio {row['ratio']} < {target}")
    for name in results.get("serializers", {}).get("failed", []):
        found.append(f"serializers {name}: the lean path does not answer what DRF's way does")
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--scales", default="1,10,100", help="data sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=5, help="wrk duration of one round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--only", default="", help="scenario names, comma-separated")
    parser.add_argument("--pipeline-count", type=int, default=2000)
    parser.add_argument("--latency-count", type=int, default=200)
    parser.add_argument("--pipeline-workers", default="1,2")
    parser.add_argument("--no-pipeline", action="store_true")
    parser.add_argument("--no-serializers", action="store_true", help="skip the serializer run")
    parser.add_argument("--reseed", action="store_true", help="seed again even if unchanged")
    parser.add_argument(
        "--check-targets", action="store_true", help="exit 1 when a target is missed"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--smoke", action="store_true", help="seconds-long CI check")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="also call each read endpoint and its baseline in process (Django's test client)",
    )
    parser.add_argument(
        "--scale-course",
        action="store_true",
        help="only the 5,000-student course (benchmarks/scale.py; --smoke: its CI size)",
    )
    parser.add_argument("--in-process-requests", type=int, default=200)
    parser.add_argument("--in-process-rounds", type=int, default=5)
    options = parser.parse_args(argv)
    options.in_process_results = {}
    if options.smoke:
        options.scales, options.seconds, options.rounds = "1", 1, 1
        options.pipeline_count, options.latency_count = 50, 10
        options.in_process_requests, options.in_process_rounds = 10, 1
    options.scales = [int(s) for s in str(options.scales).split(",") if s]
    options.only = {s for s in options.only.split(",") if s}
    options.pipeline_workers = [int(w) for w in str(options.pipeline_workers).split(",") if w]
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    if options.scale_course:
        from benchmarks import scale

        return scale.main(
            [
                f"--database-url={scale.scale_database_url(options.database_url)}",
                f"--out={options.out}",
                *(["--smoke"] if options.smoke else []),
            ]
        )
    options.out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, flush=True)

    started = datetime.now(UTC).replace(microsecond=0)
    clock = time.monotonic()
    results: dict[str, Any] = {
        "started": started.isoformat(),
        "config": {
            "scales": options.scales,
            "seconds": options.seconds,
            "rounds": options.rounds,
            "connections": options.connections,
            "pipeline_count": options.pipeline_count,
        },
        "machine": report.machine(options.database_url),
        "scales": {},
        "data": {},
    }
    for scale in options.scales:
        rows, counts = run_scale(scale, options, log)
        results["scales"][scale] = rows
        results["data"][scale] = counts
    if options.in_process_results:
        results["in_process"] = options.in_process_results
    if len(options.scales) > 1:
        results["scaling"] = scaling(results["scales"])
    if not options.no_pipeline and not options.only:
        results["pipeline"] = run_pipeline(options, log)
    if not options.no_serializers and not options.only:
        results["serializers"] = run_serializers(options, log)
    results["seconds"] = round(time.monotonic() - clock, 1)
    for path in report.write(results, options.out, "results"):
        log(f"wrote {path}")
    found = problems(results, options.check_targets)
    for problem in found:
        log(f"PROBLEM: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
