"""Helpers of the courses tests; their ``world`` is the shared one (tests/world.py).

:func:`matrix` covers the roles of every endpoint test: ``anonymous``; ``outsider`` (a
student in no course); ``student`` (enrolled in the course); ``assistant`` and ``instructor``
of the course; ``other_instructor`` (a platform instructor teaching another course);
``admin`` (platform).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.world import World

__all__ = ["World", "assert_same_query_count", "matrix", "url"]

ROLES = (
    "anonymous",
    "outsider",
    "student",
    "assistant",
    "other_instructor",
    "instructor",
    "admin",
)


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
