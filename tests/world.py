"""The one test world: a user in every role around a published course, a draft, another course.

``world`` (the fixture in tests/conftest.py) builds it. An app's tests that need more extend
it with a ``world`` fixture of their own that takes this one (tests/progress/conftest.py).

People, by the name used everywhere (``world.student``, ``world.user("student")``,
``world.client("student")``); each username is the name:

- ``anonymous``: no user (``None``).
- ``admin``: a platform admin. ``superuser``: a Django superuser with no learnplat role
  (still a platform admin).
- ``other_instructor``: a platform instructor teaching ``other_course`` only.
- ``instructor`` teaches ``course`` and ``draft``; ``assistant`` assists both.
- ``student`` takes ``course`` (and is enrolled in ``draft``, which students never see);
  ``other_student`` takes ``course`` only.
- ``outsider``: a student in no course.

Courses: ``course`` (slug ``intro``, published) with ``task`` (published, position 1, the
``exact`` kind answering "4", max score 10) and ``hidden_task`` (unpublished, position 2);
``draft`` (slug ``secret``); ``other_course`` (slug ``other``, published).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from learnplat.roles import Role
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

#: Every person of the world: name (also the username) → platform role and user fields.
PEOPLE: dict[str, tuple[str, dict[str, Any]]] = {
    "admin": (Role.ADMIN, {}),
    "superuser": (Role.STUDENT, {"is_superuser": True, "is_staff": True}),
    "other_instructor": (Role.INSTRUCTOR, {}),
    "instructor": (Role.INSTRUCTOR, {}),
    "assistant": (Role.STUDENT, {}),
    "student": (Role.STUDENT, {}),
    "other_student": (Role.STUDENT, {}),
    "outsider": (Role.STUDENT, {}),
}

#: The names ``World.user`` answers: every person and ``anonymous``.
ROLES = ("anonymous", *PEOPLE)


def person(name: str) -> Any:
    """The world's ``name`` alone (the same row as the world's, if it exists already)."""
    role, extra = PEOPLE[name]
    return make_user(role, username=name, **extra)


def client_for(user: Any) -> APIClient:
    """An APIClient sending a fresh access token of ``user`` as a Bearer header."""
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@dataclass
class World:
    course: Any
    task: Any
    hidden_task: Any
    draft: Any
    other_course: Any
    admin: Any
    superuser: Any
    other_instructor: Any
    instructor: Any
    assistant: Any
    student: Any
    other_student: Any
    outsider: Any

    @property
    def users(self) -> dict[str, Any]:
        """Every name of :data:`ROLES` → its user (``None`` for anonymous)."""
        return {name: self.user(name) for name in ROLES}

    def user(self, name: str) -> Any:
        return None if name == "anonymous" else getattr(self, name)

    def client(self, who: Any) -> APIClient:
        """A client of ``who``: a name of :data:`ROLES` or a user (``None``: anonymous)."""
        return client_for(self.user(who) if isinstance(who, str) else who)

    def fields(self) -> dict[str, Any]:
        """This world's fields, to build an app's extended world from it."""
        return {f.name: getattr(self, f.name) for f in fields(World)}


def build_world() -> World:
    people = {name: person(name) for name in PEOPLE}
    course = CourseFactory(slug="intro", title="Intro", status="published")
    draft = CourseFactory(slug="secret", title="Secret", status="draft")
    other_course = CourseFactory(slug="other", title="Other", status="published")
    for c in (course, draft):
        enroll(people["instructor"], c, "instructor")
        enroll(people["assistant"], c, "assistant")
        enroll(people["student"], c, "student")
    enroll(people["other_student"], course, "student")
    enroll(people["other_instructor"], other_course, "instructor")
    task = TaskFactory(course=course, title="Visible", position=1, is_published=True)
    hidden = TaskFactory(course=course, title="Hidden", position=2, is_published=False)
    return World(
        course=course,
        task=task,
        hidden_task=hidden,
        draft=draft,
        other_course=other_course,
        **people,
    )
