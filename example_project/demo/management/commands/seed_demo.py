"""``python manage.py seed_demo``: create or reset the demo accounts and data (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.seed import DEMO_ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = "Create or reset the demo accounts and data. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (the demo passwords are public).",
        )

    def handle(self, *args: Any, allow_production: bool, **options: Any) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: the demo accounts have public passwords. "
                "Pass --allow-production if you really want them here."
            )
        data = seed_demo()
        for line in data.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<10} {account.username:<12} {account.password}")
