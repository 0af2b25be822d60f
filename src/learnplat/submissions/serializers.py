"""Serializers of the submissions API. They validate input; ``learnplat.flows`` writes.

Every one can be replaced per action through ``LEARNPLAT["SERIALIZERS"]`` (keys in
docs/permissions.md, same names as the permission keys).
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learnplat.serializers import (
    CourseSummarySerializer,
    UserSummarySerializer,
    course_summary_json,
    datetime_json,
    float_json,
    user_summary_json,
)
from learnplat.submissions.choices import GradeChangeKind, RegradeScope
from learnplat.submissions.models import GradeChange, Submission
from learnplat.submissions.querysets import REGRADE_SCOPES


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    """A submission; ``score`` is after any late deduction. Besides the ``task`` and
    ``user`` ids it names them (``task_title``, ``student``) and its ``course``, so a
    grading screen needs no request per row."""

    # Read from Submission.objects.with_summaries(), which joins user, task and course.

    student = serializers.SerializerMethodField(
        help_text="The submitter: the same person as `user`, by name."
    )
    task_title = serializers.CharField(source="task.title", read_only=True)
    course = CourseSummarySerializer(read_only=True)

    class Meta:
        model = Submission
        fields = (
            "id",
            "task",
            "task_title",
            "course",
            "user",
            "student",
            "attempt",
            "answer",
            "status",
            "submitted_at",
            "is_late",
            "score",
            "max_score",
            "feedback",
            "evaluated_at",
        )
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer)
    def get_student(self, instance: Submission) -> dict[str, Any]:
        """The submitter as the caller may see them: the one place a submission shows who
        made it (both the lean and DRF's way come here), so anonymous grading can mask
        the student for staff by changing this method alone."""
        return user_summary_json(instance.user)

    def to_representation(self, instance: Submission) -> dict[str, Any]:
        # Lists of submissions: the fields as DRF writes them, without its per-field
        # machinery; subclasses (a host's own serializer) take DRF's way.
        if type(self) is not SubmissionSerializer:
            return super().to_representation(instance)
        return {
            "id": instance.pk,
            "task": instance.task_id,
            "task_title": str(instance.task.title),
            "course": course_summary_json(instance.course),
            "user": instance.user_id,
            "student": self.get_student(instance),
            "attempt": instance.attempt,
            "answer": instance.answer,
            "status": instance.status,
            "submitted_at": datetime_json(instance.submitted_at),
            "is_late": instance.is_late,
            "score": float_json(instance.score),
            "max_score": float(instance.max_score),
            "feedback": instance.feedback,
            "evaluated_at": datetime_json(instance.evaluated_at),
        }


class GradeChangeSerializer(serializers.ModelSerializer[GradeChange]):
    """One entry of `GET submissions/{id}/history/`: a change of the counted score."""

    actor = serializers.SerializerMethodField(
        help_text="Who made the change; null for automatic ones (an evaluator's result)."
    )
    kind = serializers.ChoiceField(choices=GradeChangeKind.choices, read_only=True)

    class Meta:
        model = GradeChange
        fields = ("at", "actor", "kind", "old_score", "new_score", "reason")
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_actor(self, instance: GradeChange) -> dict[str, Any] | None:
        return None if instance.actor is None else user_summary_json(instance.actor)


class SubmitSerializer(serializers.Serializer[Any]):
    """``POST tasks/{id}/submissions/``: the answer, any JSON value but null."""

    answer = serializers.JSONField(
        help_text="The answer; its shape depends on the task's kind (see docs/evaluators.md)."
    )

    def validate_answer(self, value: Any) -> Any:
        # A form field "answer=null" parses to None after the null check of JSON bodies.
        if value is None:
            raise serializers.ValidationError("This field may not be null.")
        return value


def _finite(value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise serializers.ValidationError("A finite number.")


class GradeSerializer(serializers.Serializer[Any]):
    """``POST submissions/{id}/grade/``: a manual grade or override; ``score`` is final."""

    score = serializers.FloatField(min_value=0, validators=[_finite])
    feedback = serializers.CharField(allow_blank=True, required=False, default="")
    reason = serializers.CharField(allow_blank=True, required=False, default="")

    def validate_score(self, value: float) -> float:
        submission: Submission | None = self.context.get("submission")
        if submission is not None and value > submission.max_score:
            raise serializers.ValidationError(
                f"Ensure this value is less than or equal to {submission.max_score:g}."
            )
        return value


class RegradeSerializer(serializers.Serializer[Any]):
    """``POST submissions/{id}/regrade/``: no input."""


class TaskRegradeSerializer(serializers.Serializer[Any]):
    """``POST tasks/{id}/regrade/``: which submissions of the task to evaluate again."""

    scope = serializers.ChoiceField(
        choices=REGRADE_SCOPES,
        default=RegradeScope.LATEST,
        help_text="Each student's latest or best submission, or all of them.",
    )
    user = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this student's submissions."
    )
    include_manual = serializers.BooleanField(
        default=False, help_text="Also regrade submissions whose grade was set by hand."
    )


class TaskRegradeResultSerializer(serializers.Serializer[Any]):
    task = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=REGRADE_SCOPES)
    count = serializers.IntegerField(help_text="How many submissions were queued.")


class GraderJobSerializer(serializers.Serializer[Any]):
    """What ``grader/next/`` hands an external grader."""

    submission_key = serializers.CharField(
        help_text="Quote it in grader/results/; valid while the lease lasts."
    )
    task = serializers.IntegerField(help_text="The task's id.")
    answer = serializers.JSONField()
    config = serializers.JSONField(help_text="The task's full config (answer keys included).")


class GraderTestSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    passed = serializers.BooleanField()
    score = serializers.FloatField(required=False, allow_null=True, validators=[_finite])
    message = serializers.CharField(required=False, allow_blank=True, default="")


class GraderResultSerializer(serializers.Serializer[Any]):
    """``POST grader/results/``: a score out of ``max_score`` (any scale; it is rescaled)."""

    submission_key = serializers.CharField(max_length=100)
    score = serializers.FloatField(min_value=0, validators=[_finite])
    max_score = serializers.FloatField(validators=[_finite])
    feedback = serializers.CharField(allow_blank=True, required=False, default="")
    tests = GraderTestSerializer(many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["max_score"] <= 0:
            raise serializers.ValidationError({"max_score": ["Must be greater than 0."]})
        if attrs["score"] > attrs["max_score"]:
            raise serializers.ValidationError({"score": ["Must not exceed max_score."]})
        return attrs


class GraderResultResponseSerializer(serializers.Serializer[Any]):
    submission_key = serializers.CharField()
    submission = serializers.IntegerField(help_text="The submission's id.")
    score = serializers.FloatField(help_text="The recorded score, on the task's scale.")
    max_score = serializers.FloatField()
    feedback = serializers.CharField()
