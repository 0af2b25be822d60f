"""Serializers of the submissions API. They validate input; ``learnplat.flows`` writes.

Every one can be replaced per action through ``LEARNPLAT["SERIALIZERS"]`` (keys in
docs/permissions.md, same names as the permission keys).
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learnplat.courses.serializers import ExtensionSerializer
from learnplat.flows.rubrics import grades_automatically
from learnplat.roles import is_platform_admin
from learnplat.serializers import (
    CompleteResponseMixin,
    CourseSummarySerializer,
    RejectUnknownFieldsMixin,
    UserSummarySerializer,
    course_summary_json,
    datetime_json,
    float_json,
    user_summary_json,
)
from learnplat.submissions.anonymity import masks_student, pseudonym_json
from learnplat.submissions.choices import GradeChangeKind, RegradeScope
from learnplat.submissions.models import (
    COMMENT_MAX_LENGTH,
    GradeChange,
    RegradeRequest,
    Submission,
    SubmissionComment,
)
from learnplat.submissions.querysets import (
    REGRADE_SCOPES,
    claim_holds,
    owns,
    rubric_assessments_of,
)
from learnplat.submissions.release import released_to_owner

#: What a student does not see of their own submission until its task's scores are released
#: (decision 0017): the score and everything that tells it. Fields a subclass adds under
#: these names are hidden too.
UNRELEASED_HIDDEN_FIELDS = (
    "score",
    "raw_score",
    "feedback",
    "result",
    "evaluations",
    "tests",
    "parts",
)


def hides_score_from(viewer: Any, submission: Submission) -> bool:
    """Whether ``viewer`` sees ``submission`` as its owner does before release: the owner or
    a member of its group (or a caller the serializer was not told of). Staff and platform
    admins see everything."""
    if viewer is not None and is_platform_admin(viewer):
        return False
    return viewer is None or owns(viewer, submission)


class PseudonymSerializer(serializers.Serializer[Any]):
    """A student shown under a pseudonym (anonymous grading, grade not released)."""

    pseudonym = serializers.CharField(
        read_only=True, help_text='"Student N", stable per task (or "Anonymous student").'
    )


SUBMISSION_STUDENT = PolymorphicProxySerializer(
    component_name="SubmissionStudent",
    serializers=[UserSummarySerializer, PseudonymSerializer],
    resource_type_field_name=None,
)


class PartSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(allow_null=True, help_text="Null until graded.")
    max_score = serializers.FloatField()


class RubricRowSerializer(serializers.Serializer[Any]):
    criterion = serializers.IntegerField()
    title = serializers.CharField(help_text="The criterion's title.")
    level = serializers.IntegerField(help_text="The chosen level.")
    level_title = serializers.CharField()
    points = serializers.FloatField(help_text="The chosen level's points.")
    max_points = serializers.FloatField(help_text="The criterion's best level's points.")
    comment = serializers.CharField()


class RubricPartSerializer(PartSerializer):
    criteria = RubricRowSerializer(many=True, help_text="Empty until graded with the rubric.")


class PartsSerializer(serializers.Serializer[Any]):
    automatic = PartSerializer(
        allow_null=True, help_text="The evaluator's part; null for kinds graded by hand."
    )
    rubric = RubricPartSerializer(allow_null=True)


def _best(levels: Any) -> float:
    return float(max((level.points for level in levels), default=0.0))


def parts_json(submission: Submission) -> dict[str, Any] | None:
    """The two parts of a rubric task's score (decision 0020), or None for a task graded
    without a rubric. Reads what ``Submission.objects.with_summaries()`` attaches."""
    task = submission.task
    assessments = rubric_assessments_of(submission)
    if task.rubric_id is None and not assessments:
        return None
    rows: list[dict[str, Any]] = [
        {
            "criterion": a.criterion_id,
            "title": a.criterion.title,
            "level": a.level_id,
            "level_title": a.level.title,
            "points": float(a.points),
            "max_points": _best(a.criterion.levels.all()),
            "comment": a.comment,
        }
        for a in sorted(assessments, key=lambda a: (a.criterion.position, a.criterion_id))
    ]
    rubric_score: float | None = None
    if assessments:
        rubric_max = float(sum(row["max_points"] for row in rows))
        rubric_score = float(sum(row["points"] for row in rows))
    elif task.rubric is not None:
        rubric_max = float(sum(_best(c.levels.all()) for c in task.rubric.criteria.all()))
    else:
        rubric_max = 0.0
    automatic: dict[str, Any] | None = None
    if grades_automatically(task.kind):
        raw = submission.raw_score
        automatic = {
            "score": None if raw is None else max(float(raw) - (rubric_score or 0.0), 0.0),
            "max_score": max(float(submission.max_score) - rubric_max, 0.0),
        }
    return {
        "automatic": automatic,
        "rubric": {"score": rubric_score, "max_score": rubric_max, "criteria": rows},
    }


class SubmissionGroupSerializer(serializers.Serializer[Any]):
    """The student group a submission counts for: ``{id, name}``."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def group_json(submission: Submission, *, masked: bool) -> dict[str, Any] | None:
    """``{id, name}`` of the submission's group; None without one, and while its student is
    shown as a pseudonym (a group's name could tell who the pseudonym is)."""
    group = submission.group
    if group is None or masked:
        return None
    return {"id": group.pk, "name": str(group.name)}


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    """A submission; ``score`` is after any late deduction. Besides the ``task`` and
    ``user`` ids it names them (``task_title``, ``student``) and its ``course``, so a
    grading screen needs no request per row."""

    # Read from Submission.objects.with_summaries(), which joins user, task and course
    # and annotates the pseudonym.

    user = serializers.IntegerField(
        source="user_id",
        read_only=True,
        allow_null=True,
        help_text="The submitter's id; null where `student` is a pseudonym.",
    )
    student = serializers.SerializerMethodField(
        help_text="The submitter: the same person as `user`, by name; "
        '`{"pseudonym": "Student N"}` instead for course staff while the task is graded '
        'anonymously and the grade is not released (docs/grading.md, "Anonymous grading").'
    )
    task_title = serializers.CharField(source="task.title", read_only=True)
    course = CourseSummarySerializer(read_only=True)
    feedback = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Null for the student while the task's scores are not released.",
    )
    released = serializers.SerializerMethodField(
        help_text="Whether the student sees the score: false while the task's scores are "
        "not released to them, and then `score`, `feedback` and evaluation details are null "
        "in the student's own answers (staff see them, and this tells them the student's view)."
    )
    assigned_to = serializers.SerializerMethodField(
        help_text="The grader the submission is assigned to (`POST courses/{slug}/grading/"
        "assign/`); null when unassigned, and always null for the student."
    )
    claimed_by = serializers.SerializerMethodField(
        help_text="The grader holding an unexpired claim on it (`POST submissions/{id}/claim/`); "
        "null when unclaimed or the claim expired, and always null for the student."
    )
    claimed_at = serializers.SerializerMethodField(
        help_text="When `claimed_by` took the claim; null with `claimed_by`."
    )
    group = serializers.SerializerMethodField(
        help_text="On a group task: the group the submission counts for (every member "
        "sees it as their own); null otherwise, and for staff while `student` is a pseudonym."
    )
    parts = serializers.SerializerMethodField(
        help_text="For a task with a rubric: the score's two parts, the automatic one (null "
        "for kinds graded by hand) and the rubric's, with the chosen level of each criterion. "
        "Null for tasks without a rubric, and for the student until released."
    )

    class Meta:
        model = Submission
        fields = (
            "id",
            "task",
            "task_title",
            "course",
            "user",
            "student",
            "group",
            "attempt",
            "answer",
            "status",
            "submitted_at",
            "is_late",
            "late_days_used",
            "score",
            "max_score",
            "feedback",
            "evaluated_at",
            "released",
            "assigned_to",
            "claimed_by",
            "claimed_at",
            "parts",
        )
        read_only_fields = fields
        extra_kwargs = {
            "score": {
                "help_text": "After any late deduction; null for the student until released."
            },
            "late_days_used": {
                "help_text": "Late days this submission spent from the bank (0: none); a "
                "late submission that spent them keeps `is_late` and is not deducted."
            },
        }

    @extend_schema_field(SUBMISSION_STUDENT)
    def get_student(self, instance: Submission) -> dict[str, Any]:
        """The submitter as the caller may see them: the one place a submission shows who
        made it (both the lean and DRF's way come here): a pseudonym where
        :func:`learnplat.submissions.anonymity.masks_student` says so."""
        if masks_student(instance, self._viewer()):
            return pseudonym_json(instance)
        return user_summary_json(instance.user)

    @extend_schema_field(SubmissionGroupSerializer(allow_null=True))
    def get_group(self, instance: Submission) -> dict[str, Any] | None:
        return group_json(instance, masked=masks_student(instance, self._viewer()))

    def get_released(self, instance: Submission) -> bool:
        return released_to_owner(instance)

    def _shows_grading(self, instance: Submission) -> bool:
        # Grader assignment is staff business: the student (or an unnamed caller) sees null.
        viewer = self._viewer()
        if viewer is not None and is_platform_admin(viewer):
            return True
        return viewer is not None and not owns(viewer, instance)

    def _claim_holds(self, instance: Submission) -> bool:
        return claim_holds(instance) and self._shows_grading(instance)

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_assigned_to(self, instance: Submission) -> dict[str, Any] | None:
        if instance.assigned_to_id is None or not self._shows_grading(instance):
            return None
        return user_summary_json(instance.assigned_to)

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_claimed_by(self, instance: Submission) -> dict[str, Any] | None:
        if not self._claim_holds(instance):
            return None
        return user_summary_json(instance.claimed_by)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_claimed_at(self, instance: Submission) -> str | None:
        if not self._claim_holds(instance):
            return None
        return datetime_json(instance.claimed_at)

    @extend_schema_field(PartsSerializer(allow_null=True))
    def get_parts(self, instance: Submission) -> dict[str, Any] | None:
        return parts_json(instance)

    def to_representation(self, instance: Submission) -> dict[str, Any]:
        # Lists of submissions: the fields as DRF writes them, without its per-field
        # machinery; subclasses (a host's own serializer) take DRF's way.
        if type(self) is not SubmissionSerializer:
            data = super().to_representation(instance)
        else:
            data = {
                "id": instance.pk,
                "task": instance.task_id,
                "task_title": str(instance.task.title),
                "course": course_summary_json(instance.course),
                "user": instance.user_id,
                "student": self.get_student(instance),
                "group": None,
                "attempt": instance.attempt,
                "answer": instance.answer,
                "status": instance.status,
                "submitted_at": datetime_json(instance.submitted_at),
                "is_late": instance.is_late,
                "late_days_used": instance.late_days_used,
                "score": float_json(instance.score),
                "max_score": float(instance.max_score),
                "feedback": instance.feedback,
                "evaluated_at": datetime_json(instance.evaluated_at),
                "released": self.get_released(instance),
                "assigned_to": self.get_assigned_to(instance),
                "claimed_by": self.get_claimed_by(instance),
                "claimed_at": self.get_claimed_at(instance),
                "parts": parts_json(instance),
            }
        if "user" in data:
            # The id would name the student a pseudonym stands for.
            student = data.get("student")
            if "student" in data:
                masked = isinstance(student, dict) and "pseudonym" in student
            else:
                masked = masks_student(instance, self._viewer())
            if masked:
                data["user"] = None
            if type(self) is SubmissionSerializer:
                data["group"] = group_json(instance, masked=masked)
        released = data["released"] if "released" in data else self.get_released(instance)
        if not released and hides_score_from(self._viewer(), instance):
            for name in UNRELEASED_HIDDEN_FIELDS:
                if name in data:
                    data[name] = None
        return data

    def _viewer(self) -> Any:
        request = self.context.get("request")
        if request is not None:
            return request.user
        return self.context.get("viewer")


