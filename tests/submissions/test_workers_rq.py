"""django-tasks-rq on Redis, as real processes (``manage.py rqworker``; Redis db 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from learnplat.flows.submit import submit
from learnplat.submissions.models import Evaluation, Submission
from tests.factories import enroll, make_user
from tests.submissions.conftest import World, set_kind
from tests.submissions.workers import requires_workers, wait_for, workers

__all__ = ["workers"]  # the fixture
pytestmark = [*requires_workers, pytest.mark.redis]


@pytest.fixture(autouse=True)
def empty_redis() -> Iterator[None]:
    import redis

    connection = redis.Redis.from_url(settings.RQ_QUEUES[settings.WORKER_QUEUE]["URL"])
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis at LEARNPLAT_TEST_REDIS_URL")
    connection.flushdb()  # only our own db number
    yield
    connection.flushdb()
    connection.close()


def all_graded() -> bool:
    return not Submission.objects.exclude(status="graded").exists()


def test_rq_worker_grades_what_the_api_enqueued(world: World, workers: Any) -> None:
    pool = workers("rq")
    for n, answer in enumerate(["4", "5", "4"]):
        student = make_user(username=f"s{n}")
        enroll(student, world.course)
        response = world.client(student).post(
            f"/api/tasks/{world.task.pk}/submissions/", {"answer": answer}, format="json"
        )
        assert response.json()["status"] == "queued"
    pool.start_rq_worker()
    wait_for("every submission graded", all_graded, pool)
    assert list(Submission.objects.order_by("pk").values_list("score", flat=True)) == [
        10.0,
        0.0,
        10.0,
    ]
    assert Evaluation.objects.count() == 3


def test_rq_scheduler_runs_the_deferred_retry(world: World, workers: Any, tmp_path: Path) -> None:
    pool = workers("rq", RETRY_BACKOFF_SECONDS=0.5)
    set_kind(world.task, "flaky", {"answers": ["4"], "marker_dir": str(tmp_path)})
    submission = submit(user=world.student, task=world.task, answer="4").submission
    pool.start_rq_worker()
    wait_for("the retry to grade it", all_graded, pool)
    submission.refresh_from_db()
    assert submission.tries == 2
    runs = list(Evaluation.objects.filter(submission=submission).values_list("error", "score"))
    assert runs == [("ConnectionError: a transient failure", None), ("", 10.0)]
