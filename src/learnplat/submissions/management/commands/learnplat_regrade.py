"""``manage.py learnplat_regrade``: evaluate submissions again, with a progress bar on stderr.

manage.py learnplat_regrade --task 12                 # each student's latest attempt
manage.py learnplat_regrade --task 12 --scope best
manage.py learnplat_regrade --course python-101 --scope all
manage.py learnplat_regrade --submission 345 --submission 346
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learnplat.console import ProgressBar
from learnplat.courses.models import Course, Task
from learnplat.flows import grading as grading_flow
from learnplat.submissions.choices import RegradeScope
from learnplat.submissions.models import Submission
from learnplat.submissions.querysets import REGRADE_SCOPES


class Command(BaseCommand):
    help = "Queue a fresh evaluation of submissions: one, or a task's or course's latest/best/all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--submission", type=int, action="append", default=[], metavar="ID")
        parser.add_argument("--task", type=int, action="append", default=[], metavar="ID")
        parser.add_argument("--course", action="append", default=[], metavar="SLUG")
        parser.add_argument("--scope", choices=REGRADE_SCOPES, default=RegradeScope.LATEST.value)
        parser.add_argument(
            "--include-manual",
            action="store_true",
            help="Also regrade submissions whose grade was set by hand.",
        )
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["submission"] or options["task"] or options["course"]):
            raise CommandError("Name at least one --submission, --task or --course.")
        quiet = options["verbosity"] == 0
        total = 0
        if options["submission"]:
            found = list(
                Submission.objects.filter(pk__in=options["submission"]).values_list("pk", flat=True)
            )
            missing = sorted(set(options["submission"]) - set(found))
            if missing:
                raise CommandError(f"No submissions with ids {missing}.")
            total += grading_flow.regrade(submission_ids=found)
        tasks = list(Task.objects.filter(pk__in=options["task"]).order_by("pk"))
        if len(tasks) != len(set(options["task"])):
            missing = sorted(set(options["task"]) - {t.pk for t in tasks})
            raise CommandError(f"No tasks with ids {missing}.")
        for slug in options["course"]:
            course = Course.objects.filter(slug=slug).first()
            if course is None:
                raise CommandError(f"No course with slug {slug!r}.")
            tasks += list(course.tasks.order_by("position", "pk"))
        for task in tasks:
            bar = (
                None if quiet else ProgressBar(f"Task {task.pk} ({task.title})", stream=self.stderr)
            )
            total += grading_flow.regrade_task(
                task=task,
                scope=options["scope"],
                include_manual=options["include_manual"],
                batch_size=options["batch_size"],
                on_progress=bar,
            )
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"Queued {total} submissions for regrading."))
