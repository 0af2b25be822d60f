"""Fixtures of the submissions tests: a course with people in every role, settings helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from learnplat.roles import Role
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings
from tests.submissions import evaluators
from tests.submissions.kinds import TEST_EVALUATORS


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _release_hanging_evaluators() -> Iterator[None]:
    evaluators.release_hangs.clear()
    evaluators.calls.clear()
    yield
    evaluators.release_hangs.set()


@pytest.fixture
def test_evaluators(learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(EVALUATORS=TEST_EVALUATORS)


@pytest.fixture
def on_commit(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """``with on_commit(): ...`` runs the on-commit callbacks (enqueue, signals) at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@dataclass
class World:
    """A published course with one task and someone in every role."""

    course: Any
    task: Any
    other_course: Any
    student: Any  # enrolled student (owner of submissions in most tests)
    other_student: Any  # another enrolled student
    outsider: Any  # a student of another course only
    assistant: Any
    instructor: Any
    other_instructor: Any  # instructor of another course
    admin: Any

    def client(self, user: Any) -> APIClient:
        return client_for(user)


@pytest.fixture
def world(db: None) -> World:
    course = CourseFactory(slug="algebra", title="Algebra")
    other_course = CourseFactory(slug="biology", title="Biology")
    task = TaskFactory(course=course, title="2 + 2", max_score=10.0)
    student = make_user(Role.STUDENT, username="student")
    other_student = make_user(Role.STUDENT, username="other_student")
    outsider = make_user(Role.STUDENT, username="outsider")
    assistant = make_user(Role.STUDENT, username="assistant")
    instructor = make_user(Role.INSTRUCTOR, username="instructor")
    other_instructor = make_user(Role.INSTRUCTOR, username="other_instructor")
    admin = make_user(Role.ADMIN, username="admin")
    enroll(student, course)
    enroll(other_student, course)
    enroll(outsider, other_course)
    enroll(assistant, course, role="assistant")
    enroll(instructor, course, role="instructor")
    enroll(other_instructor, other_course, role="instructor")
    return World(
        course=course,
        task=task,
        other_course=other_course,
        student=student,
        other_student=other_student,
        outsider=outsider,
        assistant=assistant,
        instructor=instructor,
        other_instructor=other_instructor,
        admin=admin,
    )


def submit_url(task: Any) -> str:
    return f"/api/tasks/{task.pk}/submissions/"


def queued(world: World, answer: Any = "4", *, user: Any = None, task: Any = None) -> Any:
    """A submission stored by submit() whose evaluation has not run (on-commit not executed)."""
    from learnplat.flows.submit import submit

    return submit(user=user or world.student, task=task or world.task, answer=answer).submission


def set_kind(task: Any, kind: str, config: Any = None) -> Any:
    task.kind = kind
    task.config = {"answers": ["4"]} if config is None else config
    task.save()
    return task
