"""Deep Linking: an instructor picks a course or task inside the LMS; the platform
(lti1p3platform) verifies the tool's signed answer against the tool's JWKS, and a launch of
the link it made opens what was picked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from learnplat.courses.models import Enrollment
from learnplat.lti.models import ResourceLinkBinding
from tests.lti.platform import (
    INSTRUCTOR,
    LEARNER,
    Person,
    PlatformServer,
    deep_link_form,
    launch,
    validate_deep_linking_response,
)
from tests.lti.test_launch import code_of, session

pytestmark = pytest.mark.django_db

RETURN_URL = "https://canvas.test.instructure.com/courses/1/deep_linking_response"


@pytest.fixture
def teacher(world: Any, registration: Any) -> Person:
    """A platform instructor whose first launch made them instructor of the world's course."""
    person = Person(sub="dl-teacher", roles=[INSTRUCTOR], email="t@uni.example")
    code_of(launch(Client(), person, custom={"learnplat_course": world.course.slug}).response)
    return person


def selection(client: Client, person: Person) -> Any:
    response = launch(
        client, person, resource_link_id="placement-1", deep_link_return_url=RETURN_URL
    ).response
    assert response.status_code == 200, response.content
    return response


def launch_id_of(page: Any) -> str:
    match = re.search(r'name="launch_id" value="([^"]+)"', page.content.decode())
    assert match
    return match.group(1)


def test_the_deep_linking_round_trip(
    world: Any, teacher: Person, platform: PlatformServer, browser: Client
) -> None:
    page = selection(browser, teacher)
    html = page.content.decode()
    assert world.course.title in html
    assert world.task.title in html
    assert world.other_course.title not in html  # not theirs

    answer = browser.post(
        "/api/lti/deep-link/",
        {"launch_id": launch_id_of(page), "target": f"task:{world.task.pk}"},
    )

    assert answer.status_code == 200
    action, jwt_value = deep_link_form(answer.content.decode())
    assert action == RETURN_URL
    tool_jwks = browser.get("/api/lti/jwks/").json()
    [item] = validate_deep_linking_response(jwt_value, tool_jwks)
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://testserver/api/lti/launch/"
    assert item["custom"] == {
        "learnplat_course": world.course.slug,
        "learnplat_task": str(world.task.pk),
    }
    assert item["lineItem"]["resourceId"] == f"learnplat-task-{world.task.pk}"
    assert item["lineItem"]["scoreMaximum"] == world.task.max_score

    # The platform now launches a student into the link it made from that item.
    student = Person(sub="dl-student", roles=[LEARNER], email="s@uni.example")
    code = code_of(
        launch(Client(), student, resource_link_id="new-link", custom=item["custom"]).response
    )
    assert session(code).json()["task"] == world.task.pk
    assert ResourceLinkBinding.objects.get(resource_link__id_on_platform="new-link").task == (
        world.task
    )


def test_a_whole_course_can_be_picked(world: Any, teacher: Person, browser: Client) -> None:
    page = selection(browser, teacher)

    answer = browser.post(
        "/api/lti/deep-link/",
        {"launch_id": launch_id_of(page), "target": f"course:{world.course.slug}"},
    )

    _action, jwt_value = deep_link_form(answer.content.decode())
    [item] = validate_deep_linking_response(jwt_value, browser.get("/api/lti/jwks/").json())
    assert item["custom"] == {"learnplat_course": world.course.slug}
    assert "lineItem" not in item


@pytest.mark.parametrize("target", ["course:other", "course:nope", "task:999999", "x", ""])
def test_only_the_instructors_own_courses_can_be_picked(
    world: Any, teacher: Person, browser: Client, target: str
) -> None:
    page = selection(browser, teacher)

    answer = browser.post(
        "/api/lti/deep-link/", {"launch_id": launch_id_of(page), "target": target}
    )

    assert answer.status_code == 400


def test_a_made_up_launch_id_is_refused(db: None, browser: Client) -> None:
    answer = browser.post("/api/lti/deep-link/", {"launch_id": "lti1p3-launch-x", "target": "x"})

    assert answer.status_code == 401


def test_learners_may_not_deep_link(world: Any, registration: Any, browser: Client) -> None:
    learner = Person(sub="dl-learner", roles=[LEARNER])

    response = launch(browser, learner, deep_link_return_url=RETURN_URL).response

    assert response.status_code == 403
    assert not Enrollment.objects.filter(user__username__startswith="lti-").exists()
