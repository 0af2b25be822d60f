"""``manage.py learnplat_send_deadline_reminders [--loop SECONDS]``: the ``deadline_soon`` sender.

Run it every few minutes from cron (or a systemd timer), or keep one running with ``--loop 300``.
Running it twice, or two at once, sends each reminder once.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learnplat.flows.notify import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Notify students of published tasks they have not completed whose (extended) due "
        "date falls within NOTIFICATIONS['DEADLINE_SOON_HOURS']; once per student and task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, sending every SECONDS (stop with Ctrl+C or SIGTERM).",
        )

    def handle(self, *args: Any, loop: float | None, **options: Any) -> None:
        while True:
            sent = send_deadline_reminders()
            if options["verbosity"] >= 1 and (sent or loop is None):
                self.stdout.write(f"Sent {sent} deadline reminders.")
            if loop is None:
                return
            time.sleep(loop)
