"""Evaluators: pure, deterministic functions of (answer, config) → result.

The registry maps a task ``kind`` to an evaluator class through ``LEARNPLAT["EVALUATORS"]``;
docs/evaluators.md describes the built-in kinds and how to write your own::

    from learnplat.evaluation import get_evaluator

    evaluator = get_evaluator(task.kind)
    config = evaluator.validate_config(data["config"])      # ConfigError → 400
    answer = evaluator.validate_answer(data["answer"], config)  # AnswerError → 400
    result = evaluator.evaluate(answer, config, max_score=task.max_score)
"""

from learnplat.evaluation.base import (
    NON_FIELD_ERRORS,
    AnswerError,
    ConfigError,
    EvaluationResult,
    Evaluator,
    EvaluatorProtocol,
    ExternalEvaluationRequired,
    TestOutcome,
)
from learnplat.evaluation.registry import (
    UnknownKind,
    available_kinds,
    evaluator_choices,
    get_evaluator,
)
from learnplat.evaluation.validation import ConfigFields, json_problem

__all__ = [
    "NON_FIELD_ERRORS",
    "AnswerError",
    "ConfigError",
    "ConfigFields",
    "EvaluationResult",
    "Evaluator",
    "EvaluatorProtocol",
    "ExternalEvaluationRequired",
    "TestOutcome",
    "UnknownKind",
    "available_kinds",
    "evaluator_choices",
    "get_evaluator",
    "json_problem",
]
