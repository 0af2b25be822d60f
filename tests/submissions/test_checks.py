"""System check learnplat.E030: the EVALUATION settings."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.checks import check_evaluation
from tests.overrides import LearnplatSettings


def messages(learnplat_settings: LearnplatSettings, **evaluation: Any) -> list[str]:
    learnplat_settings(EVALUATION=evaluation)
    return [e.msg for e in check_evaluation() if e.id == "learnplat.E030"]


def test_defaults_pass(learnplat_settings: LearnplatSettings) -> None:
    assert messages(learnplat_settings) == []


@pytest.mark.parametrize(
    ("evaluation", "fragment"),
    [
        ({"LEASE_SECOND": 5}, "Unknown key EVALUATION['LEASE_SECOND']"),
        ({"LEASE_SECONDS": 0}, "'LEASE_SECONDS'] must be a number greater than 0"),
        ({"TIME_LIMIT_SECONDS": "10"}, "'TIME_LIMIT_SECONDS'] must be a number"),
        ({"RETRY_BACKOFF_SECONDS": -1}, "'RETRY_BACKOFF_SECONDS'] must be a number at least 0"),
        ({"MAX_TRIES": 0}, "'MAX_TRIES'] must be a positive integer"),
        ({"LEASE_SECONDS": 10, "TIME_LIMIT_SECONDS": 10}, "must be longer than TIME_LIMIT_SECONDS"),
        ({"TASK_BACKEND": "nope"}, "'nope' is not an alias in TASKS"),
    ],
)
def test_bad_values(
    learnplat_settings: LearnplatSettings, evaluation: dict[str, Any], fragment: str
) -> None:
    found = messages(learnplat_settings, **evaluation)
    assert any(fragment in m for m in found), found


def test_queue_must_belong_to_the_backend(
    learnplat_settings: LearnplatSettings, settings: Any
) -> None:
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "evaluation"]},
    }
    assert messages(learnplat_settings, QUEUE_NAME="evaluation") == []
    assert any(
        "'grading' is not a queue" in m for m in messages(learnplat_settings, QUEUE_NAME="grading")
    )


def test_backoff_may_be_zero_and_times_fractional(learnplat_settings: LearnplatSettings) -> None:
    assert messages(learnplat_settings, RETRY_BACKOFF_SECONDS=0, TIME_LIMIT_SECONDS=0.5) == []
