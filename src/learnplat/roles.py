"""Platform roles and the role resolver.

A user's platform role (``student``, ``instructor`` or ``admin``) is found by the function
named in ``LEARNPLAT["ROLE_RESOLVER"]``, so hosts whose user model has no ``role`` field
need no migration::

    LEARNPLAT = {"ROLE_RESOLVER": "learnplat.roles.group_role_resolver"}
    # members of the group "learnplat-instructors" are instructors, of "learnplat-admins" admins
    LEARNPLAT = {"ROLE_GROUPS": {"instructor": "Teachers", "admin": "Managers"}}

Django superusers are always platform admins, whatever the resolver says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from learnplat.conf import settings

ROLE_CACHE_ATTR = "_learnplat_role"


class Role(models.TextChoices):
    """Platform roles, from least to most privileged."""

    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")
    ADMIN = "admin", _("Admin")


RoleResolver = Callable[[Any], Role]


def default_role_resolver(user: Any) -> Role:
    """Read the ``role`` field of the user model (the learnplat user or the mixin)."""
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    value = getattr(user, "role", None)
    try:
        return Role(str(value))
    except ValueError:
        return Role.STUDENT


def group_role_resolver(user: Any) -> Role:
    """Derive the role from Django groups named in ``LEARNPLAT["ROLE_GROUPS"]``.

    For hosts that cannot touch their user model. One query per request at most: the
    result is cached on the user object by :func:`get_role`.
    """
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    groups = settings.ROLE_GROUPS
    names = set(user.groups.filter(name__in=list(groups.values())).values_list("name", flat=True))
    if groups.get("admin") in names:
        return Role.ADMIN
    if groups.get("instructor") in names:
        return Role.INSTRUCTOR
    return Role.STUDENT


def get_role(user: Any) -> Role | None:
    """The platform role of ``user``, or ``None`` for anonymous users.

    Cached on the user instance, which lives for one request.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, ROLE_CACHE_ATTR, None)
    if cached is not None:
        return Role(cached)
    if getattr(user, "is_superuser", False):
        role = Role.ADMIN
    else:
        resolver: RoleResolver = settings.import_from(settings.ROLE_RESOLVER)
        role = Role(resolver(user))
    setattr(user, ROLE_CACHE_ATTR, role)
    return role


def forget_role(user: Any) -> None:
    """Drop the cached role, after the user's role or groups changed."""
    if hasattr(user, ROLE_CACHE_ATTR):
        delattr(user, ROLE_CACHE_ATTR)


def is_platform_admin(user: Any) -> bool:
    return get_role(user) == Role.ADMIN


def is_instructor(user: Any) -> bool:
    """Instructors and admins may author courses."""
    return get_role(user) in (Role.INSTRUCTOR, Role.ADMIN)
