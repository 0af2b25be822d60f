"""Start real worker processes against the test database, and wait for outcomes.

Worker tests need PostgreSQL (the test process and the workers share the test database)
and the workers host shape (``--ds tests.projects.workers.settings``), which installs
django-tasks-db and django-rq; elsewhere they are skipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.overrides import LearnplatSettings
from tests.submissions.kinds import TEST_EVALUATORS

ROOT = Path(__file__).resolve().parents[2]
#: The longest any wait in these tests may take before it fails (a hung worker, not a slow one).
PATIENCE = 25.0

requires_workers = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not apps.is_installed("django_tasks_db"),
        reason="needs --ds tests.projects.workers.settings",
    ),
    pytest.mark.django_db(transaction=True),
]


class Workers:
    """Worker subprocesses started by one test; all are stopped when it ends."""

    def __init__(self, backend: str, evaluation: dict[str, Any], logs: Path) -> None:
        self.backend = backend
        self.evaluation = evaluation
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []
        #: More environment for the workers started from now on.
        self.extra_env: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.projects.workers.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DATABASE_URL": url,
            "LEARNPLAT_TEST_TASK_BACKEND": self.backend,
            "LEARNPLAT_TEST_EVALUATION": json.dumps(self.evaluation),
            **self.extra_env,
        }

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"worker-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage commands
                [sys.executable, "-m", "django", *args],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def start_db_worker(self) -> subprocess.Popen[bytes]:
        return self.start(
            "db_worker",
            "--backend", "db",
            "--queue-name", settings.WORKER_QUEUE,
            "--interval", "0.1",
            "--no-startup-delay",
            "--no-reload",
            "-v", "2",
        )  # fmt: skip

    def start_rq_worker(self) -> subprocess.Popen[bytes]:
        return self.start(
            "rqworker",
            settings.WORKER_QUEUE,
            "--job-class", "django_tasks_rq.Job",
            "--with-scheduler",
        )  # fmt: skip

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    self.kill(process)

    def output(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def workers(
    tmp_path: Path, learnplat_settings: LearnplatSettings
) -> Iterator[Callable[..., Workers]]:
    """``workers("db", LEASE_SECONDS=3)``: configure this process and its workers alike."""
    started: list[Workers] = []

    def configure(backend: str, **evaluation: Any) -> Workers:
        queue = {"QUEUE_NAME": settings.WORKER_QUEUE}
        learnplat_settings(
            EVALUATORS=TEST_EVALUATORS,
            EVALUATION={"TASK_BACKEND": backend, **queue, **evaluation},
        )
        (tmp_path / "logs").mkdir(exist_ok=True)
        group = Workers(backend, evaluation, tmp_path / "logs")
        started.append(group)
        return group

    yield configure
    for group in started:
        group.stop_all()


def wait_for(
    what: str,
    predicate: Callable[[], bool],
    workers: Workers | None = None,
    *,
    patience: float = PATIENCE,
) -> None:
    """Poll until ``predicate()``; fail with the workers' logs after ``patience`` seconds
    (default ``PATIENCE``; more for a wait that covers a worker's start and a slow peer)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    logs = workers.output() if workers is not None else ""
    pytest.fail(f"Gave up waiting for {what}.\n{logs}")
