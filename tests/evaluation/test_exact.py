from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from learnplat.evaluation import AnswerError, get_evaluator
from learnplat.evaluation.builtin import ExactEvaluator, normalise_text
from tests.evaluation.helpers import PROPERTY, config_errors, grade

exact = get_evaluator("exact")


def score(answer: str, **config: Any) -> float:
    return grade("exact", config, answer, max_score=2.0).score


def test_config_is_normalised_with_every_option_explicit() -> None:
    assert exact.validate_config({"answers": ["4", "four"]}) == {
        "answers": ["4", "four"],
        "case_sensitive": False,
        "normalize_whitespace": True,
        "strip_punctuation": False,
    }


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ([], {"non_field_errors"}),
        ({}, {"answers"}),
        ({"answers": []}, {"answers"}),
        ({"answers": "four"}, {"answers"}),
        ({"answers": ["4", 4]}, {"answers"}),
        ({"answers": ["  "]}, {"answers"}),
        ({"answers": ["4"], "case_sensitive": 1}, {"case_sensitive"}),
        ({"answers": ["4"], "normalize_whitespace": "yes"}, {"normalize_whitespace"}),
        ({"answers": ["4"], "strip_punctuation": None}, {"strip_punctuation"}),
        ({"answers": ["4"], "case_sensitve": True}, {"case_sensitve"}),
        ({"answers": ["a\x00b"]}, {"answers"}),
        ({"answers": ["\ud800"]}, {"answers"}),
        ({"answers": ["?!"], "strip_punctuation": True}, {"answers"}),
        (
            {"answers": 4, "case_sensitive": "no", "extra": 1},
            {"answers", "case_sensitive", "extra"},
        ),
    ],
)
def test_invalid_configs_report_the_offending_fields(config: Any, fields: set[str]) -> None:
    assert set(config_errors("exact", config)) == fields


def test_size_limits_apply_to_the_accepted_answers() -> None:
    too_many = {"answers": [str(i) for i in range(ExactEvaluator.max_answers + 1)]}
    too_long = {"answers": ["x" * (ExactEvaluator.max_answer_length + 1)]}
    too_much = {"answers": ["x" * 9000] * 12}
    for config in (too_many, too_long, too_much):
        assert list(config_errors("exact", config)) == ["answers"]


def test_unknown_field_message_lists_the_known_ones() -> None:
    [message] = config_errors("exact", {"answers": ["4"], "casesensitive": True})["casesensitive"]
    assert "case_sensitive" in message


@pytest.mark.parametrize("answer", [4, None, ["4"], {"a": "4"}, True])
def test_non_string_answers_are_rejected(answer: Any) -> None:
    config = exact.validate_config({"answers": ["4"]})
    with pytest.raises(AnswerError, match="string"):
        exact.validate_answer(answer, config)


def test_oversized_and_unstorable_answers_are_rejected() -> None:
    config = exact.validate_config({"answers": ["4"]})
    for answer in ("x" * (ExactEvaluator.max_answer_length + 1), "4\x00"):
        with pytest.raises(AnswerError):
            exact.validate_answer(answer, config)


def test_default_comparison_ignores_case_and_spacing() -> None:
    assert score("  Four  ", answers=["4", "four"]) == 2.0
    assert score("NEW\t\n york", answers=["New York"]) == 2.0
    assert score("five", answers=["4", "four"]) == 0.0


def test_case_sensitive_option() -> None:
    assert score("Paris", answers=["Paris"], case_sensitive=True) == 2.0
    assert score("paris", answers=["Paris"], case_sensitive=True) == 0.0


def test_whitespace_is_kept_when_normalisation_is_off() -> None:
    assert score("New  York", answers=["New York"], normalize_whitespace=False) == 0.0
    assert score("New York", answers=["New York"], normalize_whitespace=False) == 2.0
    assert score(" New York", answers=["New York"], normalize_whitespace=False) == 0.0


def test_punctuation_is_ignored_only_when_asked() -> None:
    assert score("Paris.", answers=["Paris"]) == 0.0
    assert score("Paris.", answers=["Paris"], strip_punctuation=True) == 2.0
    assert score("«Hello», world!", answers=["hello world"], strip_punctuation=True) == 2.0


def test_unicode_forms_compare_equal() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert score(decomposed, answers=[composed], case_sensitive=True) == 2.0
    assert score("STRASSE", answers=["Straße"]) == 2.0


def test_feedback_does_not_reveal_the_answers() -> None:
    config = exact.validate_config({"answers": ["secret"]})
    result = exact.evaluate("guess", config, max_score=1.0)
    assert result.feedback == "Incorrect."
    assert "secret" not in result.as_dict().__repr__()


# -- properties ------------------------------------------------------------------------------

WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u2003\u3000"


def _case_variants(ch: str) -> list[str]:
    """Spellings of ``ch`` that case-insensitive comparison treats as ``ch``."""
    return [v for v in {ch, ch.upper(), ch.lower()} if v.casefold() == ch.casefold()]


@st.composite
def accepted_and_variant(draw: st.DrawFn) -> tuple[list[str], str]:
    words = st.text(
        st.characters(codec="utf-8", exclude_categories=["Z", "C"]), min_size=1, max_size=8
    )
    answers = draw(st.lists(st.lists(words, min_size=1, max_size=4), min_size=1, max_size=4))
    chosen = draw(st.sampled_from(answers))
    spaced = st.text(st.sampled_from(WHITESPACE), min_size=1, max_size=3)
    variant = draw(st.text(st.sampled_from(WHITESPACE), max_size=2))
    for i, word in enumerate(chosen):
        if i:
            variant += draw(spaced)
        variant += "".join(draw(st.sampled_from(_case_variants(ch))) for ch in word)
    variant += draw(st.text(st.sampled_from(WHITESPACE), max_size=2))
    return [" ".join(a) for a in answers], variant


@PROPERTY
@given(accepted_and_variant())
def test_case_and_spacing_variants_of_an_accepted_answer_score_full(
    data: tuple[list[str], str],
) -> None:
    answers, variant = data
    config = exact.validate_config({"answers": answers})
    answer = exact.validate_answer(variant, config)
    assert exact.evaluate(answer, config, max_score=3.0).score == 3.0


storable_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@PROPERTY
@given(st.lists(storable_text, min_size=1, max_size=3), storable_text)
def test_score_is_all_or_nothing_and_matches_normalised_equality(
    answers: list[str], given_answer: str
) -> None:
    assume(all(normalise_text(a) for a in answers))
    config = exact.validate_config({"answers": answers})
    answer = exact.validate_answer(given_answer, config)
    result = exact.evaluate(answer, config, max_score=1.0)
    expected = normalise_text(given_answer) in {normalise_text(a) for a in answers}
    assert result.score == (1.0 if expected else 0.0)
