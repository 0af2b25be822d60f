"""Fixtures of the progress tests: a lone course and its student, and the shared world with
progress recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learnplat.courses.models import Enrollment
from learnplat.roles import Role
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded
from tests.world import World as SharedWorld


@pytest.fixture
def course(db: None) -> Any:
    return CourseFactory()


@pytest.fixture
def learner(course: Any) -> Any:
    user = make_user(username="learner")
    enroll(user, course)
    return user


@dataclass
class World(SharedWorld):
    """The shared world with some progress recorded: ``student`` has 10/10 on the first task
    and 4/10 on the second; ``dropped`` had 10/10 on the first, then left the course."""

    tasks: list[Any] = field(default_factory=list)  # published, in course order
    dropped: Any = None


@pytest.fixture
def world(world: SharedWorld) -> World:
    first = world.task
    second = TaskFactory(course=world.course, position=3)
    dropped = make_user(Role.STUDENT, username="dropped")
    enroll(dropped, world.course)
    graded(world.student, first, 10)
    graded(world.student, second, 4)
    graded(dropped, first, 10)
    Enrollment.objects.filter(user=dropped).update(status="dropped")
    return World(**world.fields(), tasks=[first, second], dropped=dropped)
