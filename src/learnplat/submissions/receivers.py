"""Receivers the submissions app connects in ``SubmissionsConfig.ready()``.

Courses may not import submissions (dependencies run progress → submissions → courses), so
courses announces extension changes with a signal and the work happens in a service here.
"""

from __future__ import annotations

from typing import Any

from learnplat.submissions import services


def recompute_lateness_on_extension_change(
    sender: Any, *, user: Any, course: Any, task: Any = None, **kwargs: Any
) -> None:
    """``courses.signals.extension_changed`` → ``recompute_lateness`` (same transaction)."""
    services.recompute_lateness(user=user, course=course, task=task)
