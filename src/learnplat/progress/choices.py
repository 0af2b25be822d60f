"""The progress app's enums, shared by its models, rules, querysets and serializers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptState(models.TextChoices):
    """What a pair's last attempt is doing (``TaskProgress.last_state``)."""

    PENDING = "pending", _("Waiting for a first result")
    NEEDS_REVIEW = "needs_review", _("Waiting for a manual grade")
    DONE = "done", _("Done")


class TaskProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PENDING = "pending", _("Waiting for a grade")
    NEEDS_REVIEW = "needs_review", _("Waiting for a manual grade")
    ATTEMPTED = "attempted", _("Attempted")
    COMPLETED = "completed", _("Completed")


class UpcomingStatus(models.TextChoices):
    """Where a student stands on a task of their to-do (``GET progress/upcoming/``).

    Work waiting for a grade says so even past the due date: the student has handed it in.
    """

    NOT_STARTED = "not_started", _("Not started")
    ATTEMPTED = "attempted", _("Attempted, not completed yet")
    PENDING = "pending", _("Waiting for a grade")
    NEEDS_REVIEW = "needs_review", _("Waiting for a manual grade")
    OVERDUE = "overdue", _("Past the due date, still open")


class RecomputeState(models.TextChoices):
    """Where a background grading recompute stands (``RecomputeJob.state``)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
