"""Serializers of the courses API. They validate input and call ``learnplat.flows``.

Each view looks its serializers up per action, so a host replaces one with a subclass::

    LEARNPLAT = {"SERIALIZERS": {"course_retrieve": "myapp.serializers.MyCourseDetail"}}

``config`` (a task's answer key) is only in answers to course staff and platform admins;
the key is absent, not null, for everyone else.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learnplat.courses.choices import STAFF_ROLES, CourseRole, LatePer
from learnplat.courses.models import (
    SLUG_MAX_LENGTH,
    TASK_AUTHORED_FIELDS,
    TASK_KIND_MAX_LENGTH,
    Accommodation,
    AssignmentGroup,
    Course,
    Enrollment,
    Extension,
    GroupInvitation,
    GroupSet,
    Rubric,
    Section,
    StudentGroup,
    Task,
)
from learnplat.courses.querysets import attach_prerequisite_ids, sees_all_tasks
from learnplat.courses.validation import (
    GROUP_NAME_MAX_LENGTH,
    LETTER_MAX_LENGTH,
    check_description,
    check_group_fields,
    clean_letter_grades,
    clean_task,
)
from learnplat.evaluation.registry import UnknownKind, available_kinds, get_evaluator
from learnplat.exceptions import InvalidInput
from learnplat.flows import accommodations as accommodations_flow
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import enrollment as enrollment_flow
from learnplat.flows import grading_config as grading_config_flow
from learnplat.flows import group_formation as group_formation_flow
from learnplat.flows import rubrics as rubrics_flow
from learnplat.flows import sections as sections_flow
from learnplat.querysets import annotation
from learnplat.roles import is_platform_admin
from learnplat.serializers import (
    CompleteResponseMixin,
    CSVRowErrorSerializer,
    DryRunField,
    RejectUnknownFieldsMixin,
    UserEmailField,
    UserField,
    UsernameField,
    UserSummarySerializer,
    call_flow,
    datetime_json,
    user_summary_json,
)

__all__ = [
    "AssignmentGroupSerializer",
    "CourseCreateSerializer",
    "CourseDetailSerializer",
    "CourseSerializer",
    "CourseTaskInputSerializer",
    "EnrollmentCreateSerializer",
    "EnrollmentSerializer",
    "EnrollmentUpdateSerializer",
    "ExtensionCreateSerializer",
    "ExtensionSerializer",
    "LatePolicySerializer",
    "LetterCutOffSerializer",
    "RubricCopySerializer",
    "RubricCriterionSerializer",
    "RubricLevelSerializer",
    "RubricSerializer",
    "TaskReorderSerializer",
    "TaskSerializer",
]


def _caller(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class DescriptionField(serializers.CharField):
    """Markdown, at most ``LEARNPLAT["MAX_DESCRIPTION_LENGTH"]`` characters (read per request)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("help_text", "Markdown.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            check_description(value)
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.errors["description"]) from None
        return value


# -- tasks -----------------------------------------------------------------------------------


class LatePolicySerializer(serializers.Serializer[Any]):
    """Late submissions (after ``due_at``, before ``closes_at``) lose ``deduction_percent`` of
    the score per started ``per`` (hour or day), never going below ``floor_percent``.
    ``{}`` means no deduction."""

    deduction_percent = serializers.FloatField(
        min_value=0, max_value=100, required=False, help_text="Required unless the policy is {}."
    )
    per = serializers.ChoiceField(choices=LatePer.choices, required=False, default=LatePer.DAY)
    floor_percent = serializers.FloatField(min_value=0, max_value=100, required=False, default=0)


@extend_schema_field(LatePolicySerializer)
class LatePolicyField(serializers.JSONField):
    """``late_policy``; validated by :func:`learnplat.courses.validation.normalise_late_policy`."""


