"""The optional learnplat user model.

Three ways to use it (docs/user-model.md):

1. ``AUTH_USER_MODEL = "learnplat_accounts.User"`` — the concrete model below.
2. A host's own user model adds :class:`LearnplatUserMixin` (or subclasses
   :class:`AbstractLearnplatUser`) to get the ``role`` field.
3. Neither: ``LEARNPLAT["ADAPTER"]`` derives roles from groups or flags
   (``learnplat.adapter.GroupRolesAdapter``, or a host's own adapter).

``User`` is swappable, so its table exists only where a host chose it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from learnplat.roles import Role


class LearnplatUserMixin(models.Model):
    """Adds the platform ``role`` to any user model."""

    role = models.CharField(
        _("platform role"), max_length=16, choices=Role.choices, default=Role.STUDENT, db_index=True
    )

    class Meta:
        abstract = True


class LearnplatUserManager(UserManager["AbstractLearnplatUser"]):
    """``UserManager`` with one helper per platform role."""

    def create_student(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        return self.create_user(username, email, password, role=Role.STUDENT, **extra)

    def create_instructor(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        return self.create_user(username, email, password, role=Role.INSTRUCTOR, **extra)

    def create_platform_admin(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        return self.create_user(username, email, password, role=Role.ADMIN, **extra)

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class AbstractLearnplatUser(AbstractUser, LearnplatUserMixin):
    """Django's ``AbstractUser`` plus the platform role; subclass it for a custom user.

    Usernames and (non-blank) e-mail addresses are unique regardless of case, enforced by
    the database as well as by the registration endpoint.
    """

    objects: ClassVar[LearnplatUserManager] = LearnplatUserManager()

    class Meta(AbstractUser.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="%(app_label)s_%(class)s_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="%(app_label)s_%(class)s_email_ci_unique",
                violation_error_message=_("A user with that email address already exists."),
            ),
        ]


class User(AbstractLearnplatUser):
    """The concrete learnplat user: ``AUTH_USER_MODEL = "learnplat_accounts.User"``."""

    class Meta(AbstractLearnplatUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_username()
