"""Fixtures of the flow tests: the ones of the app tests they came from."""

from tests.progress.conftest import course, learner
from tests.submissions.conftest import (
    _fresh_throttles,
    _release_hanging_evaluators,
    lp_settings,
    on_commit,
    test_evaluators,
    world,
)

__all__ = [
    "_fresh_throttles",
    "_release_hanging_evaluators",
    "course",
    "learner",
    "lp_settings",
    "on_commit",
    "test_evaluators",
    "world",
]
