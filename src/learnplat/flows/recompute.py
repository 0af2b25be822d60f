"""Rebuilding a course's progress after a grading change: in the request, or in a job.

Every change to what a course's tasks are worth (a published task created, deleted,
published or unpublished; its ``max_score``, ``weight``, ``kind``, group or late policy; the
course's grading policy, scheme, letters or groups) calls :func:`refresh_course_totals`.
On a course with at most ``LEARNPLAT["GRADING"]["SYNC_RECOMPUTE_MAX_STUDENTS"]`` students
with progress it rebuilds their rows in the caller's transaction. On a larger one it
records a :class:`~learnplat.progress.models.RecomputeJob` and enqueues it when the change
commits; the job rebuilds every row in **one** transaction, so a gradebook read sees the
old figures or the new ones, never a mix. Students' own progress is computed on read from
the course's current rules (``learnplat.progress.reports``), so it follows the change at
once. Views that want to answer 202 for a scheduled job wrap the flow in
:func:`collect_jobs`. docs/grading.md, "Large changes", tells the same story.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.reverse import reverse

from learnplat.conf import settings
from learnplat.courses.models import Course
from learnplat.progress.choices import RecomputeState
from learnplat.progress.models import CourseProgress, RecomputeJob

logger = logging.getLogger(__name__)

_collected: contextvars.ContextVar[list[RecomputeJob] | None] = contextvars.ContextVar(
    "learnplat_recompute_jobs", default=None
)


@contextmanager
def collect_jobs() -> Iterator[list[RecomputeJob]]:
    """Collect the jobs that the flows called inside schedule (the view answers 202)."""
    jobs: list[RecomputeJob] = []
    token = _collected.set(jobs)
    try:
        yield jobs
    finally:
        _collected.reset(token)


@transaction.atomic
def refresh_course_totals(*, course: Course, by: Any = None, kind: str = "grading") -> None:
    """Bring every student's progress in ``course`` in line with what its tasks are now,
    now or in a job (see the module docstring)."""
    from learnplat.flows import progress

    students = CourseProgress.objects.filter(course=course).count()
    if students <= int(settings.GRADING["SYNC_RECOMPUTE_MAX_STUDENTS"]):
        progress.recompute_progress(course=course, notify=True)
        return
    job = _queued_job(course)
    if job is None:
        job = RecomputeJob.objects.create(
            course=course,
            kind=kind,
            requested_by=by if getattr(by, "pk", None) else None,
            students_total=students,
        )
        _enqueue_on_commit(job.pk)
    jobs = _collected.get()
    if jobs is not None and job not in jobs:
        jobs.append(job)


def _queued_job(course: Course) -> RecomputeJob | None:
    """A job of the course nobody started yet: it will see this change too, as it reads the
    course when it runs."""
    return (
        RecomputeJob.objects.select_for_update()
        .filter(course=course, state=RecomputeState.QUEUED)
        .order_by("pk")
        .first()
    )


def _enqueue_on_commit(job_id: int) -> None:
    def enqueue() -> None:
        from learnplat.progress.tasks import run_recompute_job

        try:
            run_recompute_job.using(
                backend=settings.GRADING["TASK_BACKEND"],
                queue_name=settings.GRADING["QUEUE_NAME"],
            ).enqueue(job_id)
        except Exception:
            # The row stays queued: ``manage.py learnplat_recompute_progress --jobs`` runs it.
            logger.exception("Could not enqueue recompute job %s.", job_id)

    transaction.on_commit(enqueue)


def run_job(*, job_id: int) -> str:
    """Run one queued job: ``"done"``, ``"failed"`` (the error is kept on the row) or
    ``"skipped"`` (someone else runs or ran it)."""
    from learnplat.flows import progress

    with transaction.atomic():
        job = (
            RecomputeJob.objects.select_for_update(skip_locked=True)
            .select_related("course")
            .filter(pk=job_id, state=RecomputeState.QUEUED)
            .first()
        )
        if job is None:
            return "skipped"
        job.state, job.started_at = RecomputeState.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at"])
    try:
        with transaction.atomic():
            # One transaction for the whole course: readers see before or after, not a mix.
            result = progress.recompute_progress(course=job.course, notify=True)
            job.state, job.finished_at = RecomputeState.DONE, timezone.now()
            job.students_done = job.students_total = result.students
            job.save(update_fields=["state", "finished_at", "students_done", "students_total"])
    except Exception as exc:
        logger.exception("Recompute job %s failed.", job_id)
        job.state, job.finished_at, job.error = RecomputeState.FAILED, timezone.now(), repr(exc)
        job.save(update_fields=["state", "finished_at", "error"])
        return "failed"
    return "done"


def run_pending_jobs() -> int:
    """Run every queued job, oldest first (a lost enqueue, a worker that died); returns how
    many ran."""
    ran = 0
    for job_id in (
        RecomputeJob.objects.filter(state=RecomputeState.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        ran += run_job(job_id=job_id) != "skipped"
    return ran


class RecomputeJobsMixin:
    """Write actions whose grading change scheduled a recompute job answer 202, with the
    job's address in ``Location`` (learnplat.flows.recompute)."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with collect_jobs() as jobs:
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if jobs and 200 <= response.status_code < 300:
            job = jobs[-1]
            if job.requested_by_id is None and getattr(request.user, "pk", None):
                RecomputeJob.objects.filter(pk=job.pk, requested_by=None).update(
                    requested_by=request.user
                )
            response.status_code = 202
            response["Location"] = reverse(
                "learnplat:course-grading-job",
                kwargs={"slug": job.course.slug, "pk": job.pk},
                request=request,
            )
        return response
