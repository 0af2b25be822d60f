"""Fixtures of the progress tests: a published course and a student enrolled in it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import CourseFactory, enroll, make_user


@pytest.fixture
def course(db: None) -> Any:
    return CourseFactory()


@pytest.fixture
def learner(course: Any) -> Any:
    user = make_user(username="learner")
    enroll(user, course)
    return user
