"""learnplat.xapi's system checks and its AppConfig.ready()."""

from __future__ import annotations

from typing import Any

import pytest

import learnplat.xapi
from learnplat.events.sinks import get_sink, unregister_sink
from learnplat.xapi.apps import XapiConfig
from learnplat.xapi.checks import check_xapi_settings

CONFIGURED = {
    "ENDPOINT": "https://lrs.example.com/xAPI/",
    "ACTOR_HOMEPAGE": "https://learn.example.com",
    "ACTIVITY_BASE": "https://learn.example.com/xapi",
}


def ids(learnplat_settings: Any, **xapi: Any) -> list[str]:
    learnplat_settings(XAPI=xapi)
    return [m.id for m in check_xapi_settings() if m.id]


def test_a_configured_app_passes(learnplat_settings: Any) -> None:
    assert ids(learnplat_settings, **CONFIGURED) == []


def test_a_missing_endpoint_warns(learnplat_settings: Any) -> None:
    # Inert without an LRS: the other URLs are not required yet.
    assert ids(learnplat_settings) == ["learnplat_xapi.W001"]


@pytest.mark.parametrize(
    ("xapi", "expected"),
    [
        ({"ENDPONT": "x"}, "learnplat_xapi.E002"),
        ({"ENDPOINT": "ftp://lrs.example.com/"}, "learnplat_xapi.E003"),
        ({"ACTOR_HOMEPAGE": ""}, "learnplat_xapi.E003"),
        ({"ACTIVITY_BASE": "learn.example.com/xapi"}, "learnplat_xapi.E003"),
        ({"TIMEOUT": 0}, "learnplat_xapi.E003"),
        ({"TIMEOUT": True}, "learnplat_xapi.E003"),
        ({"VERSION": "2.0.0"}, "learnplat_xapi.E003"),
        ({"ACTOR_MBOX": "yes"}, "learnplat_xapi.E003"),
        ({"PASSWORD": None}, "learnplat_xapi.E003"),
    ],
)
def test_bad_values_are_errors(
    learnplat_settings: Any, xapi: dict[str, Any], expected: str
) -> None:
    assert expected in ids(learnplat_settings, **(CONFIGURED | xapi))


def test_the_app_needs_the_outbox(settings: Any, learnplat_settings: Any) -> None:
    learnplat_settings(XAPI=CONFIGURED)
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "learnplat.events"]
    assert "learnplat_xapi.E001" in [m.id for m in check_xapi_settings()]


def test_ready_registers_the_sink() -> None:
    unregister_sink("xapi")
    assert get_sink("xapi") is None
    XapiConfig("learnplat.xapi", learnplat.xapi).ready()
    sink = get_sink("xapi")
    assert sink is not None
    assert sink.name == "xapi"
