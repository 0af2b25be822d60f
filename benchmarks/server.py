"""Processes the benchmarks and the hardening suite start: gunicorn serving the example
project, django-tasks-db workers, manage.py commands, all in the benchmark settings.

Environment passed on to every process (see :func:`django_env`): ``DATABASE_URL``,
``DJANGO_SETTINGS_MODULE`` (default ``benchmarks.settings``), ``PYTHONPATH`` with the
repository, ``src/`` and ``example_project/``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
PYTHONPATH = os.pathsep.join(str(p) for p in (ROOT, ROOT / "src", EXAMPLE))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/learnplat_bench"
# The server binds to loopback only: production settings, no TLS, never reachable from outside.
HOST = "127.0.0.1"


def ensure_import_path() -> None:
    """Make ``benchmarks``, ``learnplat`` and the example project importable in this process."""
    for path in (str(EXAMPLE), str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)


def django_env(
    database_url: str, settings: str = "benchmarks.settings", **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONPATH": PYTHONPATH,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def manage(
    args: Sequence[str], env: Mapping[str, str], *, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``django-admin <args>`` in the benchmark settings; raise when it fails."""
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=dict(env),
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=capture,
    )


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` (Linux /proc), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


class Server:
    """``gunicorn config.wsgi`` in the benchmark settings: one worker, loopback, DEBUG off.

    ``worker_pid`` is the process that serves requests (its memory is what the soak test
    watches); the arbiter only supervises it.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        workers: int = 1,
        threads: int = 1,
        port: int | None = None,
        log_path: Path | None = None,
        timeout: int = 60,
        limit_request_line: int | None = None,
    ) -> None:
        self.env = dict(env)
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.log_path = log_path
        self.timeout = timeout
        self.limit_request_line = limit_request_line
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            # gthread keeps connections alive; with one thread it serves one request at a time,
            # like the sync worker, without a TCP handshake per request.
            "--worker-class=gthread",
            f"--threads={self.threads}",
            f"--timeout={self.timeout}",
            "--graceful-timeout=5",
            "--log-level=warning",
        ]
        if self.limit_request_line is not None:
            command.append(f"--limit-request-line={self.limit_request_line}")
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=EXAMPLE,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        self.wait_ready()
        return self

    def wait_ready(self, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            with contextlib.suppress(OSError):
                # Any answer will do: the worker has imported the project and serves.
                self.request("GET", "/api/courses/", timeout=5)
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds}s; see {self.log_path}")

    @property
    def worker_pid(self) -> int:
        """The pid of the (first) gunicorn worker process."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()]
        if not pids:
            raise RuntimeError("gunicorn has no worker")
        return pids[0]

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request on a fresh connection: ``(status, headers, body)``."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=payload, headers=sent)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def processes(commands: Sequence[Sequence[str]], env: Mapping[str, str]) -> Iterator[list[Any]]:
    """Start ``python -m django <command>`` processes; stop them (SIGTERM, then KILL) after."""
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "django", *command],
            env=dict(env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for command in commands
    ]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
