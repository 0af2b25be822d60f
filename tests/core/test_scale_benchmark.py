"""The 5,000-student benchmark (benchmarks/scale.py) fails its run when a read's queries per
request differ between its two course sizes, when the streamed CSV's memory grows with the
rows, or when anything errs; it never fails on speed.

No timing is asserted: the figures depend on the machine."""

from __future__ import annotations

import copy
from typing import Any

from benchmarks import scale

MACHINE_KEYS = (
    "nproc", "cpu", "memory_gib", "kernel", "python", "django", "postgresql", "wrk", "gunicorn",
)  # fmt: skip


def _burst(count: int) -> dict[str, Any]:
    return {
        "count": count, "statuses": {"graded": count}, "graded_per_second": 30.0,
        "latency_count": 10, "submit_rate_per_second": 15.0,
        "latency_ms": {"p50": 100.0, "p99": 200.0},
    }  # fmt: skip


def _course(students: int, rss_growth: float) -> dict[str, Any]:
    return {
        "students": students,
        "page": {"calls": 10, "p50_ms": 50.0, "p99_ms": 90.0, "queries": [11], "statuses": [200]},
        "queries": {"gradebook": [11, 11], "tasks": [6, 3]},
        "csv": {
            "status": 200, "seconds": 1.0, "bytes": 1000, "rows": students,
            "rss_before_mib": 100.0, "rss_peak_mib": 100.0 + rss_growth,
            "rss_growth_mib": rss_growth,
        },
    }  # fmt: skip


def results() -> dict[str, Any]:
    endpoint = {"requests": 50, "rps": 10.0, "p50_ms": 90.0, "p99_ms": 300.0, "errors": {}}
    return {
        "started": "2026-12-03T16:00:00+00:00",
        "seconds": 60.0,
        "plan": {"students": 250, "small_students": 25, "tasks": 5, "attempts": 2},
        "counts": {"submissions": 2750},
        "seed": {"seed_seconds": 4.0, "copy_seconds": 1.0, "progress_seconds": 1.0},
        "machine": dict.fromkeys(MACHINE_KEYS, "?"),
        "reads": {scale.BIG: _course(250, 12.0), scale.SMALL: _course(25, 11.0)},
        "recompute": {
            "state": "done",
            "error": None,
            "students": 250,
            "seconds": 1.0,
            "job_seconds": 0.8,
        },
        "burst": _burst(60),
        "burst_forking": _burst(20),
        "mixed": {"seconds": 5, "connections": 1, "endpoints": {"gradebook": endpoint}},
    }


def test_a_clean_run_has_no_problems_and_renders() -> None:
    run = results()
    assert scale.problems(run) == []
    run["problems"] = []
    text = scale.markdown(run)
    assert "| 250 students | 11 / 11 | 6 / 3 |" in text


def test_queries_that_differ_between_the_sizes_fail_the_run() -> None:
    run = results()
    run["reads"][scale.BIG]["queries"]["tasks"] = [7, 3]
    assert scale.problems(run) == [
        "tasks: queries per request [7, 3] at 250 students, [6, 3] at 25"
    ]


def test_a_csv_whose_memory_grows_with_the_rows_fails_the_run() -> None:
    run = results()
    run["reads"][scale.BIG]["csv"]["rss_growth_mib"] = 2 * 11.0 + scale.CSV_RSS_SLACK_MIB + 1
    assert [p.split(":")[0] for p in scale.problems(run)] == ["CSV"]


def test_errors_and_ungraded_submissions_fail_the_run() -> None:
    run = copy.deepcopy(results())
    run["mixed"]["endpoints"]["gradebook"]["errors"] = {"status": 3}
    run["burst"]["statuses"] = {"graded": 59, "failed": 1}
    run["recompute"]["state"] = "failed"
    assert len(scale.problems(run)) == 3
