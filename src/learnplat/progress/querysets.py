"""Read queries of the progress app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from learnplat.progress.models import CourseProgress, TaskProgress  # noqa: F401


class TaskProgressQuerySet(models.QuerySet["TaskProgress"]):
    def completed_task_ids(self, user: Any, task_ids: Iterable[int]) -> set[int]:
        """Which of ``task_ids`` ``user`` has completed (one query; used for prerequisites)."""
        ids = list(task_ids)
        if not ids:
            return set()
        return set(
            self.filter(user=user, task_id__in=ids, completed=True).values_list(
                "task_id", flat=True
            )
        )


class CourseProgressQuerySet(models.QuerySet["CourseProgress"]):
    pass
