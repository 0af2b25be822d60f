"""Background tasks of the submissions app, defined with Django's tasks API.

``evaluate_submission`` is enqueued on ``LEARNPLAT["EVALUATION"]["TASK_BACKEND"]`` and
``["QUEUE_NAME"]`` (see ``learnplat.submissions.evaluate_flow.enqueue_evaluation``); the
decorator's own backend and queue are only defaults. ``requeue_stale_submissions`` is the
periodic sweeper for schedulers that run tasks; ``manage.py learnplat_requeue_stale`` does the
same from cron. See docs/workers.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from learnplat import context, tracing
from learnplat.compat import task
from learnplat.flows import evaluate as evaluate_flow
from learnplat.submissions import pipeline


@task()
def evaluate_submission(
    submission_id: int,
    request_id: str | None = None,
    trace_context: dict[str, str] | None = None,
) -> str:
    """Claim, evaluate and grade one submission.

    Returns what happened: ``"graded"``, ``"needs_review"``, ``"queued"`` (a retry is
    scheduled), ``"failed"``, ``"skipped"`` (someone else has it, or it is not queued) or
    ``"discarded"`` (the lease was lost before the result could be written).

    ``request_id`` is the id of the request that enqueued it (none for the sweeper's
    requeues, which get a new one): the logs of the run carry it (docs/operations.md).
    ``trace_context`` is the enqueuing span's W3C trace context (``learnplat.tracing``): the
    run's spans continue that trace.
    """
    with (
        context.scope(request_id=context.sane_request_id(request_id), submission_id=submission_id),
        tracing.continued(trace_context),
        tracing.span("learnplat.evaluate", kind="consumer", submission_id=submission_id) as span,
    ):
        outcome = evaluate_flow.run_evaluation(submission_id)
        span.set_attribute("learnplat.outcome", outcome)
        return outcome


@task()
def requeue_stale_submissions(reschedule_seconds: float | None = None) -> dict[str, int]:
    """Run the sweeper once; with ``reschedule_seconds``, enqueue itself to run again then.

    Self-rescheduling needs a backend that can defer (django-tasks-db, RQ with its
    scheduler). Two chains running at once only sweep twice: every step is conditional.
    """
    report = evaluate_flow.requeue_stale()
    if reschedule_seconds:
        backend = pipeline.task_backend()
        if backend.supports_defer:
            requeue_stale_submissions.using(
                backend=pipeline.evaluation_setting("TASK_BACKEND"),
                queue_name=pipeline.evaluation_setting("QUEUE_NAME"),
                run_after=timezone.now() + timedelta(seconds=reschedule_seconds),
            ).enqueue(reschedule_seconds=reschedule_seconds)
    return {
        "requeued_leases": report.requeued_leases,
        "failed_leases": report.failed_leases,
        "requeued_lost": report.requeued_lost,
    }
