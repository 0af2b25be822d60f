"""Prometheus metrics and /metrics (docs/operations.md, Metrics)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from learnplat import metrics
from learnplat.flows.evaluate import requeue_stale
from learnplat.flows.submit import submit
from learnplat.submissions.models import Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cret-metrics-token"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of ``name`` with exactly ``labels`` (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match is None:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if found == labels:
            return float(match.group(2))
    return 0.0


def scrape(client: Client | None = None) -> str:
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.fixture(autouse=True)
def token(learnplat_settings: Any) -> None:
    learnplat_settings(METRICS={"TOKEN": TOKEN})


def test_metrics_want_the_bearer_token() -> None:
    assert Client().get("/metrics").status_code == 401
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_without_a_token_metrics_are_not_there_in_production(
    learnplat_settings: Any, settings: Any
) -> None:
    learnplat_settings(METRICS={"TOKEN": ""})
    settings.DEBUG = False
    assert Client().get("/metrics").status_code == 404
    settings.DEBUG = True
    assert Client().get("/metrics").status_code == 200


def test_without_prometheus_client_metrics_do_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "prometheus_client", None)

    metrics.observe_request(route="/x", method="GET", status=200, seconds=0.1)
    metrics.count_sweep(requeued_leases=1, failed_leases=0, requeued_lost=0)
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 404
    assert Client().get("/api/courses/").status_code == 200


def test_requests_are_timed_by_url_name_not_by_path() -> None:
    course = CourseFactory(slug="intro", status="published")
    before = scrape()
    for slug in ("intro", "intro", "nope"):
        Client().get(f"/api/courses/{slug}/")

    after = scrape()
    route = "learnplat:course-detail"
    count = "learnplat_http_request_duration_seconds_count"
    ok = {"route": route, "method": "GET", "status": "200"}
    missing = {"route": route, "method": "GET", "status": "404"}
    assert sample(after, count, **ok) - sample(before, count, **ok) == 2
    assert sample(after, count, **missing) - sample(before, count, **missing) == 1
    assert course.slug not in re.findall(r'route="([^"]*)"', after)


def test_submissions_evaluations_and_the_queue_are_counted(
    django_capture_on_commit_callbacks: Any,
) -> None:
    task = TaskFactory(is_published=True)
    student = make_user("student", username="ada")
    enroll(student, task.course)
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=student, task=task, answer="4")
    queued = Submission.objects.create(
        user=student, task=task, course=task.course, attempt=2, answer="5", max_score=10
    )

    after = scrape()
    evaluated = {"kind": "exact", "outcome": "graded"}
    name = "learnplat_evaluation_duration_seconds_count"
    assert sample(after, name, **evaluated) - sample(before, name, **evaluated) == 1
    graded = "learnplat_submission_graded_seconds_count"
    assert sample(after, graded) - sample(before, graded) == 1
    assert sample(after, "learnplat_submissions", status="graded") == 1
    assert sample(after, "learnplat_submissions", status="queued") == 1
    assert sample(after, "learnplat_queue_depth", queue="tasks:default") == 1
    assert queued.status == "queued"


def test_the_sweeper_counts_expired_leases() -> None:
    task = TaskFactory(is_published=True)
    student = make_user("student", username="ada")
    enroll(student, task.course)
    now = timezone.now()
    Submission.objects.create(
        user=student,
        task=task,
        course=task.course,
        attempt=1,
        answer="4",
        max_score=10,
        status="evaluating",
        tries=1,
        lease_token="00000000-0000-0000-0000-000000000001",
        lease_expires_at=now - timedelta(minutes=1),
    )
    before = sample(scrape(), "learnplat_sweeper_total", action="requeued_lease")

    report = requeue_stale(now=now)

    assert report.requeued_leases == 1
    assert sample(scrape(), "learnplat_sweeper_total", action="requeued_lease") == before + 1


# -- several gunicorn workers: multiprocess mode --------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)  # noqa: S310 - our own loopback server
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_metrics_add_up_every_gunicorn_worker(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 64,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    cwd = ROOT / "example_project"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=cwd, env=env, check=True)
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}",
         # Each worker exits after 10 requests, so the 60 below reach at least six
         # processes, dead ones among them, whatever the kernel's choice of acceptor.
         "--workers=3", "--max-requests=10", "--log-level=warning"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        assert _get(f"{base}/metrics")[0] == 401
        for _ in range(60):
            assert _get(f"{base}/healthz")[0] == 200
        status, text = _get(f"{base}/metrics", TOKEN)
        assert status == 200
        pids = {p.name for p in (tmp_path / "prometheus").glob("histogram_*.db")}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    # The first /healthz that found the server up, then 60 more, over every worker.
    count = sample(
        text,
        "learnplat_http_request_duration_seconds_count",
        route="healthz",
        method="GET",
        status="200",
    )
    assert count == 61
    assert len(pids) >= 6, "fewer processes served the requests than --max-requests implies"
    assert sample(text, "learnplat_submissions", status="queued") == 0
