"""System check learnplat.E030: the EVALUATION settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from learnplat.checks import check_evaluation


def messages(lp_settings: Callable[..., None], **evaluation: Any) -> list[str]:
    lp_settings(EVALUATION=evaluation)
    return [e.msg for e in check_evaluation() if e.id == "learnplat.E030"]


def test_defaults_pass(lp_settings: Callable[..., None]) -> None:
    assert messages(lp_settings) == []


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
    lp_settings: Callable[..., None], evaluation: dict[str, Any], fragment: str
) -> None:
    found = messages(lp_settings, **evaluation)
    assert any(fragment in m for m in found), found


def test_queue_must_belong_to_the_backend(lp_settings: Callable[..., None], settings: Any) -> None:
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "evaluation"]},
    }
    assert messages(lp_settings, QUEUE_NAME="evaluation") == []
    assert any("'grading' is not a queue" in m for m in messages(lp_settings, QUEUE_NAME="grading"))


def test_backoff_may_be_zero_and_times_fractional(lp_settings: Callable[..., None]) -> None:
    assert messages(lp_settings, RETRY_BACKOFF_SECONDS=0, TIME_LIMIT_SECONDS=0.5) == []