#: The most prerequisites one task may list.
MAX_PREREQUISITES = 1000


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class PrerequisitesField(serializers.ListField):
    """Task ids in, task ids out (read from the prefetched relation)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.IntegerField(min_value=1))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_PREREQUISITES)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return annotation(
            instance,
            "prerequisite_ids",
            "Task.objects.with_prerequisites() (for_course() includes it) or "
            "learnplat.courses.querysets.attach_prerequisite_ids()",
        )

    def to_representation(self, data: Any) -> list[int]:
        return list(data)


@extend_schema_field({"type": "integer", "nullable": True})
class TaskGroupField(serializers.PrimaryKeyRelatedField):
    """An assignment group of the task's course by id, or null; groups of other courses
    are "not found", as unknown ids are."""

    def get_queryset(self) -> Any:
        parent: Any = self.parent
        instance = getattr(parent, "instance", None)
        course = instance.course if isinstance(instance, Task) else self.context.get("course")
        return AssignmentGroup.objects.filter(course=course)


@extend_schema_field({"type": "integer", "nullable": True})
class TaskRubricField(serializers.PrimaryKeyRelatedField):
    """A current rubric of the task's course by id, or null. Other courses' rubrics, old
    versions and unknown ids are refused alike (by the flow, on ``rubric``)."""

    def get_queryset(self) -> Any:
        return Rubric.objects.all()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)

    def to_representation(self, value: Any) -> Any:
        return value.pk if hasattr(value, "pk") else value


class TaskSerializer(
    CompleteResponseMixin, RejectUnknownFieldsMixin, serializers.ModelSerializer[Task]
):
    """A task. ``config`` is written by course staff and shown only to them; students read
    ``public_config``."""

    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The course's slug."
    )
    description = DescriptionField()
    kind = serializers.CharField(
        max_length=TASK_KIND_MAX_LENGTH,
        help_text="A kind of LEARNPLAT['EVALUATORS']; built in: exact, choice, numeric, regex, "
        "manual, external.",
    )
    config = serializers.JSONField(
        required=False,
        help_text="The evaluator's configuration, answer keys included. Present only in "
        "answers to the course's staff and platform admins; validated by the kind's evaluator.",
    )
    public_config = serializers.SerializerMethodField(
        help_text="The part of config students may see (choices, ...)."
    )
    late_policy = LatePolicyField(required=False)
    group = TaskGroupField(
        required=False,
        allow_null=True,
        help_text="The id of the course's assignment group the task counts in; null: none.",
    )
    prerequisites: serializers.ListField = PrerequisitesField(
        help_text="Ids of tasks of the same course to complete first (no cycles)."
    )
    rubric = TaskRubricField(
        required=False,
        allow_null=True,
        help_text="The id of a current rubric of the course that grades the task, or null. "
        "`max_score` must be at least the rubric's points; on an automatically graded kind "
        "the automatic part is worth `max_score` minus the rubric's points (docs/grading.md, "
        "Rubrics).",
    )

    class Meta:
        model = Task
        fields: tuple[str, ...] = (
            "id",
            "course",
            *TASK_AUTHORED_FIELDS,
            "released_at",
            "public_config",
        )
        read_only_fields: tuple[str, ...] = ("id", "course", "released_at")
        response_optional_fields = ("config",)
        extra_kwargs = {
            "position": {"required": False, "help_text": "Order in the course; default: last."},
            "max_score": {"min_value": 0},
            "weight": {"min_value": 0},
            "max_attempts": {"min_value": 1},
            "daily_submission_limit": {
                "min_value": 1,
                "help_text": "Most submissions per student (or group) per course-local day; "
                "null for none (docs/accommodations.md, Daily submission budgets).",
            },
            "time_limit_minutes": {
                "min_value": 1,
                "help_text": "Minutes a student has from POST tasks/{id}/start/ (times their "
                "accommodation's multiplier, never past closes_at); null for untimed.",
            },
            "late_days_allowed": {
                "help_text": "Late work spends the student's late days (ceil of days late) "
                "before any deduction, while the bank and the course's per-task cap cover it."
            },
            "group_set": {
                "help_text": "The id of a group set of the course: students submit as groups of "
                "it (docs/accommodations.md, Groups); null for individual work."
            },
            "release": {
                "help_text": "When students see the scores: `immediate` (default), "
                "`after_due` (at each student's due date, extensions included; without a due "
                "date it waits for a manual release) or `manual` (POST tasks/{id}/release/)."
            },
            "released_at": {"help_text": "When staff released the scores, or null."},
        }

    def validate_kind(self, kind: str) -> str:
        if kind not in available_kinds():
            raise serializers.ValidationError(
                f"Unknown task kind {kind!r}. Available: {', '.join(available_kinds())}."
            )
        return kind

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in attrs.items() if k != "prerequisites"}
        # InvalidInput is a ValidationError: DRF reports it as these fields' errors.
        cleaned = clean_task(fields, current=self.instance)
        return {**attrs, **cleaned}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_public_config(self, task: Task) -> dict[str, Any]:
        try:
            return get_evaluator(task.kind).public_config(task.config)
        except (UnknownKind, KeyError, TypeError, ValueError):
            # A kind removed from EVALUATORS, or a config an evaluator no longer accepts:
            # show nothing rather than fail the whole course.
            return {}

    def to_representation(self, instance: Task) -> dict[str, Any]:
        # DRF's way: a hand-written one bought under 10 % of a task page's in-process read
        # (docs/performance.md, "Do the lean serializers earn their place?").
        data = super().to_representation(instance)
        if not sees_all_tasks(_caller(self), instance.course_id):
            data.pop("config", None)
        return data

    def create(self, validated_data: dict[str, Any]) -> Task:
        task = call_flow(
            authoring_flow.create_task,
            validated_data,
            course=self.context["course"],
            by=_caller(self),
        )
        return self._with_prerequisite_ids(task)

    def update(self, instance: Task, validated_data: dict[str, Any]) -> Task:
        task = call_flow(
            authoring_flow.update_task, validated_data, task=instance, by=_caller(self)
        )
        # Ids read before the update would answer the old prerequisites.
        return self._with_prerequisite_ids(task)

    def _with_prerequisite_ids(self, task: Task) -> Task:
        published_only = not sees_all_tasks(_caller(self), task.course_id)
        attach_prerequisite_ids([task], published_only=published_only)
        return task


class TaskReorderSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/tasks/reorder/``: every task id of the course, in the new order."""

    order = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=True,
        help_text="Ids of all the course's tasks, each once, first task first.",
    )

    def create(self, validated_data: dict[str, Any]) -> Course:
        return call_flow(
            authoring_flow.reorder_tasks, validated_data, course=self.context["course"]
        )


