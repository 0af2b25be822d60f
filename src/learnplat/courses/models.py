"""Courses, their tasks, who is enrolled in them, and per-user deadline extensions.

The models hold data and invariants only; writes that touch several rows are in
``learnplat.flows`` and reads in ``learnplat.courses.querysets``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from learnplat.courses.choices import (
    CourseRole,
    CourseStatus,
    EnrollmentStatus,
    GradingPolicy,
    GradingScheme,
    InvitationStatus,
    ReleaseMode,
)
from learnplat.courses.querysets import (
    CourseQuerySet,
    EnrollmentQuerySet,
    ExtensionQuerySet,
    TaskQuerySet,
)

SLUG_MAX_LENGTH = 80
#: Bounds of ``Accommodation.time_multiplier`` (exclusive minimum, inclusive maximum).
TIME_MULTIPLIER_MAX = 10.0


def site_timezone() -> str:
    """A new course's time zone: the site's ``TIME_ZONE``."""
    return str(settings.TIME_ZONE or "UTC")


#: The longest task kind (a key of ``LEARNPLAT["EVALUATORS"]``).
TASK_KIND_MAX_LENGTH = 50


class Course(TimeStampedModel):
    """A course: its catalog data and lifecycle (draft → published → archived)."""

    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        help_text=_("The course's address in the API; generated from the title when empty."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    enrollment_open = models.BooleanField(_("enrollment open"), default=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Most active students; empty = no limit.")
    )
    grading_policy = models.CharField(
        _("grading policy"),
        max_length=16,
        choices=GradingPolicy.choices,
        default=GradingPolicy.BEST,
    )
    grading_scheme = models.CharField(
        _("grading scheme"),
        max_length=16,
        choices=GradingScheme.choices,
        default=GradingScheme.POINTS,
    )
    letter_grades = models.JSONField(
        _("letter grades"),
        default=list,
        blank=True,
        help_text=_('Cut-offs, highest first: [{"letter": "A", "min_percent": 90}, ...].'),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=site_timezone,
        help_text=_("IANA name; daily submission budgets reset at this zone's midnight."),
    )
    late_days = models.PositiveIntegerField(
        _("late days"), default=0, help_text=_("Each student's bank of late days; 0 = none.")
    )
    max_late_days_per_task = models.PositiveIntegerField(
        _("most late days per task"), null=True, blank=True, help_text=_("Empty = no cap.")
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "id")
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["status", "-created"], name="lp_course_status_created")]

    def __str__(self) -> str:
        return self.title


class Enrollment(TimeStampedModel):
    """A user's membership of a course, as student or as staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(
        _("course role"), max_length=16, choices=CourseRole.choices, default=CourseRole.STUDENT
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )

    section = models.ForeignKey(
        "Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("section"),
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ("course_id", "id")
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="lp_enrollment_unique_user_course"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "role", "status"], name="lp_enrollment_course_role"),
            models.Index(fields=["user", "status"], name="lp_enrollment_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role}, {self.status})"


class AssignmentGroup(models.Model):
    """A weighted group of a course's tasks ("Homework 40%, drop the lowest 2").

    Under the ``weighted`` scheme a group contributes ``weight`` percent of the course from
    its own percentage; under ``points`` its weight is ignored and only ``drop_lowest``
    matters. docs/grading.md has the arithmetic.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignment_groups")
    name = models.CharField(_("name"), max_length=100)
    weight = models.FloatField(
        _("weight"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
        help_text=_("Percent of the course under the weighted scheme."),
    )
    drop_lowest = models.PositiveIntegerField(
        _("drop lowest"),
        default=0,
        help_text=_("How many of each student's lowest task percentages the group drops."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("course_id", "position", "id")
        verbose_name = _("assignment group")
        verbose_name_plural = _("assignment groups")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="lp_assignmentgroup_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100),
                name="lp_assignmentgroup_weight_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rubric(TimeStampedModel):
    """A course's scoring guide: criteria, each with levels worth points.

    A rubric that has graded a submission is never edited in place: an edit makes a new
    version (a new row whose ``supersedes`` is the old one) and moves the tasks to it, so
    every stored assessment keeps pointing at the criteria and levels it was graded with
    (decision 0020). ``is_current`` is false on the versions that were replaced.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="rubrics")
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces version"),
    )
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        ordering = ("course_id", "title", "id")
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        indexes = [models.Index(fields=["course", "is_current"], name="lp_rubric_course_current")]

    def __str__(self) -> str:
        return self.title if self.version == 1 else f"{self.title} (v{self.version})"


