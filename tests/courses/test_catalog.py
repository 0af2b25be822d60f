"""GET courses/ and GET courses/{slug}/: visibility, filters, ordering, representation."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.roles import Role
from tests.conftest import client_for
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings

pytestmark = pytest.mark.django_db


def slugs(response: Any) -> list[str]:
    return [c["slug"] for c in response.json()["results"]]


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", {"intro", "other"}),
        ("outsider", {"intro", "other"}),
        ("student", {"intro", "other"}),
        ("assistant", {"intro", "other", "secret"}),
        ("other_instructor", {"intro", "other"}),
        ("instructor", {"intro", "other", "secret"}),
        ("admin", {"intro", "other", "secret"}),
    ],
)
def test_list_shows_published_courses_and_own_drafts(
    world: World, role: str, visible: set[str]
) -> None:
    response = world.client(role).get(url("course-list"))
    assert response.status_code == 200
    assert set(slugs(response)) == visible


@matrix(
    anonymous=404,
    outsider=404,
    student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_draft_detail_only_for_its_staff_and_admins(world: World, role: str, code: int) -> None:
    response = world.client(role).get(url("course-detail", "secret"))
    assert response.status_code == code
    if code == 404:  # exactly what a slug that does not exist gets
        assert response.json() == world.client(role).get(url("course-detail", "nope")).json()


@matrix(
    anonymous=200,
    outsider=200,
    student=200,
    assistant=200,
    other_instructor=200,
    instructor=200,
    admin=200,
)
def test_published_detail_for_everyone(world: World, role: str, code: int) -> None:
    assert world.client(role).get(url("course-detail", "intro")).status_code == code


def test_archived_course_stays_visible_to_its_students_only(world: World) -> None:
    world.course.status = "archived"
    world.course.save()
    assert world.client("student").get(url("course-detail", "intro")).status_code == 200
    assert world.client("outsider").get(url("course-detail", "intro")).status_code == 404
    assert world.client("anonymous").get(url("course-detail", "intro")).status_code == 404
    assert "intro" in slugs(world.client("student").get(url("course-list")))


def test_representation(world: World) -> None:
    body = world.client("student").get(url("course-detail", "intro")).json()
    assert set(body) == {
        "slug",
        "title",
        "description",
        "status",
        "enrollment_open",
        "capacity",
        "grading_policy",
        "grading_scheme",
        "letter_grades",
        "timezone",
        "late_days",
        "max_late_days_per_task",
        "published_at",
        "instructors",
        "task_count",
        "is_enrolled",
        "my_role",
        "created",
        "modified",
        "tasks",
    }
    instructor = world.users["instructor"]
    assert body["instructors"] == [
        {
            "id": instructor.pk,
            "username": instructor.get_username(),
            "first_name": instructor.first_name,
            "last_name": instructor.last_name,
        }
    ]
    assert body["is_enrolled"] is True
    assert body["my_role"] == "student"
    assert body["task_count"] == 1  # the unpublished task is not counted for students
    assert [t["title"] for t in body["tasks"]] == ["Visible"]
    assert "config" not in body["tasks"][0]
    assert body["tasks"][0]["public_config"] == {}


@pytest.mark.parametrize(
    ("role", "task_count", "titles", "is_enrolled", "my_role"),
    [
        ("anonymous", 1, [], False, None),
        ("outsider", 1, [], False, None),
        ("assistant", 2, ["Visible", "Hidden"], False, "assistant"),
        ("instructor", 2, ["Visible", "Hidden"], False, "instructor"),
        ("admin", 2, ["Visible", "Hidden"], False, None),
    ],
)
def test_detail_depends_on_the_caller(
    world: World,
    role: str,
    task_count: int,
    titles: list[str],
    is_enrolled: bool,
    my_role: str | None,
) -> None:
    body = world.client(role).get(url("course-detail", "intro")).json()
    assert body["task_count"] == task_count
    assert [t["title"] for t in body["tasks"]] == titles
    assert body["is_enrolled"] is is_enrolled
    assert body["my_role"] == my_role
    for task in body["tasks"]:
        assert task["config"] == {"answers": ["4"], "case_sensitive": False}


def test_list_item_has_no_tasks_and_flags_per_course(world: World) -> None:
    results = world.client("student").get(url("course-list")).json()["results"]
    by_slug = {c["slug"]: c for c in results}
    assert "tasks" not in by_slug["intro"]
    assert by_slug["intro"]["is_enrolled"] is True
    assert by_slug["other"]["is_enrolled"] is False
    assert by_slug["other"]["instructors"][0]["username"] == "other_instructor"


def test_search_matches_title_or_description(world: World) -> None:
    CourseFactory(slug="py", title="Python basics", description="Loops and functions")
    client = world.client("anonymous")
    assert slugs(client.get(url("course-list"), {"search": "python"})) == ["py"]
    assert slugs(client.get(url("course-list"), {"search": "LOOPS functions"})) == ["py"]
    assert slugs(client.get(url("course-list"), {"search": "loops intro"})) == []


def test_status_filter_applies_after_visibility(world: World) -> None:
    assert slugs(world.client("outsider").get(url("course-list"), {"status": "draft"})) == []
    assert slugs(world.client("instructor").get(url("course-list"), {"status": "draft"})) == [
        "secret"
    ]


@pytest.mark.parametrize(
    ("role", "mine", "expected"),
    [
        ("student", "enrolled", {"intro"}),
        ("student", "teaching", set()),
        ("instructor", "teaching", {"intro", "secret"}),
        ("instructor", "enrolled", set()),
        ("other_instructor", "teaching", {"other"}),
        ("anonymous", "enrolled", set()),
    ],
)
def test_mine_filter(world: World, role: str, mine: str, expected: set[str]) -> None:
    response = world.client(role).get(url("course-list"), {"mine": mine})
    assert response.status_code == 200
    assert set(slugs(response)) == expected


@pytest.mark.parametrize(
    "params",
    [{"status": "deleted"}, {"mine": "everything"}, {"ordering": "password"}],
)
def test_bad_filter_values_are_400(world: World, params: dict[str, str]) -> None:
    response = world.client("student").get(url("course-list"), params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_ordering(world: World) -> None:
    client = world.client("anonymous")
    assert slugs(client.get(url("course-list"), {"ordering": "title"})) == ["intro", "other"]
    assert slugs(client.get(url("course-list"), {"ordering": "-title"})) == ["other", "intro"]
    # default: newest first
    assert slugs(client.get(url("course-list"))) == ["other", "intro"]


def test_pagination_and_page_size_cap(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(PAGE_SIZE=1, MAX_PAGE_SIZE=2)
    for n in range(3):
        CourseFactory(slug=f"extra-{n}")
    client = world.client("anonymous")
    body = client.get(url("course-list")).json()
    assert body["count"] == 5
    assert len(body["results"]) == 1
    assert body["next"] is not None
    assert len(client.get(url("course-list"), {"page_size": 50}).json()["results"]) == 2
    assert client.get(url("course-list"), {"page": 99}).status_code == 404


def test_filters_do_not_apply_to_detail(world: World) -> None:
    response = world.client("anonymous").get(url("course-detail", "intro"), {"status": "draft"})
    assert response.status_code == 200


def _populate(n: int, viewer: Any) -> None:
    teacher = make_user(Role.INSTRUCTOR)
    for i in range(n):
        course = CourseFactory(slug=f"bulk-{i}")
        enroll(teacher, course, "instructor")
        enroll(make_user(Role.INSTRUCTOR), course, "instructor")
        enroll(viewer, course, "student" if i % 2 else "assistant")
        TaskFactory.create_batch(2, course=course)


@pytest.mark.parametrize("role", ["anonymous", "student"])
def test_list_query_count_does_not_grow_with_page_size(
    role: str, django_assert_num_queries: Any, db: None
) -> None:
    viewer = None if role == "anonymous" else make_user(Role.STUDENT, username="viewer")
    _populate(50, viewer or make_user(Role.STUDENT))
    client = client_for(viewer)

    def page(size: int) -> None:
        response = client.get(url("course-list"), {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        assert all(len(c["instructors"]) == 2 for c in response.json()["results"])

    assert_same_query_count(django_assert_num_queries, lambda: page(1), lambda: page(50))


def test_detail_query_count_does_not_grow_with_tasks(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client("instructor")

    def detail(count: int) -> None:
        response = client.get(url("course-detail", "intro"))
        assert response.status_code == 200
        assert len(response.json()["tasks"]) == count

    def add_tasks() -> None:
        for task in TaskFactory.create_batch(19, course=world.course):
            task.prerequisites.add(world.task, world.hidden_task)

    assert_same_query_count(
        django_assert_num_queries, lambda: detail(2), lambda: detail(21), between=add_tasks
    )
