"""LEARNPLAT["NOTIFICATIONS"]: its defaults name every kind, and the check learnplat.E060."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from learnplat.conf import DEFAULTS
from learnplat.notifications.choices import Channel, NotificationKind

pytestmark = pytest.mark.django_db


def test_the_default_preferences_name_every_kind_and_channel() -> None:
    preferences = DEFAULTS["NOTIFICATIONS"]["DEFAULT_PREFERENCES"]
    assert set(preferences) == set(NotificationKind.values)
    assert all(set(channels) == set(Channel.values) for channels in preferences.values())


def e060(learnplat_settings: Any, notifications: Any) -> list[str]:
    learnplat_settings(NOTIFICATIONS=notifications)
    return [m.msg for m in run_checks() if m.id == "learnplat.E060"]


@pytest.mark.parametrize(
    "notifications",
    [
        {"DEADLINE_SOON_HOURS": 0},
        {"DEADLINE_SOON_HOURS": "24"},
        {"REMINDER_HOURS": 24},
        {"DEFAULT_PREFERENCES": {"graded": {"email": False}}},
        {"DEFAULT_PREFERENCES": {"grade_changed": {"sms": False}}},
        {"DEFAULT_PREFERENCES": {"grade_changed": {"email": "no"}}},
        {"DEFAULT_PREFERENCES": {"grade_changed": False}},
        {"TASK_BACKEND": "nowhere"},
    ],
)
def test_bad_notification_settings_fail_the_check(
    learnplat_settings: Any, notifications: Any
) -> None:
    assert e060(learnplat_settings, notifications)


def test_the_closest_kind_is_the_hint(learnplat_settings: Any) -> None:
    learnplat_settings(NOTIFICATIONS={"DEFAULT_PREFERENCES": {"grade_change": {"email": False}}})
    [message] = [m for m in run_checks() if m.id == "learnplat.E060"]
    assert "grade_changed" in (message.hint or "")


def test_good_notification_settings_pass(learnplat_settings: Any) -> None:
    assert not e060(
        learnplat_settings,
        {
            "DEADLINE_SOON_HOURS": 1.5,
            "DEFAULT_PREFERENCES": {"submission_graded": {"email": False}},
        },
    )
