"""Shared helpers and hypothesis strategies of the evaluation tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from learnplat.evaluation import ConfigError, EvaluationResult, get_evaluator

#: Modest example counts: the suite shares two cores with other work.
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BUILTIN_KINDS = ("choice", "exact", "external", "manual", "numeric", "regex")

#: Any JSON value, including what strict JSON forbids (NaN, infinities, huge integers).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)


def config_errors(kind: str, config: Any) -> dict[str, list[str]]:
    """The field errors ``kind`` reports for ``config`` (fails if it accepts it)."""
    try:
        get_evaluator(kind).validate_config(config)
    except ConfigError as exc:
        return exc.errors
    raise AssertionError(f"{kind} accepted {config!r}")


def outcome(call: Callable[[], Any], expected: type[Exception]) -> tuple[Any, Exception | None]:
    """``(value, None)`` when ``call`` returns, ``(None, error)`` when it raises ``expected``.

    Any other exception propagates and fails the test.
    """
    try:
        return call(), None
    except expected as exc:
        return None, exc


def grade(kind: str, config: Any, answer: Any, *, max_score: float) -> EvaluationResult:
    """Validate ``config`` and ``answer`` as the API does, then evaluate."""
    evaluator = get_evaluator(kind)
    normalised = evaluator.validate_config(config)
    checked = evaluator.validate_answer(answer, normalised)
    return evaluator.evaluate(checked, normalised, max_score=max_score)
