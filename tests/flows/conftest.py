"""Fixtures of the flow tests: the ones of the app tests they came from."""

from tests.progress.conftest import course, learner
from tests.submissions.conftest import (
    _release_hanging_evaluators,
    on_commit,
    test_evaluators,
    world,
)

__all__ = [
    "_release_hanging_evaluators",
    "course",
    "learner",
    "on_commit",
    "test_evaluators",
    "world",
]
