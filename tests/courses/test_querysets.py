"""The read side: visibility, annotations and prefetches of the courses querysets."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from learnplat.courses.models import Course, Enrollment, Task
from learnplat.courses.querysets import forget_course_roles, remember_course_role
from learnplat.roles import get_role
from tests.courses.conftest import World
from tests.factories import CourseFactory, enroll

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {"intro", "other"}),
        ("outsider", {"intro", "other"}),
        ("student", {"intro", "other"}),
        ("instructor", {"intro", "other", "secret"}),
        ("admin", {"intro", "other", "secret"}),
    ],
)
def test_visible_to(world: World, role: str, expected: set[str]) -> None:
    user = world.users[role] or AnonymousUser()
    assert set(Course.objects.visible_to(user).values_list("slug", flat=True)) == expected


def test_taught_and_enrolled(world: World) -> None:
    assert set(
        Course.objects.taught_by(world.users["assistant"]).values_list("slug", flat=True)
    ) == {
        "intro",
        "secret",
    }
    assert set(
        Course.objects.enrolled_by(world.users["student"]).values_list("slug", flat=True)
    ) == {
        "intro",
        "secret",
    }
    assert not Course.objects.taught_by(AnonymousUser()).exists()
    assert set(
        Course.objects.for_student(world.users["student"]).values_list("slug", flat=True)
    ) == {
        "intro",
        "secret",
    }


def test_for_listing_annotations(world: World, django_assert_num_queries: Any) -> None:
    student = world.users["student"]
    get_role(student)  # group-based host shapes read the platform role with a query
    # The courses, then every instructor and every task count of the page at once.
    with django_assert_num_queries(3):
        courses = {c.slug: c for c in Course.objects.for_listing(student)}
        intro = courses["intro"]
        assert (intro.task_count, intro.published_task_count) == (2, 1)
        assert (intro.is_enrolled, intro.my_role) == (True, "student")
        instructor = world.users["instructor"]
        assert intro.instructor_summaries == [
            {
                "id": instructor.pk,
                "username": instructor.get_username(),
                "first_name": instructor.first_name,
                "last_name": instructor.last_name,
            }
        ]
        assert courses["other"].my_role is None
        assert courses["other"].instructor_summaries == [
            {"id": world.users["other_instructor"].pk, "username": "other_instructor"}
            | {k: getattr(world.users["other_instructor"], k) for k in ("first_name", "last_name")}
        ]


def test_visible_one_agrees_with_visible_to(world: World) -> None:
    archived = CourseFactory(slug="old", status="archived")
    enroll(world.users["student"], archived)
    enroll(world.users["instructor"], archived, "instructor")
    slugs = list(Course.objects.values_list("slug", flat=True))
    for role, user in world.users.items():
        caller = user or AnonymousUser()
        listed = set(Course.objects.visible_to(caller).values_list("slug", flat=True))
        found = {slug for slug in slugs if Course.objects.visible_one(caller, slug) is not None}
        assert found == listed, role
        for slug in listed:
            course = Course.objects.visible_one(caller, slug)
            annotated = Course.objects.with_caller(caller).get(slug=slug)
            assert (course.my_role, course.is_enrolled) == (
                annotated.my_role,
                annotated.is_enrolled,
            ), (role, slug)


def test_for_listing_anonymous(world: World) -> None:
    course = Course.objects.for_listing(AnonymousUser()).get(slug="intro")
    assert (course.is_enrolled, course.my_role) == (False, None)


def test_task_visibility(world: World) -> None:
    def visible(role: str) -> set[str]:
        user = world.users[role] or AnonymousUser()
        return set(Task.objects.visible_to(user).values_list("title", flat=True))

    assert visible("anonymous") == set()
    assert visible("outsider") == set()
    assert visible("student") == {"Visible"}
    assert visible("assistant") == {"Visible", "Hidden"}
    assert visible("other_instructor") == set()


def test_for_course_by_caller(world: World) -> None:
    def titles(role: str) -> list[str]:
        user = world.users[role] or AnonymousUser()
        return [t.title for t in Task.objects.for_course(world.course, user)]

    assert titles("instructor") == ["Visible", "Hidden"]
    assert titles("admin") == ["Visible", "Hidden"]
    assert titles("student") == ["Visible"]
    assert titles("outsider") == []
    assert titles("anonymous") == []


def test_role_cache_is_per_user_object(world: World, django_assert_num_queries: Any) -> None:
    student = world.users["student"]
    forget_course_roles(student)
    with django_assert_num_queries(1):
        assert Enrollment.objects.role_of(student, world.course) == "student"
        assert Enrollment.objects.role_of(student, world.course.pk) == "student"
    remember_course_role(student, world.other_course.pk, None)
    with django_assert_num_queries(0):
        assert Enrollment.objects.role_of(student, world.other_course) is None
    assert Enrollment.objects.role_of(None, world.course) is None
    assert Enrollment.objects.role_of(AnonymousUser(), world.course) is None


def test_enrollment_querysets(world: World) -> None:
    staff = Enrollment.objects.staff().filter(course=world.course)
    assert {e.role for e in staff} == {"instructor", "assistant"}
    assert Enrollment.objects.instructors().filter(course=world.course).count() == 1
    assert [e.user.get_username() for e in Enrollment.objects.for_course(world.course)] == [
        "instructor",
        "assistant",
        "student",
        "other_student",
    ]
