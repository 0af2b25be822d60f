"""``manage.py learnplat_recompute_progress [--course SLUG] [--user ID] | --jobs``

Rebuilds TaskProgress and CourseProgress from the submissions, in chunks of students, and
writes only the rows that differ. The incremental path keeps them right; run this after
restoring data, importing submissions, or to prove nothing drifted (it reports the rows it
had to change). It sends no ``course_completed`` signals. ``--jobs`` runs the queued
recompute jobs of large courses instead (their enqueue was lost, or no worker serves their
queue), each in one transaction as a worker would.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learnplat.console import ProgressBar
from learnplat.courses.models import Course
from learnplat.flows.progress import recompute_progress
from learnplat.flows.recompute import run_pending_jobs


class Command(BaseCommand):
    help = "Rebuild progress read models (TaskProgress, CourseProgress) from submissions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", metavar="SLUG", help="Only this course.")
        parser.add_argument("--user", metavar="ID", type=int, help="Only this user (by id).")
        parser.add_argument(
            "--jobs", action="store_true", help="Run the queued recompute jobs and stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"]:
            ran = run_pending_jobs()
            self.stdout.write(f"Ran {ran} queued recompute job(s).")
            return
        course = None
        if options["course"]:
            course = Course.objects.filter(slug=options["course"]).first()
            if course is None:
                raise CommandError(f"No course with slug {options['course']!r}.")
        user_id = options["user"]
        if (
            user_id is not None
            and not get_user_model()._default_manager.filter(pk=user_id).exists()
        ):
            raise CommandError(f"No user with id {user_id}.")
        bar = (
            ProgressBar("Recomputing progress", stream=self.stderr)
            if options["verbosity"]
            else None
        )
        result = recompute_progress(course=course, user_id=user_id, on_progress=bar)
        self.stdout.write(
            f"Recomputed the progress of {result.students} student(s) per course: "
            f"{result.created} row(s) created, {result.updated} updated, "
            f"{result.deleted} deleted."
        )
