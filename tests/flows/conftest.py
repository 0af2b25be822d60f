"""Fixtures of the flow tests, shared with the app tests that call the same flows.

``world`` is the submissions one (the shared world of tests/world.py, ``outsider`` enrolled in
``other_course``); ``course`` and ``learner`` are the progress tests' lone course and student;
``test_evaluators``, ``on_commit`` and the hang release are the submissions pipeline's.
"""

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
