"""The events app's enums, shared by its models, querysets, serializers, sinks and the flows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What an event tells; docs/events.md has the JSON Schema of each one's ``data``."""

    SUBMISSION_CREATED = "submission.created", _("Submission created")
    SUBMISSION_GRADED = "submission.graded", _("Submission graded")
    GRADE_CHANGED = "grade.changed", _("Grade changed")
    ENROLLMENT_CREATED = "enrollment.created", _("Enrollment created")
    ENROLLMENT_DROPPED = "enrollment.dropped", _("Enrollment dropped")
    COURSE_COMPLETED = "course.completed", _("Course completed")
    REGRADE_REQUEST_CREATED = "regrade_request.created", _("Regrade request created")
    REGRADE_REQUEST_RESOLVED = "regrade_request.resolved", _("Regrade request resolved")


class DeliveryStatus(models.TextChoices):
    """Where one delivery of one event to one sink target stands."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