class CourseTaskInputSerializer(TaskSerializer):
    """A task inside ``POST courses/``: ``prerequisites`` are indices into that ``tasks``
    list (0-based), since the tasks have no ids yet."""

    prerequisites = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        max_length=MAX_PREREQUISITES,
        help_text="Indices (0-based) of other tasks in the same `tasks` list.",
    )

    class Meta(TaskSerializer.Meta):
        # A new course has no assignment groups yet.
        fields = tuple(
            f
            for f in TaskSerializer.Meta.fields
            if f not in {"id", "course", "released_at", "public_config", "group", "rubric"}
        )
        read_only_fields = ()


# -- courses ---------------------------------------------------------------------------------


class LetterCutOffSerializer(serializers.Serializer[Any]):
    """One cut-off of a letter scale: percents from ``min_percent`` up earn ``letter``."""

    letter = serializers.CharField(max_length=LETTER_MAX_LENGTH)
    min_percent = serializers.FloatField(min_value=0, max_value=100)


@extend_schema_field(LetterCutOffSerializer(many=True))
class LetterGradesField(serializers.JSONField):
    """``letter_grades``; validated by :func:`learnplat.courses.validation.clean_letter_grades`."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return clean_letter_grades(super().to_internal_value(data))
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.errors["letter_grades"]) from None


class CourseSerializer(
    CompleteResponseMixin, RejectUnknownFieldsMixin, serializers.ModelSerializer[Course]
):
    """A course as the catalog shows it. ``status`` changes only through publish/archive,
    ``instructors`` through enrollments, and the slug never changes."""

    description = DescriptionField()
    instructors = serializers.SerializerMethodField()
    task_count = serializers.SerializerMethodField(
        help_text="Tasks the caller can see: all for course staff, published ones otherwise."
    )
    is_enrolled = serializers.SerializerMethodField(
        help_text="Whether the caller is an active student of the course."
    )
    my_role = serializers.SerializerMethodField(
        help_text="The caller's active role in the course, or null."
    )
    letter_grades = LetterGradesField(
        required=False,
        help_text="Letter cut-offs, highest first (strictly decreasing min_percent from 0 to "
        "100, each letter once); [] for none.",
    )

    class Meta:
        model = Course
        fields: tuple[str, ...] = (
            "slug",
            "title",
            "description",
            "status",
            "enrollment_open",
            "capacity",
            "grading_policy",
            "grading_scheme",
            "letter_grades",
            "timezone",
            "late_days",
            "max_late_days_per_task",
            "published_at",
            "instructors",
            "task_count",
            "is_enrolled",
            "my_role",
            "created",
            "modified",
        )
        read_only_fields: tuple[str, ...] = (
            "slug",
            "status",
            "published_at",
            "created",
            "modified",
        )

    # Every course reaches these through Course.objects.for_listing() or for_student();
    # one read without is a MissingAnnotation, not a query per course.

    def _my_role(self, course: Course) -> str | None:
        role: str | None = annotation(course, "my_role", "Course.objects.with_caller(user)")
        return role

    @extend_schema_field(UserSummarySerializer(many=True))
    def get_instructors(self, course: Course) -> Any:
        return annotation(course, "instructor_summaries", "Course.objects.with_instructors()")

    def get_task_count(self, course: Course) -> int:
        sees_all = is_platform_admin(_caller(self)) or self._my_role(course) in STAFF_ROLES
        name = "task_count" if sees_all else "published_task_count"
        return int(annotation(course, name, "Course.objects.with_task_counts()"))

    def get_is_enrolled(self, course: Course) -> bool:
        return bool(annotation(course, "is_enrolled", "Course.objects.with_caller(user)"))

    @extend_schema_field(
        serializers.ChoiceField(choices=CourseRole.choices, allow_null=True, read_only=True)
    )
    def get_my_role(self, course: Course) -> str | None:
        return self._my_role(course)

    def update(self, instance: Course, validated_data: dict[str, Any]) -> Course:
        return call_flow(
            authoring_flow.update_course, validated_data, course=instance, by=_caller(self)
        )

    def to_representation(self, instance: Course) -> dict[str, Any]:
        # The catalog's 20 courses, field by field as DRF writes them but without its
        # per-field machinery; subclasses (the detail, a host's own) take DRF's way.
        if type(self) is not CourseSerializer:
            return super().to_representation(instance)
        course: Any = instance
        return {
            "slug": course.slug,
            "title": course.title,
            "description": course.description,
            "status": course.status,
            "enrollment_open": course.enrollment_open,
            "capacity": course.capacity,
            "grading_policy": course.grading_policy,
            "grading_scheme": course.grading_scheme,
            "letter_grades": course.letter_grades,
            "timezone": course.timezone,
            "late_days": course.late_days,
            "max_late_days_per_task": course.max_late_days_per_task,
            "published_at": datetime_json(course.published_at),
            "instructors": self.get_instructors(course),
            "task_count": self.get_task_count(course),
            "is_enrolled": self.get_is_enrolled(course),
            "my_role": self.get_my_role(course),
            "created": datetime_json(course.created),
            "modified": datetime_json(course.modified),
        }


class CourseDetailSerializer(CourseSerializer):
    """A course with the tasks the caller may see (none for non-members; unpublished ones
    only for staff)."""

    tasks = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = (*CourseSerializer.Meta.fields, "tasks")

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, course: Course) -> Any:
        tasks = annotation(
            course,
            "visible_tasks",
            "Task.objects.for_course(course, user), its list set as course.visible_tasks "
            "(as CourseViewSet does)",
        )
        return TaskSerializer(tasks, many=True, context=self.context).data


class CourseCreateSerializer(CourseSerializer):
    """``POST courses/``: the course, and optionally its tasks, in one transaction."""

    slug = serializers.SlugField(
        max_length=SLUG_MAX_LENGTH,
        required=False,
        help_text="Generated from the title when absent (intro, intro-2, ...). Never changes.",
    )
    tasks = CourseTaskInputSerializer(many=True, required=False, write_only=True)

    class Meta(CourseSerializer.Meta):
        fields = (*CourseSerializer.Meta.fields, "tasks")
        read_only_fields = ("status", "published_at", "created", "modified")

    def validate_slug(self, slug: str) -> str:
        if Course.objects.filter(slug=slug).exists():
            raise serializers.ValidationError("A course with this slug already exists.")
        return slug

    def create(self, validated_data: dict[str, Any]) -> Course:
        return call_flow(authoring_flow.create_course, validated_data, creator=_caller(self))


# -- assignment groups -----------------------------------------------------------------------


class AssignmentGroupSerializer(
    CompleteResponseMixin, RejectUnknownFieldsMixin, serializers.ModelSerializer[AssignmentGroup]
):
    """An assignment group of a course: under ``weighted`` it weighs ``weight`` percent of
    the course; under both schemes it drops each student's ``drop_lowest`` lowest task
    percentages (never its last task)."""

    name = serializers.CharField(max_length=GROUP_NAME_MAX_LENGTH)

    class Meta:
        model = AssignmentGroup
        fields = ("id", "name", "weight", "drop_lowest", "position")
        read_only_fields = ("id",)
        extra_kwargs = {
            "weight": {
                "required": False,
                "help_text": "Percent of the course under the weighted scheme (0 to 100; the "
                "groups' weights add up to at most 100, what is left weighs the tasks outside "
                "any group). Default 0.",
            },
            "drop_lowest": {
                "required": False,
                "help_text": "How many of each student's lowest task percentages the group "
                "drops (never its last task). Default 0.",
            },
            "position": {"required": False, "help_text": "Order in the course; default: last."},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        checked = {k: attrs[k] for k in ("name", "weight", "drop_lowest") if k in attrs}
        # InvalidInput is a ValidationError: DRF reports it as these fields' errors.
        return {**attrs, **check_group_fields(**checked)}

    def get_validators(self) -> list[Any]:
        # The unique (course, name) constraint is checked by the flow under the course lock.
        return []

    def create(self, validated_data: dict[str, Any]) -> AssignmentGroup:
        return call_flow(
            grading_config_flow.create_group,
            validated_data,
            course=self.context["course"],
            by=_caller(self),
        )

    def update(self, instance: AssignmentGroup, validated_data: dict[str, Any]) -> AssignmentGroup:
        return call_flow(
            grading_config_flow.update_group, validated_data, group=instance, by=_caller(self)
        )


# -- enrollments -----------------------------------------------------------------------------


class EnrollmentSerializer(serializers.ModelSerializer[Enrollment]):
    """A membership of a course; changes only through the enroll and enrollments endpoints."""

    user = UserSummarySerializer(read_only=True)
    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The course's slug."
    )

    class Meta:
        model = Enrollment
        fields = ("id", "user", "course", "role", "status", "section", "created", "modified")
        read_only_fields = fields
        extra_kwargs = {
            "section": {"help_text": "The id of the user's section of the course, or null."}
        }


class CourseSectionField(serializers.PrimaryKeyRelatedField):
    """A section of the view's course by id; sections of other courses are "not found"."""

    def get_queryset(self) -> Any:
        return Section.objects.filter(course=self.context["course"])


