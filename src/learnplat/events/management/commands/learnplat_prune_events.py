"""``manage.py learnplat_prune_events [--older-than DAYS] [--dry-run]``: the outbox's retention.

Deletes the events older than ``EVENTS["RETENTION_DAYS"]`` (or ``--older-than``) that have
nothing left to send, with their deliveries (the webhook delivery log); events with a
pending, leased or held delivery stay whatever their age. Run it daily from cron, or let the
periodic task ``learnplat.events.tasks.prune_old_events`` do it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learnplat.flows.outbox import prune_cutoff, prune_events


class Command(BaseCommand):
    help = (
        "Delete delivered and dead outbox events older than the retention, with their deliveries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="DAYS",
            help='Prune events older than DAYS (default: LEARNPLAT["EVENTS"]["RETENTION_DAYS"]).',
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, older_than: float | None, dry_run: bool, **options: Any) -> None:
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be a number of days >= 0.")
        cutoff = prune_cutoff(older_than_days=older_than)
        if cutoff is None:
            self.stdout.write(
                'Retention is off (EVENTS["RETENTION_DAYS"] is None): nothing pruned.'
            )
            return
        report = prune_events(older_than_days=older_than, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {report.events} events and {report.deliveries} deliveries "
            f"from before {cutoff.isoformat(timespec='seconds')}."
        )
