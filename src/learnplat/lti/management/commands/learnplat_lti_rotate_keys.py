from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learnplat.flows import lti as lti_flows


class Command(BaseCommand):
    help = (
        "Make a new LTI tool key; the JWKS keeps serving the previous ones "
        '(LEARNPLAT["LTI"]["KEEP_PREVIOUS_KEYS"]) and the rest are retired.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-previous", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        key, retired = lti_flows.rotate_tool_keys(keep_previous=options["keep_previous"])
        self.stdout.write(f"New key {key}; {retired} retired.")
