"""Properties every built-in kind keeps, whatever JSON a client sends."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnplat.evaluation import AnswerError, ConfigError, get_evaluator
from tests.evaluation.helpers import BUILTIN_KINDS, PROPERTY, json_values, outcome

CONFIG_KEYS = sorted(
    {key for kind in BUILTIN_KINDS for key in type(get_evaluator(kind)).config_keys}
)

#: Objects that use the keys evaluators know, so validation gets past the first check.
config_like = st.dictionaries(st.sampled_from(CONFIG_KEYS) | st.text(max_size=5), json_values)

#: A valid config of every shape each kind supports.
VALID_CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("exact", {"answers": ["4", "four"]}),
    ("exact", {"answers": ["Ünïcode"], "case_sensitive": True, "normalize_whitespace": False}),
    ("choice", {"choices": ["a", "b", "c"], "correct": [1]}),
    ("choice", {"choices": ["a", "b", "c"], "correct": [0, 2], "multiple": True}),
    (
        "choice",
        {"choices": ["a", "b", "c"], "correct": [0, 2], "multiple": True, "partial_credit": True},
    ),
    ("numeric", {"value": 3.14, "abs_tol": 0.01}),
    ("numeric", {"value": -2, "rel_tol": 0.1}),
    ("regex", {"pattern": r"x=\d+", "flags": ["IGNORECASE"]}),
    ("manual", {}),
    ("external", {"queue": "q", "options": {"image": "python:3.13"}}),
]
GRADED_IN_PROCESS = [(k, c) for k, c in VALID_CONFIGS if not get_evaluator(k).is_external]

#: JSON likely to pass some kind's answer validation, mixed with anything at all.
answer_like = (
    st.integers(-3, 5)
    | st.lists(st.integers(-1, 4), max_size=4)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["4", " FOUR ", "x=12", "X=1", "Ünïcode"])
    | json_values
)


@PROPERTY
@given(st.sampled_from(BUILTIN_KINDS), json_values | config_like)
def test_validate_config_raises_nothing_but_config_error(kind: str, config: Any) -> None:
    normalised, error = outcome(lambda: get_evaluator(kind).validate_config(config), ConfigError)
    if isinstance(error, ConfigError):
        assert error.errors
        assert all(isinstance(k, str) and v for k, v in error.errors.items())
    else:
        assert isinstance(normalised, dict)


@PROPERTY
@given(st.sampled_from(VALID_CONFIGS), answer_like)
def test_validate_answer_raises_nothing_but_answer_error(
    kind_and_config: tuple[str, dict[str, Any]], answer: Any
) -> None:
    kind, raw = kind_and_config
    evaluator = get_evaluator(kind)
    config = evaluator.validate_config(raw)
    _, error = outcome(lambda: evaluator.validate_answer(answer, config), AnswerError)
    assert error is None or (isinstance(error, AnswerError) and error.message)


@PROPERTY
@given(
    st.sampled_from(GRADED_IN_PROCESS),
    answer_like,
    st.floats(min_value=0, max_value=1e9) | st.integers(0, 1000),
)
def test_evaluate_is_deterministic_and_scores_within_bounds(
    kind_and_config: tuple[str, dict[str, Any]], answer: Any, max_score: float
) -> None:
    kind, raw = kind_and_config
    evaluator = get_evaluator(kind)
    config = evaluator.validate_config(raw)
    try:
        checked = evaluator.validate_answer(answer, config)
    except AnswerError:
        return
    first = evaluator.evaluate(checked, config, max_score=max_score)
    assert 0 <= first.score <= max_score
    assert first.max_score == max_score
    assert evaluator.evaluate(checked, config, max_score=max_score) == first


@pytest.mark.parametrize(("kind", "config"), VALID_CONFIGS)
def test_validated_configs_are_fixed_points(kind: str, config: dict[str, Any]) -> None:
    evaluator = get_evaluator(kind)
    normalised = evaluator.validate_config(config)
    assert evaluator.validate_config(normalised) == normalised


@pytest.mark.parametrize(("kind", "config"), VALID_CONFIGS)
def test_validation_does_not_mutate_its_input(kind: str, config: dict[str, Any]) -> None:
    before = copy.deepcopy(config)
    get_evaluator(kind).validate_config(config)
    assert config == before
