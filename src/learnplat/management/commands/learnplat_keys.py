"""``manage.py learnplat_keys``: every key a host can set in ``LEARNPLAT``'s override maps.

Prints, as Markdown tables:

- every ``"<resource>_<action>"`` key of ``PERMISSIONS`` / ``SERIALIZERS`` with its endpoints,
  default permission classes and default serializer, and the host's override in force;
- the scopes of ``THROTTLE_RATES`` with the rate in force;
- the request classes (``AUTHENTICATION_CLASSES``, ``PARSER_CLASSES``, ``RENDERER_CLASSES``,
  ``PAGINATION_CLASS``, ``PAGE_SIZE``) in force and where each comes from: ``LEARNPLAT``, the
  host's ``REST_FRAMEWORK``, or learnplat's default.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from learnplat.conf import REST_FRAMEWORK_FALLBACKS, settings
from learnplat.keys import describe, override_keys, throttle_scopes


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(row) for row in rows)]


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    return str(getattr(value, "__qualname__", None) or value)


class Command(BaseCommand):
    help = "List LEARNPLAT's override keys, throttle scopes and request classes with defaults."

    def handle(self, *args: Any, **options: Any) -> None:
        permissions, serializers = settings.PERMISSIONS, settings.SERIALIZERS
        rows = []
        for key, entry in override_keys().items():
            overrides = [
                f"{name}: {_shown(value)}"
                for name, value in (
                    ("PERMISSIONS", permissions.get(key)),
                    ("SERIALIZERS", serializers.get(key)),
                )
                if value is not None
            ]
            rows.append([*describe(entry), "; ".join(overrides) or "—"])
        lines = ["## PERMISSIONS and SERIALIZERS", ""]
        lines += _table(
            ["key", "endpoints", "default permissions", "default serializer", "override"], rows
        )
        rates = settings.THROTTLE_RATES
        lines += ["", "## THROTTLE_RATES", ""]
        lines += _table(
            ["scope", "rate"],
            [[scope, str(rates.get(scope) or "off")] for scope in sorted(throttle_scopes())],
        )
        lines += ["", "## Request classes", ""]
        lines += _table(
            ["setting", "from", "value"],
            [
                [name, settings.source(name), _shown(getattr(settings, name))]
                for name in REST_FRAMEWORK_FALLBACKS
            ],
        )
        self.stdout.write("\n".join(lines))
