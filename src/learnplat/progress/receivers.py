"""Receivers the progress app connects in ``ProgressConfig.ready()``.

Courses may not import progress (dependencies run progress → submissions → courses), so
courses announces changes to what its tasks are worth with a signal, sent inside the
transaction of the change, and the rebuild happens in a service here.
"""

from __future__ import annotations

from typing import Any

from learnplat.progress import services


def refresh_totals_on_grading_change(sender: Any, *, course: Any, **kwargs: Any) -> None:
    """``courses.signals.course_grading_changed`` → ``refresh_course_totals`` (same
    transaction)."""
    services.refresh_course_totals(course=course)
