"""Read queries of the progress app.

Every progress and gradebook read is a fixed number of queries whatever the number of
students, tasks and submissions: the list is one query, its related rows one prefetch each.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from learnplat.courses.choices import CourseStatus, EnrollmentStatus
from learnplat.courses.querysets import TaskQuerySet
from learnplat.progress.choices import TaskProgressStatus, UpcomingStatus

if TYPE_CHECKING:
    from learnplat.courses.models import Course, Enrollment, Task
    from learnplat.progress.models import CourseProgress, TaskProgress  # noqa: F401

#: Enrollment statuses whose students the gradebook lists.
GRADEBOOK_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


class TaskProgressQuerySet(models.QuerySet["TaskProgress"]):
    def completed_task_ids(self, user: Any, task_ids: Iterable[int]) -> set[int]:
        """Which of ``task_ids`` ``user`` has completed (one query; prerequisites read it)."""
        ids = list(task_ids)
        if not ids or not getattr(user, "pk", None):
            return set()
        return set(
            self.filter(user=user, task_id__in=ids, completed=True).values_list(
                "task_id", flat=True
            )
        )

    def of_published_tasks(self) -> TaskProgressQuerySet:
        return self.filter(task__is_published=True)


class CourseProgressQuerySet(models.QuerySet["CourseProgress"]):
    pass


def published_tasks(course: Course | None = None) -> TaskQuerySet:
    """The tasks progress counts (of ``course``, or of every course), in course order."""
    from learnplat.courses.models import Task

    tasks = Task.objects.filter(is_published=True).order_by("position", "id")
    return tasks if course is None else tasks.filter(course=course)


def _progress_rows(course_rows: str, task_rows: str, **scope: Any) -> list[Prefetch]:
    """Prefetch the CourseProgress (``lp_course_rows``) and published-task TaskProgress
    (``lp_task_rows``) matching ``scope`` along the two relation paths."""
    from learnplat.progress.models import CourseProgress, TaskProgress

    return [
        Prefetch(course_rows, CourseProgress.objects.filter(**scope), to_attr="lp_course_rows"),
        Prefetch(
            task_rows,
            TaskProgress.objects.filter(**scope).of_published_tasks(),
            to_attr="lp_task_rows",
        ),
    ]


def my_course_enrollments(user: Any) -> models.QuerySet[Enrollment]:
    """``user``'s active student enrollments in courses they can see, progress prefetched.

    Turn a page of them into reports with :func:`reports_of_enrollments`.
    """
    from learnplat.courses.models import Course, Enrollment

    return (
        Enrollment.objects.active()
        .students()
        .filter(user=user, course__in=Course.objects.visible_to(user))
        .select_related("course")
        .prefetch_related(
            Prefetch(
                "course__tasks",
                published_tasks().with_effective_dates(user),
                to_attr="lp_published_tasks",
            ),
            Prefetch("course__assignment_groups", to_attr="lp_groups"),
            *_progress_rows("course__progress", "course__task_progress", user_id=user.pk),
        )
        .order_by("course__title", "course_id")
    )


# -- the to-do -------------------------------------------------------------------------------

#: Task progress statuses that mean the student's work waits for a grade.
AWAITING_GRADE = (TaskProgressStatus.PENDING, TaskProgressStatus.NEEDS_REVIEW)


def upcoming_tasks(
    user: Any, *, now: datetime, until: datetime, include_overdue: bool = True
) -> models.QuerySet[Task]:
    """``user``'s to-do: the published tasks of the published courses they take as an active
    student, not completed, whose effective due date (extensions applied) is between ``now``
    and ``until``, plus with ``include_overdue`` those past it but still open (no close, or
    an effective close at or after ``now``). Soonest effective due date first.

    One query for any number of courses and tasks. Each task gets ``effective_due_at``,
    ``effective_closes_at``, ``attempts_used`` (the highest attempt number, as the attempt
    limit counts) and ``upcoming_status`` (a :class:`UpcomingStatus`).
    """
    from learnplat.courses.models import Enrollment, Task
    from learnplat.progress.models import TaskProgress

    taking = (
        Enrollment.objects.active().students().filter(user=user, course_id=OuterRef("course_id"))
    )
    mine = TaskProgress.objects.filter(user=user, task_id=OuterRef("pk")).order_by()
    window = Q(effective_due_at__gte=now, effective_due_at__lte=until)
    if include_overdue:
        still_open = Q(effective_closes_at__isnull=True) | Q(effective_closes_at__gte=now)
        window |= Q(effective_due_at__lt=now) & still_open
    # django-stubs does not see the annotations that with_effective_dates() adds.
    return (
        Task.objects.published()  # type: ignore[misc]
        .filter(Exists(taking), course__status=CourseStatus.PUBLISHED)
        .exclude(Exists(mine.filter(completed=True)))
        .with_effective_dates(user)
        .filter(window)
        .alias(lp_progress_status=Subquery(mine.values("status")[:1]))
        .annotate(
            attempts_used=Coalesce(Subquery(mine.values("last_attempt")[:1]), 0),
            upcoming_status=Case(
                When(lp_progress_status__in=AWAITING_GRADE, then=F("lp_progress_status")),
                When(effective_due_at__lt=now, then=Value(UpcomingStatus.OVERDUE)),
                When(
                    lp_progress_status=TaskProgressStatus.ATTEMPTED,
                    then=Value(UpcomingStatus.ATTEMPTED),
                ),
                default=Value(UpcomingStatus.NOT_STARTED),
                output_field=models.CharField(),
            ),
        )
        .select_related("course")
        .order_by("effective_due_at", "course__title", "course_id", "position", "id")
    )


# -- the gradebook ---------------------------------------------------------------------------


def username_field() -> str:
    return str(get_user_model().USERNAME_FIELD)


def gradebook_students(course: Course) -> models.QuerySet[Enrollment]:
    """The course's students, with their course figures annotated for ordering.

    Annotations: ``username``, ``score``, ``percent``, ``tasks_completed``, ``completed_at``
    (zeros and null before a student's first submission).
    """
    from learnplat.courses.models import Enrollment
    from learnplat.progress.models import CourseProgress

    mine = CourseProgress.objects.filter(course=course, user_id=OuterRef("user_id"))

    def figure(name: str, default: Any) -> Any:
        value = Subquery(mine.values(name)[:1])
        return value if default is None else Coalesce(value, Value(default))

    return (
        Enrollment.objects.students()
        .filter(course=course, status__in=GRADEBOOK_STATUSES)
        .select_related("user")
        .annotate(
            username=F(f"user__{username_field()}"),
            score=figure("score", 0.0),
            percent=figure("percent", 0.0),
            tasks_completed=figure("tasks_completed", 0),
            completed_at=figure("completed_at", None),
        )
        .order_by("username", "user_id")
    )


#: The TaskProgress and CourseProgress fields a gradebook page reads.
GRADEBOOK_TASK_FIELDS = (
    "user_id",
    "task_id",
    "score",
    "best_score",
    "attempts",
    "status",
    "completed",
    # For the figures of rows that leave a masked task out (anonymous grading).
    "completed_at",
)
GRADEBOOK_COURSE_FIELDS = (
    "user_id", "score", "max_score", "percent", "tasks_completed", "tasks_total", "completed_at",
    "letter", "groups",
)  # fmt: skip


def gradebook_rows(course: Course, user_ids: Iterable[int]) -> tuple[list[Any], list[Any]]:
    """The CourseProgress and published-task TaskProgress rows of ``user_ids`` in ``course``,
    as named tuples with the model fields' names (two queries; a page of 100 students x 30
    tasks builds no model objects)."""
    from learnplat.progress.models import CourseProgress, TaskProgress

    ids = list(user_ids)
    course_rows = list(
        CourseProgress.objects.filter(course=course, user_id__in=ids)
        .order_by()
        .values_list(*GRADEBOOK_COURSE_FIELDS, named=True)
    )
    task_rows = list(
        TaskProgress.objects.filter(course=course, user_id__in=ids)
        .of_published_tasks()
        .order_by()
        .values_list(*GRADEBOOK_TASK_FIELDS, named=True)
    )
    return course_rows, task_rows


def student_groups(
    course: Any, user_ids: list[int] | None = None
) -> dict[int, dict[int, tuple[int, str]]]:
    """Each student's groups in ``course`` (of ``user_ids``, or everyone's): user id → group
    set id → (group id, group name). One query."""
    from learnplat.courses.models import GroupMembership

    rows = GroupMembership.objects.filter(group_set__course=course)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    found: dict[int, dict[int, tuple[int, str]]] = {}
    for user_id, set_id, group_id, name in rows.values_list(
        "user_id", "group_set_id", "group_id", "group__name"
    ):
        found.setdefault(user_id, {})[set_id] = (group_id, str(name))
    return found


def group_sets_of(course: Any) -> list[tuple[int, str]]:
    """``(id, name)`` of the course's group sets, in creation order (the CSV's group
    columns). One query."""
    from learnplat.courses.models import GroupSet

    return [
        (pk, str(name))
        for pk, name in GroupSet.objects.filter(course=course)
        .order_by("id")
        .values_list("id", "name")
    ]
