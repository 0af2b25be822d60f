from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnplat.evaluation import AnswerError, ConfigError, EvaluationResult, get_evaluator
from learnplat.evaluation.safe_regex import pattern_problem
from tests.evaluation.helpers import (
    PROPERTY,
    config_errors,
    grade,
    outcome,
)
from tests.overrides import override_learnplat

regex_kind = get_evaluator("regex")

# Exponential for backtracking engines, including the regex module, yet free of the
# constructs the static check rejects: only the time limit stops it.
SLOW_PATTERN = "(?:a|aa)+b"
SLOW_ANSWER = "a" * 64


def evaluate(answer: str, **config: Any) -> EvaluationResult:
    return grade("regex", config, answer, max_score=4.0)


def test_config_is_normalised_with_sorted_unique_flags() -> None:
    assert regex_kind.validate_config(
        {"pattern": r"x=\d+", "flags": ["MULTILINE", "IGNORECASE", "MULTILINE"]}
    ) == {"pattern": r"x=\d+", "flags": ["IGNORECASE", "MULTILINE"]}


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ([r"\d+"], {"non_field_errors"}),
        ({}, {"pattern"}),
        ({"pattern": ""}, {"pattern"}),
        ({"pattern": 5}, {"pattern"}),
        ({"pattern": "a(b"}, {"pattern"}),
        ({"pattern": "a**"}, {"pattern"}),
        ({"pattern": "(?<=a+)b"}, {"pattern"}),
        ({"pattern": "a", "flags": "IGNORECASE"}, {"flags"}),
        ({"pattern": "a", "flags": ["IGNORECASE", "LOCALE"]}, {"flags"}),
        ({"pattern": "a", "flags": [2]}, {"flags"}),
        ({"pattern": "a", "flag": ["IGNORECASE"]}, {"flag"}),
        ({"pattern": "a\x00"}, {"pattern"}),
        ({"pattern": None, "flags": None, "extra": 1}, {"pattern", "flags", "extra"}),
    ],
)
def test_invalid_configs_report_the_offending_fields(config: Any, fields: set[str]) -> None:
    assert set(config_errors("regex", config)) == fields


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a+)+$", "Nested quantifiers"),
        (r"(\w+\.)*com", "Nested quantifiers"),
        (r"(?:a*b*)*c", "Nested quantifiers"),
        (r"(a{1,3}){2}", "Nested quantifiers"),
        (r"(?:x|(?:y+))+", "Nested quantifiers"),
        (r"(?:(?=a+)b)+", "Nested quantifiers"),
        (r"(a)\1", "Backreferences"),
        (r"(?P<w>a)(?P=w)", "Backreferences"),
        (r"(a)?(?(1)b|c)", "Backreferences"),
        ("[[a]", "Ambiguous"),
        ("(" * 600 + "a" + ")" * 600, "nested too deeply"),
    ],
)
def test_catastrophic_and_ambiguous_patterns_are_rejected(pattern: str, reason: str) -> None:
    with override_learnplat(REGEX_MAX_PATTERN_LENGTH=5000):
        [message] = config_errors("regex", {"pattern": pattern})["pattern"]
    assert reason in message


@pytest.mark.parametrize(
    "pattern",
    [
        r"x=\d+",
        r"(?>\w+\.)+com",
        r"(\w++\.)+com",
        r"(ab?)+",
        r"(a{2})+",
        r"(?:\d{3}-)*\d{4}",
        r"(?:a+)?b",
        r"[a-z]+@[a-z]+\.(?:com|org)",
        r"(?i)hello",
    ],
)
def test_safe_patterns_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None
    assert regex_kind.validate_config({"pattern": pattern})["pattern"] == pattern


def test_pattern_length_limit_comes_from_settings() -> None:
    with override_learnplat(REGEX_MAX_PATTERN_LENGTH=5):
        assert list(config_errors("regex", {"pattern": "abcdef"})) == ["pattern"]
        assert regex_kind.validate_config({"pattern": "abcde"})["pattern"] == "abcde"


def test_answer_length_limit_comes_from_settings() -> None:
    config = regex_kind.validate_config({"pattern": "a+"})
    with override_learnplat(REGEX_MAX_ANSWER_LENGTH=3):
        assert regex_kind.validate_answer("aaa", config) == "aaa"
        with pytest.raises(AnswerError, match="at most 3 characters"):
            regex_kind.validate_answer("aaaa", config)


