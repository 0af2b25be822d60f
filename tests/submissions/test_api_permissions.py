"""Every submissions endpoint for every role."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.graders import create_grader_token
from learnplat.submissions.models import Submission
from tests.factories import MATRIX_ROLES as ROLES
from tests.overrides import LearnplatSettings
from tests.submissions.conftest import World, queued, set_kind, submit_url


def client(world: World, role: str) -> Any:
    return world.client(None if role == "anonymous" else getattr(world, role))


def matrix(**expected: int) -> Any:
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize(("role", "status"), list(expected.items()))


@matrix(
    anonymous=401,
    outsider=403,
    student=201,
    other_student=201,
    assistant=403,
    other_instructor=403,
    instructor=403,
    admin=403,
)
def test_submit(world: World, role: str, status: int) -> None:
    response = client(world, role).post(submit_url(world.task), {"answer": "4"}, format="json")
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "not_enrolled"


@pytest.fixture
def submission(world: World) -> Submission:
    """The student's submission, graded."""
    submission = queued(world)
    evaluate_flow.run_evaluation(submission.pk)
    queued(world, user=world.other_student)
    return submission


@matrix(
    anonymous=401,
    outsider=404,
    student=200,
    other_student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_retrieve(world: World, submission: Submission, role: str, status: int) -> None:
    response = client(world, role).get(f"/api/submissions/{submission.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == submission.pk


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("outsider", set()),
        ("student", {"student"}),
        ("other_student", {"other_student"}),
        ("assistant", {"student", "other_student"}),
        ("other_instructor", set()),
        ("instructor", {"student", "other_student"}),
        ("admin", {"student", "other_student"}),
    ],
)
def test_list(world: World, submission: Submission, role: str, visible: set[str]) -> None:
    response = client(world, role).get("/api/submissions/")
    assert response.status_code == 200
    owners = {
        Submission.objects.get(pk=row["id"]).user.username for row in response.json()["results"]
    }
    assert owners == visible


def test_list_anonymous(world: World) -> None:
    assert client(world, "anonymous").get("/api/submissions/").status_code == 401


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    other_student=404,
    assistant=202,
    other_instructor=404,
    instructor=202,
    admin=202,
)
def test_regrade(world: World, submission: Submission, role: str, status: int) -> None:
    response = client(world, role).post(f"/api/submissions/{submission.pk}/regrade/")
    assert response.status_code == status
    submission.refresh_from_db()
    assert (submission.status == "queued") == (status == 202)


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    other_student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_grade(world: World, submission: Submission, role: str, status: int) -> None:
    response = client(world, role).post(
        f"/api/submissions/{submission.pk}/grade/", {"score": 1}, format="json"
    )
    assert response.status_code == status
    submission.refresh_from_db()
    assert (submission.score == 1.0) == (status == 200)


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    other_student=403,
    assistant=202,
    other_instructor=403,
    instructor=202,
    admin=202,
)
def test_task_regrade(world: World, submission: Submission, role: str, status: int) -> None:
    response = client(world, role).post(f"/api/tasks/{world.task.pk}/regrade/", {}, format="json")
    assert response.status_code == status


def test_task_regrade_of_a_hidden_task_is_404(world: World) -> None:
    world.course.status = "draft"
    world.course.save()
    response = client(world, "other_instructor").post(f"/api/tasks/{world.task.pk}/regrade/")
    assert response.status_code == 404


def test_permissions_are_overridable_per_action(
    world: World, submission: Submission, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(PERMISSIONS={"submission_grade": "learnplat.permissions.IsPlatformAdmin"})
    url = f"/api/submissions/{submission.pk}/grade/"
    assert client(world, "instructor").post(url, {"score": 1}, format="json").status_code == 403
    assert client(world, "admin").post(url, {"score": 1}, format="json").status_code == 200


# -- grader endpoints: only grader tokens, never user tokens ------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_grader_endpoints_refuse_users(world: World, role: str) -> None:
    c = client(world, role)
    assert c.get("/api/grader/next/?queue=q").status_code == 401
    response = c.post(
        "/api/grader/results/", {"submission_key": "1.x", "score": 1, "max_score": 1}, format="json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Grader realm="api"'


def test_grader_token_roles(world: World, api_client: Any) -> None:
    set_kind(world.task, "external", {"queue": "q"})
    queued(world, {"code": ""})
    _, secret = create_grader_token(name="right", queues=["q"])
    _, other_secret = create_grader_token(name="other", queues=["elsewhere"])
    inactive, inactive_secret = create_grader_token(name="off", queues=["q"])
    inactive.is_active = False
    inactive.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Grader {inactive_secret}")
    assert api_client.get("/api/grader/next/?queue=q").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Grader not-a-secret")
    assert api_client.get("/api/grader/next/?queue=q").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Grader {other_secret}")
    response = api_client.get("/api/grader/next/?queue=q")
    assert response.status_code == 403
    assert response.json()["code"] == "queue_not_allowed"
    api_client.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    assert api_client.get("/api/grader/next/?queue=q").status_code == 200
    # A grader secret is not a user's bearer token.
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api_client.get("/api/submissions/").status_code == 401
