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
from django.conf import settings
from django.test import override_settings
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
from tests.progress.factories import set_result, submit


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
def world(db: None) -> dict[str, Any]:
    instructor = make_user(Role.INSTRUCTOR, username="inst", first_name="Ada", last_name="L")
    assistant = make_user(Role.STUDENT, username="asst")
    students = [make_user(Role.STUDENT, username=f"s{n}") for n in range(3)]
    course = CourseFactory(slug="algebra", title="Algebra", capacity=30)
    CourseFactory(slug="empty", title="Nobody teaches")
    CourseFactory(slug="draft", status="draft")
    enroll(instructor, course, "instructor")
    enroll(assistant, course, "assistant")
    now = timezone.now().replace(microsecond=123456)
    first = TaskFactory(
        course=course,
        position=1,
        kind="choice",
        max_score=5.0,
        weight=2.0,
        config={"choices": ["a", "b"], "correct": [1], "multiple": False},
    )
    second = TaskFactory(
        course=course,
        position=2,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        max_attempts=3,
        late_policy={"deduction_percent": 10.0, "per": "day", "floor_percent": 50.0},
    )
    second.prerequisites.set([first])
    TaskFactory(course=course, position=3, is_published=False)
    for n, student in enumerate(students):
        enroll(student, course)
        if n < 2:
            set_result(submit(student, first, answer=1), status="graded", score=5.0)
            set_result(submit(student, second, answer="x"), status="graded", score=0.0)
    return {"course": course, "instructor": instructor, "assistant": assistant,
            "student": students[0], "admin": make_user(Role.ADMIN, username="adm")}  # fmt: skip


def both_ways(user: Any, url: str) -> tuple[Any, Any]:
    lean = client_for(user).get(url)
    assert lean.status_code == 200, lean.content
    with override_settings(LEARNPLAT={**settings.LEARNPLAT, "SERIALIZERS": PLAIN}):
        plain = client_for(user).get(url)
    return lean.json(), plain.json()


@pytest.mark.parametrize("role", ["anonymous", "student", "instructor", "admin"])
def test_catalog(world: dict[str, Any], role: str) -> None:
    lean, plain = both_ways(world.get(role), reverse("learnplat:course-list"))
    assert lean == plain
    assert lean["count"] >= 2


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_submissions(world: dict[str, Any], role: str) -> None:
    lean, plain = both_ways(world[role], reverse("learnplat:submission-list"))
    assert lean == plain
    assert lean["results"]


def test_progress(world: dict[str, Any]) -> None:
    student = world["student"]
    lean, plain = both_ways(
        student, reverse("learnplat:course-progress", kwargs={"slug": "algebra"})
    )
    assert lean == plain
    lean, plain = both_ways(student, reverse("learnplat:progress-list"))
    assert lean == plain


def test_gradebook(world: dict[str, Any]) -> None:
    url = reverse("learnplat:course-gradebook", kwargs={"slug": "algebra"})
    lean, plain = both_ways(world["instructor"], url)
    assert lean == plain
    assert len(lean["results"]) == 3


def test_the_lean_way_skips_drf_fields(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework import serializers

    def refuse(self: Any, instance: Any) -> Any:
        raise AssertionError(f"{type(self).__name__} took DRF's way")

    monkeypatch.setattr(serializers.Serializer, "to_representation", refuse)
    student = world["student"]
    for url in (
        reverse("learnplat:course-list"),
        reverse("learnplat:submission-list"),
        reverse("learnplat:course-progress", kwargs={"slug": "algebra"}),
    ):
        assert client_for(student).get(url).status_code == 200, url


def test_tasks_take_drfs_way(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # The hand-written task representation was removed: it bought under 10 %.
    from rest_framework import serializers

    seen = []
    original = serializers.Serializer.to_representation

    def spy(self: Any, instance: Any) -> Any:
        seen.append(type(self).__name__)
        return original(self, instance)

    monkeypatch.setattr(serializers.Serializer, "to_representation", spy)
    url = reverse("learnplat:course-tasks", kwargs={"slug": "algebra"})
    assert client_for(world["student"]).get(url).status_code == 200
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
    world: dict[str, Any],
    django_assert_num_queries: Any,
    serializer_class: type[Any],
    queryset: Any,
    missing: str,
    provider: str,
) -> None:
    student = world["student"]
    course = queryset(student).get(slug="algebra")
    assert not is_platform_admin(student)  # the platform role, cached (a query on some hosts)
    with django_assert_num_queries(0), pytest.raises(MissingAnnotation) as raised:
        _ = serializer_class(course, context=context_of(student)).data
    assert f"has no '{missing}'" in str(raised.value)
    assert provider in str(raised.value)


def test_the_full_listing_queryset_serializes(world: dict[str, Any]) -> None:
    student = world["student"]
    course = Course.objects.for_listing(student).get(slug="algebra")
    data = CourseSerializer(course, context=context_of(student)).data
    assert (data["my_role"], data["is_enrolled"], data["task_count"]) == ("student", True, 2)


def test_a_task_without_prerequisite_ids_is_refused(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    instructor = world["instructor"]
    task = Task.objects.select_related("course").get(course__slug="algebra", position=2)
    context = context_of(instructor)
    assert sees_all_tasks(instructor, task.course_id)  # the caller's role, cached
    with django_assert_num_queries(0), pytest.raises(MissingAnnotation) as raised:
        _ = TaskSerializer(task, context=context).data
    assert "Task.objects.with_prerequisites()" in str(raised.value)
    assert "attach_prerequisite_ids()" in str(raised.value)
    task = Task.objects.with_prerequisites().select_related("course").get(pk=task.pk)
    assert TaskSerializer(task, context=context).data["prerequisites"]


def test_a_course_detail_without_its_tasks_is_refused(world: dict[str, Any]) -> None:
    instructor = world["instructor"]
    course = Course.objects.for_listing(instructor).get(slug="algebra")
    with pytest.raises(MissingAnnotation, match=r"Task.objects.for_course\(course, user\)"):
        _ = CourseDetailSerializer(course, context=context_of(instructor)).data
