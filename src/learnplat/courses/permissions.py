"""Object permissions by course role: the course's instructors, its staff, its members.

Each reads the caller's active enrollment in the object's course (cached per request by
``Enrollment.objects.role_of``); platform admins always pass. Name them in
``LEARNPLAT["PERMISSIONS"]`` like any permission class::

    LEARNPLAT = {"PERMISSIONS": {"task_list": "learnplat.courses.permissions.IsCourseStaff"}}
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from learnplat.courses.choices import STAFF_ROLES, CourseRole
from learnplat.courses.models import Course, Enrollment
from learnplat.roles import is_platform_admin

__all__ = [
    "IsCourseInstructor",
    "IsCourseMember",
    "IsCourseStaff",
    "IsOwnerOrCourseStaff",
    "course_of",
    "course_role",
]


def course_of(obj: Any) -> Any:
    """The course an object belongs to: the object itself, or its ``course``."""
    if isinstance(obj, Course):
        return obj
    return obj.course


def course_role(user: Any, obj: Any) -> str | None:
    """The active course role of ``user`` in the course of ``obj`` (None if not a member)."""
    return Enrollment.objects.role_of(user, course_of(obj).pk)


class IsCourseInstructor(BasePermission):
    """Instructors of the object's course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return (
            is_platform_admin(request.user)
            or course_role(request.user, obj) == CourseRole.INSTRUCTOR
        )


class IsCourseStaff(BasePermission):
    """Instructors and assistants of the object's course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_platform_admin(request.user) or course_role(request.user, obj) in STAFF_ROLES


class IsCourseMember(BasePermission):
    """Anyone with an active enrollment in the object's course (any role), and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_platform_admin(request.user) or course_role(request.user, obj) is not None


class IsOwnerOrCourseStaff(BasePermission):
    """The object's ``user`` (or whoever its ``is_owned_by(user)`` says owns it: a
    submission's group members), the staff of its course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        owned_by = getattr(obj, "is_owned_by", None)
        if owned_by is not None and owned_by(request.user):
            return True
        if getattr(obj, "user_id", None) == getattr(request.user, "pk", object()):
            return True
        return IsCourseStaff().has_object_permission(request, view, obj)
