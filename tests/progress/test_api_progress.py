"""GET progress/ and GET courses/{slug}/progress/ for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from learnplat.courses.models import Enrollment
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll
from tests.progress.conftest import World
from tests.progress.factories import graded

pytestmark = pytest.mark.django_db

LIST = reverse("learnplat:progress-list")


def course_url(world: World, user: Any = None, slug: str | None = None) -> str:
    url = reverse("learnplat:course-progress", kwargs={"slug": slug or world.course.slug})
    return url if user is None else f"{url}?user={getattr(user, 'pk', user)}"


def expected_learner_body(world: World) -> dict[str, Any]:
    first, second = world.tasks
    return {
        "course": {"slug": "intro", "title": "Intro"},
        "user": {
            "id": world.student.pk,
            "username": "student",
            "first_name": world.student.first_name,
            "last_name": world.student.last_name,
        },
        "score": 14.0,
        "max_score": 20.0,
        "percent": 70.0,
        "tasks_completed": 1,
        "tasks_total": 2,
        "completed_at": None,
        "letter": None,
        "grading_scheme": "points",
        "groups": [
            {
                "group": None,
                "name": "Other tasks",
                "weight": None,
                "score": 14.0,
                "max_score": 20.0,
                "percent": 70.0,
                "dropped": [],
            }
        ],
        "tasks": [
            {
                "task": first.pk,
                "title": first.title,
                "max_score": 10.0,
                "score": 10.0,
                "best_score": 10.0,
                "attempts": 1,
                "status": "completed",
                "completed": True,
                "dropped": False,
                "weight": 1.0,
                "group": None,
                "released": True,
            },
            {
                "task": second.pk,
                "title": second.title,
                "max_score": 10.0,
                "score": 4.0,
                "best_score": 4.0,
                "attempts": 1,
                "status": "attempted",
                "completed": False,
                "dropped": False,
                "weight": 1.0,
                "group": None,
                "released": True,
            },
        ],
    }


# -- progress/ -------------------------------------------------------------------------------


def test_list_needs_authentication(world: World) -> None:
    assert client_for(None).get(LIST).status_code == 401


def test_list_shows_the_students_courses_with_zeros_before_any_submission(world: World) -> None:
    fresh = CourseFactory(slug="zoology", title="Zoology")
    TaskFactory(course=fresh, weight=2)
    enroll(world.student, fresh)

    response = client_for(world.student).get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    algebra, biology = body["results"]
    assert algebra == expected_learner_body(world)
    assert biology["course"] == {"slug": "zoology", "title": "Zoology"}
    assert (biology["score"], biology["max_score"], biology["percent"]) == (0.0, 20.0, 0.0)
    assert biology["groups"][0]["max_score"] == 20.0
    assert (biology["tasks_completed"], biology["tasks_total"]) == (0, 1)
    assert biology["tasks"][0]["status"] == "not_started"
    assert biology["tasks"][0]["attempts"] == 0


def test_list_leaves_out_dropped_staff_and_invisible_courses(world: World) -> None:
    draft = CourseFactory(status="draft")
    enroll(world.student, draft)
    for role in ("dropped", "assistant", "instructor", "other_instructor", "outsider", "admin"):
        response = client_for(world.user(role)).get(LIST)
        assert response.status_code == 200, role
        assert response.json()["count"] == 0, role
    slugs = [r["course"]["slug"] for r in client_for(world.student).get(LIST).json()["results"]]
    assert slugs == ["intro"]


def test_list_for_another_enrolled_student_shows_only_their_own(world: World) -> None:
    [entry] = client_for(world.other_student).get(LIST).json()["results"]
    assert entry["user"]["id"] == world.other_student.pk
    assert (entry["score"], entry["tasks_completed"], entry["tasks_total"]) == (0.0, 0, 2)


def test_list_is_paginated(world: World) -> None:
    for n in range(3):
        enroll(world.student, CourseFactory(title=f"Z{n}"))
    body = client_for(world.student).get(LIST, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (4, 2)
    assert body["next"] is not None


# -- courses/{slug}/progress/ ----------------------------------------------------------------


def test_course_progress_needs_authentication(world: World) -> None:
    assert client_for(None).get(course_url(world)).status_code == 401


def test_enrolled_student_sees_their_own(world: World) -> None:
    for url in (course_url(world), course_url(world, world.student)):
        response = client_for(world.student).get(url)
        assert response.status_code == 200
        assert response.json() == expected_learner_body(world)


def test_other_enrolled_student_sees_their_own_zeros(world: World) -> None:
    body = client_for(world.other_student).get(course_url(world)).json()
    assert body["user"]["id"] == world.other_student.pk
    assert (body["score"], body["tasks_completed"], body["tasks_total"]) == (0.0, 0, 2)


@pytest.mark.parametrize("who", ["other_student", "dropped", "outsider"])
def test_a_student_never_sees_another_users_progress(world: World, who: str) -> None:
    client = client_for(world.user(who))
    for target in (world.student.pk, "abc", 987654):
        response = client.get(course_url(world, target))
        assert response.status_code == 404, (who, target)


@pytest.mark.parametrize("who", ["outsider", "dropped", "assistant", "instructor", "admin"])
def test_callers_without_an_active_student_enrollment_get_not_enrolled(
    world: World, who: str
) -> None:
    response = client_for(world.user(who)).get(course_url(world))
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_staff_see_any_student_dropped_ones_too(world: World, who: str) -> None:
    client = client_for(world.user(who))
    response = client.get(course_url(world, world.student))
    assert response.status_code == 200
    assert response.json() == expected_learner_body(world)
    dropped = client.get(course_url(world, world.dropped)).json()
    assert (dropped["user"]["id"], dropped["tasks_completed"]) == (world.dropped.pk, 1)


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_staff_get_404_for_non_students_and_400_for_junk(world: World, who: str) -> None:
    client = client_for(world.user(who))
    fellow_staff = world.instructor if who == "assistant" else world.assistant
    for target in (world.outsider, fellow_staff, 987654):
        assert client.get(course_url(world, target)).status_code == 404
    for junk in ("abc", "\u00b2", "-1"):
        response = client.get(course_url(world, junk))
        assert response.status_code == 400, junk
        assert "user" in response.json()


def test_instructor_of_another_course_gets_404_for_students(world: World) -> None:
    client = client_for(world.other_instructor)
    assert client.get(course_url(world, world.student)).status_code == 404
    assert client.get(course_url(world)).json()["code"] == "not_enrolled"


def test_invisible_course_is_404(world: World) -> None:
    draft = CourseFactory(status="draft", slug="draft")
    enroll(world.student, draft)
    for who in ("student", "outsider", "other_instructor"):
        response = client_for(world.user(who)).get(course_url(world, slug="draft"))
        assert response.status_code == 404, who
    assert client_for(world.student).get(course_url(world, slug="nope")).status_code == 404


def test_archived_course_stays_visible_to_its_students(world: World) -> None:
    world.course.status = "archived"
    world.course.save()
    assert client_for(world.student).get(course_url(world)).status_code == 200
    assert client_for(world.outsider).get(course_url(world)).status_code == 404


def test_progress_shows_the_stored_figures_after_more_results(world: World) -> None:
    graded(world.student, world.tasks[1], 10)
    body = client_for(world.student).get(course_url(world)).json()
    assert (body["percent"], body["tasks_completed"]) == (100.0, 2)
    assert body["completed_at"] is not None
    assert Enrollment.objects.get(user=world.student, course=world.course).status == "active"
