"""System checks of ``LEARNPLAT["LTI"]`` (ids learnplat.E370-E374), registered when the app
is installed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, register

from learnplat.checks import _check_task_backend
from learnplat.conf import DEFAULTS, SETTINGS_NAME, settings

HINT = "See docs/settings.md#lti."


@register(Tags.compatibility)
def check_lti_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(django_settings, SETTINGS_NAME, {})
    if not isinstance(raw, Mapping) or not isinstance(raw.get("LTI", {}), Mapping):
        return []  # learnplat.checks.check_settings reports these
    errors: list[CheckMessage] = [
        Error(f"Unknown key LTI[{key!r}].", hint=HINT, id="learnplat.E370")
        for key in raw.get("LTI", {})
        if key not in DEFAULTS["LTI"]
    ]
    lti = settings.LTI
    if not isinstance(lti["LAUNCH_REDIRECT"], str) or not lti["LAUNCH_REDIRECT"]:
        errors.append(
            Error("LTI['LAUNCH_REDIRECT'] must be a URL or path.", hint=HINT, id="learnplat.E371")
        )
    for key, low in (
        ("LAUNCH_CODE_TTL_SECONDS", 1),
        ("KEEP_PREVIOUS_KEYS", 0),
        ("TIMEOUT_SECONDS", 1),
    ):
        value = lti[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            errors.append(
                Error(f"LTI[{key!r}] must be an integer >= {low}.", hint=HINT, id="learnplat.E372")
            )
    if not isinstance(lti["PROMOTE_INSTRUCTORS"], bool):
        errors.append(
            Error(
                "LTI['PROMOTE_INSTRUCTORS'] must be True or False.", hint=HINT, id="learnplat.E374"
            )
        )
    if errors:
        return errors
    return _check_task_backend(lti["TASK_BACKEND"], lti["QUEUE_NAME"], setting="LTI", n=373)
