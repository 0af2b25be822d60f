"""A course world with one user per role, shared by the courses tests.

Roles (the matrix of every endpoint test): ``anonymous``; ``outsider`` (a student in no
course); ``student`` (enrolled in the course); ``assistant`` and ``instructor`` of the course;
``other_instructor`` (a platform instructor teaching another course); ``admin`` (platform).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from learnplat.courses.models import Course, Task
from learnplat.roles import Role
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

ROLES = (
    "anonymous",
    "outsider",
    "student",
    "assistant",
    "other_instructor",
    "instructor",
    "admin",
)


@dataclass
class World:
    course: Course
    draft: Course
    other_course: Course
    task: Task
    hidden_task: Task
    users: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        return client_for(self.users[role])


@pytest.fixture
def world(db: None) -> World:
    users: dict[str, Any] = {
        "anonymous": None,
        "outsider": make_user(Role.STUDENT, username="outsider"),
        "student": make_user(Role.STUDENT, username="student"),
        "assistant": make_user(Role.STUDENT, username="assistant"),
        "other_instructor": make_user(Role.INSTRUCTOR, username="other_instructor"),
        "instructor": make_user(Role.INSTRUCTOR, username="instructor"),
        "admin": make_user(Role.ADMIN, username="admin"),
    }
    course = CourseFactory(slug="intro", title="Intro", status="published")
    # The student is enrolled in the draft too: drafts stay hidden from students anyway.
    draft = CourseFactory(slug="secret", title="Secret", status="draft")
    other_course = CourseFactory(slug="other", title="Other", status="published")
    for c in (course, draft):
        enroll(users["instructor"], c, "instructor")
        enroll(users["assistant"], c, "assistant")
        enroll(users["student"], c, "student")
    enroll(users["other_instructor"], other_course, "instructor")
    task = TaskFactory(course=course, title="Visible", position=1, is_published=True)
    hidden = TaskFactory(course=course, title="Hidden", position=2, is_published=False)
    return World(course, draft, other_course, task, hidden, users)


def assert_same_query_count(
    django_assert_num_queries: Any,
    first: Callable[[], Any],
    second: Callable[[], Any],
    *,
    between: Callable[[], Any] | None = None,
) -> int:
    """Run ``first`` and count its queries, run ``between`` (more data), then assert
    ``second`` runs exactly as many."""
    with CaptureQueriesContext(connection) as captured:
        first()
    if between is not None:
        between()
    with django_assert_num_queries(len(captured)):
        second()
    return len(captured)


def url(name: str, *args: Any) -> str:
    return reverse(f"learnplat:{name}", args=args)


def matrix(**expected: int) -> Any:
    """``pytest.mark.parametrize`` over every role with its expected status code."""
    assert set(expected) == set(ROLES), f"give a code for every role: {ROLES}"
    return pytest.mark.parametrize(("role", "code"), list(expected.items()))
