"""Read queries of the progress app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from learnplat.progress.models import CourseProgress, TaskProgress  # noqa: F401


class TaskProgressQuerySet(models.QuerySet["TaskProgress"]):
    pass


class CourseProgressQuerySet(models.QuerySet["CourseProgress"]):
    pass
