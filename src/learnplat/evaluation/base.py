"""The evaluator protocol every task kind implements, and what evaluators return.

An evaluator is a stateless object with four methods (see :class:`EvaluatorProtocol`). The
registry (``learnplat.evaluation.registry``) builds one instance per class and shares it, so
instances must not keep per-call state. Subclass :class:`Evaluator` to get sensible defaults
and the :class:`~learnplat.evaluation.validation.ConfigFields` helpers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from django.utils.translation import gettext as _

from learnplat.evaluation.exceptions import (
    NON_FIELD_ERRORS,
    AnswerError,
    ConfigError,
    ExternalEvaluationRequired,
)
from learnplat.evaluation.validation import ConfigFields, json_problem

__all__ = [
    "NON_FIELD_ERRORS",
    "SCORE_TOLERANCE",
    "AnswerError",
    "ConfigError",
    "EvaluationResult",
    "Evaluator",
    "EvaluatorProtocol",
    "ExternalEvaluationRequired",
    "TestOutcome",
]


@dataclass(frozen=True)
class TestOutcome:
    """One check inside an evaluation (a test case, a sub-question)."""

    # Not a pytest test class, although its name starts with "Test".
    __test__: ClassVar[bool] = False

    name: str
    passed: bool
    score: float | None = None
    message: str = ""


#: Scores this close count as equal (float noise from scaling, or 0.1 + 0.2): a score this far
#: past a bound is on it, and a raw score this short of the pass mark passes. The one
#: tolerance of learnplat's score comparisons.
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class EvaluationResult:
    """What an evaluator returns: a score out of ``max_score`` and feedback for the student.

    ``score`` is the *raw* score before any late deduction; it always lies in
    ``[0, max_score]`` (construction fails otherwise, so a buggy evaluator cannot store an
    impossible grade). ``needs_review`` marks a result that a person has to confirm (the
    ``manual`` kind, a regex that ran out of time).
    """

    score: float
    max_score: float
    feedback: str = ""
    needs_review: bool = False
    tests: tuple[TestOutcome, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.max_score) and self.max_score >= 0):
            raise ValueError(f"max_score must be a finite number >= 0, not {self.max_score!r}.")
        if not (math.isfinite(self.score) and 0 <= self.score <= self.max_score):
            raise ValueError(f"score {self.score!r} is outside [0, {self.max_score!r}].")

    @classmethod
    def from_fraction(
        cls,
        fraction: float,
        *,
        max_score: float,
        feedback: str = "",
        needs_review: bool = False,
        tests: tuple[TestOutcome, ...] = (),
    ) -> EvaluationResult:
        """A result worth ``fraction`` (clamped to ``[0, 1]``) of ``max_score``."""
        fraction = min(1.0, max(0.0, fraction))
        return cls(
            score=fraction * max_score,
            max_score=max_score,
            feedback=feedback,
            needs_review=needs_review,
            tests=tests,
        )

    @classmethod
    def all_or_nothing(cls, correct: bool, *, max_score: float) -> EvaluationResult:
        """Full marks with "Correct." or none with "Incorrect."."""
        return cls.from_fraction(
            1.0 if correct else 0.0,
            max_score=max_score,
            feedback=_("Correct.") if correct else _("Incorrect."),
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tests"] = [asdict(t) for t in self.tests]
        return data


@runtime_checkable
class EvaluatorProtocol(Protocol):
    """What the platform calls on an evaluator. :class:`Evaluator` implements it.

    ``config`` passed to ``public_config``, ``validate_answer`` and ``evaluate`` is always a
    value ``validate_config`` returned; ``answer`` passed to ``evaluate`` is always a value
    ``validate_answer`` returned. Every method is deterministic and free of side effects.
    ``label`` and ``description`` strings are optional (``Evaluator`` has both).
    """

    is_external: bool

    def validate_config(self, config: Any) -> dict[str, Any]: ...

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]: ...

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any: ...

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult: ...


class Evaluator:
    """Base class of evaluators. Subclasses are stateless; one instance serves every call.

    Every method must be deterministic and free of side effects: the pipeline may call
    ``evaluate`` again for the same submission (retries, regrades) and relies on getting the
    same result. The defaults accept an empty config (``{}``), show students nothing of it,
    and accept any JSON answer.
    """

    #: Short human name, shown in docs and the admin.
    label: ClassVar[str] = ""
    #: One sentence on what the kind checks.
    description: ClassVar[str] = ""
    #: True when results come from outside the web process (the grader pull protocol).
    is_external: ClassVar[bool] = False
    #: Config keys the default ``validate_config`` accepts; any other key is a field error.
    config_keys: ClassVar[frozenset[str]] = frozenset()

    def validate_config(self, config: Any) -> dict[str, Any]:
        """Return the normalised config, or raise :class:`ConfigError`."""
        fields = ConfigFields(config, allowed=self.config_keys)
        fields.raise_if_invalid()
        return dict(fields.data)

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of ``config`` students may see (never the answer key)."""
        return {}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        """Return the normalised answer, or raise :class:`AnswerError`."""
        problem = json_problem(answer)
        if problem:
            raise AnswerError(problem)
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        """Grade ``answer``; the score must lie in ``[0, max_score]``."""
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate().")
