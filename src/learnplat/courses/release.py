"""When a student may see the scores of a task: one rule for every read path.

``immediate`` tasks are released from the start; ``manual`` ones once staff release them
(``Task.released_at``); ``after_due`` ones at each student's effective due date (extensions
included) or earlier when staff release them. Visibility is computed on read, so no
scheduled job has to run at the second a due date passes. An ``after_due`` task with no due
date for the student waits for a manual release. docs/grading.md, "Release", says the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from learnplat.courses.choices import ReleaseMode


def is_released(
    task: Any, *, effective_due_at: datetime | None, now: datetime | None = None
) -> bool:
    """Whether the scores of ``task`` are released to a student whose due date for it is
    ``effective_due_at`` (the task's, or their extension's)."""
    if task.release == ReleaseMode.IMMEDIATE or task.released_at is not None:
        return True
    if task.release == ReleaseMode.AFTER_DUE and effective_due_at is not None:
        return (now or timezone.now()) >= effective_due_at
    return False


def release_moment(task: Any, *, effective_due_at: datetime | None) -> datetime | None:
    """When the scores were or will be released to that student (None: not scheduled)."""
    if task.release == ReleaseMode.IMMEDIATE:
        return None
    if task.released_at is not None:
        if task.release == ReleaseMode.AFTER_DUE and effective_due_at is not None:
            return min(task.released_at, effective_due_at)
        return task.released_at
    if task.release == ReleaseMode.AFTER_DUE:
        return effective_due_at
    return None
