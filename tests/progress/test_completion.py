"""When a task and a course count as completed, and the settings that tune it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from tests.factories import TaskFactory
from tests.progress.factories import course_row, graded, set_result, submit, task_row

pytestmark = pytest.mark.django_db


def test_default_needs_full_marks(learner: Any, course: Any) -> None:
    task = TaskFactory(course=course, max_score=10)
    graded(learner, task, 9.5)
    assert not task_row(learner, task).completed
    graded(learner, task, 10)
    assert task_row(learner, task).completed


def test_threshold_is_a_share_of_max_score(
    learner: Any, course: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(PROGRESS={"COMPLETION_THRESHOLD": 0.6})
    task = TaskFactory(course=course, max_score=10)
    graded(learner, task, 5.9)
    assert not task_row(learner, task).completed
    graded(learner, task, 6)
    row = task_row(learner, task)
    assert (row.completed, row.passed_attempt) == (True, 2)


def test_float_noise_does_not_block_completion(learner: Any, course: Any) -> None:
    task = TaskFactory(course=course, max_score=0.3)
    graded(learner, task, 0.1 + 0.2 - 1e-12)
    assert task_row(learner, task).completed


def test_late_deduction_does_not_block_completion(learner: Any, course: Any) -> None:
    """Completion judges the raw score; the grade keeps the deduction."""
    task = TaskFactory(course=course, max_score=10)
    graded(learner, task, 8, raw_score=10)
    row = task_row(learner, task)
    assert (row.completed, row.score) == (True, 8)
    assert course_row(learner, course).percent == 80.0


def test_manual_tasks_complete_when_graded_at_any_score(learner: Any, course: Any) -> None:
    essay = TaskFactory(course=course, kind="manual", config={}, max_score=10)
    sub = submit(learner, essay)
    set_result(sub, status="needs_review")
    assert (task_row(learner, essay).completed, task_row(learner, essay).status) == (
        False,
        "needs_review",
    )
    set_result(sub, score=3)
    assert task_row(learner, essay).completed


def test_complete_when_graded_kinds_is_configurable(
    learner: Any, course: Any, learnplat_settings: Any
) -> None:
    learnplat_settings(PROGRESS={"COMPLETE_WHEN_GRADED_KINDS": ["exact"]})
    exact = TaskFactory(course=course, kind="exact", max_score=10)
    essay = TaskFactory(course=course, kind="manual", config={}, max_score=10)
    graded(learner, exact, 1)
    graded(learner, essay, 1)
    assert task_row(learner, exact).completed
    assert not task_row(learner, essay).completed


def test_failed_attempt_never_completes(learner: Any, course: Any) -> None:
    essay = TaskFactory(course=course, kind="manual", config={})
    set_result(submit(learner, essay), status="failed")
    assert not task_row(learner, essay).completed


def test_completed_at_is_the_first_pass_not_a_later_better_one(learner: Any, course: Any) -> None:
    task = TaskFactory(course=course, max_score=10)
    first = graded(learner, task, 10)
    graded(learner, task, 10)
    assert task_row(learner, task).completed_at == first.evaluated_at


def test_course_completes_when_every_published_task_does(learner: Any, course: Any) -> None:
    a, b = TaskFactory(course=course), TaskFactory(course=course)
    TaskFactory(course=course, is_published=False)
    graded(learner, a, 10)
    row = course_row(learner, course)
    assert (row.tasks_completed, row.tasks_total, row.completed_at) == (1, 2, None)
    last = graded(learner, b, 10)
    row = course_row(learner, course)
    assert (row.tasks_completed, row.completed_at) == (2, last.evaluated_at)


def test_course_completed_at_follows_the_last_task(learner: Any, course: Any) -> None:
    a, b = TaskFactory(course=course), TaskFactory(course=course)
    sub_a = submit(learner, a)
    sub_b = graded(learner, b, 10)
    set_result(sub_a, score=10)
    assert course_row(learner, course).completed_at == sub_a.evaluated_at
    # Regrading b later makes b the last task completed.
    set_result(sub_b, score=10)
    assert course_row(learner, course).completed_at == sub_b.evaluated_at


def test_course_without_published_tasks_never_completes(learner: Any, course: Any) -> None:
    hidden = TaskFactory(course=course, is_published=False)
    graded(learner, hidden, 10)
    assert course_row(learner, course).completed_at is None


def test_enrollment_status_is_left_alone(learner: Any, course: Any) -> None:
    task = TaskFactory(course=course)
    graded(learner, task, 10)
    assert course_row(learner, course).completed_at is not None
    assert learner.learnplat_enrollments.get(course=course).status == "active"


@pytest.mark.parametrize(
    "progress",
    [
        {"COMPLETION_THRESHOLD": 1.5},
        {"COMPLETION_THRESHOLD": "1"},
        {"COMPLETION_THRESHOLD": True},
        {"COMPLETE_WHEN_GRADED_KINDS": "manual"},
        {"COMPLETE_WHEN_GRADED_KINDS": [1]},
    ],
)
def test_bad_progress_settings_fail_the_system_check(
    progress: dict[str, Any], learnplat_settings: Any
) -> None:
    learnplat_settings(PROGRESS=progress)
    ids = {m.id for m in run_checks()}
    assert "learnplat.E040" in ids


def test_good_progress_settings_pass_the_system_check(learnplat_settings: Any) -> None:
    learnplat_settings(PROGRESS={"COMPLETION_THRESHOLD": 0, "COMPLETE_WHEN_GRADED_KINDS": []})
    assert "learnplat.E040" not in {m.id for m in run_checks()}
