"""The courses app's enums, shared by its models, querysets, permissions and the flows.

Compare with these, never with string literals: ``enrollment.role == CourseRole.STUDENT``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class GradingPolicy(models.TextChoices):
    """Which of a student's attempts counts for a task's grade."""

    BEST = "best", _("Best attempt")
    LATEST = "latest", _("Latest attempt")


class GradingScheme(models.TextChoices):
    """How a course adds its tasks up (docs/grading.md, "Course score")."""

    POINTS = "points", _("Sum of points")
    WEIGHTED = "weighted", _("Weighted assignment groups")


class ReleaseMode(models.TextChoices):
    """When students see the scores of a task (docs/grading.md, "Release")."""

    IMMEDIATE = "immediate", _("As soon as graded")
    AFTER_DUE = "after_due", _("After each student's due date")
    MANUAL = "manual", _("When staff release it")


class CourseRole(models.TextChoices):
    STUDENT = "student", _("Student")
    ASSISTANT = "assistant", _("Assistant")
    INSTRUCTOR = "instructor", _("Instructor")


#: Course roles that make up "course staff".
STAFF_ROLES = (CourseRole.INSTRUCTOR, CourseRole.ASSISTANT)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DROPPED = "dropped", _("Dropped")
    COMPLETED = "completed", _("Completed")


class LatePer(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class GradingChangeKind(models.TextChoices):
    """What a grading-relevant change was (``flows.grading_config.grading_changed``)."""

    SCHEME = "scheme", _("Grading scheme")
    POLICY = "policy", _("Grading policy (best or latest attempt)")
    LETTERS = "letters", _("Letter grades")
    GROUP_CREATED = "group_created", _("Assignment group created")
    GROUP_UPDATED = "group_updated", _("Assignment group changed")
    GROUP_DELETED = "group_deleted", _("Assignment group deleted")
    TASK = "task", _("Task's worth or group")


class InvitationStatus(models.TextChoices):
    """Where a group invitation stands (docs/accommodations.md, "Groups")."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
