"""The evaluator protocol every task kind implements."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


class ConfigError(Exception):
    """A task ``config`` does not fit its evaluator; ``errors`` maps field → messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class AnswerError(Exception):
    """An answer has the wrong shape for its task kind (400, uses no attempt)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TestOutcome:
    """One check inside an evaluation (a test case, a sub-question)."""

    name: str
    passed: bool
    score: float | None = None
    message: str = ""


@dataclass(frozen=True)
class EvaluationResult:
    """What an evaluator returns: a score out of ``max_score`` and feedback.

    ``score`` is the *raw* score before any late deduction. ``needs_review`` marks a result
    that a person has to grade (the ``manual`` kind, or a partial automatic check).
    """

    score: float
    max_score: float
    feedback: str = ""
    needs_review: bool = False
    tests: tuple[TestOutcome, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tests"] = [asdict(t) for t in self.tests]
        return data


class Evaluator:
    """Base class of evaluators. Subclasses are stateless; one instance may serve many calls.

    Every method must be deterministic and free of side effects: the pipeline may call
    ``evaluate`` again for the same submission (retries, regrades) and relies on getting
    the same result.
    """

    #: Shown in docs and the admin.
    label: ClassVar[str] = ""
    #: True when results come from outside the web process (the pull protocol).
    is_external: ClassVar[bool] = False

    def validate_config(self, config: Any) -> dict[str, Any]:
        """Return the normalised config, or raise :class:`ConfigError`."""
        if not isinstance(config, dict):
            raise ConfigError({"config": ["Must be a JSON object."]})
        return config

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of ``config`` students may see (never the answer key)."""
        return {}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        """Return the normalised answer, or raise :class:`AnswerError`."""
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        raise NotImplementedError
