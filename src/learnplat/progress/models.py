"""Read models of progress, kept up to date incrementally by ``learnplat.flows.progress``.

They are derived data: ``manage.py learnplat_recompute_progress`` rebuilds them from the
submissions and gives exactly what the incremental path gives (``tests/progress/test_recompute``).
docs/grading.md defines every field; in short:

- ``TaskProgress`` keeps, per (user, task), the best and the latest *graded* attempt, the first
  attempt that passed, and the figures derived from them under the course's grading policy.
- ``CourseProgress`` sums a student's published tasks. Weighted scores are kept as integer
  ``points`` (millionths of a weight unit) so that incremental additions and a full recompute
  give the same number to the last digit, whatever order they add in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learnplat.courses.models import Course, Task
from learnplat.progress.choices import RecomputeState, TaskProgressStatus
from learnplat.progress.querysets import CourseProgressQuerySet, TaskProgressQuerySet

#: Points per unit of task weight: a task of weight 1 scored 7/10 holds 700_000 points.
POINTS_PER_WEIGHT = 1_000_000


class TaskProgress(models.Model):
    """A student's standing on one task.

    Attempt numbers (not submission ids) name the submissions that matter, so a recompute
    can be compared field by field with the incremental result.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_task_progress"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="task_progress")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt = models.PositiveIntegerField(
        _("last attempt"), default=0, help_text=_("Highest attempt number submitted.")
    )
    last_state = models.CharField(
        _("state of the last attempt"),
        max_length=16,
        blank=True,
        default="",
        help_text=_("pending (no result yet), needs_review or done."),
    )
    best_attempt = models.PositiveIntegerField(_("best attempt"), null=True, blank=True)
    best_score = models.FloatField(_("best score"), null=True, blank=True)
    latest_attempt = models.PositiveIntegerField(_("latest graded attempt"), null=True, blank=True)
    latest_score = models.FloatField(_("latest graded score"), null=True, blank=True)
    passed_attempt = models.PositiveIntegerField(_("first passing attempt"), null=True, blank=True)
    score = models.FloatField(
        _("counted score"), null=True, blank=True, help_text=_("Per the course grading policy.")
    )
    points = models.BigIntegerField(
        _("points"), default=0, help_text=_("Weighted share of the counted score, in millionths.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TaskProgressStatus.choices,
        default=TaskProgressStatus.NOT_STARTED,
    )
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        ordering = ("course_id", "user_id", "task_id")
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "task"], name="lp_taskprogress_unique"),
        ]
        indexes = [models.Index(fields=["course", "user"], name="lp_taskprogress_course_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.task}: {self.score}"


class CourseProgress(models.Model):
    """A student's standing in one course: weighted score over its published tasks, completion."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_course_progress"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    points = models.BigIntegerField(_("points"), default=0)
    max_points = models.BigIntegerField(_("max points"), default=0)
    score = models.FloatField(_("score"), default=0.0)
    max_score = models.FloatField(_("max score"), default=0.0)
    percent = models.FloatField(_("percent"), default=0.0)
    tasks_completed = models.PositiveIntegerField(_("tasks completed"), default=0)
    tasks_total = models.PositiveIntegerField(_("tasks total"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    letter = models.CharField(_("letter"), max_length=20, blank=True)
    groups = models.JSONField(
        _("assignment groups"),
        default=list,
        blank=True,
        help_text=_("Per-group figures and dropped tasks, as the API shows them."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CourseProgressQuerySet.as_manager()

    class Meta:
        ordering = ("course_id", "user_id")
        verbose_name = _("course progress")
        verbose_name_plural = _("course progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="lp_courseprogress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}: {self.percent:.1f}%"


class RecomputeJob(models.Model):
    """A grading change of a large course, applied with its recompute off the request.

    The API stores the validated ``change`` here and answers 202; a worker applies it and
    rebuilds the course's progress in one transaction, so readers see the course before or
    after the change, never a mix (docs/grading.md, "Large changes").
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="recompute_jobs")
    state = models.CharField(
        _("state"), max_length=16, choices=RecomputeState.choices, default=RecomputeState.QUEUED
    )
    kind = models.CharField(_("kind"), max_length=32, help_text=_("What the change is."))
    change = models.JSONField(_("change"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    students_total = models.PositiveIntegerField(_("students total"), default=0)
    students_done = models.PositiveIntegerField(_("students done"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")
        indexes = [models.Index(fields=["course", "state"], name="lp_recomputejob_course_state")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.course_id} ({self.state})"
