from __future__ import annotations

import math
from typing import Any

import pytest

from learnplat.evaluation import (
    ConfigError,
    ConfigFields,
    EvaluationResult,
    Evaluator,
    TestOutcome,
)


@pytest.mark.parametrize(
    ("score", "max_score"),
    [(-0.1, 1.0), (1.1, 1.0), (math.nan, 1.0), (0.0, -1.0), (0.0, math.inf), (math.inf, 1.0)],
)
def test_results_outside_zero_to_max_cannot_be_built(score: float, max_score: float) -> None:
    with pytest.raises(ValueError, match="score"):
        EvaluationResult(score=score, max_score=max_score)


def test_from_fraction_clamps_to_the_unit_interval() -> None:
    assert EvaluationResult.from_fraction(1.7, max_score=4).score == 4
    assert EvaluationResult.from_fraction(-2, max_score=4).score == 0
    assert EvaluationResult.from_fraction(0.25, max_score=4).score == 1
    assert EvaluationResult.from_fraction(1, max_score=0).score == 0


def test_as_dict_is_plain_json() -> None:
    result = EvaluationResult(
        score=1, max_score=2, feedback="ok", tests=(TestOutcome("t1", True, 1.0, "fine"),)
    )
    assert result.as_dict() == {
        "score": 1,
        "max_score": 2,
        "feedback": "ok",
        "needs_review": False,
        "tests": [{"name": "t1", "passed": True, "score": 1.0, "message": "fine"}],
    }


def test_the_base_class_accepts_an_empty_config_and_any_json_answer() -> None:
    evaluator = Evaluator()
    assert evaluator.validate_config({}) == {}
    with pytest.raises(ConfigError) as info:
        evaluator.validate_config({"x": 1})
    assert list(info.value.errors) == ["x"]
    assert evaluator.public_config({}) == {}
    assert evaluator.validate_answer({"a": [1, None]}, {}) == {"a": [1, None]}
    with pytest.raises(NotImplementedError):
        evaluator.evaluate(1, {}, max_score=1)


def _errors(config: Any, read: Any) -> dict[str, list[str]]:
    fields = ConfigFields(config, allowed={"n", "s", "o"})
    read(fields)
    return fields.errors


def test_config_fields_number_reader() -> None:
    assert _errors({"n": 5}, lambda f: f.number("n", minimum=0, maximum=10)) == {}
    assert "n" in _errors({}, lambda f: f.number("n"))
    assert _errors({}, lambda f: f.number("n", default=1.0)) == {}
    assert "n" in _errors({"n": 11}, lambda f: f.number("n", maximum=10))
    assert "n" in _errors({"n": "5"}, lambda f: f.number("n"))


def test_config_fields_string_reader() -> None:
    assert _errors({"s": "ok"}, lambda f: f.string("s", max_length=2)) == {}
    assert "s" in _errors({"s": "long"}, lambda f: f.string("s", max_length=2))
    assert "s" in _errors({"s": " "}, lambda f: f.string("s", max_length=2))
    assert _errors({"s": " "}, lambda f: f.string("s", max_length=2, allow_blank=True)) == {}


def test_config_fields_json_object_reader() -> None:
    assert _errors({"o": {"a": [1]}}, lambda f: f.json_object("o", max_bytes=100)) == {}
    assert "o" in _errors({"o": {"a": "é" * 60}}, lambda f: f.json_object("o", max_bytes=100))


def test_config_fields_collect_every_error_before_raising() -> None:
    fields = ConfigFields({"n": "x", "s": 1, "zz": 0}, allowed={"n", "s"})
    fields.number("n")
    fields.string("s", max_length=5)
    with pytest.raises(ConfigError) as info:
        fields.raise_if_invalid()
    assert set(info.value.errors) == {"n", "s", "zz"}
