"""Read queries of the courses app: every join, count and visibility rule lives here.

The API's lists are built from the ``for_*`` methods, which annotate and prefetch what the
serializers read, so a list runs the same number of queries whatever its page size::

    Course.objects.for_listing(request.user)        # the catalog, with the caller's flags
    Task.objects.for_course(course, request.user)   # the tasks of a course the caller may see
    Enrollment.objects.for_course(course)           # members with their users
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from learnplat.roles import is_platform_admin

if TYPE_CHECKING:
    from learnplat.courses.models import Course, Enrollment, Extension, Task  # noqa: F401

#: Per-request cache of course roles, kept on the user object like the platform role.
COURSE_ROLE_CACHE_ATTR = "_learnplat_course_roles"

#: Course statuses in which enrolled students still see a course and its published tasks.
STUDENT_VISIBLE_STATUSES = ("published", "archived")


def _staff_roles() -> tuple[str, ...]:
    from learnplat.courses.models import STAFF_ROLES

    return tuple(str(r) for r in STAFF_ROLES)


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _role_cache(user: Any) -> dict[int, str | None]:
    cache: dict[int, str | None] = user.__dict__.setdefault(COURSE_ROLE_CACHE_ATTR, {})
    return cache


def remember_course_role(user: Any, course_id: int, role: str | None) -> None:
    """Seed the per-request role cache from an annotation (saves ``role_of`` a query)."""
    if _is_authenticated(user):
        _role_cache(user)[course_id] = role


def forget_course_roles(user: Any) -> None:
    """Drop the cached course roles of ``user`` after its enrollments changed."""
    if user is not None:
        user.__dict__.pop(COURSE_ROLE_CACHE_ATTR, None)


def sees_all_tasks(user: Any, course: Course | int) -> bool:
    """Course staff and platform admins see unpublished tasks and answer keys."""
    from learnplat.courses.models import Enrollment

    if is_platform_admin(user):
        return True
    return Enrollment.objects.role_of(user, course) in _staff_roles()


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(status="active")

    def staff(self) -> EnrollmentQuerySet:
        """Active instructors and assistants."""
        return self.active().filter(role__in=_staff_roles())

    def instructors(self) -> EnrollmentQuerySet:
        """Active instructors."""
        return self.active().filter(role="instructor")

    def students(self) -> EnrollmentQuerySet:
        """Student enrollments of any status (chain ``.active()`` for current ones)."""
        return self.filter(role="student")

    def for_course(self, course: Course) -> EnrollmentQuerySet:
        """Every enrollment of ``course`` with its user, in the order they joined."""
        return self.filter(course=course).select_related("user", "course").order_by("created", "id")

    def role_of(self, user: Any, course: Course | int) -> str | None:
        """The active course role of ``user`` in ``course`` (cached for the request), or None."""
        if user is None or not _is_authenticated(user):
            return None
        course_id = course if isinstance(course, int) else course.pk
        cache = _role_cache(user)
        if course_id not in cache:
            cache[course_id] = (
                self.active()
                .filter(user=user, course_id=course_id)
                .values_list("role", flat=True)
                .first()
            )
        return cache[course_id]


def _task_count(**filters: Any) -> Coalesce:
    from learnplat.courses.models import Task

    # A correlated subquery rather than Count("tasks"): no GROUP BY over the course row, so it
    # composes with the other annotations and with joins added by filters.
    counted = (
        Task.objects.filter(course=OuterRef("pk"), **filters)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(status="published")

    def _membership(self, user: Any, roles: tuple[str, ...]) -> Exists:
        from learnplat.courses.models import Enrollment

        return Exists(
            Enrollment.objects.active().filter(course=OuterRef("pk"), user=user, role__in=roles)
        )

    def taught_by(self, user: Any) -> CourseQuerySet:
        """Courses where ``user`` is an active instructor or assistant."""
        if not _is_authenticated(user):
            return self.none()
        return self.filter(self._membership(user, _staff_roles()))

    def enrolled_by(self, user: Any) -> CourseQuerySet:
        """Courses where ``user`` is an active student."""
        if not _is_authenticated(user):
            return self.none()
        return self.filter(self._membership(user, ("student",)))

    def visible_to(self, user: Any) -> CourseQuerySet:
        """Published courses for everyone (anonymous too), a course's drafts and archives for its
        staff, every course for platform admins. Students who are enrolled keep seeing archived
        courses they took."""
        if is_platform_admin(user):
            return self.all()
        if not _is_authenticated(user):
            return self.published()
        member = self._membership(user, _staff_roles())
        student = self._membership(user, ("student",))
        return self.filter(Q(status="published") | member | (Q(status="archived") & student))

    def with_task_counts(self) -> CourseQuerySet:
        """Annotate ``task_count`` (every task) and ``published_task_count``."""
        return self.annotate(
            task_count=_task_count(), published_task_count=_task_count(is_published=True)
        )

    def with_caller(self, user: Any) -> CourseQuerySet:
        """Annotate the caller's ``my_role`` (active course role or None) and ``is_enrolled``
        (an active student)."""
        from learnplat.courses.models import Enrollment

        if not _is_authenticated(user):
            return self.annotate(
                my_role=Value(None, output_field=models.CharField()),
                is_enrolled=Value(False, output_field=models.BooleanField()),
            )
        mine = Enrollment.objects.active().filter(course=OuterRef("pk"), user=user)
        return self.annotate(
            my_role=Subquery(mine.values("role")[:1]),
            is_enrolled=Exists(mine.filter(role="student")),
        )

    def with_instructors(self) -> CourseQuerySet:
        """Prefetch the active instructors' enrollments, users joined, as
        ``instructor_enrollments`` (one query for the whole page)."""
        from learnplat.courses.models import Enrollment

        return self.prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.instructors()
                .select_related("user")
                .order_by("created", "id"),
                to_attr="instructor_enrollments",
            )
        )

    def for_listing(self, user: Any) -> CourseQuerySet:
        """The courses ``user`` may see, with everything the course representation reads."""
        return self.visible_to(user).with_task_counts().with_caller(user).with_instructors()

    def for_student(self, user: Any) -> CourseQuerySet:
        """The courses ``user`` takes as an active student, annotated like ``for_listing``."""
        return self.enrolled_by(user).with_task_counts().with_caller(user).with_instructors()


def prerequisites_prefetch(*, published_only: bool = False) -> Prefetch:
    """The ``prerequisites`` of tasks, ids only; ``published_only`` for students."""
    from learnplat.courses.models import Task

    prerequisites = Task.objects.only("id").order_by("position", "id")
    if published_only:
        prerequisites = prerequisites.filter(is_published=True)
    return Prefetch("prerequisites", queryset=prerequisites)


class TaskQuerySet(models.QuerySet["Task"]):
    def published(self) -> TaskQuerySet:
        return self.filter(is_published=True)

    def with_prerequisites(self, *, published_only: bool = False) -> TaskQuerySet:
        """Prefetch prerequisite ids (one query for the page); ``published_only`` hides the
        unpublished ones from students."""
        return self.prefetch_related(prerequisites_prefetch(published_only=published_only))

    def for_course(self, course: Course, user: Any) -> TaskQuerySet:
        """The tasks of ``course`` that ``user`` may see, in order, ready to serialize:
        every task for course staff and admins, published ones for its active students,
        none for anyone else (they see ``task_count`` until they enroll)."""
        from learnplat.courses.models import Enrollment

        tasks = self.filter(course=course).select_related("course").order_by("position", "id")
        if sees_all_tasks(user, course):
            return tasks.with_prerequisites()
        if Enrollment.objects.role_of(user, course) is None:
            return tasks.none()
        return tasks.published().with_prerequisites(published_only=True)

    def visible_to(self, user: Any) -> TaskQuerySet:
        """Every task for platform admins; a course's tasks for its staff; published tasks of
        published or archived courses for their active students; nothing for anyone else."""
        from learnplat.courses.models import Enrollment

        if is_platform_admin(user):
            return self.all()
        if not _is_authenticated(user):
            return self.none()
        mine = Enrollment.objects.active().filter(course=OuterRef("course_id"), user=user)
        staff = Exists(mine.filter(role__in=_staff_roles()))
        student = Exists(mine.filter(role="student"))
        return self.filter(
            staff
            | (Q(is_published=True) & Q(course__status__in=STUDENT_VISIBLE_STATUSES) & student)
        )


class ExtensionQuerySet(models.QuerySet["Extension"]):
    def for_course(self, course: Course) -> ExtensionQuerySet:
        """The extensions of ``course`` with their user, task and granter."""
        return (
            self.filter(course=course)
            .select_related("user", "task", "course", "granted_by")
            .order_by("user_id", "task_id", "id")
        )

    def for_user(self, user: Any) -> ExtensionQuerySet:
        return self.filter(user=user)

    def for_task(self, task: Task, user: Any) -> ExtensionQuerySet:
        """The user's extensions that may apply to ``task``: its own and the course-wide one."""
        return self.filter(user=user, course_id=task.course_id).filter(
            models.Q(task=task) | models.Q(task__isnull=True)
        )
