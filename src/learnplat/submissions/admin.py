"""Admin of submissions (read-only answers, regrade/requeue actions), their grade history
(read-only), regrade requests (read only: they are filed and answered through the API),
grader tokens and timed starts (read-only, with a restart action); comments are an inline
of their submission (read-only but deletable)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from learnplat.exceptions import LearnplatError
from learnplat.flowadmin import ReadOnlyAdmin
from learnplat.flows import graders as graders_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import timed as timed_flow
from learnplat.submissions.models import (
    Evaluation,
    GradeChange,
    GraderToken,
    LateDaySpend,
    RegradeRequest,
    Submission,
    SubmissionComment,
    TaskStart,
)


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    extra = 0
    can_delete = False
    fields = (
        "started_at",
        "finished_at",
        "trigger",
        "evaluator",
        "triggered_by",
        "score",
        "max_score",
        "feedback",
        "reason",
        "error",
    )
    readonly_fields = fields
    ordering = ("-started_at", "-id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


GRADE_CHANGE_FIELDS = ("at", "kind", "actor", "old_score", "new_score", "reason", "evaluation")


class GradeChangeInline(admin.TabularInline):
    """The submission's grade history: written by the flows only, so never edited here."""

    model = GradeChange
    extra = 0
    can_delete = False
    fields = GRADE_CHANGE_FIELDS
    readonly_fields = fields
    ordering = ("at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[GradeChange]:
        return super().get_queryset(request).select_related("actor", "evaluation")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubmissionCommentInline(admin.TabularInline):
    """The submission's comment thread, oldest first. Comments are written through the API
    (which sends their notifications), so none is added or edited here; an admin may delete
    one (moderation)."""

    model = SubmissionComment
    extra = 0
    fields = ("created", "author", "body", "visible_before_release")
    readonly_fields = fields
    ordering = ("created", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SubmissionComment]:
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    """Every grade change, filterable by kind; read-only (the history is never rewritten)."""

    list_display = ("at", "submission", "kind", "actor", "old_score", "new_score", "reason")
    list_filter = ("kind",)
    list_select_related = ("submission__user", "submission__task", "actor")
    search_fields = ("submission__user__username", "submission__task__title", "reason")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    fields = ("submission", *GRADE_CHANGE_FIELDS)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "task",
        "course",
        "attempt",
        "status",
        "score",
        "max_score",
        "is_late",
        "submitted_at",
    )
    list_filter = ("status", "is_late", "course")
    list_select_related = ("user", "task", "course")
    search_fields = ("user__username", "task__title", "course__slug")
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-id")
    inlines = [GradeChangeInline, EvaluationInline, SubmissionCommentInline]
    actions = ["regrade_selected", "requeue_selected"]
    fields = (
        "user",
        "task",
        "course",
        "attempt",
        "answer_pretty",
        "status",
        "submitted_at",
        "is_late",
        "raw_score",
        "score",
        "max_score",
        "feedback",
        "evaluated_at",
        "manually_graded",
        "idempotency_key",
        "evaluation_trigger",
        "grader_queue",
        "queued_at",
        "not_before",
        "lease_token",
        "lease_expires_at",
        "tries",
        "last_error",
    )
    # Grades change through the API (grade/regrade) so every change leaves an Evaluation row.
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("answer"))
    def answer_pretty(self, obj: Submission) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.answer, indent=2, ensure_ascii=False))

    @admin.action(description=_("Regrade selected submissions"))
    def regrade_selected(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        count = grading_flow.regrade(
            submission_ids=list(queryset.values_list("pk", flat=True)), by=request.user
        )
        self.message_user(
            request, _("%(count)d submissions queued for regrading.") % {"count": count}
        )

    @admin.action(description=_("Requeue selected queued or failed submissions"))
    def requeue_selected(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        count = grading_flow.requeue(submissions=queryset)
        self.message_user(request, _("%(count)d submissions requeued.") % {"count": count})


@admin.register(RegradeRequest)
class RegradeRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "task",
        "course",
        "status",
        "old_score",
        "new_score",
        "created",
        "resolved_by",
        "resolved_at",
    )
    list_filter = ("status", "course")
    list_select_related = ("user", "task", "course", "resolved_by")
    search_fields = ("user__username", "task__title", "course__slug", "reason")
    date_hierarchy = "created"
    ordering = ("-created", "-id")
    fields = (
        "submission",
        "user",
        "task",
        "course",
        "reason",
        "status",
        "response",
        "resolved_by",
        "resolved_at",
        "old_score",
        "new_score",
        "created",
        "modified",
    )
    # Answering goes through the API's resolve, which grades, notifies and keeps one open
    # request per submission; an admin edit would skip all three.
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GraderToken)
class GraderTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "queues", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "queues", "is_active", "prefix", "created_at", "last_used_at")
    actions = ["rotate_secret"]

    def save_model(self, request: HttpRequest, obj: GraderToken, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in ("name", "queues", "is_active")}
        if change:
            graders_flow.update_grader_token(token=obj, **values)
            return
        token, secret = graders_flow.create_grader_token(**values)
        # The admin's messages, log entry and redirect need the saved row's id.
        obj.pk, obj.token_hash, obj.prefix = token.pk, token.token_hash, token.prefix
        obj._state.adding = False
        self._show_secret(request, obj, secret)

    def _show_secret(self, request: HttpRequest, token: GraderToken, secret: str) -> None:
        messages.warning(
            request,
            format_html(
                "The secret of grader token “{}” is <code>{}</code>. Copy it now: it is not "
                "stored and will not be shown again.",
                token.name,
                secret,
            ),
        )

    @admin.action(description=_("Rotate the secret of selected tokens"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[GraderToken]) -> None:
        for token in queryset:
            self._show_secret(request, token, graders_flow.rotate_grader_secret(token=token))


@admin.register(LateDaySpend)
class LateDaySpendAdmin(ReadOnlyAdmin):
    """The late days each student spent on each task; read-only (submissions spend them and
    deadline changes give them back, through the flows)."""

    list_display = ("user", "course", "task", "days", "modified")
    list_select_related = ("user", "course", "task")
    search_fields = ("user__username", "course__title", "task__title")


@admin.register(TaskStart)
class TaskStartAdmin(ReadOnlyAdmin):
    """Who started which timed task when, and their deadline; read-only, with the restart of
    ``DELETE tasks/{id}/starts/{user_id}/`` as an action (``flows.timed.restart_start``)."""

    list_display = ("user", "task", "started_at", "deadline", "restarted_at", "restarted_by")
    list_filter = ("task__course",)
    list_select_related = ("user", "task", "restarted_by")
    search_fields = ("user__username", "task__title", "task__course__title")
    date_hierarchy = "started_at"
    actions = ["restart"]

    def has_restart_permission(self, request: HttpRequest) -> bool:
        # The rows stay read-only; letting a student start again is a change of the start.
        opts = self.opts
        return bool(request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))

    @admin.action(description=_("Let the selected students start again"), permissions=["restart"])
    def restart(self, request: HttpRequest, queryset: QuerySet[TaskStart]) -> None:
        done = 0
        for start in queryset.filter(restarted_at__isnull=True).select_related("task"):
            try:
                timed_flow.restart_start(task=start.task, user_id=start.user_id, by=request.user)
            except LearnplatError as error:
                self.message_user(request, f"{start}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("Restarted %(n)d attempt(s).") % {"n": done})
