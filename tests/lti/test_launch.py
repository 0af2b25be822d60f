"""Resource-link launches signed by the test platform (lti1p3platform) land the user in
the linked course with the course role of the roles claim."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from lti_tool.models import LtiUser
from rest_framework.test import APIClient

from learnplat.courses.models import Enrollment
from learnplat.lti.choices import course_role_for
from learnplat.lti.models import LaunchCode, ResourceLinkBinding
from tests.lti.platform import (
    INSTITUTION_STUDENT,
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    Person,
    launch,
)

pytestmark = pytest.mark.django_db


def code_of(response: Any) -> str:
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert location.path == "/lti/launch"
    return dict(parse_qsl(location.query))["code"]


def session(code: str) -> Any:
    return APIClient().post("/api/lti/session/", {"code": code}, format="json")


def enrollment_of(user: Any, course: Any) -> Enrollment:
    return Enrollment.objects.get(user=user, course=course)


def test_a_new_learner_is_created_enrolled_and_gets_a_session(
    world: Any, registration: Any, browser: Client
) -> None:
    users_before = get_user_model().objects.count()
    person = Person(sub="canvas-user-1", roles=[LEARNER, INSTITUTION_STUDENT])

    outcome = launch(browser, person, custom={"learnplat_course": world.course.slug})

    code = code_of(outcome.response)
    assert get_user_model().objects.count() == users_before + 1
    user = LtiUser.objects.get(sub="canvas-user-1").auth_user
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@uni.example")
    assert not user.has_usable_password()
    enrollment = enrollment_of(user, world.course)
    assert (enrollment.role, enrollment.status) == ("student", "active")
    body = session(code).json()
    assert body["course"] == world.course.slug
    assert body["task"] is None
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.get("/api/auth/me/").json()["username"] == user.username
    assert me.get(f"/api/courses/{world.course.slug}/").status_code == 200


def test_a_returning_user_is_the_same_user_and_their_role_follows_the_platform(
    world: Any, registration: Any
) -> None:
    person = Person(sub="canvas-user-2", roles=[LEARNER])
    code_of(launch(Client(), person, custom={"learnplat_course": world.course.slug}).response)
    users_after_first = get_user_model().objects.count()

    person.roles = [TEACHING_ASSISTANT, INSTRUCTOR]
    code = code_of(launch(Client(), person).response)  # the link is bound now: no custom

    assert get_user_model().objects.count() == users_after_first
    user = LtiUser.objects.get(sub="canvas-user-2").auth_user
    assert enrollment_of(user, world.course).role == "assistant"
    assert session(code).status_code == 200


def test_an_instructor_lands_as_instructor_of_the_linked_task(
    world: Any, registration: Any, browser: Client
) -> None:
    person = Person(sub="canvas-teacher", roles=[INSTRUCTOR], email="prof@uni.example")
    custom = {"learnplat_course": world.course.slug, "learnplat_task": str(world.task.pk)}

    code = code_of(launch(browser, person, custom=custom).response)

    user = LtiUser.objects.get(sub="canvas-teacher").auth_user
    assert enrollment_of(user, world.course).role == "instructor"
    assert ResourceLinkBinding.objects.get().task == world.task
    body = session(code).json()
    assert (body["course"], body["task"]) == (world.course.slug, world.task.pk)


def test_an_email_another_user_has_is_not_copied(world: Any, registration: Any) -> None:
    person = Person(sub="canvas-3", roles=[LEARNER], email=world.student.email.upper())

    code_of(launch(Client(), person, custom={"learnplat_course": world.course.slug}).response)

    assert LtiUser.objects.get(sub="canvas-3").auth_user.email == ""


def test_a_link_bound_to_nothing_is_a_404_and_writes_nothing(
    world: Any, registration: Any, browser: Client
) -> None:
    users_before = get_user_model().objects.count()

    response = launch(browser, Person(sub="canvas-4", roles=[LEARNER])).response

    assert response.status_code == 404
    assert get_user_model().objects.count() == users_before
    assert not LaunchCode.objects.exists()
    assert not LtiUser.objects.exists()


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([INSTRUCTOR], "instructor"),
        (["Instructor"], "instructor"),
        ([TEACHING_ASSISTANT], "assistant"),
        ([INSTRUCTOR, TEACHING_ASSISTANT], "assistant"),
        ([LEARNER], "student"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], "student"),
        ([INSTITUTION_STUDENT], "student"),
        ([], "student"),
        (None, "student"),
    ],
)
def test_roles_claim_mapping(roles: Any, expected: str) -> None:
    assert course_role_for(roles) == expected
