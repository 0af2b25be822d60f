"""Timed tasks: starting the clock, and the deadline a timed attempt must meet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from learnplat.courses.models import Task


def check_timer(*, task: Task, user: Any, now: datetime) -> None:
    """409 ``not_started`` / ``time_expired`` for a timed task outside the user's attempt."""
    return
