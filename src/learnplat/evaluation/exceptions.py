"""Errors evaluators raise; the API turns the first two into 400 responses."""

from __future__ import annotations

#: Key of errors about the config as a whole (not one field), as in DRF.
NON_FIELD_ERRORS = "non_field_errors"


class ConfigError(Exception):
    """A task ``config`` does not fit its evaluator.

    ``errors`` maps a config field (or :data:`NON_FIELD_ERRORS`) to messages; the task API
    answers 400 ``{"config": errors}``.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class AnswerError(Exception):
    """An answer has the wrong shape for its task kind (400, uses no attempt)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExternalEvaluationRequired(Exception):
    """Raised by ``evaluate()`` of an external kind: it is graded outside the web process.

    The pipeline must check ``evaluator.is_external`` first and hand such submissions to the
    grader pull protocol (``GET grader/next/?queue=<queue>``); reaching this exception means
    it did not.
    """

    def __init__(self, queue: str) -> None:
        super().__init__(f"Submissions of this kind are graded by the external queue {queue!r}.")
        self.queue = queue