@pytest.mark.parametrize("answer", [42, None, ["x=1"], "x=1\x00"])
def test_answers_must_be_storable_strings(answer: Any) -> None:
    with pytest.raises(AnswerError):
        regex_kind.validate_answer(answer, regex_kind.validate_config({"pattern": "x"}))


def test_the_whole_answer_must_match() -> None:
    assert evaluate("x=42", pattern=r"x=\d+").score == 4.0
    assert evaluate("x=42;", pattern=r"x=\d+").score == 0.0
    assert evaluate("say x=42", pattern=r"x=\d+").score == 0.0
    assert evaluate("x=42\n", pattern=r"x=\d+$").score == 0.0


def test_flags_change_the_match() -> None:
    assert evaluate("HELLO", pattern="hello").score == 0.0
    assert evaluate("HELLO", pattern="hello", flags=["IGNORECASE"]).score == 4.0
    assert evaluate("a\nb", pattern="a.b").score == 0.0
    assert evaluate("a\nb", pattern="a.b", flags=["DOTALL"]).score == 4.0
    assert evaluate("١٢", pattern=r"\d+").score == 4.0
    assert evaluate("١٢", pattern=r"\d+", flags=["ASCII"]).score == 0.0


def test_a_match_that_runs_out_of_time_is_flagged_for_review() -> None:
    with override_learnplat(REGEX_TIMEOUT_SECONDS=0.05):
        result = evaluate(SLOW_ANSWER, pattern=SLOW_PATTERN)
    assert result.score == 0.0
    assert result.needs_review
    assert "took longer than 0.05 s" in result.feedback


def test_time_limit_also_stops_patterns_that_predate_the_static_check() -> None:
    # A config stored before the check existed is evaluated as stored.
    config = {"pattern": r"(?:(a+)\1)+b", "flags": []}
    with override_learnplat(REGEX_TIMEOUT_SECONDS=0.05):
        result = regex_kind.evaluate("a" * 80, config, max_score=1.0)
    assert (result.score, result.needs_review) == (0.0, True)


def test_answer_over_a_lowered_limit_scores_zero_without_matching() -> None:
    config = regex_kind.validate_config({"pattern": "a+"})
    with override_learnplat(REGEX_MAX_ANSWER_LENGTH=3):
        result = regex_kind.evaluate("aaaa", config, max_score=1.0)
    assert (result.score, result.needs_review) == (0.0, False)
    assert "longer than 3" in result.feedback


# -- properties ------------------------------------------------------------------------------

atoms = st.sampled_from(
    ["a", "b", ".", r"\w", r"\d", "[ab]", "(?:a|aa)", "(?:a|b|ab)", "(?:a|a?)", r"\s", "x"]
)
quantifiers = st.sampled_from(["", "", "*", "+", "?", "{1,3}", "*?", "++", "{2}"])


@st.composite
def patterns(draw: st.DrawFn) -> str:
    pieces = [draw(atoms) + draw(quantifiers) for _ in range(draw(st.integers(1, 4)))]
    pattern = "".join(pieces)
    if draw(st.booleans()):
        pattern = f"(?:{pattern}){draw(quantifiers)}"
    return pattern + draw(st.sampled_from(["", "b", "$", "!"]))


adversarial_answers = st.builds(
    lambda char, n, tail: char * n + tail,
    st.sampled_from(["a", "ab", " ", "1"]),
    st.integers(0, 80),
    st.sampled_from(["", "b", "!", "c"]),
) | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


@PROPERTY
@given(patterns(), adversarial_answers)
def test_evaluation_always_returns_a_result_within_the_time_limit(
    pattern: str, answer: str
) -> None:
    with override_learnplat(REGEX_TIMEOUT_SECONDS=0.02):
        try:
            config = regex_kind.validate_config({"pattern": pattern})
        except ConfigError:
            return
        result = regex_kind.evaluate(
            regex_kind.validate_answer(answer, config), config, max_score=1.0
        )
    assert result.score in (0.0, 1.0)
    assert result.needs_review == (result.score == 0.0 and "took longer" in result.feedback)


@PROPERTY
@given(st.text(max_size=40), st.lists(st.sampled_from(["IGNORECASE", "VERBOSE", "ASCII"])))
def test_validating_any_pattern_raises_nothing_but_config_error(
    pattern: str, flags: list[str]
) -> None:
    _, error = outcome(
        lambda: regex_kind.validate_config({"pattern": pattern, "flags": flags}), ConfigError
    )
    assert error is None or (isinstance(error, ConfigError) and set(error.errors) <= {"pattern"})
