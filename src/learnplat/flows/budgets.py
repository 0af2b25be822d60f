"""Daily submission budgets: ``task.daily_submission_limit`` per course-local day.

:func:`check_daily_limit` runs inside ``flows.submit`` under the submitter's enrollment row
lock(s), so parallel submits of one submitter are counted one after the other and the
budget holds exactly.

The day is the course's (``Course.timezone``): from local midnight to the next local
midnight, 23 or 25 hours on a daylight-saving change day
(:func:`learnplat.submissions.allowances.local_day_bounds`). A submission made exactly at
local midnight counts for the day that begins then.

On a group task the budget is the group's (every member's submissions count,
``Submission.objects.of_submitter``); the bonus added to it is the *submitting* student's
accommodation (docs/decisions/0027-daily-budgets-and-timed-attempts.md).
"""

from __future__ import annotations

import math
from datetime import datetime

from learnplat.courses.models import Course, Task
from learnplat.exceptions import Conflict
from learnplat.flows.groups import Submitter
from learnplat.submissions.allowances import daily_budget


def check_daily_limit(*, task: Task, submitter: Submitter, now: datetime) -> None:
    """409 ``daily_limit_reached`` (with ``Retry-After``) when today's budget is spent."""
    if task.daily_submission_limit is None:
        return
    course = Course.objects.only("timezone").get(pk=task.course_id)
    budget = daily_budget(task=task, course=course, submitter=submitter, now=now)
    if budget.left > 0:
        return
    wait = math.ceil((budget.resets_at - now).total_seconds())
    raise Conflict(
        f"No submissions left today for this task ({budget.limit} a day); the budget "
        "resets at midnight, course time.",
        code="daily_limit_reached",
        retry_after=max(wait, 1),
    )
