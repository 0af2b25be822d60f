"""Property: the stored course figures equal a from-scratch recomputation, for random
histories under both schemes, with groups, drops, regrades, releases and extensions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnplat.courses.models import AssignmentGroup, Extension
from learnplat.flows.progress import recompute_progress, refresh_course_totals
from learnplat.progress.models import CourseProgress
from learnplat.progress.reports import course_report, rule_of
from learnplat.progress.rules import TaskMark, standing, task_rule
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded, set_result

pytestmark = pytest.mark.django_db

FIELDS = ("score", "max_score", "percent", "letter", "groups", "tasks_completed", "completed_at")

task_spec = st.tuples(
    st.sampled_from([0, 5, 10, 20]),  # max_score
    st.sampled_from([0.5, 1, 2]),  # weight
    st.sampled_from([None, 0, 1]),  # group index
    st.sampled_from(["immediate", "manual", "after_due"]),
)
event = st.tuples(
    st.integers(0, 2),  # student
    st.integers(0, 5),  # task index (mod the number of tasks)
    st.floats(0, 1.2, allow_nan=False),  # share of max_score
    st.booleans(),  # regrade the student's first attempt of the task instead
)
history = st.fixed_dictionaries(
    {
        "scheme": st.sampled_from(["points", "weighted"]),
        "groups": st.lists(
            st.tuples(st.sampled_from([0, 20, 40]), st.integers(0, 2)), min_size=2, max_size=2
        ),
        "tasks": st.lists(task_spec, min_size=1, max_size=5),
        "events": st.lists(event, max_size=14),
        "extension": st.booleans(),
        "late_groups": st.booleans(),
    }
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(h=history)
def test_stored_figures_are_a_recomputation(h: dict[str, Any]) -> None:
    now = timezone.now()
    course = CourseFactory(
        grading_scheme=h["scheme"],
        letter_grades=[{"letter": "A", "min_percent": 60}, {"letter": "B", "min_percent": 20}],
    )
    groups = [
        AssignmentGroup.objects.create(
            course=course, name=f"G{n}", weight=w, drop_lowest=d, position=n
        )
        for n, (w, d) in enumerate(h["groups"])
    ]
    tasks = [
        TaskFactory(
            course=course,
            max_score=m,
            weight=w,
            group=None if g is None or h["late_groups"] else groups[g],
            release=r,
            due_at=now - timedelta(days=1),
        )
        for m, w, g, r in h["tasks"]
    ]
    students = [make_user() for _ in range(3)]
    for student in students:
        enroll(student, course)
    if h["extension"]:
        Extension.objects.create(user=students[0], course=course, due_at=now + timedelta(days=2))
    first: dict[tuple[int, int], Any] = {}
    for who, index, share, regrade in h["events"]:
        task = tasks[index % len(tasks)]
        score = round(task.max_score * share, 3)
        key = (who, task.pk)
        if regrade and key in first:
            set_result(first[key], score=score)
        else:
            first.setdefault(key, graded(students[who], task, score))
    if h["late_groups"]:
        # Groups assigned after the grades: the change path, not the incremental one.
        for (_m, _w, g, _r), task in zip(h["tasks"], tasks, strict=True):
            if g is not None:
                task.group = groups[g]
                task.save()
        refresh_course_totals(course=course)

    stored = {
        row.user_id: {name: getattr(row, name) for name in FIELDS}
        for row in CourseProgress.objects.filter(course=course)
    }
    assert recompute_progress(course=course).updated == 0
    again = {
        row.user_id: {name: getattr(row, name) for name in FIELDS}
        for row in CourseProgress.objects.filter(course=course)
    }
    assert again == stored

    # A student's own view: the same arithmetic over the released tasks only.
    rule = rule_of(course)
    for student in students:
        report = course_report(course, student)
        rules = [task_rule(t, course) for t in report.tasks]
        marks = {
            r.task_id: TaskMark(
                r.points(report.task_rows[r.task_id].score),
                report.task_rows[r.task_id].completed,
                report.task_rows[r.task_id].completed_at,
            )
            for r in rules
            if r.task_id in report.task_rows and r.task_id not in report.hidden
        }
        expected = standing(rule, rules, marks)
        assert report.figures["percent"] == expected.percent
        assert report.figures["score"] == expected.score
        hidden = {t.pk for t in tasks if t.release == "manual"}
        if student == students[0] and h["extension"]:
            hidden |= {t.pk for t in tasks if t.release == "after_due"}
        assert report.hidden == hidden


def test_the_api_shows_a_students_released_figures_only() -> None:
    course = CourseFactory(slug="rel")
    open_task = TaskFactory(course=course, max_score=10)
    hidden = TaskFactory(course=course, max_score=10, release="manual")
    student = make_user(username="pat")
    enroll(student, course)
    graded(student, open_task, 5)
    graded(student, hidden, 10)
    url = reverse("learnplat:course-progress", kwargs={"slug": "rel"})
    body = client_for(student).get(url).json()
    assert (body["score"], body["max_score"], body["percent"]) == (5.0, 20.0, 25.0)
    task = body["tasks"][1]
    assert (task["released"], task["score"], task["best_score"], task["completed"]) == (
        False,
        None,
        None,
        False,
    )
    assert task["status"] == "attempted"
    hidden.released_at = timezone.now()
    hidden.save()
    body = client_for(student).get(url).json()
    assert (body["percent"], body["tasks"][1]["score"]) == (75.0, 10.0)
