"""Read queries of the courses app: every join, count and visibility rule lives here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from learnplat.courses.models import Course, Enrollment, Extension, Task  # noqa: F401


class CourseQuerySet(models.QuerySet["Course"]):
    pass


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    pass


class TaskQuerySet(models.QuerySet["Task"]):
    pass


class ExtensionQuerySet(models.QuerySet["Extension"]):
    pass


__all__: list[Any] = ["CourseQuerySet", "EnrollmentQuerySet", "ExtensionQuerySet", "TaskQuerySet"]
