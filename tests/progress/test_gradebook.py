"""GET courses/{slug}/gradebook/ (JSON) for every role, its shape, ordering and search."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import CourseFactory, enroll, make_user
from tests.progress.conftest import World
from tests.progress.factories import graded

pytestmark = pytest.mark.django_db


def url(slug: str = "intro") -> str:
    return reverse("learnplat:course-gradebook", kwargs={"slug": slug})


def get(world: World, who: str, **params: Any) -> Any:
    return client_for(world.user(who)).get(url(), params)


def test_anonymous_gets_401(world: World) -> None:
    assert get(world, "anonymous").status_code == 401


@pytest.mark.parametrize(
    "who", ["outsider", "student", "other_student", "dropped", "other_instructor"]
)
def test_non_staff_who_can_see_the_course_get_403(world: World, who: str) -> None:
    assert get(world, who).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "student", "other_instructor"])
def test_a_course_they_cannot_see_is_404(world: World, who: str) -> None:
    draft = CourseFactory(status="draft", slug="draft")
    enroll(world.student, draft)
    assert client_for(world.user(who)).get(url("draft")).status_code == 404


def test_unknown_course_is_404_even_for_admins(world: World) -> None:
    assert client_for(world.admin).get(url("nope")).status_code == 404


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_staff_get_students_by_tasks(world: World, who: str) -> None:
    response = get(world, who)
    assert response.status_code == 200
    body = response.json()
    first, second = world.tasks
    assert body["tasks"] == [
        {
            "id": t.pk,
            "title": t.title,
            "kind": "exact",
            "position": t.position,
            "max_score": 10.0,
            "weight": 1.0,
            "group": None,
            "group_set": None,
            "release": "immediate",
            "released_at": None,
            "anonymous_grading": False,
            "scores_hidden": False,
        }
        for t in (first, second)
    ]
    assert body["count"] == 2  # active students only: staff and dropped students are not rows
    classmate, learner = body["results"]
    assert learner["user"]["username"] == "student"
    assert (learner["score"], learner["max_score"], learner["percent"]) == (14.0, 20.0, 70.0)
    assert learner["letter"] is None
    assert learner["student_groups"] == []
    assert [g["percent"] for g in learner["groups"]] == [70.0]
    assert (learner["tasks_completed"], learner["tasks_total"], learner["completed_at"]) == (
        1,
        2,
        None,
    )
    assert learner["cells"] == [
        {
            "task": first.pk,
            "score": 10.0,
            "attempts": 1,
            "status": "completed",
            "completed": True,
            "dropped": False,
        },
        {
            "task": second.pk,
            "score": 4.0,
            "attempts": 1,
            "status": "attempted",
            "completed": False,
            "dropped": False,
        },
    ]
    assert classmate["user"]["username"] == "other_student"
    assert (classmate["score"], classmate["max_score"], classmate["tasks_total"]) == (0.0, 20.0, 2)
    assert [c["status"] for c in classmate["cells"]] == ["not_started", "not_started"]


def test_admin_sees_the_gradebook_of_a_draft_course(world: World) -> None:
    world.course.status = "draft"
    world.course.save()
    assert get(world, "admin").status_code == 200


def test_ordering_by_percent_and_search(world: World) -> None:
    zoe = make_user(username="zoe", first_name="Zoe", last_name="Quartz")
    enroll(zoe, world.course)
    for task in world.tasks:
        graded(zoe, task, 10)

    order = [
        r["user"]["username"]
        for r in get(world, "instructor", ordering="-percent").json()["results"]
    ]
    assert order == ["zoe", "student", "other_student"]
    order = [
        r["user"]["username"]
        for r in get(world, "instructor", ordering="percent").json()["results"]
    ]
    assert order == ["other_student", "student", "zoe"]
    found = get(world, "instructor", search="quartz").json()
    assert [r["user"]["username"] for r in found["results"]] == ["zoe"]
    completed = found["results"][0]
    assert completed["completed_at"] is not None


def test_unknown_ordering_is_ignored(world: World) -> None:
    body = get(world, "instructor", ordering="password").json()
    assert [r["user"]["username"] for r in body["results"]] == ["other_student", "student"]


def test_pages_keep_the_tasks_header(world: World) -> None:
    body = get(world, "instructor", page_size=1, page=2).json()
    assert (body["count"], len(body["results"]), len(body["tasks"])) == (2, 1, 2)
    assert body["results"][0]["user"]["username"] == "student"
    assert body["previous"] is not None
