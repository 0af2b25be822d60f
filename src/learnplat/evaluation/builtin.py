"""The built-in evaluators: exact, choice, numeric, regex, manual, external."""

from __future__ import annotations

import math
import re
from typing import Any

from learnplat.evaluation.base import AnswerError, ConfigError, EvaluationResult, Evaluator


def _normalise_text(value: str, *, case_sensitive: bool) -> str:
    collapsed = " ".join(value.split())
    return collapsed if case_sensitive else collapsed.casefold()


class ExactEvaluator(Evaluator):
    """Full marks when the answer equals one of ``answers`` (whitespace-normalised)."""

    label = "Exact text"

    def validate_config(self, config: Any) -> dict[str, Any]:
        config = super().validate_config(config)
        answers = config.get("answers")
        if (
            not isinstance(answers, list)
            or not answers
            or not all(isinstance(a, str) for a in answers)
        ):
            raise ConfigError({"answers": ["A non-empty list of strings."]})
        if not isinstance(config.get("case_sensitive", False), bool):
            raise ConfigError({"case_sensitive": ["Must be true or false."]})
        return {"answers": answers, "case_sensitive": config.get("case_sensitive", False)}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        if not isinstance(answer, str):
            raise AnswerError("The answer must be a string.")
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        case_sensitive = bool(config.get("case_sensitive", False))
        given = _normalise_text(answer, case_sensitive=case_sensitive)
        ok = any(
            given == _normalise_text(a, case_sensitive=case_sensitive) for a in config["answers"]
        )
        return EvaluationResult(
            score=max_score if ok else 0.0,
            max_score=max_score,
            feedback="Correct." if ok else "Incorrect.",
        )


class ChoiceEvaluator(Evaluator):
    """Single or multiple choice by index."""

    label = "Choice"

    def validate_config(self, config: Any) -> dict[str, Any]:
        config = super().validate_config(config)
        choices = config.get("choices")
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(isinstance(c, str) for c in choices)
        ):
            raise ConfigError({"choices": ["A list of at least two strings."]})
        correct = config.get("correct")
        if (
            not isinstance(correct, list)
            or not correct
            or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(choices)
                for i in correct
            )
        ):
            raise ConfigError({"correct": ["A non-empty list of indices into choices."]})
        multiple = config.get("multiple", False)
        if not isinstance(multiple, bool):
            raise ConfigError({"multiple": ["Must be true or false."]})
        if not multiple and len(correct) != 1:
            raise ConfigError({"correct": ["Exactly one index when multiple is false."]})
        return {"choices": choices, "correct": sorted(set(correct)), "multiple": multiple}

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {"choices": config["choices"], "multiple": config.get("multiple", False)}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        n = len(config["choices"])
        if config.get("multiple"):
            if not isinstance(answer, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in answer
            ):
                raise AnswerError(f"The answer must be a list of indices from 0 to {n - 1}.")
            return sorted(set(answer))
        if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < n:
            raise AnswerError(f"The answer must be an index from 0 to {n - 1}.")
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        chosen = set(answer) if isinstance(answer, list) else {answer}
        ok = chosen == set(config["correct"])
        return EvaluationResult(
            score=max_score if ok else 0.0,
            max_score=max_score,
            feedback="Correct." if ok else "Incorrect.",
        )


class NumericEvaluator(Evaluator):
    """A number within ``abs_tol`` of ``value``."""

    label = "Number"

    def validate_config(self, config: Any) -> dict[str, Any]:
        config = super().validate_config(config)
        value = config.get("value")
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise ConfigError({"value": ["A finite number."]})
        abs_tol = config.get("abs_tol", 0)
        if not isinstance(abs_tol, int | float) or isinstance(abs_tol, bool) or abs_tol < 0:
            raise ConfigError({"abs_tol": ["A number of at least 0."]})
        return {"value": value, "abs_tol": abs_tol}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        if (
            not isinstance(answer, int | float)
            or isinstance(answer, bool)
            or not math.isfinite(answer)
        ):
            raise AnswerError("The answer must be a finite number.")
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        ok = math.isclose(answer, config["value"], rel_tol=0.0, abs_tol=config.get("abs_tol", 0))
        return EvaluationResult(
            score=max_score if ok else 0.0,
            max_score=max_score,
            feedback="Correct." if ok else "Incorrect.",
        )


class RegexEvaluator(Evaluator):
    """The whole answer matches ``pattern``."""

    label = "Regular expression"

    def validate_config(self, config: Any) -> dict[str, Any]:
        config = super().validate_config(config)
        pattern = config.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise ConfigError({"pattern": ["A non-empty regular expression."]})
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError({"pattern": [f"Invalid regular expression: {exc}"]}) from exc
        return {"pattern": pattern}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        if not isinstance(answer, str):
            raise AnswerError("The answer must be a string.")
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        ok = re.fullmatch(config["pattern"], answer) is not None
        return EvaluationResult(
            score=max_score if ok else 0.0,
            max_score=max_score,
            feedback="Correct." if ok else "Incorrect.",
        )


class ManualEvaluator(Evaluator):
    """Any JSON answer; always waits for a person to grade it."""

    label = "Manual grading"

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        return EvaluationResult(
            score=0.0, max_score=max_score, feedback="Awaiting review.", needs_review=True
        )


class ExternalEvaluator(Evaluator):
    """Graded outside the web process through the grader pull protocol."""

    label = "External grader"
    is_external = True

    def validate_config(self, config: Any) -> dict[str, Any]:
        config = super().validate_config(config)
        queue = config.get("queue", "default")
        if not isinstance(queue, str) or not queue:
            raise ConfigError({"queue": ["A non-empty queue name."]})
        return {**config, "queue": queue}

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        raise NotImplementedError("External tasks are graded through the grader pull protocol.")
