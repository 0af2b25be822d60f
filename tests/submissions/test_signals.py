"""submission_created, submission_evaluated and grade_changed: sent after commit, once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.dispatch import Signal

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import submit as submit_flow
from learnplat.submissions.models import Submission
from learnplat.submissions.signals import grade_changed, submission_created, submission_evaluated
from tests.submissions.conftest import World, queued, set_kind


@pytest.fixture
def received() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    log: list[tuple[str, dict[str, Any]]] = []
    signals: dict[str, Signal] = {
        "created": submission_created,
        "evaluated": submission_evaluated,
        "grade_changed": grade_changed,
    }
    receivers = {}
    for name, signal in signals.items():

        def receiver(sender: Any, name: str = name, **kwargs: Any) -> None:
            assert sender is Submission
            kwargs.pop("signal")
            log.append((name, kwargs))

        receivers[name] = receiver
        signal.connect(receiver)
    yield log
    for name, signal in signals.items():
        signal.disconnect(receivers[name])


def names(log: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [name for name, _ in log]


def test_submit_sends_all_three_after_commit(world: World, received: Any, on_commit: Any) -> None:
    with on_commit():
        with transaction.atomic():
            submission = submit_flow.submit(
                user=world.student, task=world.task, answer="4"
            ).submission
        assert received == []  # not before the outermost commit
    assert names(received) == ["created", "evaluated", "grade_changed"]
    created, evaluated, changed = (kwargs for _, kwargs in received)
    assert created["submission"].pk == submission.pk
    assert evaluated["evaluation"].submission_id == submission.pk
    assert (changed["previous_score"], changed["score"], changed["trigger"]) == (
        None,
        10.0,
        "submit",
    )


def test_rollback_sends_nothing(world: World, received: Any, on_commit: Any) -> None:
    def submit_and_roll_back() -> None:
        with transaction.atomic():
            submit_flow.submit(user=world.student, task=world.task, answer="4")
            transaction.set_rollback(True)

    with on_commit():
        submit_and_roll_back()
    assert received == []


def test_regrade_with_the_same_score_changes_no_grade(
    world: World, received: Any, on_commit: Any
) -> None:
    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    with on_commit():
        grading_flow.regrade(submission_ids=[submission.pk])
    assert names(received) == ["evaluated"]


def test_regrade_with_a_new_score(world: World, received: Any, on_commit: Any) -> None:
    submission = queued(world, "5")
    evaluate_flow.run_evaluation(submission.pk)
    set_kind(world.task, "exact", {"answers": ["5"]})
    with on_commit():
        grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor)
    assert names(received) == ["evaluated", "grade_changed"]
    changed = received[1][1]
    assert (changed["previous_score"], changed["score"], changed["trigger"]) == (
        0.0,
        10.0,
        "regrade",
    )


def test_manual_grades_always_send_grade_changed(
    world: World, received: Any, on_commit: Any
) -> None:
    set_kind(world.task, "manual", {})
    submission = queued(world, "essay")
    with on_commit():
        evaluate_flow.run_evaluation(submission.pk)
    assert names(received) == ["evaluated", "grade_changed"]  # None -> 0.0, needs review
    received.clear()
    with on_commit():
        grading_flow.grade(submission=submission, by=world.instructor, score=0.0, reason="empty")
    assert names(received) == ["grade_changed"]
    assert received[0][1]["trigger"] == "manual"
    assert received[0][1]["evaluation"].reason == "empty"


def test_final_failure_sends_evaluated_only(
    world: World, received: Any, on_commit: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(
        EVALUATORS={"raising": "tests.submissions.evaluators.RaisingEvaluator"},
        EVALUATION={"MAX_TRIES": 1},
    )
    set_kind(world.task, "raising")
    submission = queued(world, "4")
    with on_commit():
        evaluate_flow.run_evaluation(submission.pk)
    assert names(received) == ["evaluated"]
    assert received[0][1]["submission"].status == "failed"


def test_a_failing_receiver_does_not_undo_the_grade(
    world: World, on_commit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("receiver bug")

    grade_changed.connect(broken)
    try:
        with on_commit():
            submission = submit_flow.submit(
                user=world.student, task=world.task, answer="4"
            ).submission
    finally:
        grade_changed.disconnect(broken)
    submission.refresh_from_db()
    assert submission.status == "graded"
    assert "A receiver of a learnplat signal failed" in caplog.text
