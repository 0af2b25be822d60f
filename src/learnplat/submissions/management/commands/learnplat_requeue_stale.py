"""``manage.py learnplat_requeue_stale [--loop SECONDS]``: the evaluation sweeper.

Run it every minute from cron (or a systemd timer), or keep one running with ``--loop 60``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learnplat.flows.evaluate import requeue_stale


class Command(BaseCommand):
    help = (
        "Re-queue submissions whose evaluation lease expired (a worker died) and queued "
        "submissions nobody picked up; fail those that used up EVALUATION['MAX_TRIES']."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (stop with Ctrl+C or SIGTERM).",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, loop: float | None, batch_size: int, **options: Any) -> None:
        while True:
            report = requeue_stale(batch_size=batch_size)
            if options["verbosity"] >= 1 and (report.total or loop is None):
                self.stdout.write(
                    f"Requeued {report.requeued_leases} expired leases, failed "
                    f"{report.failed_leases}, re-enqueued {report.requeued_lost} lost queue "
                    "entries."
                )
            if loop is None:
                return
            time.sleep(loop)
