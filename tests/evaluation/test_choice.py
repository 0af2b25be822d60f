from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnplat.evaluation import AnswerError, get_evaluator
from learnplat.evaluation.builtin import ChoiceEvaluator
from tests.evaluation.helpers import PROPERTY, config_errors, grade

choice = get_evaluator("choice")

SINGLE = {"choices": ["2", "3", "4"], "correct": [2]}
MULTI = {"choices": ["a", "b", "c", "d", "e"], "correct": [0, 2, 3], "multiple": True}
PARTIAL = {**MULTI, "partial_credit": True}


def score(config: dict[str, Any], answer: Any) -> float:
    return grade("choice", config, answer, max_score=10.0).score


def test_config_is_normalised() -> None:
    assert choice.validate_config({**MULTI, "correct": [3, 0, 2]}) == {
        "choices": ["a", "b", "c", "d", "e"],
        "correct": [0, 2, 3],
        "multiple": True,
        "partial_credit": False,
    }


def test_public_config_never_contains_the_answer_key() -> None:
    config = choice.validate_config(PARTIAL)
    assert choice.public_config(config) == {
        "choices": ["a", "b", "c", "d", "e"],
        "multiple": True,
    }


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ("choices", {"non_field_errors"}),
        ({}, {"choices", "correct"}),
        ({"choices": ["only"], "correct": [0]}, {"choices"}),
        ({"choices": ["a", ""], "correct": [0]}, {"choices"}),
        ({"choices": ["a", 1], "correct": [0]}, {"choices"}),
        ({"choices": ["a", " a"], "correct": [0]}, {"choices"}),
        ({"choices": ["a", "b"], "correct": 0}, {"correct"}),
        ({"choices": ["a", "b"], "correct": []}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [2]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [-1]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [True]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": ["1"]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [1.0]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [0, 1]}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [1, 1], "multiple": True}, {"correct"}),
        ({"choices": ["a", "b"], "correct": [0], "multiple": 1}, {"multiple"}),
        ({"choices": ["a", "b"], "correct": [0], "partial_credit": True}, {"partial_credit"}),
        ({"choices": ["a", "b"], "correct": [0], "answer": [0]}, {"answer"}),
        ({"choices": "ab", "correct": [5], "multiple": "x"}, {"choices", "multiple"}),
    ],
)
def test_invalid_configs_report_the_offending_fields(config: Any, fields: set[str]) -> None:
    assert set(config_errors("choice", config)) == fields


def test_correct_is_checked_for_shape_when_choices_are_invalid() -> None:
    assert set(config_errors("choice", {"choices": 3, "correct": "x"})) == {"choices", "correct"}


def test_size_limits() -> None:
    many = [str(i) for i in range(ChoiceEvaluator.max_choices + 1)]
    assert list(config_errors("choice", {"choices": many, "correct": [0]})) == ["choices"]
    long = ["x" * (ChoiceEvaluator.max_choice_length + 1), "y"]
    assert list(config_errors("choice", {"choices": long, "correct": [0]})) == ["choices"]
    big = [str(i) + "x" * 9000 for i in range(12)]
    assert list(config_errors("choice", {"choices": big, "correct": [0]})) == ["choices"]


@pytest.mark.parametrize("answer", [[2], True, "2", 2.0, 3, -1, None])
def test_single_choice_answer_must_be_one_index(answer: Any) -> None:
    with pytest.raises(AnswerError, match="index"):
        choice.validate_answer(answer, choice.validate_config(SINGLE))


@pytest.mark.parametrize("answer", [0, [0, 5], [0, "2"], [False], {"0": True}, "0,2"])
def test_multiple_choice_answer_must_be_a_list_of_indices(answer: Any) -> None:
    with pytest.raises(AnswerError, match="list of indices"):
        choice.validate_answer(answer, choice.validate_config(MULTI))


def test_multiple_choice_answer_may_not_repeat_a_pick() -> None:
    with pytest.raises(AnswerError, match="only once"):
        choice.validate_answer([0, 0], choice.validate_config(MULTI))


def test_single_choice_scoring() -> None:
    assert score(SINGLE, 2) == 10.0
    assert score(SINGLE, 1) == 0.0


def test_multiple_choice_without_partial_credit_needs_the_exact_set() -> None:
    assert score(MULTI, [3, 0, 2]) == 10.0
    assert score(MULTI, [0, 2]) == 0.0
    assert score(MULTI, [0, 1, 2, 3]) == 0.0
    assert score(MULTI, []) == 0.0


@pytest.mark.parametrize(
    ("answer", "expected", "feedback"),
    [
        ([0, 2, 3], 10.0, "Correct."),
        ([0, 2], 10.0 * 2 / 3, "Partially correct."),
        ([0, 2, 3, 1], 10.0 * 2 / 3, "Partially correct."),
        ([0, 1], 0.0, "Incorrect."),
        ([0, 1, 4], 0.0, "Incorrect."),
        ([1, 4], 0.0, "Incorrect."),
        ([], 0.0, "Incorrect."),
    ],
)
def test_partial_credit_formula(answer: list[int], expected: float, feedback: str) -> None:
    config = choice.validate_config(PARTIAL)
    result = choice.evaluate(choice.validate_answer(answer, config), config, max_score=10.0)
    assert result.score == pytest.approx(expected)
    assert result.feedback == feedback


# -- properties ------------------------------------------------------------------------------


@st.composite
def multiple_choice(draw: st.DrawFn) -> tuple[dict[str, Any], list[int]]:
    size = draw(st.integers(min_value=2, max_value=12))
    correct = draw(st.sets(st.integers(0, size - 1), min_size=1))
    config = {
        "choices": [f"choice {i}" for i in range(size)],
        "correct": sorted(correct),
        "multiple": True,
        "partial_credit": draw(st.booleans()),
    }
    picks = draw(st.lists(st.integers(0, size - 1), unique=True))
    return choice.validate_config(config), picks


@PROPERTY
@given(multiple_choice(), st.randoms(use_true_random=False))
def test_order_of_picks_does_not_matter(data: Any, random: Any) -> None:
    config, picks = data
    shuffled = list(picks)
    random.shuffle(shuffled)
    first = choice.evaluate(choice.validate_answer(picks, config), config, max_score=5.0)
    second = choice.evaluate(choice.validate_answer(shuffled, config), config, max_score=5.0)
    assert first == second


@PROPERTY
@given(multiple_choice(), st.floats(min_value=0, max_value=1e6, allow_subnormal=False))
def test_partial_credit_stays_within_bounds_and_is_full_only_for_the_exact_set(
    data: Any, max_score: float
) -> None:
    config, picks = data
    result = choice.evaluate(choice.validate_answer(picks, config), config, max_score=max_score)
    assert 0.0 <= result.score <= max_score
    if max_score > 0:
        assert (result.score == max_score) == (set(picks) == set(config["correct"]))


@PROPERTY
@given(multiple_choice())
def test_adding_a_wrong_pick_never_raises_the_score(data: Any) -> None:
    config, picks = data
    wrong = [i for i in range(len(config["choices"])) if i not in config["correct"]]
    extra = [i for i in wrong if i not in picks][:1]
    before = choice.evaluate(choice.validate_answer(picks, config), config, max_score=1.0)
    after = choice.evaluate(choice.validate_answer(picks + extra, config), config, max_score=1.0)
    assert after.score <= before.score