class RubricCriterion(models.Model):
    """One row of a rubric ("Style"), scored by picking one of its levels."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("rubric_id", "position", "id")
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self) -> str:
        return self.title


class RubricLevel(models.Model):
    """One choosable level of a criterion ("Clear, idiomatic code": 4 points)."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    title = models.CharField(_("title"), max_length=200)
    points = models.FloatField(_("points"), validators=[MinValueValidator(0.0)])
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("criterion_id", "position", "id")
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="lp_rubriclevel_points_gte_0"),
            models.UniqueConstraint(
                fields=["criterion", "points"], name="lp_rubriclevel_unique_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.points:g})"


#: The fields of a task its authors write, in the order the API shows them.
TASK_AUTHORED_FIELDS = (
    "title",
    "description",
    "kind",
    "position",
    "max_score",
    "weight",
    "group",
    "opens_at",
    "due_at",
    "closes_at",
    "max_attempts",
    "late_policy",
    "prerequisites",
    "is_published",
    "release",
    "anonymous_grading",
    "rubric",
    "daily_submission_limit",
    "time_limit_minutes",
    "late_days_allowed",
    "group_set",
    "config",
)


class Task(TimeStampedModel):
    """An exercise of a course; ``kind`` names its evaluator in ``LEARNPLAT["EVALUATORS"]``."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=TASK_KIND_MAX_LENGTH)
    config = models.JSONField(_("config"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    max_score = models.FloatField(_("max score"), default=1.0, validators=[MinValueValidator(0.0)])
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0)])
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    max_attempts = models.PositiveIntegerField(
        _("max attempts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty = unlimited."),
    )
    late_policy = models.JSONField(_("late policy"), default=dict, blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    is_published = models.BooleanField(_("published"), default=False)
    group = models.ForeignKey(
        AssignmentGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("assignment group"),
    )
    release = models.CharField(
        _("release"), max_length=16, choices=ReleaseMode.choices, default=ReleaseMode.IMMEDIATE
    )
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_("When staff released the scores (manual, or early for after_due)."),
    )
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("rubric"),
    )
    anonymous_grading = models.BooleanField(
        _("anonymous grading"),
        default=False,
        help_text=_("Staff see pseudonyms instead of students until the grade is released."),
    )
    daily_submission_limit = models.PositiveIntegerField(
        _("daily submission limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most submissions per student (or group) per course-local day; empty = none."),
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Minutes from the student's start; empty = untimed."),
    )
    late_days_allowed = models.BooleanField(
        _("late days allowed"),
        default=False,
        help_text=_("Late work spends the student's late days before any deduction."),
    )
    group_set = models.ForeignKey(
        "GroupSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("group set"),
        help_text=_("Students submit as groups of this set."),
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ("course_id", "position", "id")
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["course", "is_published", "position"], name="lp_task_course_pos"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gte=0), name="lp_task_max_score_gte_0"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="lp_task_weight_gte_0"),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1),
                name="lp_task_max_attempts_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(due_at__isnull=True)
                | Q(opens_at__lte=models.F("due_at")),
                name="lp_task_opens_before_due",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(due_at__lte=models.F("closes_at")),
                name="lp_task_due_before_close",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lte=models.F("closes_at")),
                name="lp_task_opens_before_close",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Extension(TimeStampedModel):
    """A per-user deadline override for one task, or for every task of a course (task empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_extensions"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="extensions")
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="extensions", null=True, blank=True
    )
    due_at = models.DateTimeField(_("extended due date"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = ExtensionQuerySet.as_manager()

    class Meta:
        ordering = ("course_id", "user_id", "id")
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task"],
                condition=Q(task__isnull=False),
                name="lp_extension_unique_user_task",
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(task__isnull=True),
                name="lp_extension_unique_user_course",
            ),
        ]
        indexes = [models.Index(fields=["course", "user"], name="lp_extension_course_user")]

    def __str__(self) -> str:
        target = self.task or self.course
        return f"{self.user}: {target} due {self.due_at:%Y-%m-%d %H:%M}"


class Accommodation(TimeStampedModel):
    """What one student of a course gets beyond the rules: more time, late days, submissions."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="accommodations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_accommodations"
    )
    time_multiplier = models.FloatField(
        _("time multiplier"),
        default=1.0,
        validators=[MaxValueValidator(TIME_MULTIPLIER_MAX)],
        help_text=_("Multiplies every timed task's limit (1.5 = 50 % extra time)."),
    )
    extra_late_days = models.PositiveIntegerField(_("extra late days"), default=0)
    bonus_submissions = models.PositiveIntegerField(
        _("bonus submissions"), default=0, help_text=_("Added to every daily submission limit.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Seen by course staff only."))

    class Meta:
        ordering = ("course_id", "id")
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="lp_accommodation_unique_user"),
            models.CheckConstraint(
                condition=Q(time_multiplier__gt=0) & Q(time_multiplier__lte=TIME_MULTIPLIER_MAX),
                name="lp_accommodation_multiplier_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class Section(TimeStampedModel):
    """A part of a course with its own staff and, per task, its own dates."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=100)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="learnplat_staffed_sections",
        blank=True,
        verbose_name=_("staff"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("course_id", "position", "id")
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="lp_section_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SectionDate(models.Model):
    """A section's own dates for one task; an empty date keeps the task's."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="dates")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="section_dates")
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        ordering = ("section_id", "task_id")
        verbose_name = _("section date")
        verbose_name_plural = _("section dates")
        constraints = [
            models.UniqueConstraint(fields=["section", "task"], name="lp_sectiondate_unique_task"),
        ]

    def __str__(self) -> str:
        return f"{self.section} · {self.task}"


class GroupSet(TimeStampedModel):
    """A way of splitting a course's students into groups, used by the tasks that name it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="group_sets")
    name = models.CharField(_("name"), max_length=100)
    min_size = models.PositiveIntegerField(
        _("smallest group"), default=1, validators=[MinValueValidator(1)]
    )
    max_size = models.PositiveIntegerField(
        _("largest group"), default=4, validators=[MinValueValidator(1)]
    )
    self_signup = models.BooleanField(
        _("self sign-up"), default=True, help_text=_("Students form their own groups.")
    )

    class Meta:
        ordering = ("course_id", "id")
        verbose_name = _("group set")
        verbose_name_plural = _("group sets")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="lp_groupset_unique_name"),
            models.CheckConstraint(condition=Q(min_size__gte=1), name="lp_groupset_min_gte_1"),
            models.CheckConstraint(
                condition=Q(max_size__gte=models.F("min_size")), name="lp_groupset_max_gte_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudentGroup(TimeStampedModel):
    """A group of students in a group set; ``locked_at`` is its first submission."""

    group_set = models.ForeignKey(GroupSet, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    locked_at = models.DateTimeField(
        _("locked at"),
        null=True,
        blank=True,
        help_text=_("Membership is frozen from the group's first submission on."),
    )

    class Meta:
        ordering = ("group_set_id", "id")
        verbose_name = _("student group")
        verbose_name_plural = _("student groups")
        constraints = [
            models.UniqueConstraint(fields=["group_set", "name"], name="lp_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def course(self) -> Course:
        """The set's course: what the course-role permissions read."""
        return self.group_set.course


class GroupMembership(models.Model):
    """A student in a group; ``group_set`` is repeated so one group per set is a constraint."""

    group = models.ForeignKey(StudentGroup, on_delete=models.CASCADE, related_name="memberships")
    group_set = models.ForeignKey(GroupSet, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learnplat_group_memberships",
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ("group_id", "joined_at", "id")
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["group_set", "user"], name="lp_groupmembership_one_per_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class GroupInvitation(TimeStampedModel):
    """An invitation of a student into a group, by one of its members (or staff)."""

    group = models.ForeignKey(StudentGroup, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learnplat_group_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )

    class Meta:
        ordering = ("group_id", "created", "id")
        verbose_name = _("group invitation")
        verbose_name_plural = _("group invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="lp_groupinvitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} to {self.group} ({self.status})"
