"""The lean read serializers answer exactly what DRF's field-by-field way answers.

Each list endpoint is called twice on the same rows: with its own serializer (the lean
path) and with a subclass that adds nothing, named in ``LEARNPLAT["SERIALIZERS"]`` as a
host would, which takes DRF's way. The JSON must be the same, for every caller that sees
different fields (staff see ``config``, students do not).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from learnplat.courses.serializers import CourseSerializer, TaskSerializer
from learnplat.progress.serializers import CourseProgressSerializer, GradebookRowSerializer
from learnplat.roles import Role
from learnplat.submissions.serializers import SubmissionSerializer
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import override_learnplat
from tests.progress.factories import set_result, submit
from tests.world import World


class PlainCourse(CourseSerializer):
    pass


class PlainTask(TaskSerializer):
    pass


class PlainSubmission(SubmissionSerializer):
    pass


class PlainProgress(CourseProgressSerializer):
    pass


class PlainGradebookRow(GradebookRowSerializer):
    pass


HERE = __name__
PLAIN = {
    "course_list": f"{HERE}.PlainCourse",
    "task_list": f"{HERE}.PlainTask",
    "submission_list": f"{HERE}.PlainSubmission",
    "progress_course": f"{HERE}.PlainProgress",
    "progress_list": f"{HERE}.PlainProgress",
    "gradebook_retrieve": f"{HERE}.PlainGradebookRow",
}


@pytest.fixture
def world(world: World) -> World:
    """The shared world with every kind of field filled: a capacity, a choice task, a task
    with every deadline, a late policy and a prerequisite, graded attempts of two of the
    three students, a course nobody teaches."""
    world.course.capacity = 30
    world.course.save()
    CourseFactory(slug="empty", title="Nobody teaches")
    now = timezone.now().replace(microsecond=123456)
    first = TaskFactory(
        course=world.course,
        position=3,
        kind="choice",
        max_score=5.0,
        weight=2.0,
        config={"choices": ["a", "b"], "correct": [1], "multiple": False},
    )
    second = TaskFactory(
        course=world.course,
        position=4,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        max_attempts=3,
        late_policy={"deduction_percent": 10.0, "per": "day", "floor_percent": 50.0},
    )
    second.prerequisites.set([first])
    enroll(make_user(Role.STUDENT, username="third_student"), world.course)
    for student in (world.student, world.other_student):
        set_result(submit(student, first, answer=1), status="graded", score=5.0)
        set_result(submit(student, second, answer="x"), status="graded", score=0.0)
    return world


def both_ways(user: Any, url: str) -> tuple[Any, Any]:
    lean = client_for(user).get(url)
    assert lean.status_code == 200, lean.content
    with override_learnplat(SERIALIZERS=PLAIN):
        plain = client_for(user).get(url)
    return lean.json(), plain.json()


@pytest.mark.parametrize("role", ["anonymous", "student", "instructor", "admin"])
def test_catalog(world: World, role: str) -> None:
    lean, plain = both_ways(world.user(role), reverse("learnplat:course-list"))
    assert lean == plain
    assert lean["count"] >= 2


@pytest.mark.parametrize("role", ["student", "assistant", "instructor", "admin"])
def test_tasks(world: World, role: str) -> None:
    url = reverse("learnplat:course-tasks", kwargs={"slug": "intro"})
    lean, plain = both_ways(world.user(role), url)
    assert lean == plain
    assert ("config" in lean["results"][0]) is (role != "student")


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_submissions(world: World, role: str) -> None:
    lean, plain = both_ways(world.user(role), reverse("learnplat:submission-list"))
    assert lean == plain
    assert lean["results"]


def test_progress(world: World) -> None:
    student = world.student
    lean, plain = both_ways(student, reverse("learnplat:course-progress", kwargs={"slug": "intro"}))
    assert lean == plain
    lean, plain = both_ways(student, reverse("learnplat:progress-list"))
    assert lean == plain


def test_gradebook(world: World) -> None:
    url = reverse("learnplat:course-gradebook", kwargs={"slug": "intro"})
    lean, plain = both_ways(world.instructor, url)
    assert lean == plain
    assert len(lean["results"]) == 3


def test_the_lean_way_skips_drf_fields(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from rest_framework import serializers

    def refuse(self: Any, instance: Any) -> Any:
        raise AssertionError(f"{type(self).__name__} took DRF's way")

    monkeypatch.setattr(serializers.Serializer, "to_representation", refuse)
    student = world.student
    for url in (
        reverse("learnplat:course-list"),
        reverse("learnplat:course-tasks", kwargs={"slug": "intro"}),
        reverse("learnplat:submission-list"),
        reverse("learnplat:course-progress", kwargs={"slug": "intro"}),
    ):
        assert client_for(student).get(url).status_code == 200, url
