"""The submissions app's enums, shared by its models, querysets, the pipeline and the flows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    EVALUATING = "evaluating", _("Evaluating")
    GRADED = "graded", _("Graded")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    FAILED = "failed", _("Failed")


#: Statuses that carry a result (the evaluation pipeline is done with the row).
RESULT_STATUSES = (SubmissionStatus.GRADED, SubmissionStatus.NEEDS_REVIEW, SubmissionStatus.FAILED)


#: LTI Assignment and Grade Services ``gradingProgress`` of each status.
LTI_GRADING_PROGRESS = {
    SubmissionStatus.QUEUED: "Pending",
    SubmissionStatus.EVALUATING: "Pending",
    SubmissionStatus.NEEDS_REVIEW: "PendingManual",
    SubmissionStatus.GRADED: "FullyGraded",
    SubmissionStatus.FAILED: "Failed",
}


class RegradeScope(models.TextChoices):
    """Which submissions a task-wide regrade evaluates again."""

    LATEST = "latest", _("Each student's latest")
    BEST = "best", _("Each student's best")
    ALL = "all", _("All")


class EvaluationTrigger(models.TextChoices):
    """Why an evaluation ran (or why a grade changed)."""

    SUBMIT = "submit", _("Submission")
    REGRADE = "regrade", _("Regrade")
    MANUAL = "manual", _("Manual grade")
    DEADLINE = "deadline", _("Deadline change")


class GradeChangeKind(models.TextChoices):
    """What changed a submission's counted score (``GradeChange.kind``, the history's ``kind``)."""

    AUTO = "auto", _("Automatic evaluation")
    MANUAL = "manual", _("Manual grade")
    OVERRIDE = "override", _("Override of an earlier grade")
    REGRADE = "regrade", _("Regrade")
    LATE_POLICY = "late_policy", _("Deadline or late policy change")
    EXTENSION = "extension", _("Extension granted or revoked")
    RELEASE = "release", _("Released to the student")
    IMPORT = "import", _("Gradebook import")
    LATE_DAYS = "late_days", _("Late days spent or given back")


class RegradeRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
