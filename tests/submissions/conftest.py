"""Fixtures of the submissions tests: the shared world (tests/world.py) and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from tests.factories import enroll
from tests.overrides import LearnplatSettings
from tests.submissions import evaluators
from tests.submissions.kinds import TEST_EVALUATORS
from tests.world import World


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


@pytest.fixture
def world(world: World) -> World:
    """The shared world, with ``outsider`` a student of ``other_course``: enrolled elsewhere
    gives no right here."""
    enroll(world.outsider, world.other_course)
    return world


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
