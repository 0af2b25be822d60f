"""Which attempt counts (Course.grading_policy) and how task grades add up to a course score
under the default ``points`` scheme (a task is worth weight x max_score)."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.flows.progress import refresh_course_totals
from learnplat.progress.models import CourseProgress, TaskProgress
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded, set_result, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner() -> Any:
    return make_user(username="learner")


def setup(policy: str, learner: Any, **task: Any) -> tuple[Any, Any]:
    course = CourseFactory(grading_policy=policy)
    enroll(learner, course)
    return course, TaskFactory(course=course, **{"max_score": 10, **task})


def counted(user: Any, task: Any) -> float | None:
    return TaskProgress.objects.get(user=user, task=task).score


def test_best_policy_counts_the_highest_score(learner: Any) -> None:
    _, task = setup("best", learner)
    graded(learner, task, 8)
    graded(learner, task, 2)
    assert counted(learner, task) == 8


def test_latest_policy_counts_the_latest_graded_attempt(learner: Any) -> None:
    course, task = setup("latest", learner)
    graded(learner, task, 8)
    graded(learner, task, 2)
    assert counted(learner, task) == 2
    assert CourseProgress.objects.get(user=learner, course=course).score == 2


def test_latest_policy_ignores_pending_and_failed_attempts(learner: Any) -> None:
    _, task = setup("latest", learner)
    graded(learner, task, 6)
    pending = submit(learner, task)
    assert counted(learner, task) == 6
    assert TaskProgress.objects.get(user=learner, task=task).status == "pending"
    set_result(pending, status="failed")
    assert counted(learner, task) == 6


def test_latest_policy_falls_back_when_the_latest_is_requeued(learner: Any) -> None:
    _, task = setup("latest", learner)
    graded(learner, task, 6)
    latest = graded(learner, task, 9)
    set_result(latest, status="queued")
    row = TaskProgress.objects.get(user=learner, task=task)
    assert (row.latest_attempt, row.score, row.status) == (1, 6, "pending")


def test_latest_policy_override_may_lower_the_grade(learner: Any) -> None:
    _, task = setup("latest", learner)
    latest = graded(learner, task, 9)
    set_result(latest, score=4)
    assert counted(learner, task) == 4


def test_counted_score_is_after_late_deduction(learner: Any) -> None:
    _, task = setup("best", learner)
    graded(learner, task, 7, raw_score=10)
    graded(learner, task, 9, raw_score=9)
    row = TaskProgress.objects.get(user=learner, task=task)
    assert (row.best_attempt, row.score) == (2, 9)


def test_course_score_is_a_sum_of_points(learner: Any) -> None:
    course = CourseFactory()
    enroll(learner, course)
    tasks = [TaskFactory(course=course, max_score=m) for m in (10, 5, 5)]
    for task in tasks:
        graded(learner, task, task.max_score)
    row = CourseProgress.objects.get(user=learner, course=course)
    assert (row.score, row.max_score, row.percent) == (20.0, 20.0, 100.0)


def test_course_score_multiplies_points_by_weight(learner: Any) -> None:
    course = CourseFactory()
    enroll(learner, course)
    quiz = TaskFactory(course=course, max_score=100, weight=1)
    project = TaskFactory(course=course, max_score=10, weight=3)
    graded(learner, quiz, 50)
    graded(learner, project, 10)
    row = CourseProgress.objects.get(user=learner, course=course)
    # (1 * 50 + 3 * 10) / (1 * 100 + 3 * 10)
    assert (row.score, row.max_score, row.percent) == (80.0, 130.0, 61.54)


def test_task_share_is_capped_at_its_weight(learner: Any) -> None:
    course, task = setup("best", learner)
    other = TaskFactory(course=course, max_score=10)
    graded(learner, task, 15)
    graded(learner, other, -3)
    row = CourseProgress.objects.get(user=learner, course=course)
    assert (row.score, row.max_score, row.percent) == (10.0, 20.0, 50.0)


def test_zero_max_score_tasks_count_for_completion_only(learner: Any) -> None:
    course, task = setup("best", learner)
    survey = TaskFactory(course=course, max_score=0, weight=5)
    graded(learner, survey, 0)
    graded(learner, task, 5)
    row = CourseProgress.objects.get(user=learner, course=course)
    assert (row.max_score, row.score, row.percent, row.tasks_completed) == (10.0, 5.0, 50.0, 1)


def test_policy_change_applies_after_refresh(learner: Any) -> None:
    course, task = setup("best", learner)
    graded(learner, task, 8)
    graded(learner, task, 3)
    course.grading_policy = "latest"
    course.save()
    refresh_course_totals(course=course)
    assert counted(learner, task) == 3
    assert CourseProgress.objects.get(user=learner, course=course).percent == 30.0


def test_task_changes_apply_after_refresh(learner: Any) -> None:
    course, task = setup("best", learner)
    graded(learner, task, 10)
    row = CourseProgress.objects.get(user=learner, course=course)
    assert row.completed_at is not None
    new_task = TaskFactory(course=course, max_score=10, weight=3)
    refresh_course_totals(course=course)
    row.refresh_from_db()
    assert (row.tasks_total, row.max_score, row.percent, row.completed_at) == (2, 40.0, 25.0, None)
    new_task.is_published = False
    new_task.save()
    task.weight = 2
    task.save()
    refresh_course_totals(course=course)
    row.refresh_from_db()
    assert (row.tasks_total, row.max_score, row.percent) == (1, 20.0, 100.0)
    assert row.completed_at is not None
