"""Deep Linking for an instructor who teaches no learnplat course yet: the selection page
offers "Create a course for this LMS context" to users who may create courses (the rule of
``POST courses/``, ``LEARNPLAT["PERMISSIONS"]["course_create"]``), and the platform gets the
signed deep-linking response naming the new course."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lti_tool.models import LtiLaunch, LtiUser

from learnplat.courses.choices import CourseRole
from learnplat.courses.models import Course, Enrollment
from learnplat.roles import Role, get_role, set_role
from tests.factories import CourseFactory
from tests.lti.platform import (
    INSTRUCTOR,
    TEACHING_ASSISTANT,
    Person,
    deep_link_form,
    validate_deep_linking_response,
)
from tests.lti.test_deep_linking import RETURN_URL, launch_id_of, selection, teacher

__all__ = ["teacher"]  # the fixture

pytestmark = pytest.mark.django_db

OPTION = "Create a course for this LMS context"
CONTEXT_TITLE = "Intro to Computing"  # the context claim's title in tests/lti/platform.py


def newcomer(sub: str = "dl-newcomer") -> Person:
    return Person(sub=sub, roles=[INSTRUCTOR], email=f"{sub}@uni.example")


def local_user(person: Person) -> Any:
    return LtiUser.objects.select_related("auth_user").get(sub=person.sub).auth_user


def promoted(browser: Client, person: Person) -> Any:
    """``person`` after a first deep-linking launch made their account and an admin made them
    a platform instructor (the default ``course_create`` rule is ``IsInstructor``)."""
    selection(browser, person)
    user = local_user(person)
    set_role(user, Role.INSTRUCTOR)
    return user


def create(browser: Client, page: Any, title: str) -> Any:
    return browser.post(
        "/api/lti/deep-link/", {"launch_id": launch_id_of(page), "target": "new", "title": title}
    )


def content_item(browser: Client, answer: Any) -> Any:
    assert answer.status_code == 200, answer.content
    action, jwt_value = deep_link_form(answer.content.decode())
    assert action == RETURN_URL
    [item] = validate_deep_linking_response(jwt_value, browser.get("/api/lti/jwks/").json())
    return item


def test_an_instructor_with_no_course_creates_one_for_the_context(
    world: Any, registration: Any, browser: Client
) -> None:
    person = newcomer()
    user = promoted(browser, person)
    page = selection(browser, person)
    html = page.content.decode()
    assert "You teach no course in learnplat yet." in html
    assert OPTION in html
    assert f'value="{CONTEXT_TITLE}"' in html  # prefilled from the context claim

    answer = create(browser, page, "  Intro to Computing (Fall)  ")

    item = content_item(browser, answer)
    course = Course.objects.get(title="Intro to Computing (Fall)")
    assert course.slug == "intro-to-computing-fall"
    assert course.status == "draft"
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == course.title
    assert item["url"] == "http://testserver/api/lti/launch/"
    assert item["custom"] == {"learnplat_course": course.slug}
    assert "lineItem" not in item
    # The creator is the course's instructor, as after POST courses/.
    [enrollment] = Enrollment.objects.filter(course=course)
    assert (enrollment.user, enrollment.role) == (user, CourseRole.INSTRUCTOR)
    # ... so the next deep-linking request lists it for picking.
    assert f'value="course:{course.slug}"' in selection(browser, person).content.decode()


def test_the_option_follows_the_hosts_course_create_permission(
    world: Any, registration: Any, browser: Client, learnplat_settings: Any
) -> None:
    # A host that lets every signed-in user create courses: a brand-new LTI instructor
    # (a platform student) gets the option on their very first deep-linking request.
    learnplat_settings(PERMISSIONS={"course_create": "learnplat.permissions.IsAuthenticated"})
    person = newcomer()
    page = selection(browser, person)
    assert OPTION in page.content.decode()

    item = content_item(browser, create(browser, page, CONTEXT_TITLE))

    course = Course.objects.get(slug=item["custom"]["learnplat_course"])
    assert course.title == CONTEXT_TITLE
    assert Enrollment.objects.get(course=course).user == local_user(person)


def spy_launch_ids(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The launch ids the tool hands out, also when its page shows no form (a forger who
    learnt one some other way)."""
    seen: list[str] = []
    original = LtiLaunch.get_launch_id

    def get_launch_id(self: LtiLaunch) -> str:
        seen.append(original(self))
        return seen[-1]

    monkeypatch.setattr(LtiLaunch, "get_launch_id", get_launch_id)
    return seen


def forge(browser: Client, launch_id: str) -> Any:
    return browser.post(
        "/api/lti/deep-link/", {"launch_id": launch_id, "target": "new", "title": "Forged"}
    )


