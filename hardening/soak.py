"""Load and soak: ``python -m hardening soak [--seconds 60] [--threads 4] [--rss-growth-mib 20]``.

Serves the example project (production settings, one gunicorn worker, throttles off so that
thousands of submissions a minute from a few students are not 429s) on a freshly seeded
database and sends mixed traffic (``hardening.traffic``: catalog, enroll, submit, progress,
gradebook) for ``--seconds``. Passes when

- every answer is the one its request must get (0 errors: no 4xx, 5xx or broken connection);
- the worker's resident memory grew by at most ``--rss-growth-mib`` between the end of the
  warm-up (the first fifth of the run, at least 5 s) and the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.server import Server, django_env, rss_bytes
from hardening import live
from hardening.traffic import Traffic, summary, unexpected

MIB = 1024 * 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rss-growth-mib", type=float, default=20)
    parser.add_argument("--out", type=Path, help="write the samples and summary here (JSON)")
    options = parser.parse_args(argv)
    url = live.database_url("soak")
    print(f"seeding {url.rsplit('/', 1)[1]}", flush=True)
    world = live.prepare(url)
    env = django_env(
        url, "hardening.settings", TASKS_BACKEND="immediate", HARDENING_THROTTLES="off"
    )
    warmup = max(5.0, options.seconds / 5)
    samples: list[tuple[float, int]] = []
    with Server(env) as server:
        pid = server.worker_pid
        traffic = Traffic(server.port, world)

        def sample(elapsed: float) -> None:
            samples.append((round(elapsed, 1), rss_bytes(pid)))

        traffic.run(options.seconds, options.threads, tick=sample)
        samples.append((options.seconds, rss_bytes(pid)))
        worker_alive = server.worker_pid == pid
    after_warmup = next(rss for t, rss in samples if t >= warmup)
    growth = (samples[-1][1] - after_warmup) / MIB
    bad = unexpected(traffic.outcomes)
    report: dict[str, Any] = {
        "seconds": options.seconds,
        "threads": options.threads,
        "requests": len(traffic.outcomes),
        "requests_per_second": round(len(traffic.outcomes) / options.seconds, 1),
        "kinds": summary(traffic.outcomes),
        "errors": len(bad),
        "rss_mib": {
            "start": round(samples[0][1] / MIB, 1),
            "after_warmup": round(after_warmup / MIB, 1),
            "end": round(samples[-1][1] / MIB, 1),
            "growth_after_warmup": round(growth, 1),
            "bound": options.rss_growth_mib,
        },
        "worker_restarted": not worker_alive,
    }
    print(json.dumps(report, indent=2))
    if options.out:
        options.out.write_text(json.dumps({**report, "rss_samples": samples}, indent=2))
    problems = []
    if bad:
        first = bad[0]
        problems.append(f"{len(bad)} unexpected answers, first: {first.kind} -> {first.status}")
    if growth > options.rss_growth_mib:
        problems.append(f"RSS grew {growth:.1f} MiB > {options.rss_growth_mib} MiB")
    if not worker_alive:
        problems.append("the gunicorn worker was replaced during the run")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("soak: " + ("FAILED" if problems else "passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
