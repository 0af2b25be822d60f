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

The keys of every view are listed in docs/permissions.md. The course-level classes
(``IsCourseStaff`` and friends) read enrollments, so they live with the courses app in
:mod:`learnplat.courses.permissions`; this module is the core's and imports no app.
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
    "IsInstructor",
    "IsPlatformAdmin",
    "ReadOnly",
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
