"""The built-in evaluators: exact, choice, numeric, regex, manual, external.

docs/evaluators.md describes each kind's config, public config, answer and scoring. Size
limits are class attributes, so a host can tighten them in a subclass; the regex limits are
settings because they guard the worker (see ``learnplat.evaluation.safe_regex``)::

    LEARNPLAT = {"REGEX_MAX_PATTERN_LENGTH": 1000, "REGEX_MAX_ANSWER_LENGTH": 10_000,
                 "REGEX_TIMEOUT_SECONDS": 1.0}
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from learnplat.conf import settings
from learnplat.evaluation import safe_regex
from learnplat.evaluation.base import (
    AnswerError,
    EvaluationResult,
    Evaluator,
    ExternalEvaluationRequired,
)
from learnplat.evaluation.validation import ConfigFields, is_int, is_number, text_problem


def normalise_text(
    value: str,
    *,
    case_sensitive: bool = False,
    normalize_whitespace: bool = True,
    strip_punctuation: bool = False,
) -> str:
    """``value`` in the form the exact kind compares: NFC, then the chosen options."""
    text = unicodedata.normalize("NFC", value)
    if strip_punctuation:
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    if not case_sensitive:
        # casefold() can leave decomposed sequences (e.g. "İ"), so compose again.
        text = unicodedata.normalize("NFC", text.casefold())
    if normalize_whitespace:
        text = " ".join(text.split())
    return text


def _text_answer(answer: Any, *, max_length: int) -> str:
    if not isinstance(answer, str):
        raise AnswerError(_("The answer must be a string."))
    if len(answer) > max_length:
        raise AnswerError(_("The answer may be at most %(n)d characters long.") % {"n": max_length})
    problem = text_problem(answer)
    if problem:
        raise AnswerError(problem)
    return answer


class ExactEvaluator(Evaluator):
    """Full marks when the answer equals one of ``answers`` after normalisation.

    Both sides are NFC-normalised; by default case is ignored (``casefold``) and whitespace
    is trimmed and collapsed; ``strip_punctuation`` also drops Unicode punctuation.
    """

    label = "Exact text"
    description = "The answer must equal one of the accepted answers."
    config_keys = frozenset(
        {"answers", "case_sensitive", "normalize_whitespace", "strip_punctuation"}
    )

    max_answers: ClassVar[int] = 1000
    #: Longest accepted answer in the config, and longest answer a student may send.
    max_answer_length: ClassVar[int] = 10_000
    max_total_length: ClassVar[int] = 100_000

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        answers = fields.string_list(
            "answers",
            max_items=self.max_answers,
            max_item_length=self.max_answer_length,
            max_total_length=self.max_total_length,
        )
        options = {
            "case_sensitive": fields.boolean("case_sensitive", default=False),
            "normalize_whitespace": fields.boolean("normalize_whitespace", default=True),
            "strip_punctuation": fields.boolean("strip_punctuation", default=False),
        }
        if not fields.has_error():
            for index, accepted in enumerate(answers):
                if not normalise_text(accepted, **options):
                    fields.add_error(
                        "answers",
                        _("Item %(i)d is empty once normalised, so it would accept blank answers.")
                        % {"i": index},
                    )
        fields.raise_if_invalid()
        return {"answers": answers, **options}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> str:
        return _text_answer(answer, max_length=self.max_answer_length)

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        options = {
            "case_sensitive": config.get("case_sensitive", False),
            "normalize_whitespace": config.get("normalize_whitespace", True),
            "strip_punctuation": config.get("strip_punctuation", False),
        }
        given = normalise_text(answer, **options)
        correct = any(given == normalise_text(a, **options) for a in config["answers"])
        return EvaluationResult.all_or_nothing(correct, max_score=max_score)


class ChoiceEvaluator(Evaluator):
    """Single or multiple choice by index into ``choices``.

    With ``multiple`` and ``partial_credit``, the score is
    ``max(0, (right picks - wrong picks) / len(correct)) * max_score``; otherwise only the
    exact set of correct indices scores, and it scores in full.
    """

    label = "Choice"
    description = "Pick one choice, or several when multiple is true."
    config_keys = frozenset({"choices", "correct", "multiple", "partial_credit"})

    max_choices: ClassVar[int] = 1000
    max_choice_length: ClassVar[int] = 10_000
    max_total_length: ClassVar[int] = 100_000

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        choices = fields.string_list(
            "choices",
            min_items=2,
            max_items=self.max_choices,
            max_item_length=self.max_choice_length,
            max_total_length=self.max_total_length,
        )
        seen: dict[str, int] = {}
        for index, choice in enumerate(choices):
            key = unicodedata.normalize("NFC", choice.strip())
            if key in seen:
                fields.add_error(
                    "choices",
                    _("Item %(i)d repeats item %(j)d.") % {"i": index, "j": seen[key]},
                )
            seen.setdefault(key, index)
        multiple = fields.boolean("multiple", default=False)
        partial_credit = fields.boolean("partial_credit", default=False)
        correct = fields.index_list(
            "correct", size=None if fields.has_error("choices") else len(choices)
        )
        if not fields.has_error("multiple", "correct") and not multiple and len(correct) != 1:
            fields.add_error("correct", _("Give exactly one index when multiple is false."))
        if not fields.has_error("multiple", "partial_credit") and partial_credit and not multiple:
            fields.add_error("partial_credit", _("Partial credit needs multiple to be true."))
        fields.raise_if_invalid()
        return {
            "choices": choices,
            "correct": correct,
            "multiple": multiple,
            "partial_credit": partial_credit,
        }

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {"choices": list(config["choices"]), "multiple": config.get("multiple", False)}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> int | list[int]:
        size = len(config["choices"])
        if config.get("multiple", False):
            if not isinstance(answer, list) or not all(is_int(i) and 0 <= i < size for i in answer):
                raise AnswerError(
                    _("The answer must be a list of indices from 0 to %(last)d.")
                    % {"last": size - 1}
                )
            if len(set(answer)) != len(answer):
                raise AnswerError(_("Each choice may be picked only once."))
            return sorted(answer)
        if not is_int(answer) or not 0 <= answer < size:
            raise AnswerError(
                _("The answer must be one index from 0 to %(last)d.") % {"last": size - 1}
            )
        return int(answer)

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        picked = set(answer) if isinstance(answer, list) else {answer}
        correct = set(config["correct"])
        if not config.get("partial_credit", False):
            return EvaluationResult.all_or_nothing(picked == correct, max_score=max_score)
        right = len(picked & correct)
        wrong = len(picked - correct)
        fraction = max(0.0, (right - wrong) / len(correct))
        if fraction >= 1.0:
            feedback = _("Correct.")
        elif fraction > 0.0:
            feedback = _("Partially correct.")
        else:
            feedback = _("Incorrect.")
        return EvaluationResult.from_fraction(fraction, max_score=max_score, feedback=feedback)


class NumericEvaluator(Evaluator):
    """Full marks when ``math.isclose(answer, value, rel_tol=rel_tol, abs_tol=abs_tol)``.

    Defaults are those of ``math.isclose``: ``rel_tol`` 1e-9 and ``abs_tol`` 0.
    """

    label = "Number"
    description = "The answer must be a number close enough to the expected value."
    config_keys = frozenset({"value", "abs_tol", "rel_tol"})

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        value = fields.number("value")
        abs_tol = fields.number("abs_tol", default=0.0, minimum=0)
        rel_tol = fields.number("rel_tol", default=1e-9, minimum=0, maximum=1)
        fields.raise_if_invalid()
        return {"value": value, "abs_tol": abs_tol, "rel_tol": rel_tol}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> int | float:
        if isinstance(answer, str):
            raise AnswerError(_("The answer must be a JSON number such as 3.14, not a string."))
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            raise AnswerError(_("The answer must be a number."))
        if not is_number(answer):
            raise AnswerError(_("The answer must be a finite number."))
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        correct = math.isclose(
            float(answer),
            float(config["value"]),
            rel_tol=float(config.get("rel_tol", 1e-9)),
            abs_tol=float(config.get("abs_tol", 0.0)),
        )
        return EvaluationResult.all_or_nothing(correct, max_score=max_score)


class RegexEvaluator(Evaluator):
    """Full marks when the whole answer matches ``pattern`` (``fullmatch``).

    Patterns are checked for catastrophic constructs on write and matched with a time
    limit; an answer that runs out of time scores 0 and is flagged for review, because the
    pattern, not the student, is at fault.
    """

    label = "Regular expression"
    description = "The whole answer must match a regular expression."
    config_keys = frozenset({"pattern", "flags"})

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        pattern = fields.string("pattern", max_length=settings.REGEX_MAX_PATTERN_LENGTH)
        flags = self._flags(fields)
        if not fields.has_error():
            problem = safe_regex.pattern_problem(pattern, flags)
            if problem:
                fields.add_error("pattern", problem)
        fields.raise_if_invalid()
        return {"pattern": pattern, "flags": flags}

    @staticmethod
    def _flags(fields: ConfigFields) -> list[str]:
        value = fields.data.get("flags", [])
        known = sorted(safe_regex.FLAGS)
        if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
            fields.add_error("flags", _("Must be a list of flag names."))
            return []
        unknown = [f for f in value if f not in safe_regex.FLAGS]
        if unknown:
            fields.add_error(
                "flags",
                _("Unknown flag %(flag)r; expected some of %(known)s.")
                % {"flag": unknown[0], "known": ", ".join(known)},
            )
            return []
        return sorted(set(value))

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> str:
        return _text_answer(answer, max_length=settings.REGEX_MAX_ANSWER_LENGTH)

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        limit = settings.REGEX_MAX_ANSWER_LENGTH
        if len(answer) > limit:
            # Only when the limit was lowered after the answer was accepted.
            return EvaluationResult(
                score=0.0,
                max_score=max_score,
                feedback=_("The answer is longer than %(n)d characters.") % {"n": limit},
            )
        timeout = float(settings.REGEX_TIMEOUT_SECONDS)
        try:
            matched = safe_regex.fullmatch(
                config["pattern"], config.get("flags", []), answer, timeout=timeout
            )
        except TimeoutError:
            return EvaluationResult(
                score=0.0,
                max_score=max_score,
                feedback=_(
                    "Checking this answer took longer than %(seconds)s s; course staff will "
                    "grade it."
                )
                % {"seconds": timeout},
                needs_review=True,
            )
        return EvaluationResult.all_or_nothing(matched, max_score=max_score)


class ManualEvaluator(Evaluator):
    """Any JSON answer; always waits for course staff to grade it."""

    label = "Manual grading"
    description = "Course staff grade the answer by hand."

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        return EvaluationResult(
            score=0.0,
            max_score=max_score,
            feedback=_("Awaiting review by course staff."),
            needs_review=True,
        )


#: What a grader queue may be called (the ``queue`` of an ``external`` task).
QUEUE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class ExternalEvaluator(Evaluator):
    """Graded outside the web process through the grader pull protocol.

    ``queue`` names the queue graders poll (``GET grader/next/?queue=NAME``); ``options`` is
    passed to the grader untouched; ``public`` is what students see. ``evaluate()`` raises
    :class:`ExternalEvaluationRequired`: the pipeline routes these submissions by
    ``is_external`` instead.
    """

    label = "External grader"
    description = "A grader outside the web process fetches and grades the answer."
    is_external = True
    config_keys = frozenset({"queue", "options", "public"})

    max_options_bytes: ClassVar[int] = 64 * 1024
    max_public_bytes: ClassVar[int] = 16 * 1024

    def validate_config(self, config: Any) -> dict[str, Any]:
        fields = ConfigFields(config, allowed=self.config_keys)
        queue = fields.string("queue", default="default", max_length=64)
        if not fields.has_error("queue") and not QUEUE_NAME.fullmatch(queue):
            fields.add_error(
                "queue", _("Use 1 to 64 letters, digits, dots, hyphens or underscores.")
            )
        options = fields.json_object("options", max_bytes=self.max_options_bytes)
        public = fields.json_object("public", max_bytes=self.max_public_bytes)
        fields.raise_if_invalid()
        return {"queue": queue, "options": options, "public": public}

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return dict(config.get("public", {}))

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        raise ExternalEvaluationRequired(config.get("queue", "default"))
