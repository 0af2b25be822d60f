"""Who is in a course: enrolling, dropping, and staff adding or changing members.

Every function is atomic, takes keyword arguments only and locks the course row first, so
the capacity and last-instructor checks hold under concurrent requests on PostgreSQL.

The adapter (``LEARNPLAT["ADAPTER"]``) has the last word on self-enrollment
(``may_enroll()``) and receives the extra fields of ``enrollment_create`` (``save_extra()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from learnplat.adapter import get_adapter
from learnplat.courses.choices import STAFF_ROLES, CourseRole, CourseStatus, EnrollmentStatus
from learnplat.courses.models import Course, Enrollment
from learnplat.courses.querysets import forget_course_roles
from learnplat.exceptions import Conflict, Forbidden, InvalidInput
from learnplat.flows import events
from learnplat.roles import is_platform_admin


def _lock(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _active_student_count(course: Course) -> int:
    return Enrollment.objects.students().active().filter(course=course).count()


@transaction.atomic
def enroll(*, user: Any, course: Course) -> Enrollment:
    """Enroll ``user`` as a student, race-free against ``capacity``.

    409 codes: ``already_enrolled`` (an active or completed enrollment in any role),
    ``enrollment_closed`` (course not published or enrollment closed), ``course_full``;
    then 403 ``enrollment_not_allowed`` when the adapter's ``may_enroll()`` says no.
    A dropped enrollment is reactivated, as a student whatever its old role.
    """
    course = _lock(course)
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None and existing.status != EnrollmentStatus.DROPPED:
        raise Conflict("You are already enrolled in this course.", code="already_enrolled")
    if course.status != CourseStatus.PUBLISHED or not course.enrollment_open:
        raise Conflict("This course is not open for enrollment.", code="enrollment_closed")
    if course.capacity is not None and _active_student_count(course) >= course.capacity:
        raise Conflict("This course is full.", code="course_full")
    if not get_adapter().may_enroll(user, course):
        raise Forbidden("You may not enroll in this course.", code="enrollment_not_allowed")
    forget_course_roles(user)
    if existing is None:
        enrollment = Enrollment.objects.create(user=user, course=course, role=CourseRole.STUDENT)
    else:
        existing.role = CourseRole.STUDENT
        existing.status = EnrollmentStatus.ACTIVE
        existing.save(update_fields=["role", "status", "modified"])
        enrollment = existing
    events.enrollment_created(enrollment=enrollment)
    return enrollment


def _is_last_instructor(enrollment: Enrollment) -> bool:
    return (
        enrollment.role == CourseRole.INSTRUCTOR
        and not Enrollment.objects.instructors()
        .filter(course_id=enrollment.course_id)
        .exclude(pk=enrollment.pk)
        .exists()
    )


@transaction.atomic
def drop(*, enrollment: Enrollment) -> Enrollment:
    """Mark an active enrollment ``dropped``; the row and the student's history stay.

    409 ``not_enrolled`` when it is not active, ``last_instructor`` when it is the course's
    only active instructor (a course always keeps one).
    """
    _lock(enrollment.course)
    enrollment.refresh_from_db()
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise Conflict("You are not enrolled in this course.", code="not_enrolled")
    if _is_last_instructor(enrollment):
        raise Conflict(
            "The course's last instructor cannot leave it; add another instructor first.",
            code="last_instructor",
        )
    enrollment.status = EnrollmentStatus.DROPPED
    enrollment.save(update_fields=["status", "modified"])
    forget_course_roles(enrollment.user)
    events.enrollment_dropped(enrollment=enrollment)
    return enrollment


@transaction.atomic
def add_enrollment(
    *,
    course: Course,
    user: Any,
    role: str = CourseRole.STUDENT,
    added_by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Enrollment:
    """Staff add ``user`` to ``course`` in ``role``, or change the role of a member, or bring
    back one who dropped. Staff additions ignore ``enrollment_open`` and ``capacity``.

    When ``added_by`` is given and is neither a platform admin nor an instructor of the
    course, only students may be added and staff left alone (403 ``permission_denied``).
    409 ``already_enrolled`` when ``user`` is already active in that role; ``last_instructor``
    when it would demote the only instructor.
    """
    if role not in CourseRole.values:
        raise InvalidInput({"role": [f"One of {', '.join(CourseRole.values)}."]})
    course = _lock(course)
    existing = Enrollment.objects.filter(user=user, course=course).first()
    active = existing is not None and existing.status == EnrollmentStatus.ACTIVE
    if added_by is not None and not is_platform_admin(added_by):
        adder_role = (
            Enrollment.objects.active()
            .filter(course=course, user=added_by)
            .values_list("role", flat=True)
            .first()
        )
        if adder_role != CourseRole.INSTRUCTOR and (
            role != CourseRole.STUDENT or (active and existing.role != CourseRole.STUDENT)  # type: ignore[union-attr]
        ):
            raise Forbidden(
                "Only the course's instructors can add or change staff.", code="permission_denied"
            )
    if existing is None:
        enrollment = Enrollment.objects.create(user=user, course=course, role=role)
    else:
        if active and existing.role == role:
            raise Conflict("This user is already enrolled in this role.", code="already_enrolled")
        if active and role != CourseRole.INSTRUCTOR and _is_last_instructor(existing):
            raise Conflict(
                "The course's last instructor cannot be demoted; add another instructor first.",
                code="last_instructor",
            )
        existing.role = role
        existing.status = EnrollmentStatus.ACTIVE
        existing.save(update_fields=["role", "status", "modified"])
        enrollment = existing
    if not active:
        events.enrollment_created(enrollment=enrollment)
    forget_course_roles(user)
    get_adapter().save_extra(key="enrollment_create", instance=enrollment, data=dict(extra or {}))
    return enrollment


def add_staff(
    *, course: Course, user: Any, role: str = CourseRole.ASSISTANT, added_by: Any = None
) -> Enrollment:
    """:func:`add_enrollment` for a staff role (``assistant`` or ``instructor``)."""
    if role not in STAFF_ROLES:
        raise InvalidInput({"role": [f"One of {', '.join(str(r) for r in STAFF_ROLES)}."]})
    return add_enrollment(course=course, user=user, role=role, added_by=added_by)
