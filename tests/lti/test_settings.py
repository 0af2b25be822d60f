"""The system checks of LEARNPLAT["LTI"] (learnplat.E370-E374)."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.lti.checks import check_lti_settings
from tests.overrides import LearnplatSettings


def ids(errors: list[Any]) -> list[str]:
    return [error.id for error in errors]


def test_the_defaults_pass() -> None:
    assert check_lti_settings() == []


@pytest.mark.parametrize(
    ("lti", "expected"),
    [
        ({"LAUNCH_REDIRCT": "/x"}, ["learnplat.E370"]),
        ({"LAUNCH_REDIRECT": ""}, ["learnplat.E371"]),
        ({"LAUNCH_REDIRECT": 3}, ["learnplat.E371"]),
        ({"LAUNCH_CODE_TTL_SECONDS": 0}, ["learnplat.E372"]),
        ({"LAUNCH_CODE_TTL_SECONDS": True}, ["learnplat.E372"]),
        ({"KEEP_PREVIOUS_KEYS": -1}, ["learnplat.E372"]),
        ({"TIMEOUT_SECONDS": 0}, ["learnplat.E372"]),
        ({"TASK_BACKEND": "nope"}, ["learnplat.E373"]),
        ({"PROMOTE_INSTRUCTORS": "yes"}, ["learnplat.E374"]),
    ],
)
def test_bad_values_are_errors(
    learnplat_settings: LearnplatSettings, lti: dict[str, Any], expected: list[str]
) -> None:
    learnplat_settings(LTI=lti)

    assert ids(check_lti_settings()) == expected