class GradeChangeSerializer(serializers.ModelSerializer[GradeChange]):
    """One entry of `GET submissions/{id}/history/`: a change of the counted score."""

    actor = serializers.SerializerMethodField(
        help_text="Who made the change; null for automatic ones (an evaluator's result). "
        "Graders always show as themselves; the submission's own student (never an actor "
        "of the built-in changes) would show under their pseudonym while it is masked."
    )
    kind = serializers.ChoiceField(choices=GradeChangeKind.choices, read_only=True)

    class Meta:
        model = GradeChange
        fields = ("at", "actor", "kind", "old_score", "new_score", "reason")
        read_only_fields = fields

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="GradeChangeActor",
            serializers=[UserSummarySerializer, PseudonymSerializer],
            resource_type_field_name=None,
            allow_null=True,
        )
    )
    def get_actor(self, instance: GradeChange) -> dict[str, Any] | None:
        if instance.actor is None:
            return None
        # The view passes the masked student (decision 0021) when the caller sees one.
        masked = self.context.get("masked_student")
        if masked is not None and instance.actor_id == masked[0]:
            return dict(masked[1])
        return user_summary_json(instance.actor)


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


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField also takes "yes", "on", 1 and the like, and
    a resolve that guessed "accept" from a typo would change a grade."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def _finite(value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise serializers.ValidationError("A finite number.")


