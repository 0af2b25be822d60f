"""The lean read serializers answer exactly what DRF's field-by-field way answers, and
the course serializers refuse objects read without the annotations they need.

Each list endpoint with a lean path (docs/performance.md says which are kept) is called
twice on the same rows: with its own serializer (the lean path) and with a subclass that
adds nothing, named in ``LEARNPLAT["SERIALIZERS"]`` as a host would, which takes DRF's
way. The JSON must be the same, for every caller that sees different fields.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from learnplat.courses.models import Course, Task
from learnplat.courses.querysets import sees_all_tasks
from learnplat.courses.serializers import (
    CourseDetailSerializer,
    CourseSerializer,
    TaskSerializer,
)
from learnplat.progress.serializers import CourseProgressSerializer, GradebookRowSerializer
from learnplat.querysets import MissingAnnotation
from learnplat.roles import Role, is_platform_admin
from learnplat.submissions.serializers import SubmissionSerializer
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import override_learnplat
from tests.progress.factories import set_result, submit
from tests.world import World


class PlainCourse(CourseSerializer):
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
        reverse("learnplat:submission-list"),
        reverse("learnplat:course-progress", kwargs={"slug": "intro"}),
    ):
        assert client_for(student).get(url).status_code == 200, url


def test_tasks_take_drfs_way(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # The hand-written task representation was removed: it bought under 10 %.
    from rest_framework import serializers

    seen = []
    original = serializers.Serializer.to_representation

    def spy(self: Any, instance: Any) -> Any:
        seen.append(type(self).__name__)
        return original(self, instance)

    monkeypatch.setattr(serializers.Serializer, "to_representation", spy)
    url = reverse("learnplat:course-tasks", kwargs={"slug": "intro"})
    assert client_for(world.student).get(url).status_code == 200
    assert set(seen) == {"TaskSerializer"}


# -- missing annotations fail loudly ---------------------------------------------------------


def context_of(user: Any) -> dict[str, Any]:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = Request(APIRequestFactory().get("/"))
    request.user = user
    return {"request": request}


@pytest.mark.parametrize("serializer_class", [CourseSerializer, PlainCourse])
@pytest.mark.parametrize(
    ("queryset", "missing", "provider"),
    [
        (
            lambda user: Course.objects.with_task_counts().with_instructors(),
            "my_role",
            "Course.objects.with_caller(user)",
        ),
        (
            lambda user: Course.objects.with_caller(user).with_instructors(),
            "published_task_count",
            "Course.objects.with_task_counts()",
        ),
        (
            lambda user: Course.objects.with_caller(user).with_task_counts(),
            "instructor_summaries",
            "Course.objects.with_instructors()",
        ),
    ],
)
def test_a_course_without_its_annotations_is_refused(
    world: World,
    django_assert_num_queries: Any,
    serializer_class: type[Any],
    queryset: Any,
    missing: str,
    provider: str,
) -> None:
    student = world.student
    course = queryset(student).get(slug="intro")
    assert not is_platform_admin(student)  # the platform role, cached (a query on some hosts)
    with django_assert_num_queries(0), pytest.raises(MissingAnnotation) as raised:
        _ = serializer_class(course, context=context_of(student)).data
    assert f"has no '{missing}'" in str(raised.value)
    assert provider in str(raised.value)


def test_the_full_listing_queryset_serializes(world: World) -> None:
    student = world.student
    course = Course.objects.for_listing(student).get(slug="intro")
    data = CourseSerializer(course, context=context_of(student)).data
    # The student sees the published tasks: the world's task and the two added above.
    published = Task.objects.filter(course=course, is_published=True).count()
    assert published == 3
    assert (data["my_role"], data["is_enrolled"], data["task_count"]) == ("student", True, 3)


def test_a_task_without_prerequisite_ids_is_refused(
    world: World, django_assert_num_queries: Any
) -> None:
    instructor = world.instructor
    # The task with a prerequisite, so the attached ids are not empty.
    task = Task.objects.select_related("course").get(course=world.course, position=4)
    context = context_of(instructor)
    assert sees_all_tasks(instructor, task.course_id)  # the caller's role, cached
    with django_assert_num_queries(0), pytest.raises(MissingAnnotation) as raised:
        _ = TaskSerializer(task, context=context).data
    assert "Task.objects.with_prerequisites()" in str(raised.value)
    assert "attach_prerequisite_ids()" in str(raised.value)
    task = Task.objects.with_prerequisites().select_related("course").get(pk=task.pk)
    assert TaskSerializer(task, context=context).data["prerequisites"]


def test_a_course_detail_without_its_tasks_is_refused(world: World) -> None:
    instructor = world.instructor
    course = Course.objects.for_listing(instructor).get(slug="intro")
    with pytest.raises(MissingAnnotation, match=r"Task.objects.for_course\(course, user\)"):
        _ = CourseDetailSerializer(course, context=context_of(instructor)).data
