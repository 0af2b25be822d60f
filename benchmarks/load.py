"""Drive load with wrk (a separate process; Debian package ``wrk``) and read its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "lua" / "scenario.lua"


@dataclass(frozen=True)
class Request:
    """What one scenario sends: paths taken in turn, one method, one token, one body."""

    paths: tuple[str, ...]
    method: str = "GET"
    token: str = ""
    body: Any = None


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def run_wrk(
    base_url: str,
    request: Request,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    timeout_seconds: int = 10,
) -> LoadResult:
    """Run wrk against ``base_url`` for ``seconds`` with ``connections`` keep-alive connections."""
    env = dict(os.environ)
    env.update(
        {
            "BENCH_PATHS": " ".join(request.paths),
            "BENCH_METHOD": request.method,
            "BENCH_TOKEN": request.token,
            "BENCH_BODY": "" if request.body is None else json.dumps(request.body),
        }
    )
    command = [
        wrk_path(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={timeout_seconds}s",
        f"--script={SCRIPT}",
        base_url,
    ]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw = json.loads(line.removeprefix("BENCH_RESULT "))
            break
    else:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    duration = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return LoadResult(
        requests=raw["requests"],
        seconds=round(duration, 3),
        rps=round(raw["requests"] / duration, 1) if duration else 0.0,
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        errors={k: v for k, v in raw["errors"].items() if v},
    )