def test_a_new_user_who_may_not_create_courses_gets_no_option_and_a_forged_post_is_refused(
    world: Any, registration: Any, browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default rule (IsInstructor): a new LTI user is a platform student.
    launch_ids = spy_launch_ids(monkeypatch)
    page = selection(browser, newcomer())
    html = page.content.decode()
    assert "You teach no course in learnplat yet." in html
    assert OPTION not in html
    assert "<form" not in html
    courses, enrollments = Course.objects.count(), Enrollment.objects.count()

    answer = forge(browser, launch_ids[-1])

    assert answer.status_code == 403
    assert (Course.objects.count(), Enrollment.objects.count()) == (courses, enrollments)


@pytest.mark.parametrize("rule", [None, "learnplat.permissions.IsPlatformAdmin"])
def test_instructors_who_may_not_create_courses_only_pick(
    world: Any, teacher: Person, browser: Client, learnplat_settings: Any, rule: str | None
) -> None:
    # ``teacher`` teaches the world's course (from a launch) and is a platform student: the
    # default rule refuses them. A host rule that only admins create courses refuses even a
    # platform instructor.
    if rule is not None:
        learnplat_settings(PERMISSIONS={"course_create": rule})
        set_role(local_user(teacher), Role.INSTRUCTOR)
    page = selection(browser, teacher)
    html = page.content.decode()
    assert f'value="course:{world.course.slug}"' in html
    assert OPTION not in html
    courses, enrollments = Course.objects.count(), Enrollment.objects.count()

    answer = forge(browser, launch_id_of(page))

    assert answer.status_code == 403
    assert (Course.objects.count(), Enrollment.objects.count()) == (courses, enrollments)


@pytest.mark.parametrize(
    "title",
    ["", "   ", "x" * 201, "null\x00byte"],
    ids=["empty", "blank", "too-long", "nul"],
)
def test_a_bad_title_shows_the_page_again_and_writes_nothing(
    world: Any, registration: Any, browser: Client, title: str
) -> None:
    person = newcomer()
    promoted(browser, person)
    page = selection(browser, person)
    courses, enrollments = Course.objects.count(), Enrollment.objects.count()

    answer = create(browser, page, title)

    assert answer.status_code == 400
    html = answer.content.decode()
    assert OPTION in html
    assert 'role="alert"' in html
    assert (Course.objects.count(), Enrollment.objects.count()) == (courses, enrollments)
    # The same launch still works once the title is fixed.
    assert content_item(browser, create(browser, page, "Fixed"))["title"] == "Fixed"


def test_a_taken_slug_gets_a_suffix(world: Any, registration: Any, browser: Client) -> None:
    CourseFactory(slug="intro-to-computing", title="Intro to Computing (2025)")
    person = newcomer()
    promoted(browser, person)
    page = selection(browser, person)

    item = content_item(browser, create(browser, page, CONTEXT_TITLE))

    assert item["custom"] == {"learnplat_course": "intro-to-computing-2"}
    new = Course.objects.get(slug="intro-to-computing-2")
    assert new.title == CONTEXT_TITLE
    assert Enrollment.objects.get(course=new).user == local_user(person)


def test_creating_needs_the_launch_id_of_a_deep_linking_request(db: None, browser: Client) -> None:
    answer = browser.post(
        "/api/lti/deep-link/", {"launch_id": "lti1p3-launch-x", "target": "new", "title": "X"}
    )

    assert answer.status_code == 401
    assert not Course.objects.filter(title="X").exists()


# -- LTI["PROMOTE_INSTRUCTORS"] ------------------------------------------------------------


def test_promote_instructors_lets_a_brand_new_lms_instructor_create_on_the_first_request(
    world: Any, registration: Any, browser: Client, learnplat_settings: Any
) -> None:
    learnplat_settings(LTI={"PROMOTE_INSTRUCTORS": True})
    person = newcomer()
    page = selection(browser, person)
    assert OPTION in page.content.decode()
    user = local_user(person)
    assert get_role(user) == Role.INSTRUCTOR

    item = content_item(browser, create(browser, page, CONTEXT_TITLE))

    course = Course.objects.get(slug=item["custom"]["learnplat_course"])
    assert Enrollment.objects.get(course=course).user == user


def test_without_promote_instructors_a_new_lms_instructor_stays_a_student_and_is_told_why(
    world: Any, registration: Any, browser: Client
) -> None:
    page = selection(browser, newcomer())

    assert get_role(local_user(newcomer())) == Role.STUDENT
    assert "Ask a learnplat administrator" in page.content.decode()


@pytest.mark.parametrize("current", [Role.ADMIN, Role.INSTRUCTOR])
def test_promote_instructors_never_changes_a_staff_account(
    world: Any, registration: Any, browser: Client, learnplat_settings: Any, current: Role
) -> None:
    learnplat_settings(LTI={"PROMOTE_INSTRUCTORS": True})
    person = newcomer()
    selection(browser, person)
    set_role(local_user(person), current)

    selection(browser, person)

    assert get_role(local_user(person)) == current


def test_promote_instructors_leaves_teaching_assistants_students(
    world: Any, registration: Any, browser: Client, learnplat_settings: Any
) -> None:
    learnplat_settings(LTI={"PROMOTE_INSTRUCTORS": True})
    person = Person(sub="dl-ta", roles=[TEACHING_ASSISTANT], email="dl-ta@uni.example")

    page = selection(browser, person)

    assert get_role(local_user(person)) == Role.STUDENT
    assert OPTION not in page.content.decode()
