"""LEARNPLAT["PERMISSIONS"] and ["SERIALIZERS"] replace the courses views' defaults per
action, read at request time."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from learnplat.courses.permissions import IsCourseStaff
from learnplat.courses.serializers import CourseSerializer
from tests.courses.conftest import World, url
from tests.factories import TaskFactory
from tests.overrides import LearnplatSettings

pytestmark = pytest.mark.django_db


class TitleOnlyCourseSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()


def _permissions(learnplat_settings: LearnplatSettings, **keys: str) -> None:
    learnplat_settings(PERMISSIONS=keys)


def test_course_create_override(world: World, learnplat_settings: LearnplatSettings) -> None:
    client = world.client("instructor")
    _permissions(learnplat_settings, course_create="learnplat.permissions.IsPlatformAdmin")
    assert client.post(url("course-list"), {"title": "Nope"}).status_code == 403
    assert world.client("admin").post(url("course-list"), {"title": "Yes"}).status_code == 201


@pytest.mark.parametrize("method", ["put", "patch"])
def test_course_update_key_covers_put_and_patch(
    world: World, learnplat_settings: LearnplatSettings, method: str
) -> None:
    _permissions(learnplat_settings, course_update="learnplat.permissions.IsPlatformAdmin")
    response = getattr(world.client("instructor"), method)(
        url("course-detail", "intro"), {"title": "Changed"}
    )
    assert response.status_code == 403


def test_course_list_can_require_login(world: World, learnplat_settings: LearnplatSettings) -> None:
    _permissions(learnplat_settings, course_list="learnplat.permissions.IsAuthenticated")
    assert world.client("anonymous").get(url("course-list")).status_code == 401
    assert world.client("student").get(url("course-list")).status_code == 200


def test_task_list_can_be_staff_only(world: World, learnplat_settings: LearnplatSettings) -> None:
    _permissions(learnplat_settings, task_list="learnplat.courses.permissions.IsCourseStaff")
    assert world.client("student").get(url("course-tasks", "intro")).status_code == 403
    assert world.client("assistant").get(url("course-tasks", "intro")).status_code == 200


def test_extension_create_can_be_instructor_only(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    _permissions(
        learnplat_settings, extension_create="learnplat.courses.permissions.IsCourseInstructor"
    )
    payload = {"user": world.users["student"].pk, "due_at": "2031-01-01T00:00:00Z"}
    assert (
        world.client("assistant").post(url("course-extensions", "intro"), payload).status_code
        == 403
    )
    assert (
        world.client("instructor").post(url("course-extensions", "intro"), payload).status_code
        == 201
    )


def test_serializer_override_is_read_per_request(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    path = f"{__name__}.TitleOnlyCourseSerializer"
    learnplat_settings(SERIALIZERS={"course_list": path})
    results = world.client("anonymous").get(url("course-list")).json()["results"]
    assert results[0] == {"title": "Other"}
    learnplat_settings.reset()
    results = world.client("anonymous").get(url("course-list")).json()["results"]
    assert set(results[0]) == set(CourseSerializer.Meta.fields)


class CoursePublished(BasePermission):
    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.status == "published")


TasksOfPublishedCourses = IsCourseStaff | CoursePublished


def test_documented_composition_example(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    """docs/permissions.md: members list tasks, students only of published courses."""
    _permissions(
        learnplat_settings,
        task_list=[
            "learnplat.courses.permissions.IsCourseMember",
            f"{__name__}.TasksOfPublishedCourses",
        ],
    )
    assert world.client("student").get(url("course-tasks", "intro")).status_code == 200
    assert world.client("outsider").get(url("course-tasks", "intro")).status_code == 403
    world.course.status = "archived"
    world.course.save()
    assert world.client("student").get(url("course-tasks", "intro")).status_code == 403
    assert world.client("assistant").get(url("course-tasks", "intro")).status_code == 200


@pytest.mark.parametrize(
    ("method", "name", "slug", "data"),
    [
        ("get", "course-detail", "intro", None),
        ("patch", "course-detail", "intro", {"title": "Other title"}),
        ("post", "course-publish", "secret", None),
        ("post", "course-archive", "intro", None),
        ("post", "course-list", None, {"title": "Fresh"}),
    ],
)
def test_course_retrieve_serializer_shapes_every_detail_answer(
    world: World,
    learnplat_settings: LearnplatSettings,
    method: str,
    name: str,
    slug: str | None,
    data: Any,
) -> None:
    path = f"{__name__}.TitleOnlyCourseSerializer"
    learnplat_settings(SERIALIZERS={"course_retrieve": path})
    TaskFactory(course=world.draft, is_published=True)  # a course without one is not published
    target = url(name, slug) if slug else url(name)
    response = getattr(world.client("instructor"), method)(target, data)
    assert response.status_code in (200, 201)
    assert set(response.json()) == {"title"}
