"""A "set" task kind: name every item of a set, in any order."""

from __future__ import annotations

from typing import Any

from learnplat.evaluation import (
    AnswerError,
    ConfigFields,
    EvaluationResult,
    Evaluator,
    TestOutcome,
)


class SetEvaluator(Evaluator):
    """Full marks for naming every item; each wrong item cancels a right one."""

    label = "Set of words"
    description = "Name every item of a set, in any order."
    config_keys = frozenset({"items", "case_sensitive"})

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        items = fields.string_list(
            "items", max_items=100, max_item_length=200, max_total_length=5000
        )
        case_sensitive = fields.boolean("case_sensitive", default=False)
        fields.raise_if_invalid()
        return {"items": items, "case_sensitive": case_sensitive}

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        # Students learn how many items to name, never which.
        return {"count": len(self._expected(config))}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> list[str]:
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            raise AnswerError("The answer must be a list of strings.")
        if len(answer) > 2 * len(config["items"]):
            raise AnswerError("The answer names too many items.")
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        expected = self._expected(config)
        given = {self._fold(item, config) for item in answer}
        right, wrong = len(given & expected), len(given - expected)
        return EvaluationResult.from_fraction(
            (right - wrong) / len(expected),  # clamped to [0, 1]
            max_score=max_score,
            feedback=f"{right} of {len(expected)} items named, {wrong} wrong.",
            tests=(TestOutcome(name="all items", passed=given == expected),),
        )

    def _expected(self, config: dict[str, Any]) -> set[str]:
        return {self._fold(item, config) for item in config["items"]}

    @staticmethod
    def _fold(item: str, config: dict[str, Any]) -> str:
        item = " ".join(item.split())
        return item if config["case_sensitive"] else item.casefold()
