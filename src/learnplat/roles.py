"""Platform roles: the :class:`Role` enum and helpers that ask the adapter.

A user's platform role (``student``, ``instructor`` or ``admin``) is resolved, written and
computed in queries by the adapter ``LEARNPLAT["ADAPTER"]`` names (docs/adapter.md), so
hosts whose user model has no ``role`` field need no migration::

    LEARNPLAT = {"ADAPTER": "learnplat.adapter.GroupRolesAdapter"}
    # members of "learnplat-instructors" are instructors, of "learnplat-admins" admins;
    # rename the groups with LEARNPLAT["ROLE_GROUPS"]

Django superusers are always platform admins, whatever the adapter says.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

#: The attribute a user's resolved role is cached under (and annotated as, in lists).
ROLE_CACHE_ATTR = "_learnplat_role"


class Role(models.TextChoices):
    """Platform roles, from least to most privileged."""

    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")
    ADMIN = "admin", _("Admin")


class RoleNotWritable(Exception):
    """The site's role storage cannot be changed through learnplat (the adapter's
    ``can_write_roles()`` is False)."""


# learnplat.adapter imports this module for Role, hence the imports inside the helpers.


def get_role(user: Any) -> Role | None:
    """The platform role of ``user``, or ``None`` for anonymous users (cached on the user)."""
    from learnplat.adapter import get_adapter

    return get_adapter().get_role(user)


def forget_role(user: Any) -> None:
    """Drop the cached role, after the user's role or groups changed."""
    if hasattr(user, ROLE_CACHE_ATTR):
        delattr(user, ROLE_CACHE_ATTR)


def is_platform_admin(user: Any) -> bool:
    return get_role(user) == Role.ADMIN


def is_instructor(user: Any) -> bool:
    """Instructors and admins may author courses."""
    return get_role(user) in (Role.INSTRUCTOR, Role.ADMIN)


def set_role(user: Any, role: Role | str) -> None:
    """Change the platform role of a saved ``user``; :class:`RoleNotWritable` when the site
    cannot store roles."""
    from learnplat.adapter import get_adapter

    get_adapter().set_role(user, role)


def with_roles(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate each user with its role, so :func:`get_role` on the rows needs no query."""
    from learnplat.adapter import get_adapter

    return get_adapter().with_roles(queryset)


def filter_by_role(queryset: QuerySet[Any], role: Role | str) -> QuerySet[Any]:
    """Users of ``queryset`` whose role is ``role``; ``LookupError`` when the database
    cannot compute roles."""
    from learnplat.adapter import get_adapter

    return get_adapter().filter_by_role(queryset, role)
