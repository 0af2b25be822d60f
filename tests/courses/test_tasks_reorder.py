"""POST courses/{slug}/tasks/reorder/: who may, what it answers, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Task
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def order_of(course: Any) -> list[int]:
    return list(course.tasks.order_by("position", "pk").values_list("pk", flat=True))


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=200,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_reorder_matrix(world: World, role: str, code: int) -> None:
    wanted = [world.hidden_task.pk, world.task.pk]
    response = world.client(role).post(
        url("course-tasks-reorder", "intro"), {"order": wanted}, format="json"
    )
    assert response.status_code == code
    assert order_of(world.course) == (wanted if code == 200 else wanted[::-1])


@matrix(
    anonymous=404,
    outsider=404,
    student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_reorder_of_a_draft_matrix(world: World, role: str, code: int) -> None:
    first, second = TaskFactory(course=world.draft), TaskFactory(course=world.draft)
    response = world.client(role).post(
        url("course-tasks-reorder", "secret"), {"order": [second.pk, first.pk]}, format="json"
    )
    assert response.status_code == code


def test_reorder_answers_the_task_list_in_the_new_order(world: World) -> None:
    third = TaskFactory(course=world.course, position=3)
    wanted = [third.pk, world.task.pk, world.hidden_task.pk]
    client = world.client("instructor")
    response = client.post(url("course-tasks-reorder", "intro"), {"order": wanted}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [t["id"] for t in body["results"]] == wanted
    assert [t["position"] for t in body["results"]] == [1, 2, 3]
    assert body == client.get(url("course-tasks", "intro")).json()
    assert "config" in body["results"][0]  # staff see the answer keys, as in the list


def test_reorder_answers_the_page_asked_for(world: World) -> None:
    wanted = [world.hidden_task.pk, world.task.pk]
    response = world.client("instructor").post(
        url("course-tasks-reorder", "intro") + "?page_size=1&page=2",
        {"order": wanted},
        format="json",
    )
    body = response.json()
    assert (body["count"], [t["id"] for t in body["results"]]) == (2, [world.task.pk])


def test_a_page_past_the_end_is_a_404_and_changes_nothing(world: World) -> None:
    before = order_of(world.course)
    response = world.client("instructor").post(
        url("course-tasks-reorder", "intro") + "?page=3",
        {"order": before[::-1]},
        format="json",
    )
    assert response.status_code == 404
    assert order_of(world.course) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order": None},
        {"order": "1,2"},
        {"order": 5},
        {"order": {"a": 1}},
        {"order": ["first", "second"]},
        {"order": [1.5, 2]},
        {"order": [True, False]},
        {"order": [[1], [2]]},
        {"order": "duplicate"},
        {"order": "missing"},
        {"order": "foreign"},
        {"order": "huge"},
        {"order": "extra-key"},
    ],
    ids=lambda body: str(body.get("order", "absent")),
)
def test_bad_input_is_a_400_on_order_and_changes_nothing(world: World, body: Any) -> None:
    foreign = TaskFactory(course=world.other_course)
    ours = [world.task.pk, world.hidden_task.pk]
    named = {
        "duplicate": [*ours, ours[0]],
        "missing": ours[:1],
        "foreign": [*ours, foreign.pk],
        "huge": [*ours, 2**70],
    }
    if isinstance(body.get("order"), str) and body["order"] in named:
        body = {"order": named[body["order"]]}
    elif body.get("order") == "extra-key":
        body = {"order": ours[::-1], "position": 1}
    before = list(Task.objects.order_by("pk").values_list("pk", "position", "modified"))
    response = world.client("instructor").post(
        url("course-tasks-reorder", "intro"), body, format="json"
    )
    assert response.status_code == 400, response.content
    expected_key = "position" if "position" in body else "order"
    assert expected_key in response.json()
    after = list(Task.objects.order_by("pk").values_list("pk", "position", "modified"))
    assert after == before


def test_a_body_that_is_no_object_is_a_400(world: World) -> None:
    for body in ([1, 2], "x", 3):
        response = world.client("instructor").post(
            url("course-tasks-reorder", "intro"), body, format="json"
        )
        assert response.status_code == 400


def test_reorder_query_count_is_the_same_for_2_and_21_tasks(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client("instructor")

    def reverse_all() -> None:
        response = client.post(
            url("course-tasks-reorder", "intro") + "?page_size=50",
            {"order": order_of(world.course)[::-1]},
            format="json",
        )
        assert response.status_code == 200

    def more_tasks() -> None:
        for task in TaskFactory.create_batch(19, course=world.course):
            task.prerequisites.add(world.task)

    assert_same_query_count(django_assert_num_queries, reverse_all, reverse_all, between=more_tasks)
    assert world.course.tasks.count() == 21