class EnrollmentUpdateSerializer(RejectUnknownFieldsMixin, EnrollmentSerializer):
    """``PATCH courses/{slug}/enrollments/{id}/``: move the member to another section.
    Only ``section`` is written; the other fields of an enrollment are read-only here (sent
    back unchanged, they are ignored), and a key that is not a field is a 400."""

    section = CourseSectionField(
        allow_null=True,
        required=False,
        help_text="A section of the course (id), or null for none. Students only: a staff "
        "member may only be taken out of a section.",
    )

    def update(self, instance: Enrollment, validated_data: dict[str, Any]) -> Enrollment:
        data = dict(validated_data)
        section = data.pop("section", instance.section)
        return call_flow(
            sections_flow.assign_section,
            data,
            enrollment=instance,
            section=section,
            by=_caller(self),
        )


#: The keys that name the person of ``POST courses/{slug}/enrollments/``; exactly one is given.
PERSON_KEYS = ("user", "username", "email")


class EnrollmentCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/enrollments/``: add a user, change a member's role, or bring
    back one who dropped. Name the person by exactly one of ``user`` (id), ``username`` and
    ``email``."""

    # validated_data["user"] is the user whichever key named them, so the flow (and a host
    # serializer's extra fields) never see username or email.

    user = UserField(required=False, help_text="The user's id. Give one of user, username, email.")
    username = UsernameField(
        required=False, help_text="The user's username (any case), instead of `user`."
    )
    email = UserEmailField(
        required=False, help_text="The user's e-mail address (any case), instead of `user`."
    )
    role = serializers.ChoiceField(choices=CourseRole.choices, default=CourseRole.STUDENT)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [key for key in PERSON_KEYS if key in attrs]
        if len(named) != 1:
            # A body-wide error: DRF reports it under non_field_errors.
            raise serializers.ValidationError(
                "Give exactly one of user (id), username or email"
                + (f"; got {', '.join(named)}." if named else ".")
            )
        person = attrs[named[0]]
        rest = {key: value for key, value in attrs.items() if key not in PERSON_KEYS}
        return {**rest, "user": person}

    def create(self, validated_data: dict[str, Any]) -> Enrollment:
        return call_flow(
            enrollment_flow.add_enrollment,
            validated_data,
            course=self.context["course"],
            added_by=_caller(self),
        )


# -- extensions ------------------------------------------------------------------------------


class ExtensionSerializer(CompleteResponseMixin, serializers.ModelSerializer[Extension]):
    """A per-user due date for one task (``task``) or every task of the course (null)."""

    user = UserSummarySerializer(read_only=True)
    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The course's slug."
    )
    granted_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Extension
        fields = (
            "id",
            "user",
            "course",
            "task",
            "due_at",
            "reason",
            "granted_by",
            "created",
            "modified",
        )
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class CourseTaskField(serializers.PrimaryKeyRelatedField):
    """A task of the view's course by id; tasks of other courses are "not found"."""

    def get_queryset(self) -> Any:
        return Task.objects.filter(course=self.context["course"])


class ExtensionCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/extensions/``: grant or replace an extension."""

    user = UserField(help_text="An enrolled student of the course.")
    task = CourseTaskField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A task of the course; absent or null: every task of the course.",
    )
    due_at = serializers.DateTimeField()
    reason = DescriptionField(help_text="Why; shown to staff.")

    def create(self, validated_data: dict[str, Any]) -> Extension:
        return call_flow(
            deadlines_flow.grant_extension,
            validated_data,
            granted_by=_caller(self),
            course=self.context["course"],
        )


# -- sections ----------------------------------------------------------------------------


class SectionDateSerializer(serializers.Serializer[Any]):
    """One task's dates in a section; a null date keeps the task's own."""

    task = serializers.IntegerField(help_text="The id of a task of the course.")
    opens_at = serializers.DateTimeField(allow_null=True, required=False, default=None)
    due_at = serializers.DateTimeField(allow_null=True, required=False, default=None)
    closes_at = serializers.DateTimeField(allow_null=True, required=False, default=None)


class SectionSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """A section of a course: its staff and its own dates per task. Writes replace `staff`
    and `dates` whole (docs/accommodations.md, Sections)."""

    # Read from learnplat.courses.querysets.section_listing(), which prefetches staff and dates.

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    staff = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="User ids, each an instructor or assistant of the course.",
    )
    dates = SectionDateSerializer(
        many=True,
        required=False,
        help_text="Per task, dates inside the task's own opens_at/closes_at window.",
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "name": instance.name,
            "staff": sorted(member.pk for member in instance.staff.all()),
            "dates": [
                {
                    "task": date.task_id,
                    "opens_at": _iso(date.opens_at),
                    "due_at": _iso(date.due_at),
                    "closes_at": _iso(date.closes_at),
                }
                for date in instance.dates.all()
            ],
        }

    def create(self, validated_data: dict[str, Any]) -> Any:
        return call_flow(
            sections_flow.create_section,
            validated_data,
            course=self.context["course"],
            by=_caller(self),
        )

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return call_flow(
            sections_flow.update_section, validated_data, section=instance, by=_caller(self)
        )


class SectionAssignSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="A UTF-8 CSV with the header `username,section`: a section's name, or "
        "empty for none. At most `LEARNPLAT['GRADING']['IMPORT_MAX_BYTES']` bytes and "
        "`IMPORT_MAX_ROWS` rows.",
        allow_empty_file=True,
    )
    dry_run = DryRunField(
        default=True,
        help_text="True (the default): answer the moves and errors, write nothing. False: "
        "apply them, unless any row has an error.",
    )


class SectionSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class SectionAssignChangeSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(read_only=True, help_text="The CSV line (the header is 1).")
    user = UserSummarySerializer(read_only=True)
    old_section = SectionSummarySerializer(
        read_only=True, allow_null=True, help_text="The student's section now (null: none)."
    )
    new_section = SectionSummarySerializer(
        read_only=True, allow_null=True, help_text="The section the file gives (null: none)."
    )


class SectionAssignResultSerializer(serializers.Serializer[Any]):
    changes = SectionAssignChangeSerializer(many=True, read_only=True)
    # The metaclass moves declared fields off the class, so ``Serializer.errors`` stays.
    errors = CSVRowErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]
    applied = serializers.BooleanField(
        read_only=True, help_text="Whether the moves were written (never on a dry run)."
    )


def _section_json(section: Section | None) -> dict[str, Any] | None:
    return None if section is None else {"id": section.pk, "name": section.name}


def section_assign_json(result: sections_flow.AssignResult) -> dict[str, Any]:
    """``SectionAssignResultSerializer``'s fields for the flow's result."""
    return {
        "changes": [
            {
                "row": change.row,
                "user": user_summary_json(change.enrollment.user),
                "old_section": _section_json(change.old),
                "new_section": _section_json(change.new),
            }
            for change in result.changes
        ],
        "errors": [{"row": error.row, "detail": error.detail} for error in result.errors],
        "applied": result.applied,
    }


def _iso(value: Any) -> str | None:
    return serializers.DateTimeField().to_representation(value) if value else None


# -- accommodations --------------------------------------------------------------------------


class AccommodationSerializer(CompleteResponseMixin, serializers.ModelSerializer[Accommodation]):
    """What one student gets beyond the rules (docs/accommodations.md, Accommodations)."""

    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Accommodation
        fields = (
            "id",
            "user",
            "time_multiplier",
            "extra_late_days",
            "bonus_submissions",
            "note",
            "created",
            "modified",
        )
        read_only_fields = fields


_MULTIPLIER_HELP = "Multiplies every timed task's limit: more than 0, at most 10 (1.5 = 50 % more)."


class AccommodationCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/accommodations/``: one per student (a second one is a 400 on
    ``user``)."""

    user = UserField(help_text="An enrolled student of the course.")
    time_multiplier = serializers.FloatField(required=False, help_text=_MULTIPLIER_HELP)
    extra_late_days = serializers.IntegerField(
        required=False, help_text="Added to the course's late-day bank; 0 or more."
    )
    bonus_submissions = serializers.IntegerField(
        required=False, help_text="Added to every daily submission limit; 0 or more."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Seen by course staff only."
    )

    def create(self, validated_data: dict[str, Any]) -> Accommodation:
        return call_flow(
            accommodations_flow.create_accommodation,
            validated_data,
            course=self.context["course"],
        )


class AccommodationUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``PATCH courses/{slug}/accommodations/{id}/``: the fields sent change; the student
    does not."""

    user = serializers.IntegerField(
        read_only=True, help_text="Read-only: an accommodation keeps its student."
    )
    time_multiplier = serializers.FloatField(required=False, help_text=_MULTIPLIER_HELP)
    extra_late_days = serializers.IntegerField(
        required=False,
        help_text="0 or more; fewer never takes back days already spent.",
    )
    bonus_submissions = serializers.IntegerField(required=False, help_text="0 or more.")
    note = serializers.CharField(required=False, allow_blank=True)

    def update(self, instance: Accommodation, validated_data: dict[str, Any]) -> Accommodation:
        return call_flow(
            accommodations_flow.update_accommodation, validated_data, accommodation=instance
        )


# -- rubrics ---------------------------------------------------------------------------------


class RubricLevelSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """One level of a criterion: picking it gives ``points``."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    points = serializers.FloatField(
        min_value=0, help_text="At least 0; each level of a criterion is worth its own points."
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RubricCriterionSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """One criterion; a grader picks one of its ``levels`` (in the order given)."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    levels = RubricLevelSerializer(many=True, help_text="At least one level.")


class RubricSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """A rubric of a course. Writes replace ``criteria`` whole (list order is position);
    a rubric already used to grade gets a new version instead (``version`` + 1, new ids),
    which the course's tasks move to (docs/grading.md, Rubrics)."""

    # Read from learnplat.courses.querysets.rubric_listing(), which prefetches the criteria
    # and levels and annotates in_use.

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    version = serializers.IntegerField(
        read_only=True, help_text="1, then one more for each edit after the rubric was used."
    )
    is_current = serializers.BooleanField(
        read_only=True, help_text="False for a version a later edit replaced."
    )
    max_points = serializers.SerializerMethodField(
        help_text="The most points the rubric gives: the best level of each criterion, summed."
    )
    in_use = serializers.SerializerMethodField(
        help_text="Whether a submission was graded with this version (an edit then makes a "
        "new version)."
    )
    criteria = RubricCriterionSerializer(many=True, help_text="At least one criterion.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "title": instance.title,
            "version": instance.version,
            "is_current": instance.is_current,
            "max_points": self.get_max_points(instance),
            "in_use": self.get_in_use(instance),
            "criteria": [
                {
                    "id": criterion.pk,
                    "title": criterion.title,
                    "description": criterion.description,
                    "levels": [
                        {
                            "id": level.pk,
                            "title": level.title,
                            "points": level.points,
                            "description": level.description,
                        }
                        for level in criterion.levels.all()
                    ],
                }
                for criterion in instance.criteria.all()
            ],
        }

    def get_max_points(self, instance: Any) -> float:
        return float(
            sum(
                max((level.points for level in criterion.levels.all()), default=0.0)
                for criterion in instance.criteria.all()
            )
        )

    def get_in_use(self, instance: Any) -> bool:
        return bool(annotation(instance, "in_use", "learnplat.courses.querysets.rubric_listing"))

    def create(self, validated_data: dict[str, Any]) -> Any:
        return call_flow(
            rubrics_flow.create_rubric,
            validated_data,
            course=self.context["course"],
            by=_caller(self),
        )

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return call_flow(
            rubrics_flow.update_rubric, validated_data, rubric=instance, by=_caller(self)
        )


class RubricCopySerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST courses/{slug}/rubrics/{id}/copy/``: the course to copy the rubric to."""

    course = serializers.SlugField(
        max_length=SLUG_MAX_LENGTH,
        help_text="The slug of a course you teach (instructor or assistant); the same course "
        "makes a duplicate.",
    )


# -- forming groups ----------------------------------------------------------------------


def _caller_of(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class GroupSetSerializer(
    RejectUnknownFieldsMixin, CompleteResponseMixin, serializers.Serializer[Any]
):
    """A way of splitting a course's students into groups (docs/accommodations.md, Groups).
    A PATCH changes the fields sent."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    min_size = serializers.IntegerField(
        required=False, help_text="The fewest active members a group needs to submit (≥ 1)."
    )
    max_size = serializers.IntegerField(
        required=False,
        help_text=f"The most members a group may have (min_size to "
        f"{group_formation_flow.GROUP_SIZE_MAX}); never below the largest group's size.",
    )
    self_signup = serializers.BooleanField(
        required=False,
        help_text="Students create, join (by invitation) and leave groups themselves; "
        "when false only staff form them.",
    )

    def create(self, validated_data: dict[str, Any]) -> GroupSet:
        return call_flow(
            group_formation_flow.create_group_set, validated_data, course=self.context["course"]
        )

    def update(self, instance: GroupSet, validated_data: dict[str, Any]) -> GroupSet:
        return call_flow(group_formation_flow.update_group_set, validated_data, group_set=instance)


