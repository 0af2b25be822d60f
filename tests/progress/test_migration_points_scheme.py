"""The 0003_points_scheme data migration keeps every student's percent (issue 11).

The data is written with the models as they were before the grading model (historical
models at progress 0001 / courses 0001) and with wave 1's stored figures, then migrated;
a full recompute afterwards must change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from learnplat.courses.models import Task
from learnplat.flows.progress import recompute_progress
from learnplat.progress.models import CourseProgress
from learnplat.progress.models import TaskProgress as CurrentTaskProgress
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("learnplat_courses", "0001_initial"),
    ("learnplat_progress", "0001_initial"),
    ("learnplat_submissions", "0001_initial"),
]
MILLION = 1_000_000
GRADED_AT = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def students() -> list[Any]:
    return [make_user(username=f"s{n}") for n in range(3)]


@pytest.fixture
def old_apps(students: list[Any]) -> Any:
    apps = _migrate(BEFORE)
    yield apps
    _migrate(_latest())


def _wave1_course(apps: Any, slug: str, tasks: list[tuple[float, float, bool]]) -> Any:
    """A course with tasks of (max_score, weight, published)."""
    Course = apps.get_model("learnplat_courses", "Course")
    Task = apps.get_model("learnplat_courses", "Task")
    course = Course.objects.create(slug=slug, title=slug, status="published")
    for n, (max_score, weight, published) in enumerate(tasks):
        Task.objects.create(
            course=course,
            title=f"{slug} {n}",
            kind="exact",
            position=n,
            max_score=max_score,
            weight=weight,
            is_published=published,
        )
    return course


def _wave1_grades(
    apps: Any, course: Any, user: Any, scores: dict[int, float], expected: dict[Any, float]
) -> None:
    """Store submissions, task and course rows as wave 1's rules did (none without a
    score, as wave 1 made rows on the first submission); note the percent they show."""
    if not scores:
        return
    Task = apps.get_model("learnplat_courses", "Task")
    TaskProgress = apps.get_model("learnplat_progress", "TaskProgress")
    CourseProgress = apps.get_model("learnplat_progress", "CourseProgress")
    Submission = apps.get_model("learnplat_submissions", "Submission")
    tasks = list(Task.objects.filter(course=course).order_by("position"))
    total = max_total = completed = 0
    for n, task in enumerate(tasks):
        worth = round(task.weight * MILLION) if task.max_score > 0 else 0
        score = scores.get(n)
        points = 0
        if score is not None and task.max_score > 0:
            points = round(worth * min(max(score / task.max_score, 0.0), 1.0))
        if score is not None:
            Submission.objects.create(
                user_id=user.pk,
                task=task,
                course=course,
                attempt=1,
                answer="x",
                status="graded",
                submitted_at=GRADED_AT,
                evaluated_at=GRADED_AT,
                raw_score=score,
                score=score,
                max_score=task.max_score,
            )
            passed = score >= task.max_score
            completed += int(passed and task.is_published)
            TaskProgress.objects.create(
                user_id=user.pk,
                task=task,
                course=course,
                attempts=1,
                last_attempt=1,
                last_state="done",
                best_attempt=1,
                best_score=score,
                latest_attempt=1,
                latest_score=score,
                score=score,
                points=points,
                passed_attempt=1 if passed else None,
                completed=passed,
                completed_at=GRADED_AT if passed else None,
                status="completed" if passed else "attempted",
            )
        if task.is_published:
            total += points
            max_total += worth
    percent = round(100.0 * total / max_total, 2) if max_total else 0.0
    expected[(user.pk, course.slug)] = percent
    CourseProgress.objects.create(
        user_id=user.pk,
        course=course,
        points=total,
        max_points=max_total,
        score=total / MILLION,
        max_score=max_total / MILLION,
        percent=percent,
        tasks_completed=completed,
        tasks_total=sum(1 for t in tasks if t.is_published),
    )


def test_percentages_survive_and_a_recompute_changes_nothing(
    old_apps: Any, students: list[Any]
) -> None:
    default = _wave1_course(old_apps, "default", [(1, 1, True), (1, 1, True), (1, 1, False)])
    proportional = _wave1_course(old_apps, "proportional", [(10, 2, True), (5, 1, True)])
    mixed = _wave1_course(
        old_apps, "mixed", [(10, 1, True), (5, 1, True), (5, 1, True), (0, 3, True)]
    )
    drafts = _wave1_course(old_apps, "drafts", [(3, 7, False)])
    expected: dict[tuple[str, str], float] = {}
    for course, grades in [
        (default, [{0: 1, 1: 0.5}, {0: 0.2}, {}]),
        (proportional, [{0: 7, 1: 5}, {1: 2.5}, {0: 10}]),
        (mixed, [{0: 10, 1: 2.5, 2: 5}, {0: 3.3, 3: 0}, {2: 4.4}]),
    ]:
        for student, scores in zip(students, grades, strict=True):
            _wave1_grades(old_apps, course, student, scores, expected)
    # Wave 1 shares: (1 + 0.5 + 1) / 3, where plain points would give 17.5 / 20 = 87.5.
    assert expected[(students[0].pk, "mixed")] == 83.33

    _migrate(_latest())

    rows = CourseProgress.objects.select_related("user", "course")
    got = {(row.user_id, row.course.slug): row.percent for row in rows}
    assert got == expected
    by_slug = {row.course.slug: row for row in rows if row.user_id == students[0].pk}
    # Default data now shows points; a mixed course keeps every task's old worth.
    assert (by_slug["default"].score, by_slug["default"].max_score) == (1.5, 2.0)
    assert (by_slug["proportional"].score, by_slug["proportional"].max_score) == (12.0, 15.0)
    assert (by_slug["mixed"].score, by_slug["mixed"].max_score) == (2.5, 3.0)
    assert all(row.course.grading_scheme == "points" for row in rows)

    result = recompute_progress()
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert {(row.user_id, row.course.slug): row.percent for row in rows.all()} == expected
    assert CurrentTaskProgress.objects.count() == 13
    # An unpublished task's weight keeps its worth relative to the others too.
    assert Task.objects.get(course_id=drafts.pk).weight == 7 / 3
