import pytest
from django.test import override_settings

from learnplat.evaluation import AnswerError, ConfigError, get_evaluator

SET_KIND = {"EVALUATORS": {"set": "tests.evaluation.example_evaluators.SetEvaluator"}}


@override_settings(LEARNPLAT=SET_KIND)
def test_set_config_is_validated() -> None:
    evaluator = get_evaluator("set")
    with pytest.raises(ConfigError) as info:
        evaluator.validate_config({"items": [], "ordered": True})
    assert set(info.value.errors) == {"items", "ordered"}
    config = evaluator.validate_config({"items": ["red", "green", "blue"]})
    assert evaluator.public_config(config) == {"count": 3}


@override_settings(LEARNPLAT=SET_KIND)
def test_set_answers_are_scored_in_any_order() -> None:
    evaluator = get_evaluator("set")
    config = evaluator.validate_config({"items": ["red", "green", "blue"]})
    with pytest.raises(AnswerError):
        evaluator.validate_answer("red, green", config)

    def score(answer: list[str]) -> float:
        checked = evaluator.validate_answer(answer, config)
        return evaluator.evaluate(checked, config, max_score=3).score

    assert score(["Blue", "red", "green"]) == 3
    assert score(["red", "green"]) == 2
    assert score(["red", "green", "pink"]) == 1
    assert score(["pink"]) == 0
