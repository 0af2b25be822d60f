"""record_submission / record_result: the incremental path the submissions pipeline calls."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.flows.progress import recompute_progress, record_result
from learnplat.progress.models import TaskProgress
from tests.factories import TaskFactory, make_user
from tests.progress.factories import (
    course_row,
    graded,
    move_silently,
    requeue,
    set_result,
    submit,
    task_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(course: Any) -> Any:
    return TaskFactory(course=course, max_score=10)


def test_first_submission_creates_pending_rows(learner: Any, task: Any, course: Any) -> None:
    TaskFactory(course=course, max_score=5, weight=2)
    submit(learner, task)

    row = task_row(learner, task)
    assert (row.attempts, row.last_attempt, row.last_state) == (1, 1, "pending")
    assert row.status == "pending"
    assert (row.score, row.best_score, row.completed) == (None, None, False)
    crow = course_row(learner, course)
    assert (crow.tasks_total, crow.tasks_completed) == (2, 0)
    assert (crow.score, crow.max_score, crow.percent) == (0.0, 20.0, 0.0)


def test_each_submission_counts_an_attempt(learner: Any, task: Any) -> None:
    for _ in range(3):
        submit(learner, task)
    row = task_row(learner, task)
    assert (row.attempts, row.last_attempt, row.status) == (3, 3, "pending")


def test_graded_full_score_completes_task_and_course(learner: Any, task: Any, course: Any) -> None:
    sub = graded(learner, task, 10)

    row = task_row(learner, task)
    assert (row.best_score, row.latest_score, row.score) == (10, 10, 10)
    assert (row.best_attempt, row.latest_attempt, row.passed_attempt) == (1, 1, 1)
    assert (row.completed, row.status) == (True, "completed")
    assert row.completed_at == sub.evaluated_at
    crow = course_row(learner, course)
    assert (crow.tasks_completed, crow.percent) == (1, 100.0)
    assert crow.completed_at == sub.evaluated_at


def test_partial_score_is_attempted_not_completed(learner: Any, task: Any, course: Any) -> None:
    graded(learner, task, 4)
    row = task_row(learner, task)
    assert (row.score, row.completed, row.status) == (4, False, "attempted")
    crow = course_row(learner, course)
    assert (crow.score, crow.percent, crow.completed_at) == (4.0, 40.0, None)


def test_best_attempt_survives_a_worse_later_one(learner: Any, task: Any) -> None:
    graded(learner, task, 7)
    graded(learner, task, 3)
    row = task_row(learner, task)
    assert (row.best_attempt, row.best_score) == (1, 7)
    assert (row.latest_attempt, row.latest_score) == (2, 3)
    assert row.score == 7


def test_equal_scores_keep_the_earliest_attempt(learner: Any, task: Any) -> None:
    first = submit(learner, task)
    second = submit(learner, task)
    set_result(second, score=6)
    set_result(first, score=6)
    assert task_row(learner, task).best_attempt == 1


def test_lowering_the_best_rereads_that_pair(learner: Any, task: Any, course: Any) -> None:
    best = graded(learner, task, 9)
    graded(learner, task, 5)
    graded(learner, task, 8)

    set_result(best, score=2)

    row = task_row(learner, task)
    assert (row.best_attempt, row.best_score, row.score) == (3, 8, 8)
    assert course_row(learner, course).score == 8.0


def test_best_attempt_losing_its_score_falls_back_to_the_next_best(learner: Any, task: Any) -> None:
    best = graded(learner, task, 9)
    graded(learner, task, 5)
    set_result(best, status="queued")
    row = task_row(learner, task)
    assert (row.best_attempt, row.best_score) == (2, 5)
    # The last attempt (2) is graded, so the regrade of attempt 1 does not make it pending.
    assert row.status == "attempted"


def test_override_can_raise_a_non_best_attempt(learner: Any, task: Any) -> None:
    graded(learner, task, 6)
    low = graded(learner, task, 2)
    set_result(low, score=9)
    row = task_row(learner, task)
    assert (row.best_attempt, row.best_score) == (2, 9)


def test_regrade_keeps_the_grade_until_the_new_result(learner: Any, task: Any) -> None:
    sub = graded(learner, task, 9)
    requeue(sub)
    move_silently(sub, "evaluating")
    row = task_row(learner, task)
    assert (row.score, row.status, row.last_state) == (9, "attempted", "done")
    set_result(sub, score=6)
    assert task_row(learner, task).score == 6
    assert recompute_progress().updated == 0


def test_failed_regrade_keeps_the_grade(learner: Any, task: Any) -> None:
    sub = graded(learner, task, 7)
    requeue(sub)
    set_result(sub, status="failed", score=7)
    assert task_row(learner, task).score == 7


def test_regrade_of_a_failed_attempt_is_pending_again(learner: Any, task: Any) -> None:
    sub = submit(learner, task)
    set_result(sub, status="failed")
    assert task_row(learner, task).status == "attempted"
    requeue(sub)
    assert task_row(learner, task).status == "pending"
    assert recompute_progress().updated == 0


def test_claims_and_retries_need_no_call(learner: Any, task: Any) -> None:
    fresh = submit(learner, task)
    for status in ("evaluating", "queued", "evaluating"):
        move_silently(fresh, status)
        assert task_row(learner, task).status == "pending"
        assert recompute_progress().updated == 0


def test_provisional_needs_review_score_does_not_count(learner: Any, task: Any) -> None:
    sub = graded(learner, task, 7)
    set_result(sub, status="needs_review", score=0)
    row = task_row(learner, task)
    assert (row.score, row.best_score, row.status) == (None, None, "needs_review")


def test_failed_and_needs_review_statuses(learner: Any, task: Any) -> None:
    sub = submit(learner, task)
    set_result(sub, status="failed")
    row = task_row(learner, task)
    assert (row.status, row.score, row.attempts) == ("attempted", None, 1)
    sub2 = submit(learner, task)
    set_result(sub2, status="needs_review")
    assert task_row(learner, task).status == "needs_review"


def test_completion_moves_back_when_the_passing_attempt_is_lowered(
    learner: Any, task: Any, course: Any
) -> None:
    passing = graded(learner, task, 10)
    assert course_row(learner, course).completed_at is not None
    set_result(passing, score=5)
    row = task_row(learner, task)
    assert (row.completed, row.completed_at, row.passed_attempt) == (False, None, None)
    crow = course_row(learner, course)
    assert (crow.tasks_completed, crow.completed_at) == (0, None)


def test_recording_the_same_result_twice_changes_nothing(learner: Any, task: Any) -> None:
    sub = graded(learner, task, 7)
    before = TaskProgress.objects.values().get(user=learner, task=task)
    record_result(submission=sub)
    after = TaskProgress.objects.values().get(user=learner, task=task)
    assert before == after
    assert course_row(learner, (task.course)).score == 7.0


def _queries_to_grade(user: Any, task: Any, past: int) -> int:
    for _ in range(past):
        graded(user, task, 3)
    sub = submit(user, task)
    sub.status, sub.score, sub.raw_score = "graded", 5.0, 5.0
    with CaptureQueriesContext(connection) as ctx:
        record_result(submission=sub)
    return len(ctx.captured_queries)


def test_record_result_cost_does_not_grow_with_past_submissions(course: Any) -> None:
    """O(1): the same number of queries after 1 or 25 earlier graded attempts."""
    few, many = make_user(username="few"), make_user(username="many")
    task = TaskFactory(course=course, max_score=10)
    assert _queries_to_grade(few, task, 1) == _queries_to_grade(many, task, 25)


def test_the_reread_touches_one_pair_only(learner: Any, task: Any, course: Any) -> None:
    other_task = TaskFactory(course=course)
    other_user = make_user(username="other")
    graded(other_user, task, 9)
    graded(learner, other_task, 9)
    best = graded(learner, task, 9)
    graded(learner, task, 4)
    best.score = best.raw_score = 1.0
    best.save()
    with CaptureQueriesContext(connection) as ctx:
        record_result(submission=best)
    reads = [
        q["sql"] for q in ctx.captured_queries if "learnplat_submissions_submission" in q["sql"]
    ]
    assert len(reads) == 1
    assert f'"user_id" = {learner.pk}' in reads[0].replace("`", '"')
    assert f'"task_id" = {task.pk}' in reads[0].replace("`", '"')
    assert task_row(learner, task).best_score == 4


def test_unpublished_task_does_not_move_the_course(learner: Any, course: Any, task: Any) -> None:
    hidden = TaskFactory(course=course, is_published=False)
    graded(learner, hidden, 10)
    assert task_row(learner, hidden).completed
    crow = course_row(learner, course)
    assert (crow.tasks_total, crow.tasks_completed, crow.points) == (1, 0, 0)


def test_completed_task_ids(learner: Any, course: Any) -> None:
    done, half, untouched = (TaskFactory(course=course, max_score=10) for _ in range(3))
    graded(learner, done, 10)
    graded(learner, half, 5)
    ids = [done.pk, half.pk, untouched.pk]
    assert TaskProgress.objects.completed_task_ids(learner, ids) == {done.pk}
    assert TaskProgress.objects.completed_task_ids(make_user(username="x"), ids) == set()
    assert TaskProgress.objects.completed_task_ids(learner, []) == set()
