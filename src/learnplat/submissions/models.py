"""Submissions and the history of their evaluations.

The ``Submission`` row is the outbox of the evaluation pipeline: its ``status`` and lease
fields say who is evaluating it and until when, so a worker that dies loses nothing
(see ``learnplat.submissions.tasks``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learnplat.courses.models import Course, Task
from learnplat.submissions.querysets import EvaluationQuerySet, SubmissionQuerySet


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    EVALUATING = "evaluating", _("Evaluating")
    GRADED = "graded", _("Graded")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    FAILED = "failed", _("Failed")


#: LTI Assignment and Grade Services ``gradingProgress`` of each status.
LTI_GRADING_PROGRESS = {
    SubmissionStatus.QUEUED: "Pending",
    SubmissionStatus.EVALUATING: "Pending",
    SubmissionStatus.NEEDS_REVIEW: "PendingManual",
    SubmissionStatus.GRADED: "FullyGraded",
    SubmissionStatus.FAILED: "Failed",
}


class Submission(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_submissions"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="submissions")
    # Denormalised from task.course: course-wide filters and gradebooks avoid a join.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="submissions")
    attempt = models.PositiveIntegerField(_("attempt"))
    answer = models.JSONField(_("answer"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.QUEUED,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    is_late = models.BooleanField(_("late"), default=False)
    raw_score = models.FloatField(_("raw score"), null=True, blank=True)
    score = models.FloatField(
        _("score"), null=True, blank=True, help_text=_("After any late deduction.")
    )
    max_score = models.FloatField(_("max score"))
    feedback = models.TextField(_("feedback"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    # NULL (not "") means "no key", so the partial unique constraint ignores key-less rows.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=255, null=True, blank=True
    )
    # The evaluation lease: who claimed the row and until when.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    tries = models.PositiveSmallIntegerField(_("evaluation tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("-submitted_at", "-id")
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "attempt"], name="lp_submission_unique_attempt"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="lp_submission_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "user", "-attempt"], name="lp_sub_task_user_attempt"),
            models.Index(fields=["course", "user"], name="lp_sub_course_user"),
            models.Index(fields=["user", "-submitted_at"], name="lp_sub_user_submitted"),
            models.Index(fields=["status", "lease_expires_at"], name="lp_sub_status_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.task} · attempt {self.attempt}"

    @property
    def grading_progress(self) -> str:
        """The LTI AGS ``gradingProgress`` of the current status."""
        return LTI_GRADING_PROGRESS[SubmissionStatus(self.status)]


class EvaluationTrigger(models.TextChoices):
    SUBMIT = "submit", _("Submission")
    REGRADE = "regrade", _("Regrade")
    MANUAL = "manual", _("Manual grade")
    EXTERNAL = "external", _("External grader")


class Evaluation(models.Model):
    """One evaluation run of a submission: every grade change leaves a row here."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evaluations")
    trigger = models.CharField(_("trigger"), max_length=16, choices=EvaluationTrigger.choices)
    evaluator = models.CharField(_("evaluator"), max_length=100, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    raw_score = models.FloatField(_("raw score"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("max score"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ("submission_id", "started_at", "id")
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.trigger} of {self.submission_id} at {self.started_at:%Y-%m-%d %H:%M:%S}"
