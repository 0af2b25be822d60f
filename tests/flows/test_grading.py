"""Manual grades and overrides through POST submissions/{id}/grade/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.exceptions import InvalidInput
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.submissions.models import Evaluation, Submission
from tests.submissions.conftest import World, queued, set_kind


def grade_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/grade/"


def test_staff_grade_a_submission_waiting_for_review(world: World) -> None:
    set_kind(world.task, "manual", {})
    submission = queued(world, {"essay": "Cats."})
    evaluate_flow.run_evaluation(submission.pk)
    response = world.client(world.assistant).post(
        grade_url(submission),
        {"score": 7.5, "feedback": "Good.", "reason": "Reviewed"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["score"], body["feedback"]) == ("graded", 7.5, "Good.")
    evaluation = Evaluation.objects.filter(submission=submission).last()
    assert evaluation is not None
    assert evaluation.trigger == "manual"
    assert evaluation.triggered_by == world.assistant
    assert evaluation.reason == "Reviewed"
    assert (evaluation.score, evaluation.feedback) == (7.5, "Good.")
    submission.refresh_from_db()
    assert submission.manually_graded is True


def test_override_keeps_the_history(world: World) -> None:
    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    response = world.client(world.instructor).post(
        grade_url(submission),
        {"score": 2, "feedback": "Copied.", "reason": "plagiarism"},
        format="json",
    )
    assert response.json()["score"] == 2.0
    history = list(Evaluation.objects.filter(submission=submission).values_list("trigger", "score"))
    assert history == [("submit", 10.0), ("manual", 2.0)]


def test_manual_scores_are_final_even_when_late(world: World) -> None:
    world.task.due_at = timezone.now() - timedelta(days=3)
    world.task.late_policy = {"deduction_percent": 50, "per": "day"}
    world.task.save()
    submission = queued(world, "4")
    assert submission.is_late
    response = world.client(world.instructor).post(
        grade_url(submission), {"score": 9}, format="json"
    )
    assert response.json()["score"] == 9.0
    assert response.json()["is_late"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"score": 10.5},
        {"score": -1},
        {},
        {"score": "ten"},
        {"score": None},
        {"score": 5, "feedback": None},
    ],
)
def test_bad_grades_are_400_and_change_nothing(world: World, body: dict[str, Any]) -> None:
    submission = queued(world, "4")
    response = world.client(world.instructor).post(grade_url(submission), body, format="json")
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert not Evaluation.objects.exists()


def test_non_finite_json_numbers_are_400(world: World) -> None:
    submission = queued(world, "4")
    response = world.client(world.instructor).post(
        grade_url(submission), b'{"score": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


def test_max_score_is_a_valid_grade(world: World) -> None:
    submission = queued(world, "4")
    response = world.client(world.instructor).post(
        grade_url(submission), {"score": 10}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("score", [-1.0, 10.5])
def test_the_grade_flow_refuses_a_score_out_of_range_on_score(world: World, score: float) -> None:
    submission = queued(world, "4")

    with pytest.raises(InvalidInput) as info:
        grading_flow.grade(submission=submission, by=world.assistant, score=score)

    assert info.value.status_code == 400
    assert info.value.errors == {"score": ["Must be between 0 and 10."]}
    submission.refresh_from_db()
    assert (submission.score, submission.manually_graded) == (None, False)
    assert not Evaluation.objects.filter(submission=submission).exists()
