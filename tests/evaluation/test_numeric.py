from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnplat.evaluation import AnswerError, get_evaluator
from tests.evaluation.helpers import PROPERTY, config_errors, grade

numeric = get_evaluator("numeric")


def score(answer: Any, **config: Any) -> float:
    return grade("numeric", config, answer, max_score=1.0).score


def test_config_defaults_follow_math_isclose() -> None:
    assert numeric.validate_config({"value": 3}) == {"value": 3, "abs_tol": 0.0, "rel_tol": 1e-9}


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        (3.14, {"non_field_errors"}),
        ({}, {"value"}),
        ({"value": "3.14"}, {"value"}),
        ({"value": True}, {"value"}),
        ({"value": math.nan}, {"value"}),
        ({"value": math.inf}, {"value"}),
        ({"value": 10**400}, {"value"}),
        ({"value": 1, "abs_tol": -0.1}, {"abs_tol"}),
        ({"value": 1, "abs_tol": False}, {"abs_tol"}),
        ({"value": 1, "abs_tol": math.inf}, {"abs_tol"}),
        ({"value": 1, "rel_tol": -1}, {"rel_tol"}),
        ({"value": 1, "rel_tol": 1.5}, {"rel_tol"}),
        ({"value": 1, "tolerance": 0.1}, {"tolerance"}),
        ({"value": None, "abs_tol": "x", "rel_tol": 2}, {"value", "abs_tol", "rel_tol"}),
    ],
)
def test_invalid_configs_report_the_offending_fields(config: Any, fields: set[str]) -> None:
    assert set(config_errors("numeric", config)) == fields


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("3.14", "not a string"),
        (True, "must be a number"),
        (None, "must be a number"),
        ([3.14], "must be a number"),
        (math.nan, "finite"),
        (-math.inf, "finite"),
        (10**400, "finite"),
    ],
)
def test_answers_must_be_finite_json_numbers(answer: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        numeric.validate_answer(answer, numeric.validate_config({"value": 1}))


def test_tolerances() -> None:
    assert score(3.14, value=3.14159, abs_tol=0.01) == 1.0
    assert score(3.13, value=3.14159, abs_tol=0.01) == 0.0
    assert score(0.1 + 0.2, value=0.3) == 1.0
    assert score(105, value=100, rel_tol=0.05) == 1.0
    assert score(106, value=100, rel_tol=0.05) == 0.0
    assert score(4, value=4) == 1.0
    assert score(10**300, value=1e300) == 1.0


def test_huge_values_of_opposite_sign_do_not_overflow() -> None:
    assert score(-1.7e308, value=1.7e308, abs_tol=1) == 0.0


# -- properties ------------------------------------------------------------------------------

magnitudes = st.floats(min_value=-1e6, max_value=1e6)
tolerances = st.floats(min_value=1e-6, max_value=1e3)


@PROPERTY
@given(magnitudes, tolerances, st.floats(min_value=-0.99, max_value=0.99))
def test_values_within_the_absolute_tolerance_pass(
    value: float, abs_tol: float, share: float
) -> None:
    assert score(value + share * abs_tol, value=value, abs_tol=abs_tol, rel_tol=0) == 1.0


@PROPERTY
@given(magnitudes, tolerances, st.floats(min_value=1.01, max_value=1e3), st.booleans())
def test_values_outside_the_absolute_tolerance_fail(
    value: float, abs_tol: float, factor: float, below: bool
) -> None:
    delta = factor * abs_tol * (-1 if below else 1)
    assert score(value + delta, value=value, abs_tol=abs_tol, rel_tol=0) == 0.0


@PROPERTY
@given(
    st.floats(min_value=1e-3, max_value=1e6) | st.floats(min_value=-1e6, max_value=-1e-3),
    st.floats(min_value=1e-6, max_value=0.5),
    st.floats(min_value=-0.99, max_value=0.99),
)
def test_values_within_the_relative_tolerance_pass(
    value: float, rel_tol: float, share: float
) -> None:
    # |a - b| <= rel_tol * max(|a|, |b|) holds whenever |a - b| <= rel_tol * |b|.
    assert score(value * (1 + share * rel_tol), value=value, rel_tol=rel_tol) == 1.0
