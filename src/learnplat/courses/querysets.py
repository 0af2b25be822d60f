"""Read queries of the courses app: every join, count and visibility rule lives here.

The API's lists are built from the ``for_*`` methods, which annotate and prefetch what the
serializers read, so a list runs the same number of queries whatever its page size::

    Course.objects.for_listing(request.user)        # the catalog, with the caller's flags
    Task.objects.for_course(course, request.user)   # the tasks of a course the caller may see
    Enrollment.objects.for_course(course)           # members with their users
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from learnplat.courses.choices import STAFF_ROLES, CourseRole, CourseStatus, EnrollmentStatus
from learnplat.querysets import AttachingQuerySet
from learnplat.roles import is_platform_admin

if TYPE_CHECKING:
    from learnplat.courses.models import Course, Enrollment, Extension, Task  # noqa: F401

_Rows = TypeVar("_Rows", bound=models.QuerySet[Any])

#: Per-request cache of course roles, kept on the user object like the platform role.
COURSE_ROLE_CACHE_ATTR = "_learnplat_course_roles"
#: Where :func:`staff_roles_of` keeps a user's staff roles for the request.
STAFF_ROLES_CACHE_ATTR = "_learnplat_staff_roles"

#: Course statuses in which enrolled students still see a course and its published tasks.
STUDENT_VISIBLE_STATUSES = (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)


def _staff_roles() -> tuple[str, ...]:
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
        user.__dict__.pop(STAFF_ROLES_CACHE_ATTR, None)


def staff_roles_of(user: Any) -> dict[int, str]:
    """Course id → ``user``'s role in each course they are active staff of (one query, then
    cached on the user object for the request like the course roles, and dropped with them
    by :func:`forget_course_roles`). The submission lists read it twice: for the courses
    they teach and for whether section scoping applies at all."""
    from learnplat.courses.models import Enrollment

    if not _is_authenticated(user):
        return {}
    cached: dict[int, str] | None = user.__dict__.get(STAFF_ROLES_CACHE_ATTR)
    if cached is None:
        cached = dict(
            Enrollment.objects.staff().filter(user=user).order_by().values_list("course_id", "role")
        )
        user.__dict__[STAFF_ROLES_CACHE_ATTR] = cached
    return cached


def sees_all_tasks(user: Any, course: Course | int) -> bool:
    """Course staff and platform admins see unpublished tasks and answer keys."""
    from learnplat.courses.models import Enrollment

    if is_platform_admin(user):
        return True
    return Enrollment.objects.role_of(user, course) in _staff_roles()


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(status=EnrollmentStatus.ACTIVE)

    def staff(self) -> EnrollmentQuerySet:
        """Active instructors and assistants."""
        return self.active().filter(role__in=_staff_roles())

    def instructors(self) -> EnrollmentQuerySet:
        """Active instructors."""
        return self.active().filter(role=CourseRole.INSTRUCTOR)

    def students(self) -> EnrollmentQuerySet:
        """Student enrollments of any status (chain ``.active()`` for current ones)."""
        return self.filter(role=CourseRole.STUDENT)

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


class CourseQuerySet(AttachingQuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(status=CourseStatus.PUBLISHED)

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
        return self.filter(self._membership(user, (CourseRole.STUDENT,)))

    def visible_to(self, user: Any) -> CourseQuerySet:
        """Published courses for everyone (anonymous too), a course's drafts and archives for its
        staff, every course for platform admins. Students who are enrolled keep seeing archived
        courses they took."""
        if is_platform_admin(user):
            return self.all()
        if not _is_authenticated(user):
            return self.published()
        member = self._membership(user, _staff_roles())
        student = self._membership(user, (CourseRole.STUDENT,))
        return self.filter(
            Q(status=CourseStatus.PUBLISHED) | member | (Q(status=CourseStatus.ARCHIVED) & student)
        )

    def visible_one(self, user: Any, slug: str) -> Course | None:
        """The course ``slug`` if :meth:`visible_to` would list it for ``user``, with
        ``my_role`` and ``is_enrolled`` set as :meth:`with_caller` annotates them.

        Two plain queries (the course, the caller's role, which stays cached for the request)
        instead of one with correlated subqueries: a view under ``courses/{slug}/`` runs it
        on every request."""
        from learnplat.courses.models import Enrollment

        course = next(iter(self.filter(slug=slug)[:1]), None)
        if course is None:
            return None
        role = Enrollment.objects.role_of(user, course.pk)
        course.my_role = role  # type: ignore[attr-defined]
        course.is_enrolled = role == CourseRole.STUDENT  # type: ignore[attr-defined]
        visible = (
            course.status == CourseStatus.PUBLISHED
            or role in _staff_roles()
            or (course.status == CourseStatus.ARCHIVED and role == CourseRole.STUDENT)
            or is_platform_admin(user)
        )
        return course if visible else None

    def with_task_counts(self) -> CourseQuerySet:
        """Give each course ``task_count`` (every task) and ``published_task_count``, counted
        for the whole page in one query once its courses are fetched."""
        return self.attach("task_counts", attach_task_counts)  # type: ignore[return-value]

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
            is_enrolled=Exists(mine.filter(role=CourseRole.STUDENT)),
        )

    def with_instructors(self) -> CourseQuerySet:
        """Give each course ``instructor_summaries``: its active instructors as
        ``{id, username, first_name, last_name}`` dicts, in the order they joined, read for
        the whole page in one ``.values()`` query once its courses are fetched."""
        return self.attach("instructors", attach_instructor_summaries)  # type: ignore[return-value]

    def for_listing(self, user: Any) -> CourseQuerySet:
        """The courses ``user`` may see, with everything the course representation reads."""
        return self.visible_to(user).with_task_counts().with_caller(user).with_instructors()

    def for_student(self, user: Any) -> CourseQuerySet:
        """The courses ``user`` takes as an active student, annotated like ``for_listing``."""
        return self.enrolled_by(user).with_task_counts().with_caller(user).with_instructors()


def attach_task_counts(courses: list[Any]) -> None:
    counts = task_counts([c.pk for c in courses])
    for course in courses:
        course.task_count, course.published_task_count = counts.get(course.pk, (0, 0))


def attach_instructor_summaries(courses: list[Any]) -> None:
    summaries = instructor_summaries([c.pk for c in courses])
    for course in courses:
        course.instructor_summaries = summaries.get(course.pk, [])


def task_counts(course_ids: list[int]) -> dict[int, tuple[int, int]]:
    """course id -> (tasks, published tasks), in one query."""
    from learnplat.courses.models import Task

    if not course_ids:
        return {}
    rows = (
        Task.objects.filter(course_id__in=course_ids)
        .order_by()
        .values("course_id")
        .annotate(total=Count("pk"), published=Count("pk", filter=Q(is_published=True)))
        .values_list("course_id", "total", "published")
    )
    return {course_id: (total, published) for course_id, total, published in rows}


def instructor_summaries(course_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """course id -> its active instructors as the API shows users (one query)."""
    from django.contrib.auth import get_user_model

    from learnplat.courses.models import Enrollment

    if not course_ids:
        return {}
    user_model = get_user_model()
    names = {f.name for f in user_model._meta.get_fields()}
    columns = ["course_id", "user_id", f"user__{user_model.USERNAME_FIELD}"]
    columns += [f"user__{name}" for name in ("first_name", "last_name") if name in names]
    rows = (
        Enrollment.objects.instructors()
        .filter(course_id__in=course_ids)
        .order_by("created", "id")
        .values_list(*columns)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for course_id, user_id, username, *full_name in rows:
        first, last = (*full_name, "", "")[:2]
        found.setdefault(course_id, []).append(
            {
                "id": user_id,
                "username": str(username),
                "first_name": str(first or ""),
                "last_name": str(last or ""),
            }
        )
    return found


def prerequisite_ids(task_ids: list[int], *, published_only: bool) -> dict[int, list[int]]:
    """task id -> ids of its prerequisites in course order (one query)."""
    from learnplat.courses.models import Task

    through = Task.prerequisites.through.objects.filter(from_task_id__in=task_ids)
    if published_only:
        through = through.filter(to_task__is_published=True)
    found: dict[int, list[int]] = {}
    rows = through.order_by("to_task__position", "to_task_id").values_list(
        "from_task_id", "to_task_id"
    )
    for source, target in rows:
        found.setdefault(source, []).append(target)
    return found


def attach_prerequisite_ids(tasks: list[Any], *, published_only: bool) -> None:
    """Set ``prerequisite_ids`` on each of ``tasks`` (one query)."""
    found = prerequisite_ids([t.pk for t in tasks], published_only=published_only)
    for task in tasks:
        task.prerequisite_ids = found.get(task.pk, [])


def section_date_of(task: str, course: str, user: Any, field: str) -> Subquery:
    """A subquery of ``field`` of the date the section ``user`` (an id or an ``OuterRef``)
    is enrolled in gives the outer row's task (``task`` and ``course`` name the outer
    columns); null when the user is in no section or the section does not move it."""
    from learnplat.courses.models import SectionDate

    return Subquery(
        SectionDate.objects.filter(
            task_id=OuterRef(task),
            section__enrollments__course_id=OuterRef(course),
            section__enrollments__user_id=user,
        )
        .order_by()
        .values(field)[:1]
    )


class TaskQuerySet(AttachingQuerySet["Task"]):
    def published(self) -> TaskQuerySet:
        return self.filter(is_published=True)

    def with_prerequisites(self, *, published_only: bool = False) -> TaskQuerySet:
        """Give each task ``prerequisite_ids`` (one query for the page); ``published_only``
        hides the unpublished ones from students."""
        attachment = partial(attach_prerequisite_ids, published_only=published_only)
        return self.attach("prerequisites", attachment)  # type: ignore[return-value]

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

    def with_effective_dates(self, user: Any) -> TaskQuerySet:
        """Annotate ``effective_due_at`` and ``effective_closes_at``: the task's due and close
        moments for ``user`` with their section's dates and their extension applied, as
        :func:`learnplat.courses.deadlines.window_for` decides them (extension > section
        date > task date; a task's own extension beats the course-wide one; an extension
        past the close moves the close out to it; an extension gives a due date to a task
        that has none). Correlated subqueries, so a page of tasks is still one query;
        tests/courses/test_effective_dates.py holds the two implementations equal."""
        from learnplat.courses.models import Extension

        mine = Extension.objects.filter(user=user, course_id=OuterRef("course_id")).order_by()
        own = Subquery(mine.filter(task_id=OuterRef("pk")).values("due_at")[:1])
        course_wide = Subquery(mine.filter(task__isnull=True).values("due_at")[:1])
        user_id = getattr(user, "pk", user)
        return (
            self.alias(
                lp_extended_due=Coalesce(own, course_wide),
                lp_section_due=section_date_of("pk", "course_id", user_id, "due_at"),
                lp_section_closes=section_date_of("pk", "course_id", user_id, "closes_at"),
            )
            .alias(lp_closes=Coalesce(F("lp_section_closes"), F("closes_at")))
            .annotate(
                effective_due_at=Coalesce(F("lp_extended_due"), F("lp_section_due"), F("due_at")),
                effective_closes_at=Case(
                    When(
                        lp_closes__isnull=False,
                        lp_extended_due__gt=F("lp_closes"),
                        then=F("lp_extended_due"),
                    ),
                    default=F("lp_closes"),
                ),
            )
        )

    def with_attached_effective_dates(self, user: Any) -> TaskQuerySet:
        """``effective_due_at`` and ``effective_closes_at`` for ``user``, the same values as
        :meth:`with_effective_dates` annotates, worked out after the fetch instead
        (:func:`attach_effective_dates`): the page's statement stays plain (four correlated
        subqueries cost a one-course read more to build and plan than the two small queries
        this takes, one when ``user`` is in no section). Not for filtering on them."""
        attachment = partial(attach_effective_dates, user_id=getattr(user, "pk", user))
        return self.attach("effective_dates", attachment)  # type: ignore[return-value]

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
        student = Exists(mine.filter(role=CourseRole.STUDENT))
        return self.filter(
            staff
            | (Q(is_published=True) & Q(course__status__in=STUDENT_VISIBLE_STATUSES) & student)
        )


def attach_effective_dates(tasks: list[Any], *, user_id: int) -> None:
    """Set ``effective_due_at`` and ``effective_closes_at`` on ``tasks`` for the user
    ``user_id`` (see :meth:`TaskQuerySet.with_attached_effective_dates`): one query for the
    user's extensions in the tasks' courses, and the section dates (one query, two when the
    user is in a section: :func:`learnplat.courses.deadlines.section_dates_of`)."""
    from learnplat.courses.deadlines import section_dates_of
    from learnplat.courses.models import Extension

    course_ids = {task.course_id for task in tasks}
    task_ids = {task.pk for task in tasks}
    own: dict[int, Any] = {}
    course_wide: dict[int, Any] = {}
    for course_id, task_id, due_at in Extension.objects.filter(
        user_id=user_id, course_id__in=course_ids
    ).values_list("course_id", "task_id", "due_at"):
        if task_id is None:
            course_wide.setdefault(course_id, due_at)
        else:
            own.setdefault(task_id, due_at)
    sections = section_dates_of(course_ids=course_ids, user_ids=[user_id], task_ids=task_ids)
    for task in tasks:
        section = sections.get((user_id, task.pk))
        extended = own.get(task.pk)
        if extended is None:
            extended = course_wide.get(task.course_id)
        section_due = section.due_at if section is not None else None
        section_closes = section.closes_at if section is not None else None
        moved = extended if extended is not None else section_due
        task.effective_due_at = moved if moved is not None else task.due_at
        closes = section_closes if section_closes is not None else task.closes_at
        if closes is not None and extended is not None and extended > closes:
            closes = extended
        task.effective_closes_at = closes


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

    def visible_to(self, user: Any) -> ExtensionQuerySet:
        """A user's own extensions and those of courses they are staff of; every one for
        platform admins (as submissions are seen)."""
        if not _is_authenticated(user):
            return self.none()
        if is_platform_admin(user):
            return self.all()
        from learnplat.courses.models import Enrollment

        taught = Enrollment.objects.staff().filter(user=user).values("course_id")
        return self.filter(models.Q(user=user) | models.Q(course_id__in=taught))

    def for_task(self, task: Task, user: Any) -> ExtensionQuerySet:
        """The user's extensions that may apply to ``task``: its own and the course-wide one."""
        return self.filter(user=user, course_id=task.course_id).filter(
            models.Q(task=task) | models.Q(task__isnull=True)
        )