class RubricPickSerializer(serializers.Serializer[Any]):
    """One criterion of a rubric grade: the chosen level, with an optional comment."""

    criterion = serializers.IntegerField(help_text="A criterion of the task's rubric.")
    level = serializers.IntegerField(help_text="One of that criterion's levels.")
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class GradeSerializer(serializers.Serializer[Any]):
    """``POST submissions/{id}/grade/``: a manual grade or override; ``score`` is final.
    A task with a rubric takes ``rubric`` (one level per criterion) instead, and the score
    is computed (docs/grading.md, Rubrics)."""

    score = serializers.FloatField(
        min_value=0,
        validators=[_finite],
        required=False,
        help_text="Tasks without a rubric: the final score (required). Never sent for a task "
        "with a rubric.",
    )
    rubric = RubricPickSerializer(
        many=True,
        required=False,
        help_text="Tasks with a rubric: `[{criterion, level, comment?}]`, one level for every "
        "criterion (required). The score is the chosen levels' points, plus the automatic "
        "part where the kind grades automatically.",
    )
    feedback = serializers.CharField(allow_blank=True, required=False, default="")
    reason = serializers.CharField(allow_blank=True, required=False, default="")

    def validate_score(self, value: float) -> float:
        submission: Submission | None = self.context.get("submission")
        if submission is not None and value > submission.max_score:
            raise serializers.ValidationError(
                f"Ensure this value is less than or equal to {submission.max_score:g}."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        submission: Submission | None = self.context.get("submission")
        with_rubric = submission is not None and submission.task.rubric_id is not None
        if with_rubric:
            if "score" in attrs:
                raise serializers.ValidationError(
                    {"score": ["This task is graded with its rubric: the score is computed."]}
                )
            if "rubric" not in attrs:
                raise serializers.ValidationError({"rubric": ["This field is required."]})
        elif submission is not None:
            if "rubric" in attrs:
                raise serializers.ValidationError({"rubric": ["This task has no rubric."]})
            if "score" not in attrs:
                raise serializers.ValidationError({"score": ["This field is required."]})
        return attrs


class ClaimSerializer(serializers.Serializer[Any]):
    """``POST submissions/{id}/claim/``: no input."""


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


class RegradeRequestSerializer(CompleteResponseMixin, serializers.ModelSerializer[RegradeRequest]):
    """A regrade request, naming its task, course, student and who answered it.

    ``old_score`` is the submission's score when the student asked, ``new_score`` its score
    once the request was answered (null while open)."""

    # Read from RegradeRequest.objects.with_summaries(), which joins every row named here.

    task_title = serializers.CharField(source="task.title", read_only=True)
    course = CourseSummarySerializer(read_only=True)
    student = UserSummarySerializer(source="user", read_only=True)
    resolved_by = UserSummarySerializer(read_only=True, allow_null=True)
    max_score = serializers.FloatField(
        source="submission.max_score", read_only=True, help_text="The submission's max score."
    )

    class Meta:
        model = RegradeRequest
        fields = (
            "id",
            "submission",
            "task",
            "task_title",
            "course",
            "student",
            "reason",
            "status",
            "response",
            "resolved_by",
            "resolved_at",
            "created",
            "old_score",
            "new_score",
            "max_score",
        )
        read_only_fields = fields


class RegradeRequestCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST submissions/{id}/regrade-requests/``: why the grade should be looked at again."""

    reason = serializers.CharField(
        help_text="Why the grade should change (Markdown, at most `MAX_DESCRIPTION_LENGTH` "
        "characters)."
    )


class RegradeRequestResolveSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST regrade-requests/{id}/resolve/``: accept (optionally with a new score) or reject."""

    accept = StrictBooleanField(help_text="true accepts the request, false rejects it.")
    response = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The answer to the student; required when rejecting.",
    )
    score = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        validators=[_finite],
        help_text="Accepting only: the new score (0 to the submission's `max_score`), "
        "recorded as a manual grade with the request's reason. Omitted: the grade stays.",
    )


