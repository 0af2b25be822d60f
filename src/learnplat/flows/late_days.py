"""Late days: a student's bank, spent by late submissions instead of a deduction."""

from __future__ import annotations

from datetime import datetime

from learnplat.courses.deadlines import Window
from learnplat.courses.models import Task
from learnplat.flows.groups import Submitter


def spend_for_submission(
    *, task: Task, submitter: Submitter, window: Window, submitted_at: datetime
) -> int:
    """The late days a submission at ``submitted_at`` uses (recorded for every member);
    0 when it is on time, the task allows none, or the bank cannot cover it."""
    return 0
