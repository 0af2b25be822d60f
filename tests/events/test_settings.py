"""LEARNPLAT["EVENTS"] and ["WEBHOOKS"]: the checks learnplat.E100 and E101."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.checks import check_event_settings


def ids(learnplat_settings: Any, **values: Any) -> list[str]:
    learnplat_settings(**values)
    return [error.id for error in check_event_settings()]


def test_the_defaults_pass() -> None:
    assert check_event_settings() == []


@pytest.mark.parametrize(
    "events",
    [
        {"MAX_TRIES": 0},
        {"MAX_TRIES": True},
        {"BATCH_SIZE": 1.5},
        {"LEASE_SECONDS": 0},
        {"RETRY_BACKOFF_SECONDS": "10"},
        {"MAX_BACKOFF_SECONDS": -1},
        {"TASK_BACKEND": "missing"},
        {"QUEUE_NAME": 3},
        {"MAX_TRIE": 3},
        {"LEASE_SECONDS": 20},  # not more than twice the webhooks' 10 s timeout
    ],
)
def test_bad_events_settings_are_e100(learnplat_settings: Any, events: dict[str, Any]) -> None:
    assert ids(learnplat_settings, EVENTS=events) == ["learnplat.E100"]


@pytest.mark.parametrize(
    "webhooks",
    [
        {"TIMEOUT_SECONDS": 0},
        {"SECRET_OVERLAP": "1d"},
        {"ALLOW_PRIVATE_URLS": "yes"},
        {"MAX_URL_LENGTH": 5000},
        {"MAX_URL_LENGTH": 5},
        {"TIMEOUT": 3},
    ],
)
def test_bad_webhook_settings_are_e101(learnplat_settings: Any, webhooks: dict[str, Any]) -> None:
    assert ids(learnplat_settings, WEBHOOKS=webhooks) == ["learnplat.E101"]
