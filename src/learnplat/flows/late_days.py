"""Late days: a student's bank, spent by late submissions instead of a deduction.

Rules (docs/accommodations.md, decision 0026):

- A late submission on a task with ``late_days_allowed`` needs ``d = ceil(days late)``
  (late by the effective window, extensions included).
- The days already spent on the task (the user's :class:`LateDaySpend` row) count: it needs
  only ``d - already`` more from the bank.
- It is covered when ``d <= course.max_late_days_per_task`` (null: no cap) and that extra
  fits in what is left of every submitter's bank (course ``late_days`` plus the
  accommodation's ``extra_late_days``). Then every submitter's row becomes ``d`` and the
  submission records ``late_days_used = d``: the late policy deducts nothing for it.
- Otherwise nothing is spent and the late policy applies as before.

Exactness: the caller (``flows.submit``) holds the enrollment row lock of every submitter,
so two submissions of one student (any tasks of the course) are checked one after the other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q

from learnplat.courses.deadlines import Window
from learnplat.courses.models import Accommodation, Course, Task
from learnplat.flows.groups import Submitter
from learnplat.submissions.allowances import late_day_balance
from learnplat.submissions.models import LateDaySpend, Submission

_DAY = timedelta(days=1)


def days_needed(late_by: timedelta) -> int:
    """Whole days (rounded up) in ``late_by``; 0 when on time."""
    if late_by <= timedelta(0):
        return 0
    return math.ceil(late_by / _DAY)


def spend_for_submission(
    *, task: Task, submitter: Submitter, window: Window, submitted_at: datetime
) -> int:
    """The late days a submission at ``submitted_at`` uses (recorded for every member);
    0 when it is on time, the task allows none, or the bank cannot cover it."""
    if not task.late_days_allowed:
        return 0
    needed = days_needed(window.late_by(submitted_at))
    if needed == 0:
        return 0
    course = Course.objects.only("late_days", "max_late_days_per_task").get(pk=task.course_id)
    cap = course.max_late_days_per_task
    if cap is not None and needed > cap:
        return 0
    user_ids = submitter.user_ids
    spent = dict(
        LateDaySpend.objects.filter(task=task, user_id__in=user_ids).values_list("user_id", "days")
    )
    accommodations = {
        a.user_id: a for a in Accommodation.objects.filter(course=course, user_id__in=user_ids)
    }
    for user_id in user_ids:
        already = spent.get(user_id, 0)
        if needed <= already:
            continue
        balance = late_day_balance(
            course=course, user=user_id, accommodation=accommodations.get(user_id)
        )
        if needed - already > balance.left:
            return 0
    for user_id in user_ids:
        if spent.get(user_id, 0) >= needed:
            continue
        LateDaySpend.objects.update_or_create(
            user_id=user_id, task=task, defaults={"course": course, "days": needed}
        )
    return needed


def resettle(*, task: Task, user_ids: Iterable[Any]) -> None:
    """Bring each user's spend on ``task`` down to what their submissions still use.

    Called after a recompute lowered some submissions' ``late_days_used``: the row never
    goes below the most any remaining submission of the task (own or group) still needs, and
    never rises here (a recompute only gives days back).
    """
    for user_id in set(user_ids):
        row = LateDaySpend.objects.select_for_update().filter(task=task, user_id=user_id).first()
        if row is None:
            continue
        still = (
            Submission.objects.filter(task=task)
            .filter(Q(user_id=user_id) | Q(group__memberships__user_id=user_id))
            .aggregate(days=Max("late_days_used"))["days"]
            or 0
        )
        if still >= row.days:
            continue
        if still == 0:
            row.delete()
        else:
            row.days = still
            row.save(update_fields=["days"])
