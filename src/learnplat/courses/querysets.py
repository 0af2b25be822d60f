"""Read queries of the courses app: every join, count and visibility rule lives here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef

from learnplat.roles import is_platform_admin

if TYPE_CHECKING:
    from learnplat.courses.models import Course, CourseRole, Enrollment, Extension, Task  # noqa: F401

#: Per-request cache of course roles, kept on the user object like the platform role.
COURSE_ROLE_CACHE_ATTR = "_learnplat_course_roles"


def _staff_roles() -> tuple[str, ...]:
    from learnplat.courses.models import STAFF_ROLES

    return tuple(str(r) for r in STAFF_ROLES)


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(status="active")

    def staff(self) -> EnrollmentQuerySet:
        """Active instructors and assistants."""
        return self.active().filter(role__in=_staff_roles())

    def students(self) -> EnrollmentQuerySet:
        return self.filter(role="student")

    def role_of(self, user: Any, course: Course | int) -> str | None:
        """The active course role of ``user`` in ``course`` (cached for the request), or None."""
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        course_id = course if isinstance(course, int) else course.pk
        cache: dict[int, str | None] = user.__dict__.setdefault(COURSE_ROLE_CACHE_ATTR, {})
        if course_id not in cache:
            cache[course_id] = (
                self.active()
                .filter(user=user, course_id=course_id)
                .values_list("role", flat=True)
                .first()
            )
        return cache[course_id]


def forget_course_roles(user: Any) -> None:
    """Drop the cached course roles of ``user`` after its enrollments changed."""
    if user is not None:
        user.__dict__.pop(COURSE_ROLE_CACHE_ATTR, None)


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
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(self._membership(user, _staff_roles()))

    def enrolled_by(self, user: Any) -> CourseQuerySet:
        """Courses where ``user`` is an active student."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(self._membership(user, ("student",)))

    def visible_to(self, user: Any) -> CourseQuerySet:
        """Published courses for everyone (anonymous too), a course's drafts and archives for its
        staff, every course for platform admins. Students who are enrolled keep seeing archived
        courses they took."""
        if is_platform_admin(user):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.published()
        member = self._membership(user, (*_staff_roles(),))
        student = self._membership(user, ("student",))
        return self.filter(
            models.Q(status="published") | member | (models.Q(status="archived") & student)
        )


class TaskQuerySet(models.QuerySet["Task"]):
    def published(self) -> TaskQuerySet:
        return self.filter(is_published=True)


class ExtensionQuerySet(models.QuerySet["Extension"]):
    pass
