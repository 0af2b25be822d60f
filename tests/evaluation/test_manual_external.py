from __future__ import annotations

from typing import Any

import pytest

from learnplat.evaluation import AnswerError, ExternalEvaluationRequired, get_evaluator
from tests.evaluation.helpers import config_errors

manual = get_evaluator("manual")
external = get_evaluator("external")


def test_manual_config_is_empty_and_strict() -> None:
    assert manual.validate_config({}) == {}
    assert list(config_errors("manual", {"rubric": "x"})) == ["rubric"]
    assert list(config_errors("manual", None)) == ["non_field_errors"]


@pytest.mark.parametrize(
    "answer", [None, True, 3, 2.5, "essay", [1, "two"], {"file": "x.py", "lines": [1, 2]}]
)
def test_manual_accepts_any_json_and_always_needs_review(answer: Any) -> None:
    config = manual.validate_config({})
    result = manual.evaluate(manual.validate_answer(answer, config), config, max_score=5.0)
    assert (result.score, result.max_score, result.needs_review) == (0.0, 5.0, True)
    assert manual.public_config(config) == {}


@pytest.mark.parametrize(
    "answer",
    [
        float("nan"),
        {"x": float("inf")},
        {1: "non-string key"},
        ("tuple",),
        {"nul": "a\x00"},
        {"a\ud800": 1},
        b"bytes",
    ],
)
def test_manual_rejects_values_that_are_not_storable_json(answer: Any) -> None:
    with pytest.raises(AnswerError):
        manual.validate_answer(answer, {})


def test_manual_rejects_json_nested_deeper_than_the_limit() -> None:
    nested: Any = "leaf"
    for _ in range(64):
        nested = [nested]
    assert manual.validate_answer(nested, {}) == nested
    with pytest.raises(AnswerError, match="nested"):
        manual.validate_answer({"a": nested}, {})


def test_external_config_defaults_and_public_part() -> None:
    config = external.validate_config({"queue": "python-3.13", "public": {"language": "python"}})
    assert config == {"queue": "python-3.13", "options": {}, "public": {"language": "python"}}
    assert external.validate_config({}) == {"queue": "default", "options": {}, "public": {}}
    assert external.public_config(config) == {"language": "python"}
    assert external.is_external


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ({"queue": ""}, {"queue"}),
        ({"queue": "a b"}, {"queue"}),
        ({"queue": "q" * 65}, {"queue"}),
        ({"queue": 3}, {"queue"}),
        ({"options": []}, {"options"}),
        ({"options": {"x": float("nan")}}, {"options"}),
        ({"options": {"blob": "x" * (64 * 1024)}}, {"options"}),
        ({"public": "python"}, {"public"}),
        ({"tests": [1]}, {"tests"}),
    ],
)
def test_external_invalid_configs(config: Any, fields: set[str]) -> None:
    assert set(config_errors("external", config)) == fields


def test_external_evaluate_refuses_to_run_in_process() -> None:
    config = external.validate_config({"queue": "sandbox"})
    with pytest.raises(ExternalEvaluationRequired) as info:
        external.evaluate("print(1)", config, max_score=1.0)
    assert info.value.queue == "sandbox"
    assert not get_evaluator("manual").is_external