def rubric_listing(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rubrics as the API shows them: criteria and levels prefetched in order (two queries
    for any number of rubrics) and ``in_use`` annotated (an assessment was made with one of
    the rubric's criteria)."""
    # The submissions app sits above this one; its model is named, not imported.
    assessment = apps.get_model("learnplat_submissions", "RubricAssessment")
    criterion = apps.get_model("learnplat_courses", "RubricCriterion")
    level = apps.get_model("learnplat_courses", "RubricLevel")
    return queryset.annotate(
        in_use=Exists(assessment.objects.filter(criterion__rubric=OuterRef("pk")))
    ).prefetch_related(
        Prefetch("criteria", queryset=criterion.objects.order_by("position", "id")),
        Prefetch("criteria__levels", queryset=level.objects.order_by("position", "id")),
    )


def section_listing(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Sections as the API shows them: staff and dates prefetched (two queries for any
    number of sections)."""
    return queryset.prefetch_related("staff", "dates")


def group_listing(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Groups as the API shows them: members (with their users) and pending invitations
    (with both users) prefetched: three queries for any number of groups."""
    from learnplat.courses.models import GroupInvitation, GroupMembership

    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.select_related("user").order_by("joined_at", "id"),
        ),
        Prefetch(
            "invitations",
            queryset=GroupInvitation.objects.filter(status="pending")
            .select_related("user", "invited_by")
            .order_by("created", "id"),
        ),
    )


def groups_visible_to(user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The groups of ``queryset`` that ``user`` sees: every group of the courses they are on
    the staff of (all, for a platform admin), else the groups they are a member of or have a
    pending invitation to."""
    from learnplat.courses.models import Enrollment, GroupInvitation, GroupMembership

    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_platform_admin(user):
        return queryset
    staff_of = Enrollment.objects.filter(
        user=user, status=EnrollmentStatus.ACTIVE, role__in=list(STAFF_ROLES)
    ).values("course_id")
    member = GroupMembership.objects.filter(group=OuterRef("pk"), user=user)
    invited = GroupInvitation.objects.filter(group=OuterRef("pk"), user=user, status="pending")
    return queryset.filter(Q(group_set__course_id__in=staff_of) | Exists(member) | Exists(invited))


# -- per-section scoping ---------------------------------------------------------------------


def scoped_sections(user: Any, course: Course | int | None = None) -> dict[int, set[int]]:
    """Course id → the ids of the sections ``user`` is staff of, for each course (of
    ``course``, or every course) where ``user`` is an active assistant and staff of at least
    one section: there they see only those sections' students. Instructors, platform admins,
    assistants staff of no section and anonymous users are scoped nowhere. One query for an
    assistant (none for anyone else), besides :func:`staff_roles_of`'s."""
    from learnplat.courses.models import Enrollment, Section

    if not _is_authenticated(user) or is_platform_admin(user):
        return {}
    roles = staff_roles_of(user)
    if course is not None:
        roles = {k: v for k, v in roles.items() if k == getattr(course, "pk", course)}
    if CourseRole.ASSISTANT not in roles.values():
        return {}  # an assistant nowhere (here) is scoped nowhere: no query
    assisting = Enrollment.objects.active().filter(
        user=user, role=CourseRole.ASSISTANT, course_id=OuterRef("course_id")
    )
    rows = Section.objects.filter(staff=user).filter(Exists(assisting))
    if course is not None:
        rows = rows.filter(course_id=course if isinstance(course, int) else course.pk)
    found: dict[int, set[int]] = {}
    for course_id, section_id in rows.order_by().values_list("course_id", "id"):
        found.setdefault(course_id, set()).add(section_id)
    return found


def _students_in(rows: models.QuerySet[Any], section_ids: Any) -> Q:
    """The rows (enrollments, or rows with ``course`` and ``user``) whose student is enrolled
    in one of ``section_ids`` (of the row's course)."""
    from learnplat.courses.models import Enrollment

    if rows.model is Enrollment:
        return Q(section_id__in=section_ids)
    enrolled = Enrollment.objects.filter(
        course_id=OuterRef("course_id"), user_id=OuterRef("user_id"), section_id__in=section_ids
    )
    return Q(Exists(enrolled))


def within_sections(rows: _Rows, user: Any, course: Course | int | None = None) -> _Rows:
    """``rows`` (enrollments, or any rows with ``course`` and ``user``: submissions, regrade
    requests) as ``user`` may list them: in the courses where they are an assistant staff of
    sections (:func:`scoped_sections`), only the rows of those sections' students; elsewhere
    all of them. The one rule of the gradebook, the grading queue and the submission lists.
    A group submission counts as its submitter's."""
    scoped = scoped_sections(user, course)
    if not scoped:
        return rows
    section_ids = set().union(*scoped.values())
    inside = _students_in(rows, section_ids)
    if course is not None:
        return rows.filter(inside)
    return rows.filter(~Q(course_id__in=list(scoped)) | inside)


def in_section(rows: _Rows, section: Any) -> _Rows:
    """The rows of ``rows`` (as :func:`within_sections` takes) whose student is enrolled in
    ``section`` (a section or its id): the ``?section=`` filter."""
    return rows.filter(_students_in(rows, [getattr(section, "pk", section)]))
