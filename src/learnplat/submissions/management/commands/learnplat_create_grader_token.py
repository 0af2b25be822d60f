"""``manage.py learnplat_create_grader_token NAME --queue python``: credentials for a grader.

Prints the secret once; only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learnplat.flows.graders import create_grader_token
from learnplat.submissions.models import GraderToken


class Command(BaseCommand):
    help = "Create a grader token for the external grader pull protocol and print its secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--queue",
            action="append",
            required=True,
            help="A queue the grader serves (repeat for several; '*' for all).",
        )

    def handle(self, *args: Any, name: str, queue: list[str], **options: Any) -> None:
        if GraderToken.objects.filter(name=name).exists():
            raise CommandError(f"A grader token named {name!r} exists already.")
        if not all(queue):
            raise CommandError("Queue names cannot be empty.")
        token, secret = create_grader_token(name=name, queues=queue)
        self.stderr.write(
            f"Created grader token {token.name!r} for queues {', '.join(token.queues)}. "
            "The secret follows; it is shown only this once."
        )
        self.stdout.write(secret)