class GroupInvitationSerializer(
    CompleteResponseMixin, serializers.ModelSerializer[GroupInvitation]
):
    """An invitation into a group."""

    user = UserSummarySerializer(read_only=True)
    invited_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = GroupInvitation
        fields = ("id", "group", "user", "invited_by", "status", "created")
        read_only_fields = fields


class StudentGroupSerializer(CompleteResponseMixin, serializers.ModelSerializer[StudentGroup]):
    """A group of a group set with its members and its pending invitations."""

    # Read from learnplat.courses.querysets.group_listing(), which prefetches both.

    members = serializers.SerializerMethodField(help_text="In the order they joined.")
    invitations = serializers.SerializerMethodField(help_text="The pending ones.")
    size = serializers.SerializerMethodField()

    class Meta:
        model = StudentGroup
        fields = ("id", "group_set", "name", "locked_at", "size", "members", "invitations")
        read_only_fields = fields
        extra_kwargs = {
            "locked_at": {
                "help_text": "The group's first submission; membership is frozen from then on."
            }
        }

    @extend_schema_field(UserSummarySerializer(many=True))
    def get_members(self, group: StudentGroup) -> list[dict[str, Any]]:
        return [user_summary_json(m.user) for m in group.memberships.all()]

    @extend_schema_field(GroupInvitationSerializer(many=True))
    def get_invitations(self, group: StudentGroup) -> Any:
        pending = [i for i in group.invitations.all() if i.status == "pending"]
        return GroupInvitationSerializer(pending, many=True, context=self.context).data

    def get_size(self, group: StudentGroup) -> int:
        return len(group.memberships.all())


class StudentGroupCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST group-sets/{id}/groups/``: a student creates a group with themselves in it;
    staff form one with ``members``."""

    name = serializers.CharField(
        required=False, max_length=100, help_text='Unique in the set; "Group N" when omitted.'
    )
    members = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Staff only: user ids of enrolled students, at most the set's max_size.",
    )

    def create(self, validated_data: dict[str, Any]) -> StudentGroup:
        return call_flow(
            group_formation_flow.create_group,
            validated_data,
            group_set=self.context["group_set"],
            by=_caller_of(self),
            as_staff=self.context["as_staff"],
        )


class StudentGroupUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``PATCH groups/{id}/`` (staff): rename, or replace the members whole."""

    name = serializers.CharField(required=False, max_length=100)
    members = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="User ids of enrolled students; refused (409 group_locked) once the group "
        "has submitted.",
    )

    def update(self, instance: StudentGroup, validated_data: dict[str, Any]) -> StudentGroup:
        return call_flow(group_formation_flow.update_group, validated_data, group=instance)


class GroupInviteSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """``POST groups/{id}/invite/``."""

    username = serializers.CharField(
        max_length=150, help_text="An enrolled student of the course (any case)."
    )
