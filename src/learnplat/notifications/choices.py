"""The notifications app's enums, shared by its models, querysets, serializers and the flows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification tells its user; ``LEARNPLAT["NOTIFICATIONS"]["DEFAULT_PREFERENCES"]``
    has an entry for each."""

    SUBMISSION_GRADED = "submission_graded", _("Submission graded")
    GRADE_CHANGED = "grade_changed", _("Grade changed")
    DEADLINE_SOON = "deadline_soon", _("Deadline soon")
    REGRADE_REQUEST_RESOLVED = "regrade_request_resolved", _("Regrade request resolved")
    GRADES_RELEASED = "grades_released", _("Grades released")
    REGRADE_REQUEST_CREATED = "regrade_request_created", _("Regrade request filed")
    COMMENT_CREATED = "comment_created", _("New comment on a submission")
    GRADING_ASSIGNED = "grading_assigned", _("Submissions assigned to you for grading")
    GROUP_INVITATION = "group_invitation", _("Invitation to a group")
    ATTEMPT_RESTARTED = "attempt_restarted", _("Timed attempt restarted")


class Channel(models.TextChoices):
    """Where a notification reaches its user."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
