"""Reusable permission classes.

Each learnplat view asks :func:`learnplat.api.LearnplatViewMixin.get_permissions` for the
classes of the current action; a host replaces them per action without subclassing::

    LEARNPLAT = {
        "PERMISSIONS": {
            # DRF's &, | and ~ compose: name any module attribute.
            "course_create": "myproject.permissions.IsStaffAndInstructor",
            "user_list": ["learnplat.permissions.IsPlatformAdmin"],
        }
    }

The keys of every view are listed in docs/permissions.md.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from learnplat.roles import is_instructor, is_platform_admin

__all__ = [
    "SAFE_METHODS",
    "AllowAny",
    "IsAuthenticated",
    "IsCourseInstructor",
    "IsCourseMember",
    "IsCourseStaff",
    "IsInstructor",
    "IsOwnerOrCourseStaff",
    "IsPlatformAdmin",
    "ReadOnly",
    "course_of",
    "course_role",
]


class IsPlatformAdmin(BasePermission):
    """Platform admins (the ``admin`` role, and every Django superuser)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_platform_admin(request.user)


class IsInstructor(BasePermission):
    """Platform instructors and admins: those who may create courses."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_instructor(request.user)


class ReadOnly(BasePermission):
    """Safe methods only; compose it: ``ReadOnly | IsPlatformAdmin``."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return request.method in SAFE_METHODS


def course_of(obj: Any) -> Any:
    """The course an object belongs to: the object itself, or its ``course``."""
    from learnplat.courses.models import Course

    if isinstance(obj, Course):
        return obj
    return obj.course


def course_role(user: Any, obj: Any) -> str | None:
    """The active course role of ``user`` in the course of ``obj`` (None if not a member)."""
    from learnplat.courses.models import Enrollment

    return Enrollment.objects.role_of(user, course_of(obj).pk)


class IsCourseInstructor(BasePermission):
    """Instructors of the object's course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_platform_admin(request.user) or course_role(request.user, obj) == "instructor"


class IsCourseStaff(BasePermission):
    """Instructors and assistants of the object's course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_platform_admin(request.user) or course_role(request.user, obj) in (
            "instructor",
            "assistant",
        )


class IsCourseMember(BasePermission):
    """Anyone with an active enrollment in the object's course (any role), and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_platform_admin(request.user) or course_role(request.user, obj) is not None


class IsOwnerOrCourseStaff(BasePermission):
    """The object's ``user``, the staff of its course, and platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if getattr(obj, "user_id", None) == getattr(request.user, "pk", object()):
            return True
        return IsCourseStaff().has_object_permission(request, view, obj)
