"""Background tasks of the progress app, defined with Django's tasks API.

``run_recompute_job`` is enqueued by ``learnplat.flows.recompute`` when a grading change on a
large course commits, on ``LEARNPLAT["GRADING"]["TASK_BACKEND"]`` and ``["QUEUE_NAME"]``.
See docs/grading.md, "Large changes".
"""

from __future__ import annotations

from learnplat.compat import task
from learnplat.flows import recompute as recompute_flow


@task()
def run_recompute_job(job_id: int) -> str:
    """Apply one recompute job: ``"done"``, ``"failed"`` or ``"skipped"``."""
    return recompute_flow.run_job(job_id=job_id)
