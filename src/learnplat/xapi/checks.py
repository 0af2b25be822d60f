"""System checks of ``learnplat.xapi`` (registered by its ``AppConfig.ready()``).

==================  ================================================================
learnplat_xapi.E001  ``learnplat.xapi`` is installed without ``learnplat.events`` (the outbox)
learnplat_xapi.W001  ``XAPI["ENDPOINT"]`` is empty: no statement is sent
learnplat_xapi.E002  unknown key in ``XAPI``
learnplat_xapi.E003  a value in ``XAPI`` has the wrong type or form
==================  ================================================================

A missing endpoint is a warning, not an error: a host may keep the app installed everywhere
and set the endpoint only where an LRS exists (the app is then inert, events get no xAPI
delivery).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning

from learnplat.conf import DEFAULTS, SETTINGS_NAME, settings

HINT = "See docs/xapi.md#settings."
URL_KEYS = ("ENDPOINT", "ACTOR_HOMEPAGE", "ACTIVITY_BASE")
STRING_KEYS = ("USERNAME", "PASSWORD", "LANGUAGE")


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _error(msg: str, n: int) -> Error:
    return Error(msg, hint=HINT, obj=SETTINGS_NAME, id=f"learnplat_xapi.E{n:03d}")


@register(Tags.compatibility)
def check_xapi_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not apps.is_installed("learnplat.events"):
        errors.append(
            _error("learnplat.xapi sends through the outbox: add learnplat.events too.", 1)
        )
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("XAPI", {}), Mapping):
        return errors  # learnplat.E001 / E004 report these
    for key in raw.get("XAPI", {}):
        if key not in DEFAULTS["XAPI"]:
            errors.append(_error(f"Unknown key XAPI[{key!r}].", 2))
    config = settings.XAPI
    if not config["ENDPOINT"]:
        errors.append(
            CheckWarning(
                "XAPI['ENDPOINT'] is empty: learnplat.xapi sends no statement.",
                hint=HINT,
                obj=SETTINGS_NAME,
                id="learnplat_xapi.W001",
            )
        )
    # The URLs matter only once there is an LRS to send to.
    for key in URL_KEYS if config["ENDPOINT"] else ():
        if not _is_http_url(config[key]):
            errors.append(_error(f"XAPI[{key!r}] must be an absolute http(s) URL.", 3))
    for key in STRING_KEYS:
        if not isinstance(config[key], str):
            errors.append(_error(f"XAPI[{key!r}] must be a string.", 3))
    if not isinstance(config["ACTOR_MBOX"], bool):
        errors.append(_error("XAPI['ACTOR_MBOX'] must be True or False.", 3))
    timeout = config["TIMEOUT"]
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        errors.append(_error("XAPI['TIMEOUT'] must be a number of seconds > 0.", 3))
    if not isinstance(config["VERSION"], str) or not config["VERSION"].startswith("1.0."):
        errors.append(_error("XAPI['VERSION'] must be an xAPI 1.0.x version, e.g. '1.0.3'.", 3))
    return errors
