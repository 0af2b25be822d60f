"""Submissions, the history of their evaluations, and the tokens of external graders.

The ``Submission`` row is the outbox of the evaluation pipeline: its ``status`` and lease
fields say who is evaluating it and until when, so a worker that dies loses nothing
(see ``learnplat.submissions.pipeline``). Every grade change leaves an ``Evaluation`` row.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from learnplat.courses.models import Course, RubricCriterion, RubricLevel, StudentGroup, Task
from learnplat.submissions.choices import (
    LTI_GRADING_PROGRESS,
    EvaluationTrigger,
    GradeChangeKind,
    RegradeRequestStatus,
    SubmissionStatus,
)
from learnplat.submissions.querysets import (
    EvaluationQuerySet,
    GraderTokenQuerySet,
    RegradeRequestQuerySet,
    SubmissionCommentQuerySet,
    SubmissionQuerySet,
    TaskStartQuerySet,
)

#: The longest ``Idempotency-Key`` a submission keeps (the column, the flow and the docs).
IDEMPOTENCY_KEY_MAX_LENGTH = 255


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
    # True while the current grade is a member of staff's: bulk regrades leave it alone.
    manually_graded = models.BooleanField(_("graded manually"), default=False)
    # NULL (not "") means "no key", so the partial unique constraint ignores key-less rows.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH, null=True, blank=True
    )

    # -- the evaluation outbox ---------------------------------------------------------
    # Why the pending evaluation was asked for, and by whom (copied onto its Evaluation).
    evaluation_trigger = models.CharField(
        _("pending evaluation trigger"),
        max_length=16,
        choices=EvaluationTrigger.choices,
        default=EvaluationTrigger.SUBMIT,
    )
    evaluation_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set for external kinds: the grader queue that serves it. NULL = evaluated in process.
    grader_queue = models.CharField(  # noqa: DJ001
        _("grader queue"), max_length=100, null=True, blank=True
    )
    # When the row last became ``queued``; the sweeper re-enqueues rows nobody picked up.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    # Retry backoff: no claim before this moment.
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    # The evaluation lease: who claimed the row and until when.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    tries = models.PositiveSmallIntegerField(_("evaluation tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    # -- human grading -----------------------------------------------------------------
    # Who is meant to grade it (round-robin assignment), and who is grading it right now
    # (a claim): a claim is taken by a conditional UPDATE, so only one grader holds it.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    group = models.ForeignKey(
        StudentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("group"),
        help_text=_("On a group task: the group it counts for (every member)."),
    )
    late_days_used = models.PositiveIntegerField(
        _("late days used"),
        default=0,
        help_text=_("Days of lateness the late-day bank covers: no deduction for them."),
    )

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
            models.Index(fields=["status", "queued_at"], name="lp_sub_status_queued"),
            models.Index(
                fields=["grader_queue", "status", "queued_at"], name="lp_sub_grader_queue"
            ),
            models.Index(fields=["assigned_to", "status"], name="lp_sub_assigned_status"),
            models.Index(fields=["task", "user", "submitted_at"], name="lp_sub_task_user_at"),
            models.Index(fields=["task", "group", "submitted_at"], name="lp_sub_task_group_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.task} · attempt {self.attempt}"

    def is_owned_by(self, user: Any) -> bool:
        """Whether ``user`` is this submission's owner: its user or a member of its group
        (the object permissions ``IsOwner`` and ``IsOwnerOrCourseStaff`` ask this)."""
        from learnplat.submissions.querysets import owns

        return owns(user, self)

    @property
    def grading_progress(self) -> str:
        """The LTI AGS ``gradingProgress`` of the current status."""
        return LTI_GRADING_PROGRESS[SubmissionStatus(self.status)]


class Evaluation(models.Model):
    """One evaluation run of a submission, or one manual grade: every grade change leaves a row."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evaluations")
    trigger = models.CharField(_("trigger"), max_length=16, choices=EvaluationTrigger.choices)
    # The task kind that evaluated it, "external:<grader token name>", or "manual".
    evaluator = models.CharField(_("evaluator"), max_length=200, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    grader = models.ForeignKey(
        "GraderToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    reason = models.TextField(_("reason"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    raw_score = models.FloatField(_("raw score"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("max score"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # The lease under which the run happened: one Evaluation per claim, never two.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ("submission_id", "started_at", "id")
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["lease_token"],
                condition=Q(lease_token__isnull=False),
                name="lp_evaluation_unique_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} of {self.submission_id} at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return not self.error


class GradeChange(models.Model):
    """One change of a submission's counted score, for ``GET submissions/{id}/history/``.

    Written by the flows in the transaction that changes the score; never edited.
    ``actor`` is None for automatic changes (an evaluator, a deadline recompute).
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="grade_changes"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GradeChangeKind.choices)
    old_score = models.FloatField(_("old score"), null=True, blank=True)
    new_score = models.FloatField(_("new score"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("submission_id", "at", "id")
        verbose_name = _("grade change")
        verbose_name_plural = _("grade history")
        indexes = [models.Index(fields=["submission", "at"], name="lp_gradechange_sub_at")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.submission_id}: {self.old_score} → {self.new_score}"


class RubricAssessment(models.Model):
    """The level a grader picked for one criterion of a submission's rubric.

    One row per (submission, criterion), replaced when the submission is graded again;
    ``points`` is copied from the level so the grade reads the same whatever happens to the
    rubric later. The history of earlier picks is in the Evaluation rows' ``result``.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="rubric_assessments"
    )
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")
    points = models.FloatField(_("points"))
    comment = models.TextField(_("comment"), blank=True)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), default=timezone.now)

    class Meta:
        ordering = ("submission_id", "criterion__position", "criterion_id")
        verbose_name = _("rubric assessment")
        verbose_name_plural = _("rubric assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="lp_rubricassessment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.criterion_id} → {self.level_id}"


