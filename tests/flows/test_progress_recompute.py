"""The full recompute gives exactly the rows the incremental path keeps.

Seeded random histories of submissions, evaluations, failures, reviews, regrades and
overrides (which may lower a grade) are fed through record_submission/record_result; then
the rows are compared field by field with a recompute over them and with a recompute from
nothing.
"""

from __future__ import annotations

import io
import random
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from learnplat.flows import progress as progress_flow
from learnplat.flows.progress import recompute_progress, refresh_course_totals
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded, move_silently, requeue, set_result, submit

pytestmark = pytest.mark.django_db

SCORES = (0.0, 2.5, 5.0, 7.5, 10.0)  # few values, so ties between attempts are common


def snapshot() -> dict[str, list[dict[str, Any]]]:
    def rows(model: Any, key: tuple[str, ...]) -> list[dict[str, Any]]:
        values = model.objects.order_by(*key).values()
        return [{k: v for k, v in row.items() if k not in ("id", "updated_at")} for row in values]

    return {
        "task": rows(TaskProgress, ("user_id", "task_id")),
        "course": rows(CourseProgress, ("user_id", "course_id")),
    }


def random_history(rng: random.Random, policy: str) -> None:
    course = CourseFactory(grading_policy=policy)
    tasks = [
        TaskFactory(course=course, max_score=10, weight=1),
        TaskFactory(course=course, max_score=10, weight=2.5),
        TaskFactory(course=course, kind="manual", config={}, max_score=10, weight=0.3),
        TaskFactory(course=course, max_score=10, is_published=False),
    ]
    users = [make_user() for _ in range(3)]
    for user in users:
        enroll(user, course)
    live: list[Submission] = []
    for _ in range(60):
        roll = rng.random()
        if roll < 0.3 or not live:
            live.append(submit(rng.choice(users), rng.choice(tasks)))
            continue
        sub = rng.choice(live)
        if roll < 0.75:  # evaluated, overridden, or manually graded; may lower a grade
            score = rng.choice(SCORES)
            late = rng.random() < 0.2
            set_result(sub, score=score * (0.5 if late else 1), raw_score=score)
        elif roll < 0.83:
            set_result(sub, status="needs_review", score=rng.choice((None, *SCORES)))
        elif roll < 0.88:
            set_result(sub, status="failed")
        elif roll < 0.93:  # a failed re-evaluation keeps the score
            set_result(sub, status="failed", score=sub.score, raw_score=sub.raw_score)
        elif roll < 0.96:  # a regrade: back to the queue, score kept
            requeue(sub)
        elif sub.status in ("queued", "evaluating"):  # a worker claims or retries it
            move_silently(sub, "evaluating" if sub.status == "queued" else "queued")


@pytest.mark.parametrize("seed", range(12))
def test_recompute_matches_the_incremental_path(seed: int) -> None:
    rng = random.Random(seed)
    with mock.patch.object(progress_flow, "_fold_pair", wraps=progress_flow._fold_pair) as reread:
        random_history(rng, "best" if seed % 2 else "latest")
    incremental = snapshot()
    # One fold builds each new pair; more mean lowered grades took the bounded re-read.
    assert reread.call_count > len(incremental["task"])

    result = recompute_progress()
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert snapshot() == incremental

    TaskProgress.objects.all().delete()
    CourseProgress.objects.all().delete()
    recompute_progress()
    assert snapshot() == incremental


def test_refresh_after_task_changes_matches_a_recompute_from_nothing() -> None:
    rng = random.Random(99)
    random_history(rng, "best")
    task = TaskProgress.objects.order_by("pk").first().task  # type: ignore[union-attr]
    task.max_score, task.weight = 5, 4
    task.save()
    TaskFactory(course=task.course)
    refresh_course_totals(course=task.course)
    refreshed = snapshot()
    TaskProgress.objects.all().delete()
    CourseProgress.objects.all().delete()
    recompute_progress()
    assert snapshot() == refreshed


def test_recompute_repairs_drift_and_removes_orphans(course: Any, learner: Any) -> None:
    task = TaskFactory(course=course)
    graded(learner, task, 10)
    good = snapshot()
    TaskProgress.objects.update(score=1, points=0, completed=False)
    stray = make_user(username="stray")
    CourseProgress.objects.create(user=stray, course=course, points=5)
    result = recompute_progress()
    assert (result.updated, result.deleted) == (1, 1)
    assert snapshot() == good


def test_recompute_can_be_limited_to_a_course_and_a_user(course: Any, learner: Any) -> None:
    other_course = CourseFactory()
    other = make_user(username="other")
    for user in (learner, other):
        enroll(user, other_course)
        graded(user, TaskFactory(course=other_course), 10)
    graded(learner, TaskFactory(course=course), 10)
    TaskProgress.objects.update(score=None)
    recompute_progress(course=other_course, user_id=learner.pk)
    fixed = set(TaskProgress.objects.exclude(score=None).values_list("user_id", "course_id"))
    assert fixed == {(learner.pk, other_course.pk)}


def test_command_shows_a_progress_bar_and_reports(course: Any, learner: Any) -> None:
    graded(learner, TaskFactory(course=course), 10)
    TaskProgress.objects.update(points=0)
    out, err = io.StringIO(), io.StringIO()
    call_command("learnplat_recompute_progress", "--course", course.slug, stdout=out, stderr=err)
    assert "Recomputing progress [" in err.getvalue()
    assert "100% 1/1" in err.getvalue()
    assert "1 updated" in out.getvalue()
    assert TaskProgress.objects.get().points == 10_000_000


def test_command_is_quiet_at_verbosity_zero(course: Any, learner: Any) -> None:
    err = io.StringIO()
    call_command("learnplat_recompute_progress", verbosity=0, stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_command_rejects_unknown_course_and_user(learner: Any) -> None:
    with pytest.raises(CommandError, match="No course"):
        call_command("learnplat_recompute_progress", "--course", "nope")
    with pytest.raises(CommandError, match="No user"):
        call_command("learnplat_recompute_progress", "--user", "987654")
