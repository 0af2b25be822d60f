"""Platform roles and the role resolver.

A user's platform role (``student``, ``instructor`` or ``admin``) is found by the function
named in ``LEARNPLAT["ROLE_RESOLVER"]``, so hosts whose user model has no ``role`` field
need no migration::

    LEARNPLAT = {"ROLE_RESOLVER": "learnplat.roles.group_role_resolver"}
    # members of the group "learnplat-instructors" are instructors, of "learnplat-admins" admins
    LEARNPLAT = {"ROLE_GROUPS": {"instructor": "Teachers", "admin": "Managers"}}

Django superusers are always platform admins, whatever the resolver says.

Role *changes* (an admin's ``PATCH users/{id}/``) go through ``LEARNPLAT["ROLE_WRITER"]``,
the resolver's counterpart. Left at ``None`` it follows the resolver: the ``role`` field for
:func:`default_role_resolver`, the ``ROLE_GROUPS`` groups for :func:`group_role_resolver`.
A host with a resolver of its own names its writer, or role changes are refused::

    LEARNPLAT = {
        "ROLE_RESOLVER": "myproject.roles.resolve",
        "ROLE_WRITER": "myproject.roles.write",  # fn(user, role) -> None, persists the change
    }
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from learnplat.conf import settings

ROLE_CACHE_ATTR = "_learnplat_role"


class Role(models.TextChoices):
    """Platform roles, from least to most privileged."""

    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")
    ADMIN = "admin", _("Admin")


RoleResolver = Callable[[Any], Role]
RoleWriter = Callable[[Any, Role], None]


class RoleNotWritable(Exception):
    """The site's role storage cannot be changed through learnplat (no ``ROLE_WRITER``)."""


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


# -- writing roles ---------------------------------------------------------------------


def _user_model_fields() -> set[str]:
    from django.contrib.auth import get_user_model

    return {f.name for f in get_user_model()._meta.get_fields()}


def field_role_writer(user: Any, role: Role) -> None:
    """Store ``role`` in the user model's ``role`` field (for :func:`default_role_resolver`)."""
    user.role = Role(role)
    if user.pk is not None:
        user.save(update_fields=["role"])


def group_role_writer(user: Any, role: Role) -> None:
    """Put ``user`` in the ``ROLE_GROUPS`` group of ``role`` and out of the others.

    Students belong to none of them, as :func:`group_role_resolver` reads it.
    """
    from django.contrib.auth.models import Group

    names = settings.ROLE_GROUPS
    others = [name for key, name in names.items() if key != Role(role).value]
    user.groups.remove(*Group.objects.filter(name__in=others))
    if Role(role).value in names:
        group, _ = Group.objects.get_or_create(name=names[Role(role).value])
        user.groups.add(group)


def role_writer() -> RoleWriter | None:
    """The writer for this site's roles, or ``None`` when roles cannot be changed here."""
    if settings.ROLE_WRITER:
        writer: RoleWriter = settings.import_from(settings.ROLE_WRITER)
        return writer
    resolver = settings.import_from(settings.ROLE_RESOLVER)
    if resolver is default_role_resolver and "role" in _user_model_fields():
        return field_role_writer
    if resolver is group_role_resolver:
        return group_role_writer
    return None


def set_role(user: Any, role: Role | str) -> None:
    """Change the platform role of a saved ``user`` through the configured writer.

    Raises :class:`RoleNotWritable` when the site has none.
    """
    writer = role_writer()
    if writer is None:
        raise RoleNotWritable(
            "This site's platform roles cannot be changed through learnplat: "
            'set LEARNPLAT["ROLE_WRITER"] for the custom ROLE_RESOLVER.'
        )
    writer(user, Role(role))
    forget_role(user)


# -- roles in queries ------------------------------------------------------------------


def role_expression() -> Any | None:
    """A database expression equal to :func:`get_role` for each user row, or ``None``.

    Known for learnplat's own resolvers only; a custom resolver is a Python function the
    database cannot run, so lists then resolve roles one user at a time.
    """
    fields = _user_model_fields()
    resolver = settings.import_from(settings.ROLE_RESOLVER)
    superuser = []
    if "is_superuser" in fields:
        superuser = [When(is_superuser=True, then=Value(Role.ADMIN.value))]
    if resolver is default_role_resolver and "role" in fields:
        return Case(
            *superuser,
            When(role__in=Role.values, then=F("role")),
            default=Value(Role.STUDENT.value),
            output_field=CharField(),
        )
    if resolver is group_role_resolver:
        from django.contrib.auth.models import Group

        names = settings.ROLE_GROUPS

        def member_of(role: Role) -> Exists:
            return Exists(Group.objects.filter(user=OuterRef("pk"), name=names.get(role.value)))

        return Case(
            *superuser,
            When(member_of(Role.ADMIN), then=Value(Role.ADMIN.value)),
            When(member_of(Role.INSTRUCTOR), then=Value(Role.INSTRUCTOR.value)),
            default=Value(Role.STUDENT.value),
            output_field=CharField(),
        )
    return None


def with_roles(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate each user with its role, so :func:`get_role` on the rows needs no query."""
    expression = role_expression()
    if expression is None:
        return queryset
    return queryset.annotate(**{ROLE_CACHE_ATTR: expression})


def filter_by_role(queryset: QuerySet[Any], role: Role | str) -> QuerySet[Any]:
    """Users of ``queryset`` whose platform role is ``role``.

    Raises ``LookupError`` when the database cannot compute roles (a custom resolver).
    """
    expression = role_expression()
    if expression is None:
        raise LookupError("Users cannot be filtered by role with a custom ROLE_RESOLVER.")
    return queryset.alias(_learnplat_role_filter=expression).filter(
        Q(_learnplat_role_filter=Role(role).value)
    )