COMMENT_AUTHOR = PolymorphicProxySerializer(
    component_name="CommentAuthor",
    serializers=[UserSummarySerializer, PseudonymSerializer],
    resource_type_field_name=None,
    allow_null=True,
)


class SubmissionCommentSerializer(CompleteResponseMixin, serializers.Serializer[SubmissionComment]):
    """A comment of a submission's thread. ``visible_before_release`` is in staff answers
    only (the owner's list already leaves out what they may not read).

    Context: ``submission`` (the thread's) and the viewer (``request`` or ``viewer``)."""

    # Read from SubmissionComment.objects.thread_of(), which joins the author.

    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField(
        help_text="Who wrote it (null once their account is deleted)."
    )
    body = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    visible_before_release = serializers.BooleanField(
        read_only=True,
        help_text="Staff answers only: whether the owner reads it before the grade is released.",
    )

    class Meta:
        response_optional_fields = ("visible_before_release",)

    @extend_schema_field(COMMENT_AUTHOR)
    def get_author(self, instance: SubmissionComment) -> dict[str, Any] | None:
        """The author as the caller may see them: the one place a comment shows who wrote
        it. The submission's owner is a pseudonym wherever their submission's student is
        (:func:`learnplat.submissions.anonymity.masks_student`), so a thread cannot tie an
        anonymous answer to a person."""
        if instance.author is None:
            return None
        submission = self.context.get("submission")
        if (
            submission is not None
            and instance.author_id == submission.user_id
            and masks_student(submission, self._viewer())
        ):
            return pseudonym_json(submission)
        return user_summary_json(instance.author)

    def _viewer(self) -> Any:
        request = self.context.get("request")
        if request is not None:
            return request.user
        return self.context.get("viewer")

    def to_representation(self, instance: SubmissionComment) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": instance.pk,
            "author": self.get_author(instance),
            "body": instance.body,
            "created": datetime_json(instance.created),
        }
        if not self._owner_views():
            data["visible_before_release"] = instance.visible_before_release
        return data

    def _owner_views(self) -> bool:
        return getattr(self._viewer(), "pk", None) == self.context["submission"].user_id


class SubmissionCommentCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST submissions/{id}/comments/``: a message to the thread."""

    body = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        help_text=f"The message (trimmed; at most {COMMENT_MAX_LENGTH} characters).",
    )
    visible_before_release = StrictBooleanField(
        required=False,
        default=False,
        help_text="Course staff only: show the comment to the owner before the grade is "
        "released. The owner sending true gets 400.",
    )


class GradingAssignSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/grading/assign/``: who grades, and optionally which task."""

    task = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="Only this task's submissions (a task of the course); omitted: every task.",
    )
    graders = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text="User ids of active instructors or assistants of the course; submissions "
        "go to them in turn, in this order.",
    )


class GraderShareSerializer(serializers.Serializer[Any]):
    grader = serializers.IntegerField(help_text="The grader's user id.")
    assigned = serializers.IntegerField(help_text="How many submissions this assign gave them.")


class GradingAssignResultSerializer(serializers.Serializer[Any]):
    assigned = serializers.IntegerField(help_text="How many submissions were assigned in all.")
    graders = GraderShareSerializer(many=True)


class GraderProgressSerializer(serializers.Serializer[Any]):
    """One row of ``GET courses/{slug}/grading/progress/``."""

    grader = UserSummarySerializer()
    assigned = serializers.IntegerField(
        help_text="Submissions of the course assigned to the grader."
    )
    graded = serializers.IntegerField(
        help_text="Of those, how many no longer need review (graded by anyone)."
    )


class TaskStartSerializer(CompleteResponseMixin, serializers.Serializer[Any]):
    """``POST tasks/{id}/start/``: the student's timed attempt."""

    started_at = serializers.DateTimeField(read_only=True)
    deadline = serializers.DateTimeField(
        read_only=True,
        help_text="Submissions after it are 409 `time_expired`; one exactly at it is accepted.",
    )


class TaskStartRecordSerializer(CompleteResponseMixin, serializers.Serializer[Any]):
    """``GET tasks/{id}/starts/``: one student's start as course staff see it."""

    id = serializers.IntegerField(read_only=True)
    user = UserSummarySerializer(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    deadline = serializers.DateTimeField(read_only=True)
    restarted_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Null while the start counts; else when the staff restarted it (the "
        "attempt ended then and the student could start again).",
    )
    restarted_by = UserSummarySerializer(read_only=True, allow_null=True)


class MyTaskAllowanceSerializer(CompleteResponseMixin, serializers.Serializer[Any]):
    task = serializers.IntegerField(read_only=True)
    submissions_left_today = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Left in the current course-local day (bonus included); null without a "
        "daily limit.",
    )
    started_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null until a timed task is started."
    )
    deadline = serializers.DateTimeField(read_only=True, allow_null=True)


class MyAllowancesSerializer(CompleteResponseMixin, serializers.Serializer[Any]):
    """``GET courses/{slug}/accommodations/me/``: what applies to the calling student."""

    time_multiplier = serializers.FloatField(read_only=True)
    late_days_total = serializers.IntegerField(read_only=True)
    late_days_used = serializers.IntegerField(read_only=True)
    late_days_left = serializers.IntegerField(read_only=True)
    bonus_submissions = serializers.IntegerField(read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    tasks = MyTaskAllowanceSerializer(
        many=True,
        read_only=True,
        help_text="The course's published tasks with a daily limit or a time limit, in order.",
    )
