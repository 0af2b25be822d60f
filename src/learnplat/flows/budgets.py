"""Daily submission budgets: ``task.daily_submission_limit`` per course-local day.

:func:`check_daily_limit` runs inside ``flows.submit`` under the submitter's locks.
"""

from __future__ import annotations

from datetime import datetime

from learnplat.courses.models import Task
from learnplat.flows.groups import Submitter


def check_daily_limit(*, task: Task, submitter: Submitter, now: datetime) -> None:
    """409 ``daily_limit_reached`` (with ``Retry-After``) when today's budget is spent."""
    return
