from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learnplat.lti.tasks import sync_rosters_now


class Command(BaseCommand):
    help = "Fetch LTI rosters (NRPS) and enroll or drop members of the linked courses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--context", type=int, action="append", dest="contexts", help="LtiContext id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        totals = sync_rosters_now(options["contexts"])
        self.stdout.write(
            "Synced {contexts} rosters ({failed} failed): {added} added, {changed} changed, "
            "{dropped} dropped.".format(**totals)
        )
