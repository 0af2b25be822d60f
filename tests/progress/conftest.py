"""Fixtures of the progress tests: a course, its student, and a world of every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from learnplat.courses.models import Enrollment
from learnplat.roles import Role
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded


@pytest.fixture
def course(db: None) -> Any:
    return CourseFactory()


@pytest.fixture
def learner(course: Any) -> Any:
    user = make_user(username="learner")
    enroll(user, course)
    return user


@dataclass
class World:
    """A published course with every role around it, and some progress recorded."""

    course: Any
    tasks: list[Any]  # published, in course order
    hidden_task: Any
    learner: Any
    classmate: Any
    dropped: Any
    assistant: Any
    instructor: Any
    other_instructor: Any
    outsider: Any
    admin: Any

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db: None) -> World:
    course = CourseFactory(slug="algebra", title="Algebra")
    second, first = TaskFactory(course=course, position=2), TaskFactory(course=course, position=1)
    hidden = TaskFactory(course=course, position=0, is_published=False)
    users = {
        name: make_user(role, username=name)
        for name, role in [
            ("learner", Role.STUDENT),
            ("classmate", Role.STUDENT),
            ("dropped", Role.STUDENT),
            ("assistant", Role.STUDENT),
            ("instructor", Role.INSTRUCTOR),
            ("other_instructor", Role.INSTRUCTOR),
            ("outsider", Role.STUDENT),
            ("admin", Role.ADMIN),
        ]
    }
    for name in ("learner", "classmate", "dropped"):
        enroll(users[name], course)
    enroll(users["assistant"], course, role="assistant")
    enroll(users["instructor"], course, role="instructor")
    enroll(users["other_instructor"], CourseFactory(), role="instructor")
    graded(users["learner"], first, 10)
    graded(users["learner"], second, 4)
    graded(users["dropped"], first, 10)
    Enrollment.objects.filter(user=users["dropped"]).update(status="dropped")
    return World(course=course, tasks=[first, second], hidden_task=hidden, **users)
