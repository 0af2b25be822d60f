"""``manage.py learnplat_send_events [--loop SECONDS]``: the outbox's periodic sender.

Fans out the events whose delivery task never ran (a crash between commit and enqueue, a
broker that was down), frees held grades whose release moment passed, and sends every due
delivery (retries included). Run it every minute from cron, or keep one running with
``--loop 30``; the periodic task ``learnplat.events.tasks.send_due_deliveries`` does the same.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learnplat.flows.outbox import send_pending


class Command(BaseCommand):
    help = "Send the outbox's due deliveries (webhooks and the other sinks) once, or in a loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, sending every SECONDS (stop with Ctrl+C or SIGTERM).",
        )

    def handle(self, *args: Any, loop: float | None, **options: Any) -> None:
        while True:
            report = send_pending()
            if options["verbosity"] >= 1 and (any(report.as_dict().values()) or loop is None):
                self.stdout.write(
                    f"Fanned out {report.fanned_out} events; delivered {report.delivered}, "
                    f"retrying {report.retried}, failed {report.failed}."
                )
            if loop is None:
                return
            time.sleep(loop)