#: The longest comment body, in characters (after trimming).
COMMENT_MAX_LENGTH = 10_000


class SubmissionComment(models.Model):
    """One message of the thread between a submission's owner and the course staff."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("body"))
    # Staff comments stay hidden from the student until the grade is released, unless set.
    visible_before_release = models.BooleanField(_("visible before release"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = SubmissionCommentQuerySet.as_manager()

    class Meta:
        ordering = ("submission_id", "created", "id")
        verbose_name = _("submission comment")
        verbose_name_plural = _("submission comments")
        indexes = [models.Index(fields=["submission", "created"], name="lp_comment_sub_created")]

    def __str__(self) -> str:
        return f"Comment on {self.submission_id} by {self.author_id}"


class Pseudonym(models.Model):
    """The stable "Student N" that stands for a student on an anonymously graded task.

    Numbers are handed out per task in the order students first need one; the unique
    constraints make two concurrent requests agree on one number per student.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="pseudonyms")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ("task_id", "number")
        verbose_name = _("pseudonym")
        verbose_name_plural = _("pseudonyms")
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="lp_pseudonym_unique_user"),
            models.UniqueConstraint(fields=["task", "number"], name="lp_pseudonym_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Student {self.number}"


class RegradeRequest(TimeStampedModel):
    """A student's request that staff look at a released grade again."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="regrade_requests"
    )
    # Denormalised from the submission for the list's filters and visibility.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learnplat_regrade_requests",
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="regrade_requests")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="regrade_requests")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegradeRequestStatus.choices,
        default=RegradeRequestStatus.OPEN,
    )
    response = models.TextField(_("response"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    old_score = models.FloatField(_("score when asked"), null=True, blank=True)
    new_score = models.FloatField(_("score after"), null=True, blank=True)

    objects = RegradeRequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("regrade request")
        verbose_name_plural = _("regrade requests")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(status="open"),
                name="lp_regraderequest_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status", "-created"], name="lp_regrade_course_status"),
            models.Index(fields=["user", "-created"], name="lp_regrade_user_created"),
        ]

    def __str__(self) -> str:
        return f"Regrade of {self.submission_id} ({self.status})"


def hash_grader_secret(secret: str) -> str:
    """The stored form of a grader token's secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class GraderToken(models.Model):
    """Credentials of an external grader (pull protocol). Only a hash of the secret is kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    queues = models.JSONField(
        _("queues"),
        default=list,
        blank=True,
        help_text=_('Grader queues this token may serve, e.g. ["python"]; "*" = every queue.'),
    )
    token_hash = models.CharField(_("secret hash"), max_length=64, unique=True, editable=False)
    # The first characters of the secret, so people can tell tokens apart.
    prefix = models.CharField(_("secret prefix"), max_length=12, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = GraderTokenQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("grader token")
        verbose_name_plural = _("grader tokens")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.queues, list) or not all(
            isinstance(q, str) and q for q in self.queues
        ):
            raise ValidationError({"queues": _('A list of queue names, e.g. ["python"].')})

    def serves(self, queue: str) -> bool:
        return "*" in self.queues or queue in self.queues


class TaskStart(models.Model):
    """A student's start of a timed task; ``deadline`` is fixed when they start.

    Course staff may restart it (``flows.timed.restart_start``): the row stays as history
    with ``restarted_at`` and ``restarted_by`` set, and the student may start again. At most
    one start per student and task is current (not restarted)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="starts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_task_starts"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    restarted_at = models.DateTimeField(
        _("restarted at"),
        null=True,
        blank=True,
        help_text=_("When course staff let the student start again; this attempt ended then."),
    )
    restarted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restarted by"),
    )

    objects = TaskStartQuerySet.as_manager()

    class Meta:
        ordering = ("task_id", "started_at", "id")
        verbose_name = _("timed start")
        verbose_name_plural = _("timed starts")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "user"],
                condition=Q(restarted_at__isnull=True),
                name="lp_taskstart_unique_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.task} from {self.started_at:%Y-%m-%d %H:%M}"


class LateDaySpend(TimeStampedModel):
    """The late days one student has spent on one task (the most any of its submissions used)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="late_day_spends")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="late_day_spends")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_late_day_spends"
    )
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        ordering = ("course_id", "user_id", "task_id")
        verbose_name = _("late-day spend")
        verbose_name_plural = _("late-day spends")
        constraints = [
            models.UniqueConstraint(fields=["user", "task"], name="lp_latedayspend_unique_task"),
        ]
        indexes = [models.Index(fields=["course", "user"], name="lp_latedayspend_course_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.task}: {self.days} day(s)"
