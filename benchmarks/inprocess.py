"""Endpoints measured in process: ``python -m benchmarks.inprocess`` (run by
``benchmarks/run.py --in-process``).

Through gunicorn and wrk, every request pays the same fixed HTTP cost (the socket, the WSGI
server, wrk's own work), which hides part of what the framework adds: an endpoint at 0.85
of its baseline over HTTP can be at 0.65 in process. Here each scenario's learnplat path and
its plain-Django baseline (``benchmarks/baseline.py``, mounted under ``/bench/``) are called
through Django's test ``Client`` in this one process, with the benchmark host's settings and
so the same middleware, the same database and the same JWT on both sides. No HTTP server
runs.

Each of ``--rounds`` rounds times ``--requests`` calls of one side, then of the other
(alternating which goes first), after a warm-up; the figure per side is the median of its
rounds' calls per second and the ratio learnplat / baseline. Every call must answer 2xx,
else the run fails (exit status 1); speed never fails it.

Run twice by ``benchmarks/run.py``: with learnplat's cache (``BENCH_CACHE=1``, the
default, as in production) and without (``BENCH_CACHE=0``), so the uncached figure shows
the framework's cost and the cached one what a site gets. The baseline never caches.

Environment: ``DATABASE_URL`` (a database seeded by ``benchmarks.seed``) and
``DJANGO_SETTINGS_MODULE`` (``benchmarks.settings``). Input: ``--scenarios``, a JSON file of
``[{name, title, paths, baseline_paths, token}]`` (GET only; writes are measured over HTTP
only, because each call creates rows); output: JSON on stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/inprocess.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server import ensure_import_path


def _call_all(client: Any, paths: Sequence[str], token: str, count: int) -> float:
    """Seconds for ``count`` GETs of ``paths`` in turn; raises on any non-2xx answer."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    for n in range(count):
        path = paths[n % len(paths)]
        response = client.get(path, **headers)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return time.perf_counter() - started


def measure(scenario: dict[str, Any], *, requests: int, rounds: int, warmup: int) -> dict[str, Any]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    sides = {"learnplat": scenario["paths"], "baseline": scenario["baseline_paths"]}
    token = scenario.get("token", "")
    for paths in sides.values():
        _call_all(client, paths, token, warmup)
    rates: dict[str, list[float]] = {"learnplat": [], "baseline": []}
    order = ["learnplat", "baseline"]
    for _ in range(rounds):
        for side in order:
            gc.collect()
            seconds = _call_all(client, sides[side], token, requests)
            rates[side].append(requests / seconds)
        order.reverse()
    learnplat = statistics.median(rates["learnplat"])
    baseline = statistics.median(rates["baseline"])
    return {
        "title": scenario["title"],
        "learnplat_rps": round(learnplat, 1),
        "baseline_rps": round(baseline, 1),
        "ratio": round(learnplat / baseline, 3) if baseline else 0.0,
        "rounds": {side: [round(r, 1) for r in values] for side, values in rates.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200, help="calls per side per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=20)
    options = parser.parse_args(argv)
    ensure_import_path()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.conf import settings

    results: dict[str, Any] = {
        "cache": bool(settings.LEARNPLAT.get("CACHE", {}).get("ENABLED", True)),
        "scenarios": {},
        "errors": {},
    }
    for scenario in json.loads(options.scenarios.read_text()):
        try:
            results["scenarios"][scenario["name"]] = measure(
                scenario, requests=options.requests, rounds=options.rounds, warmup=options.warmup
            )
        except Exception as error:  # reported, and the run fails
            results["errors"][scenario["name"]] = f"{type(error).__name__}: {error}"
    json.dump(results, sys.stdout)
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
