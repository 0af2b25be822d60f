"""The external grader pull protocol: tokens, next/results, idempotency, abandoned leases."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.graders import create_grader_token
from learnplat.flows.grading import grade
from learnplat.submissions.models import Evaluation, GraderToken, Submission
from tests.submissions.conftest import World, queued, set_kind


@pytest.fixture
def grader(world: World) -> APIClient:
    set_kind(world.task, "external", {"queue": "python", "options": {"tests": ["t1"]}})
    _, secret = create_grader_token(name="sandbox", queues=["python"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    return client


def fetch(grader: APIClient, queue: str = "python") -> Any:
    return grader.get(f"/api/grader/next/?queue={queue}")


def post(grader: APIClient, key: str, score: float = 3, max_score: float = 4, **extra: Any) -> Any:
    body = {
        "submission_key": key,
        "score": score,
        "max_score": max_score,
        "feedback": "ok",
        **extra,
    }
    return grader.post("/api/grader/results/", body, format="json")


def test_fetch_then_post_grades_the_submission(world: World, grader: APIClient) -> None:
    submission = queued(world, {"code": "print(4)"})
    response = fetch(grader)
    assert response.status_code == 200
    job = response.json()
    assert set(job) == {"submission_key", "task", "answer", "config"}
    assert job["task"] == world.task.pk
    assert job["answer"] == {"code": "print(4)"}
    assert job["config"] == {"queue": "python", "options": {"tests": ["t1"]}}
    submission.refresh_from_db()
    assert submission.status == "evaluating"
    assert fetch(grader).status_code == 204  # nothing else waiting
    tests = [
        {"name": "t1", "passed": True, "score": 3},
        {"name": "t2", "passed": False, "message": "boom"},
    ]
    response = post(grader, job["submission_key"], tests=tests)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "submission_key": job["submission_key"],
        "submission": submission.pk,
        "score": 7.5,  # 3 of 4, on the task's scale of 10
        "max_score": 10.0,
        "feedback": "ok",
    }
    submission.refresh_from_db()
    assert (submission.status, submission.score, submission.raw_score) == ("graded", 7.5, 7.5)
    evaluation = Evaluation.objects.get(submission=submission)
    assert evaluation.evaluator == "external:sandbox"
    assert evaluation.grader is not None
    assert evaluation.grader.name == "sandbox"
    assert [t["name"] for t in evaluation.result["tests"]] == ["t1", "t2"]


def test_results_are_idempotent_per_key(world: World, grader: APIClient) -> None:
    queued(world, {"code": ""})
    key = fetch(grader).json()["submission_key"]
    first = post(grader, key)
    again = post(grader, key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert Evaluation.objects.count() == 1
    different = post(grader, key, score=4)
    assert different.status_code == 409
    assert different.json()["code"] == "already_graded"


def test_late_policy_applies_to_grader_results(world: World, grader: APIClient) -> None:
    world.task.due_at = timezone.now() - timedelta(minutes=90)  # 2 hours late, rounded up
    world.task.late_policy = {"deduction_percent": 10, "per": "hour"}
    world.task.save()
    queued(world, {"code": ""})
    key = fetch(grader).json()["submission_key"]
    assert post(grader, key, score=4, max_score=4).json()["score"] == 8.0


@pytest.mark.parametrize("key", ["nonsense", "999999.0123456789abcdef0123456789abcdef", "1.zz", ""])
def test_unknown_keys_are_404(world: World, grader: APIClient, key: str) -> None:
    queued(world, {"code": ""})
    fetch(grader)
    response = post(grader, key)
    assert response.status_code == (400 if key == "" else 404)
    assert not Evaluation.objects.exists()


def test_keys_of_other_queues_are_404(world: World, grader: APIClient) -> None:
    queued(world, {"code": ""})
    _, secret = create_grader_token(name="other", queues=["python"])
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    key = fetch(other).json()["submission_key"]
    GraderToken.objects.filter(name="other").update(queues=["java"])
    assert post(other, key).status_code == 404
    # A wildcard token serves every queue, but not another grader's finished key.
    assert post(grader, key).status_code == 200
    GraderToken.objects.filter(name="other").update(queues=["*"])
    assert post(other, key).status_code == 404


def test_an_abandoned_job_goes_back_to_the_queue(world: World, grader: APIClient) -> None:
    submission = queued(world, {"code": ""})
    stale_key = fetch(grader).json()["submission_key"]
    Submission.objects.filter(pk=submission.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert evaluate_flow.requeue_stale().requeued_leases == 1
    fresh_key = fetch(grader).json()["submission_key"]
    assert fresh_key != stale_key
    response = post(grader, stale_key)
    assert response.status_code == 409
    assert response.json()["code"] == "lease_expired"
    assert post(grader, fresh_key).status_code == 200
    assert post(grader, stale_key).json()["code"] == "already_graded"
    assert Evaluation.objects.filter(submission=submission).successful().count() == 1


def test_a_manual_grade_beats_a_late_grader(world: World, grader: APIClient) -> None:
    submission = queued(world, {"code": ""})
    key = fetch(grader).json()["submission_key"]
    grade(submission=submission, by=world.instructor, score=1.0)
    response = post(grader, key)
    assert response.status_code == 409
    assert response.json()["code"] == "already_graded"
    submission.refresh_from_db()
    assert submission.score == 1.0


@pytest.mark.parametrize(
    "body",
    [
        {"score": 5, "max_score": 4},
        {"score": 1, "max_score": 0},
        {"score": -1, "max_score": 4},
        {"max_score": 4},
        {"score": 1, "max_score": 4, "tests": [{"passed": True}]},
        {"score": 1, "max_score": 4, "tests": "all good"},
    ],
)
def test_bad_results_are_400(world: World, grader: APIClient, body: dict[str, Any]) -> None:
    queued(world, {"code": ""})
    key = fetch(grader).json()["submission_key"]
    response = grader.post("/api/grader/results/", {"submission_key": key, **body}, format="json")
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_next_needs_a_queue(grader: APIClient) -> None:
    response = grader.get("/api/grader/next/")
    assert response.status_code == 400
    assert "queue" in response.json()


@pytest.mark.parametrize("queue", ["\x00", "py\x00thon", "a b", "x" * 65])
def test_next_refuses_what_is_no_queue_name(grader: APIClient, queue: str) -> None:
    # Found by schema fuzzing: a NUL byte reached PostgreSQL, which refuses it (a 500).
    response = grader.get("/api/grader/next/", {"queue": queue})
    assert response.status_code == 400
    assert "queue" in response.json()


def test_oldest_first_and_backoff_respected(world: World, grader: APIClient) -> None:
    first = queued(world, {"n": 1})
    second = queued(world, {"n": 2})
    Submission.objects.filter(pk=first.pk).update(not_before=timezone.now() + timedelta(minutes=5))
    assert fetch(grader).json()["answer"] == {"n": 2}
    assert fetch(grader).status_code == 204
    assert second.pk != first.pk


def test_tokens_are_stored_hashed_and_mark_their_use(world: World, grader: APIClient) -> None:
    token, secret = create_grader_token(name="hashes", queues=["python"])
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(GraderToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:12]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    assert client.get("/api/grader/next/?queue=python").status_code == 204
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_admin_shows_the_secret_once(world: World, client: Any) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-pw-pw-pw")
    client.force_login(admin)
    response = client.post(
        "/admin/learnplat_submissions/gradertoken/add/",
        {"name": "from-admin", "queues": '["python"]', "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    token = GraderToken.objects.get(name="from-admin")
    [message] = [str(m) for m in response.context["messages"] if "<code>" in str(m)]
    secret = message.split("<code>")[1].split("</code>")[0]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    assert api.get("/api/grader/next/?queue=python").status_code == 204  # authenticated
    # Editing it later shows no secret and keeps the old one working.
    response = client.post(
        f"/admin/learnplat_submissions/gradertoken/{token.pk}/change/",
        {"name": "from-admin", "queues": '["python", "java"]', "is_active": "on"},
        follow=True,
    )
    assert "<code>" not in " ".join(str(m) for m in response.context["messages"])
    assert api.get("/api/grader/next/?queue=java").status_code == 204
