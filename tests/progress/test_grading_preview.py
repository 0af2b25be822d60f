"""POST courses/{slug}/grading/preview/: the proposal's figures, for every role, writing nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learnplat.courses.models import AssignmentGroup
from learnplat.flows.progress import refresh_course_totals
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Submission
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.conftest import World
from tests.progress.factories import graded
from tests.progress.test_query_counts import SMALL, course_with

pytestmark = pytest.mark.django_db


def url(slug: str = "intro") -> str:
    return reverse("learnplat:course-grading-preview", kwargs={"slug": slug})


def post(user: Any, body: dict[str, Any], slug: str = "intro") -> Any:
    return client_for(user).post(url(slug), body, format="json")


def test_anonymous_gets_401(world: World) -> None:
    assert post(None, {}).status_code == 401


@pytest.mark.parametrize("who", ["student", "other_student", "outsider", "other_instructor"])
def test_who_sees_the_course_but_is_not_its_staff_gets_403(world: World, who: str) -> None:
    assert post(world.user(who), {}).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "student", "other_instructor"])
def test_a_course_they_cannot_see_is_404(world: World, who: str) -> None:
    CourseFactory(status="draft", slug="draft")
    assert post(world.user(who), {}, slug="draft").status_code == 404


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_staff_see_every_student_before_and_after(world: World, who: str) -> None:
    _, second = world.tasks
    response = post(world.user(who), {"tasks": [{"id": second.pk, "weight": 3}]})
    assert response.status_code == 200, response.json()
    body = response.json()
    by_name = {row["user"]["username"]: row for row in body["results"]}
    assert list(by_name) == ["other_student", "student"]
    assert by_name["student"]["old"] == {
        "score": 14.0,
        "max_score": 20.0,
        "percent": 70.0,
        "letter": None,
    }
    # 10 + 3 x 4 of 10 + 3 x 10
    assert by_name["student"]["new"] == {
        "score": 22.0,
        "max_score": 40.0,
        "percent": 55.0,
        "letter": None,
    }
    assert body["changed"] == 2  # the classmate's max_score moves too


def test_a_proposal_is_what_applying_it_gives(world: World) -> None:
    first, second = world.tasks
    third = TaskFactory(course=world.course, position=5, max_score=20)
    graded(world.student, third, 5)
    graded(world.other_student, third, 20)
    proposal = {
        "grading_scheme": "weighted",
        "letter_grades": [{"letter": "P", "min_percent": 50}, {"letter": "F", "min_percent": 0}],
        "groups": [
            {"id": -1, "name": "Homework", "weight": 60, "drop_lowest": 1},
            {"name": "Exam", "weight": 30, "drop_lowest": 0},
        ],
        "tasks": [
            {"id": first.pk, "group": -1},
            {"id": second.pk, "group": -1},
            {"id": third.pk, "max_score": 25},
        ],
    }
    before = CourseProgress.objects.count(), TaskProgress.objects.count()
    body = post(world.instructor, proposal).json()
    assert (CourseProgress.objects.count(), TaskProgress.objects.count()) == before

    course = world.course
    course.grading_scheme = "weighted"
    course.letter_grades = proposal["letter_grades"]
    course.save()
    homework = AssignmentGroup.objects.create(
        course=course, name="Homework", weight=60, drop_lowest=1
    )
    AssignmentGroup.objects.create(course=course, name="Exam", weight=30, position=1)
    for task in (first, second):
        task.group = homework
        task.save()
    third.max_score = 25
    third.save()
    refresh_course_totals(course=course)
    applied = {
        row.user.username: {
            "score": row.score,
            "max_score": row.max_score,
            "percent": row.percent,
            "letter": row.letter or None,
        }
        for row in CourseProgress.objects.filter(course=course).select_related("user")
    }
    assert {r["user"]["username"]: r["new"] for r in body["results"]} == {
        name: applied[name] for name in ("student", "other_student")
    }
    # Homework drops the student's 4/10; 60 % x 100 % + 10 % x 5/25 of the rest, out of 70.
    assert applied["student"]["percent"] == round((60 * 1.0 + 10 * 0.2) / 70 * 100, 2)


def test_a_late_policy_proposal_recomputes_the_deduction(world: World) -> None:
    task = world.tasks[1]
    task.due_at = world.course.created
    task.save()
    late = Submission.objects.get(user=world.student, task=task)
    late.submitted_at = task.due_at + timedelta(hours=30)
    late.save()
    policy = {"deduction_percent": 25, "per": "day", "floor_percent": 0}
    body = post(world.instructor, {"tasks": [{"id": task.pk, "late_policy": policy}]}).json()
    [student] = [r for r in body["results"] if r["user"]["username"] == "student"]
    # 4 raw, two days late at 25 % a day keeps 2.
    assert (student["old"]["score"], student["new"]["score"]) == (14.0, 12.0)
    assert body["changed"] == 1


def test_a_preview_writes_nothing(world: World) -> None:
    first, _ = world.tasks
    proposal = {
        "grading_scheme": "weighted",
        "groups": [{"name": "All", "weight": 100, "drop_lowest": 1}],
        "tasks": [{"id": first.pk, "group": -1, "late_policy": {"deduction_percent": 10}}],
    }
    client = client_for(world.instructor)  # its token is written here, not below
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url(), proposal, format="json").status_code == 200
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.parametrize(
    ("body", "key", "text"),
    [
        ({"tasks": [{"id": 999999}]}, "tasks", "not a task of this course"),
        ({"grading_scheme": "weighted", "groups": [
            {"name": "A", "weight": 70}, {"name": "B", "weight": 40}]}, "groups", "add up to 110"),
        ({"groups": [{"name": "A", "drop_lowest": -1}]}, "groups", ""),
        ({"groups": [{"name": "A"}, {"name": "a"}]}, "groups", "appears twice"),
        ({"letter_grades": [{"letter": "A", "min_percent": 50},
                            {"letter": "B", "min_percent": 60}]}, "letter_grades", "decreasing"),
        ({"letter_grades": [{"letter": "A", "min_percent": 120}]}, "letter_grades", ""),
        ({"tasks": [{"id": 0, "group": 12345}]}, "tasks", "not a group of the proposal"),
        ({"grading_scheme": "curved"}, "grading_scheme", ""),
        ({"bonus": 5}, "bonus", "Unknown field"),
    ],
)  # fmt: skip
def test_bad_proposals_are_400_on_their_field(
    world: World, body: dict[str, Any], key: str, text: str
) -> None:
    body = {**body}
    if body.get("tasks") and body["tasks"][0]["id"] == 0:
        body["tasks"] = [{**body["tasks"][0], "id": world.tasks[0].pk}]
    response = post(world.instructor, body)
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"] if "errors" in response.json() else response.json()
    assert key in str(errors)
    assert text in str(errors)


def test_switching_to_weighted_checks_the_groups_already_there(world: World) -> None:
    AssignmentGroup.objects.create(course=world.course, name="A", weight=80)
    AssignmentGroup.objects.create(course=world.course, name="B", weight=30, position=1)
    response = post(world.instructor, {"grading_scheme": "weighted"})
    assert response.status_code == 400
    assert "add up to 110" in str(response.json())


def test_query_count_is_the_same_at_two_sizes() -> None:
    counts = []
    for tag, (students, tasks) in (("s", SMALL), ("l", (60, 12))):
        course, instructor, _ = course_with(students, tasks, f"p{tag}", groups=True)
        task = course.tasks.first()
        proposal = {
            "grading_scheme": "points",
            "tasks": [{"id": task.pk, "late_policy": {"deduction_percent": 10}, "weight": 2}],
        }
        client = client_for(instructor)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url(course.slug), proposal, format="json")
        assert response.status_code == 200
        assert len(response.json()["results"]) == students
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_dropped_students_are_not_in_the_preview(world: World) -> None:
    names = [r["user"]["username"] for r in post(world.instructor, {}).json()["results"]]
    assert "dropped" not in names
    outsider = make_user(username="zed")
    enroll(outsider, world.course)
    assert len(post(world.instructor, {}).json()["results"]) == 3
