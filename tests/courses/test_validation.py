"""learnplat.courses.validation: the rules shared by serializers, services and the admin."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnplat.courses.validation import (
    check_date_order,
    clean_config,
    find_cycle,
    normalise_late_policy,
)
from learnplat.evaluation.registry import get_evaluator
from learnplat.exceptions import InvalidInput


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({}, {}),
        (None, {}),
        (
            {"deduction_percent": 10},
            {"deduction_percent": 10.0, "per": "day", "floor_percent": 0.0},
        ),
        (
            {"deduction_percent": 0, "per": "hour", "floor_percent": 100},
            {"deduction_percent": 0.0, "per": "hour", "floor_percent": 100.0},
        ),
    ],
)
def test_late_policy_normalised(policy: Any, expected: dict[str, Any]) -> None:
    assert normalise_late_policy(policy) == expected


@pytest.mark.parametrize(
    "policy",
    [
        [],
        "10%",
        {"per": "day"},
        {"deduction_percent": True},
        {"deduction_percent": float("nan")},
        {"deduction_percent": -0.1},
        {"deduction_percent": 10, "floor_percent": 100.5},
        {"deduction_percent": 10, "per": "minute"},
        {"deduction_percent": 10, "grace": 1},
    ],
)
def test_bad_late_policies(policy: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_late_policy(policy)
    assert "late_policy" in info.value.errors


def _at(day: int) -> datetime:
    return datetime(2030, 1, day, tzinfo=UTC)


@pytest.mark.parametrize(
    ("opens", "due", "closes", "field"),
    [
        (_at(2), _at(1), None, "due_at"),
        (None, _at(2), _at(1), "closes_at"),
        (_at(2), None, _at(1), "closes_at"),
    ],
)
def test_date_order(opens: Any, due: Any, closes: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_date_order(opens, due, closes)
    assert field in info.value.errors
    check_date_order(_at(1), _at(1), _at(1))
    check_date_order(None, None, None)


def test_clean_config_uses_the_evaluator() -> None:
    config = {"choices": ["a", "b"], "correct": [0]}
    assert clean_config("choice", config) == get_evaluator("choice").validate_config(config)
    with pytest.raises(InvalidInput) as info:
        clean_config("choice", {"choices": ["a"]})
    assert "choices" in info.value.errors["config"]
    with pytest.raises(InvalidInput) as info:
        clean_config("nope", {})
    assert "kind" in info.value.errors


def _is_cycle(edges: dict[int, list[int]], cycle: list[int]) -> bool:
    return cycle[0] == cycle[-1] and all(
        b in edges.get(a, []) for a, b in itertools.pairwise(cycle)
    )


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=80))
def test_find_cycle_agrees_with_topological_order(pairs: list[tuple[int, int]]) -> None:
    edges: dict[int, list[int]] = {}
    for a, b in pairs:
        edges.setdefault(a, []).append(b)
    cycle = find_cycle(edges)
    # Kahn's algorithm: a graph has a cycle exactly when some node is never freed.
    nodes = set(edges) | {b for targets in edges.values() for b in targets}
    indegree = dict.fromkeys(nodes, 0)
    for targets in edges.values():
        for b in targets:
            indegree[b] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    freed = 0
    while ready:
        node = ready.pop()
        freed += 1
        for b in edges.get(node, []):
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    assert (cycle is not None) == (freed < len(nodes))
    if cycle is not None:
        assert _is_cycle(edges, cycle)


def test_find_cycle_handles_deep_chains() -> None:
    edges = {i: [i + 1] for i in range(50_000)}
    assert find_cycle(edges) is None
    edges[50_000] = [0]
    assert find_cycle(edges) is not None
