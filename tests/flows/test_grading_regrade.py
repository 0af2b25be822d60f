"""Regrades: one submission, or a task's latest/best/all; manual grades kept unless asked."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.exceptions import InvalidInput
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.submissions.models import Evaluation, Submission
from tests.submissions.conftest import World, queued, set_kind


def graded(world: World, answer: str, user: Any) -> Submission:
    submission = queued(world, answer, user=user)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def history(world: World) -> dict[str, list[Submission]]:
    """student: wrong, right, wrong (best = 2nd, latest = 3rd); other_student: right."""
    return {
        "student": [graded(world, a, world.student) for a in ("5", "4", "6")],
        "other": [graded(world, "4", world.other_student)],
    }


def test_regrade_uses_the_new_answer_key(world: World, on_commit: Any) -> None:
    submission = graded(world, "5", world.student)
    assert submission.score == 0.0
    set_kind(world.task, "exact", {"answers": ["4", "5"]})
    with on_commit():
        assert grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor) == 1
        submission.refresh_from_db()
        # Until the new result lands the old grade stays visible.
        assert (submission.status, submission.score) == ("queued", 0.0)
    submission.refresh_from_db()
    assert (submission.status, submission.score) == ("graded", 10.0)
    last = Evaluation.objects.filter(submission=submission).last()
    assert last is not None
    assert (last.trigger, last.triggered_by, last.score) == ("regrade", world.instructor, 10.0)
    assert submission.tries == 1  # tries start again for the new evaluation


def ids(submissions: list[Submission]) -> set[int]:
    return {s.pk for s in submissions}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("latest", lambda h: ids([h["student"][2], h["other"][0]])),
        ("best", lambda h: ids([h["student"][1], h["other"][0]])),
        ("all", lambda h: ids(h["student"] + h["other"])),
    ],
)
def test_task_scopes(world: World, history: Any, scope: str, expected: Any) -> None:
    assert grading_flow.regrade_task(task=world.task, scope=scope) == len(expected(history))
    requeued = set(Submission.objects.filter(status="queued").values_list("pk", flat=True))
    assert requeued == expected(history)


def test_task_regrade_for_one_student(world: World, history: Any) -> None:
    assert grading_flow.regrade_task(task=world.task, scope="all", user=world.other_student) == 1
    assert list(Submission.objects.filter(status="queued")) == history["other"]


def test_manual_grades_are_kept_unless_included(world: World, history: Any) -> None:
    overridden = history["other"][0]
    grading_flow.grade(submission=overridden, by=world.instructor, score=3.0, reason="plagiarism")
    assert grading_flow.regrade_task(task=world.task, scope="latest") == 1
    overridden.refresh_from_db()
    assert (overridden.status, overridden.score) == ("graded", 3.0)
    assert grading_flow.regrade_task(task=world.task, scope="latest", include_manual=True) == 2
    evaluate_flow.run_evaluation(overridden.pk)
    overridden.refresh_from_db()
    assert (overridden.score, overridden.manually_graded) == (10.0, False)


def test_progress_callback_sees_every_batch(world: World, history: Any) -> None:
    seen: list[tuple[int, int]] = []
    grading_flow.regrade_task(
        task=world.task, scope="all", batch_size=3, on_progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(3, 4), (4, 4)]


def test_bad_scope(world: World) -> None:
    with pytest.raises(InvalidInput) as info:
        grading_flow.regrade_task(task=world.task, scope="worst")

    assert info.value.status_code == 400
    assert info.value.errors == {"scope": ["One of latest, best, all."]}


def test_regrading_an_external_task_waits_for_graders(world: World, on_commit: Any) -> None:
    submission = graded(world, "4", world.student)
    set_kind(world.task, "external", {"queue": "py"})
    with on_commit():
        grading_flow.regrade(submission_ids=[submission.pk])
    submission.refresh_from_db()
    assert (submission.status, submission.grader_queue) == ("queued", "py")


@pytest.mark.django_db(transaction=True)
def test_api_regrade_one_submission(world: World) -> None:
    submission = graded(world, "5", world.student)
    set_kind(world.task, "exact", {"answers": ["5"]})
    response = world.client(world.assistant).post(f"/api/submissions/{submission.pk}/regrade/")
    assert response.status_code == 202
    assert response.json()["score"] == 10.0  # the immediate backend already re-evaluated


def test_api_task_regrade(world: World, history: Any) -> None:
    client = world.client(world.instructor)
    response = client.post(f"/api/tasks/{world.task.pk}/regrade/", {"scope": "best"}, format="json")
    assert response.status_code == 202
    assert response.json() == {"task": world.task.pk, "scope": "best", "count": 2}
    response = client.post(
        f"/api/tasks/{world.task.pk}/regrade/", {"scope": "worst"}, format="json"
    )
    assert response.status_code == 400
    assert "scope" in response.json()
