from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from learnplat.checks import check_evaluators
from learnplat.evaluation import (
    EvaluationResult,
    Evaluator,
    EvaluatorProtocol,
    UnknownKind,
    available_kinds,
    evaluator_choices,
    get_evaluator,
)
from learnplat.evaluation.builtin import ExactEvaluator, RegexEvaluator
from tests.evaluation.example_evaluators import SetEvaluator
from tests.evaluation.helpers import BUILTIN_KINDS
from tests.overrides import override_learnplat

SET_PATH = "tests.evaluation.example_evaluators.SetEvaluator"


class ProtocolOnlyEvaluator:
    """Implements the protocol without subclassing Evaluator."""

    is_external = False

    def validate_config(self, config: Any) -> dict[str, Any]:
        return {}

    def public_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {}

    def validate_answer(self, answer: Any, config: dict[str, Any]) -> Any:
        return answer

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        return EvaluationResult(score=max_score, max_score=max_score)


class NotAnEvaluator:
    is_external = False

    def evaluate(self) -> None: ...


class ExternalFlagNotBool(Evaluator):
    is_external = "no"  # type: ignore[assignment]


def test_builtin_kinds_are_available_by_default() -> None:
    assert available_kinds() == list(BUILTIN_KINDS)
    assert isinstance(get_evaluator("exact"), ExactEvaluator)
    assert ("regex", "Regular expression") in evaluator_choices()


def test_instances_are_shared_per_class() -> None:
    assert get_evaluator("exact") is get_evaluator("exact")


def test_a_host_adds_a_kind_with_one_settings_line() -> None:
    with override_learnplat(EVALUATORS={"set": SET_PATH}):
        assert "set" in available_kinds()
        assert "exact" in available_kinds()
        assert isinstance(get_evaluator("set"), SetEvaluator)
        assert ("set", "Set of words") in evaluator_choices()
    with pytest.raises(UnknownKind):
        get_evaluator("set")


def test_a_host_removes_a_builtin_kind_with_none() -> None:
    with override_learnplat(EVALUATORS={"regex": None}):
        assert "regex" not in available_kinds()
        with pytest.raises(UnknownKind, match="available: choice, exact, external"):
            get_evaluator("regex")
    assert isinstance(get_evaluator("regex"), RegexEvaluator)


def test_a_host_replaces_a_builtin_kind() -> None:
    with override_learnplat(EVALUATORS={"exact": SET_PATH}):
        assert isinstance(get_evaluator("exact"), SetEvaluator)


def test_a_class_implementing_the_protocol_without_subclassing_works() -> None:
    path = f"{__name__}.ProtocolOnlyEvaluator"
    with override_learnplat(EVALUATORS={"always": path}):
        evaluator = get_evaluator("always")
        assert ("always", "always") in evaluator_choices()
    assert isinstance(evaluator, EvaluatorProtocol)
    assert evaluator.evaluate("x", {}, max_score=2).score == 2


@pytest.mark.parametrize("kind", ["nope", "", None, 3, ["exact"]])
def test_unknown_kinds_raise_unknown_kind(kind: Any) -> None:
    with pytest.raises(UnknownKind) as info:
        get_evaluator(kind)
    assert info.value.kind == kind
    assert isinstance(info.value, LookupError)


def test_misconfigured_paths_fail_loudly_at_lookup() -> None:
    with override_learnplat(EVALUATORS={"gone": "nowhere.Evaluator"}), pytest.raises(ImportError):
        get_evaluator("gone")
    with (
        override_learnplat(EVALUATORS={"odd": f"{__name__}.NotAnEvaluator"}),
        pytest.raises(TypeError, match="no method validate_config"),
    ):
        get_evaluator("odd")


# -- system checks ------------------------------------------------------------------------------


def _check_ids(**overrides: Any) -> list[str]:
    with override_learnplat(**overrides):
        return [message.id or "" for message in check_evaluators()]


def test_default_evaluators_pass_the_checks() -> None:
    assert _check_ids() == []
    assert _check_ids(EVALUATORS={"set": SET_PATH, "regex": None}) == []
    assert _check_ids(EVALUATORS={"always": f"{__name__}.ProtocolOnlyEvaluator"}) == []


@pytest.mark.parametrize(
    "evaluators",
    [
        {"odd": f"{__name__}.NotAnEvaluator"},
        {"odd": f"{__name__}.ExternalFlagNotBool"},
        {"odd": "learnplat.conf.DEFAULTS"},
        {"odd": 42},
        {"has space": SET_PATH},
        {"k" * 51: SET_PATH},
    ],
)
def test_bad_evaluator_entries_are_reported_as_e020(evaluators: dict[str, Any]) -> None:
    assert _check_ids(EVALUATORS=evaluators) == ["learnplat.E020"]


def test_unimportable_paths_are_left_to_e003() -> None:
    assert _check_ids(EVALUATORS={"gone": "nowhere.Evaluator"}) == []
    with override_learnplat(EVALUATORS={"gone": "nowhere.Evaluator"}):
        ids = {m.id for m in run_checks(tags=["compatibility"])}
    assert "learnplat.E003" in ids


def test_a_removed_kind_needs_no_valid_name() -> None:
    assert _check_ids(EVALUATORS={"old kind": None}) == []


@pytest.mark.parametrize("timeout", [0, -1, "1", True, float("nan"), None])
def test_bad_regex_timeout_is_reported_as_e004(timeout: Any) -> None:
    assert _check_ids(REGEX_TIMEOUT_SECONDS=timeout) == ["learnplat.E004"]


def test_regex_limits_must_be_positive_integers() -> None:
    for key in ("REGEX_MAX_PATTERN_LENGTH", "REGEX_MAX_ANSWER_LENGTH"):
        with override_learnplat(**{key: 0}):
            ids = {m.id for m in run_checks(tags=["compatibility"])}
        assert "learnplat.E004" in ids
