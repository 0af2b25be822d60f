"""GET submissions/{id}/history/: who may read it, what it says, and what it costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.submissions.models import Submission
from tests.factories import MATRIX_ROLES as ROLES
from tests.submissions.conftest import World, queued


def client(world: World, role: str) -> Any:
    return world.client(None if role == "anonymous" else getattr(world, role))


def history_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/history/"


@pytest.fixture
def submission(world: World) -> Submission:
    """The student's submission: evaluated (10), then overridden by the instructor."""
    submission = queued(world)
    evaluate_flow.run_evaluation(submission.pk)
    grading_flow.grade(submission=submission, by=world.instructor, score=4, reason="Copied")
    return submission


EXPECTED = {
    "anonymous": 401,
    "outsider": 404,
    "student": 403,
    "other_student": 404,
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


def test_every_role_is_covered() -> None:
    assert tuple(EXPECTED) == ROLES


@pytest.mark.parametrize(("role", "status"), list(EXPECTED.items()))
def test_roles(world: World, submission: Submission, role: str, status: int) -> None:
    response = client(world, role).get(history_url(submission))
    assert response.status_code == status, response.content
    if status == 200:
        assert [entry["kind"] for entry in response.json()] == ["auto", "override"]
    elif status == 403:
        # The owner sees the submission but not its history: the reasons are staff notes.
        assert response.json()["code"] == "permission_denied"


def test_the_entries_oldest_first_as_a_bare_list(world: World, submission: Submission) -> None:
    world.instructor.first_name, world.instructor.last_name = "Ada", "Lovelace"
    world.instructor.save()
    body = client(world, "assistant").get(history_url(submission)).json()
    assert isinstance(body, list)
    auto, override = body
    assert set(auto) == {"at", "actor", "kind", "old_score", "new_score", "reason"}
    assert (auto["actor"], auto["old_score"], auto["new_score"], auto["reason"]) == (
        None,
        None,
        10.0,
        "",
    )
    assert override["actor"] == {
        "id": world.instructor.pk,
        "username": "instructor",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    assert (override["kind"], override["old_score"], override["new_score"]) == (
        "override",
        10.0,
        4.0,
    )
    assert override["reason"] == "Copied"
    assert auto["at"] <= override["at"]


def test_a_submission_without_changes_has_an_empty_history(world: World) -> None:
    pending = queued(world)
    response = client(world, "instructor").get(history_url(pending))
    assert (response.status_code, response.json()) == (200, [])


def test_an_unknown_submission_is_404(world: World) -> None:
    response = client(world, "admin").get("/api/submissions/999999/history/")
    assert response.status_code == 404


def test_the_query_count_does_not_grow_with_the_history(
    world: World, submission: Submission, django_assert_num_queries: Any
) -> None:
    api = client(world, "instructor")
    with CaptureQueriesContext(connection) as context:
        assert len(api.get(history_url(submission)).json()) == 2
    small = len(context)
    graders = [world.assistant, world.instructor, world.admin]
    for n in range(12):
        grading_flow.grade(
            submission=submission, by=graders[n % 3], score=n % 10, reason=f"Pass {n}"
        )
    with django_assert_num_queries(small):
        body = api.get(history_url(submission)).json()
    assert len(body) == 14
    assert {entry["actor"]["username"] for entry in body[2:]} == {
        "assistant",
        "instructor",
        "admin",
    }
