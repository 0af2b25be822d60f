"""Mixed API traffic from client threads, every answer checked against what it must be.

Used by the soak (``hardening.soak``) and the fault runs (``hardening.faults``). Each thread
holds one keep-alive connection and repeats a weighted random choice of:

- ``catalog``: ``GET courses/?page=N`` anonymously (200);
- ``enroll``: ``POST courses/{slug}/enroll/`` by a student not in that course yet (201);
- ``submit``: ``POST tasks/{id}/submissions/`` by a student of the gradebook course (201);
- ``progress``: ``GET courses/{slug}/progress/`` by such a student (200);
- ``gradebook``: ``GET courses/{slug}/gradebook/?page=N`` by its instructor (200).
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.server import HOST

MIX = {"catalog": 40, "enroll": 10, "submit": 20, "progress": 20, "gradebook": 10}
EXPECTED = {"catalog": 200, "enroll": 201, "submit": 201, "progress": 200, "gradebook": 200}


@dataclass
class Outcome:
    at: float
    kind: str
    status: int  # 0: the connection failed
    ms: float
    retry_after: str | None = None


@dataclass
class Traffic:
    """Shared state of the client threads: targets, and everything they saw."""

    port: int
    world: dict[str, Any]
    mix: dict[str, int] = field(default_factory=lambda: dict(MIX))
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pairs: int = 0

    def next_pair(self) -> list[str] | None:
        with self._lock:
            pairs = self.world["enroll_pairs"]
            if self._pairs >= len(pairs):
                return None
            self._pairs += 1
            return list(pairs[self._pairs - 1])

    def request(self, rng: random.Random, kind: str) -> tuple[str, str, str, str | None, Any]:
        """(kind, method, path, token, body); ``enroll`` falls back to ``catalog`` once every
        pair is used."""
        w = self.world
        course = w["gradebook_course"]
        if kind == "enroll":
            pair = self.next_pair()
            if pair is None:  # every pair used: read instead
                kind = "catalog"
            else:
                return kind, "POST", f"/api/courses/{pair[1]}/enroll/", pair[0], None
        if kind == "catalog":
            return kind, "GET", f"/api/courses/?page={rng.randint(1, 2)}", None, None
        taker = rng.choice(w["taker_tokens"])
        if kind == "submit":
            task = rng.choice(w["gradebook_tasks"])
            answer = rng.choice(["4", "5", "four"])
            return kind, "POST", f"/api/tasks/{task}/submissions/", taker, {"answer": answer}
        if kind == "progress":
            return kind, "GET", f"/api/courses/{course}/progress/", taker, None
        path = f"/api/courses/{course}/gradebook/?page={rng.randint(1, 10)}"
        return kind, "GET", path, w["instructor_token"], None

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        kinds = list(self.mix)
        weights = [self.mix[k] for k in kinds]
        conn: http.client.HTTPConnection | None = None
        while not self.stop.is_set():
            kind, method, path, token, body = self.request(rng, rng.choices(kinds, weights)[0])
            headers = {"Accept": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            started = time.monotonic()
            status, retry_after = 0, None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                status, retry_after = response.status, response.getheader("Retry-After")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            elapsed = (time.monotonic() - started) * 1000
            with self._lock:
                self.outcomes.append(Outcome(time.monotonic(), kind, status, elapsed, retry_after))
        if conn is not None:
            conn.close()

    def run(
        self, seconds: float, threads: int, tick: Callable[[float], None] | None = None
    ) -> None:
        """Drive traffic for ``seconds``; ``tick(elapsed)`` is called about once a second."""
        workers = [
            threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(threads)
        ]
        for worker in workers:
            worker.start()
        started = time.monotonic()
        try:
            while (elapsed := time.monotonic() - started) < seconds:
                if tick is not None:
                    tick(elapsed)
                time.sleep(min(1.0, max(seconds - elapsed, 0)))
        finally:
            self.stop.set()
            for worker in workers:
                worker.join(60)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Per kind: requests, status codes seen, p50/p99 ms."""
    result: dict[str, Any] = {}
    for kind in sorted({o.kind for o in outcomes}):
        mine = [o for o in outcomes if o.kind == kind]
        times = sorted(o.ms for o in mine)
        result[kind] = {
            "requests": len(mine),
            "statuses": dict(Counter(o.status for o in mine)),
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        }
    return result


def unexpected(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status != EXPECTED[o.kind]]
