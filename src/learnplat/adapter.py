"""The adapter: the one class a host subclasses to change what learnplat decides.

Settings read: ``LEARNPLAT["ADAPTER"]``, the dotted path of a :class:`DefaultAdapter`
subclass, and ``LEARNPLAT["ROLE_GROUPS"]`` (read by :class:`GroupRolesAdapter` only)::

    LEARNPLAT = {"ADAPTER": "myproject.adapter.SiteAdapter"}

    class SiteAdapter(DefaultAdapter):
        def may_enroll(self, user, course):
            return user.email.endswith("@example.edu")

The adapter owns how platform roles are read, written and computed in queries, and the
domain decisions a host may change: who may enroll, the slug of a new course, what to do
with extra fields a host serializer adds, and what happens after a submission or a grade.
The flows call it inside their transactions, so whatever a hook writes commits or rolls
back with the flow's own rows. docs/adapter.md describes every method and its default.

:func:`get_adapter` builds an instance per call from the class the setting names (the
class lookup is cached until ``LEARNPLAT`` changes), so adapters hold no state between calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils.text import slugify

from learnplat.conf import settings
from learnplat.roles import ROLE_CACHE_ATTR, Role, RoleNotWritable, forget_role


def _user_model_fields() -> set[str]:
    from django.contrib.auth import get_user_model

    return {f.name for f in get_user_model()._meta.get_fields()}


class DefaultAdapter:
    """learnplat's behaviour where a host may want its own; subclass it and override methods.

    The role methods come in a set: :meth:`resolve_role` reads a role, :meth:`can_write_roles`
    and :meth:`write_role` store one, :meth:`role_expression` computes it in SQL. Override
    them together (a system check warns when ``resolve_role`` is overridden alone), or
    return ``False`` / ``None`` from the last two to say the host cannot.
    """

    # -- platform roles: the hooks ---------------------------------------------------------

    def resolve_role(self, user: Any) -> Role:
        """The role of an authenticated user who is not a superuser.

        Default: the user model's ``role`` field (the learnplat user or the mixin); users
        without one, or with an unknown value, are students.
        """
        try:
            return Role(str(getattr(user, "role", None)))
        except ValueError:
            return Role.STUDENT

    def can_write_roles(self) -> bool:
        """Whether :meth:`write_role` can store roles here. Default: the user model has a
        ``role`` field."""
        return "role" in _user_model_fields()

    def write_role(self, user: Any, role: Role) -> None:
        """Store ``role`` for ``user``. Default: set the ``role`` field (and save it, once the
        user is saved)."""
        user.role = role
        if user.pk is not None:
            user.save(update_fields=["role"])

    def role_expression(self) -> Any | None:
        """A database expression equal to :meth:`resolve_role` for each user row, without the
        superuser rule (:meth:`with_roles` adds it), or ``None`` when SQL cannot compute it:
        lists then resolve roles one user at a time and ``?role=`` filters answer 400.

        Default: the ``role`` field, when the user model has one.
        """
        if "role" not in _user_model_fields():
            return Value(Role.STUDENT.value)
        return Case(
            When(role__in=Role.values, then=F("role")),
            default=Value(Role.STUDENT.value),
            output_field=CharField(),
        )

    # -- platform roles: what learnplat calls ---------------------------------------------

    def get_role(self, user: Any) -> Role | None:
        """The platform role of ``user``, ``None`` for anonymous users. Superusers are always
        admins. Cached on the user object, which lives for one request."""
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        cached = getattr(user, ROLE_CACHE_ATTR, None)
        if cached is not None:
            return Role(cached)
        superuser = getattr(user, "is_superuser", False)
        role = Role.ADMIN if superuser else Role(self.resolve_role(user))
        setattr(user, ROLE_CACHE_ATTR, role)
        return role

    def set_role(self, user: Any, role: Role | str) -> None:
        """Change the role of a saved ``user``; :class:`~learnplat.roles.RoleNotWritable` when
        the host cannot store roles."""
        if not self.can_write_roles():
            raise RoleNotWritable(
                "This site's platform roles cannot be changed through learnplat: its "
                "LEARNPLAT['ADAPTER'] cannot write roles (can_write_roles() is False)."
            )
        self.write_role(user, Role(role))
        forget_role(user)

    def full_role_expression(self) -> Any | None:
        """:meth:`role_expression` with superusers as admins, or ``None``."""
        expression = self.role_expression()
        if expression is None:
            return None
        if "is_superuser" not in _user_model_fields():
            return expression
        return Case(
            When(is_superuser=True, then=Value(Role.ADMIN.value)),
            default=expression,
            output_field=CharField(),
        )

    def with_roles(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Annotate each user with its role, so :meth:`get_role` on the rows needs no query."""
        expression = self.full_role_expression()
        if expression is None:
            return queryset
        return queryset.annotate(**{ROLE_CACHE_ATTR: expression})

    def filter_by_role(self, queryset: QuerySet[Any], role: Role | str) -> QuerySet[Any]:
        """Users of ``queryset`` whose platform role is ``role``; ``LookupError`` when the
        database cannot compute roles (:meth:`role_expression` is ``None``)."""
        expression = self.full_role_expression()
        if expression is None:
            raise LookupError("Users cannot be filtered by role on this site.")
        return queryset.alias(_learnplat_role_filter=expression).filter(
            Q(_learnplat_role_filter=Role(role).value)
        )

    # -- domain decisions ------------------------------------------------------------------

    def may_enroll(self, user: Any, course: Any) -> bool:
        """Whether ``user`` may enroll themselves in ``course`` (``POST courses/{slug}/enroll/``).

        Asked after learnplat's own checks passed (not enrolled yet, the course open and not
        full), with the course row locked. ``False`` answers 403 ``enrollment_not_allowed``;
        raise :class:`~learnplat.exceptions.Conflict` or ``Forbidden`` for a message and code
        of your own. Default: everyone may.
        """
        return True

    def new_course_slug(self, *, title: str, creator: Any) -> str:
        """The slug wanted for a new course created without one.

        learnplat shortens it to fit, and makes it unique by appending ``-2``, ``-3``, ...
        (asking again when a concurrent request took it meanwhile). It must be letters,
        digits, hyphens and underscores. Default: the slugified title, or ``course``.
        """
        return slugify(title) or "course"

    def save_extra(self, *, key: str, instance: Any, data: Mapping[str, Any]) -> None:
        """Store the fields a host serializer added, which learnplat's flow does not take.

        Called once by every create and update flow, inside its transaction, after its own
        rows are written; ``key`` is the ``LEARNPLAT["SERIALIZERS"]`` key of the write
        (``course_create``, ``task_update``, ...), ``instance`` what it wrote, ``data`` the
        validated fields the flow has no parameter for (often empty). Default: nothing.
        """

    def after_submit(self, *, submission: Any) -> None:
        """Called in ``submit()``'s transaction once a new submission is stored (not for an
        ``Idempotency-Key`` replay), before its evaluation is queued. Default: nothing."""

    def after_grade(self, *, submission: Any, evaluation: Any) -> None:
        """Called in the transaction that records a grade (an evaluator's result, a grade by
        staff, a deadline change that moved the score, a submission that failed for good),
        with the Evaluation row it wrote. Default: nothing."""


class GroupRolesAdapter(DefaultAdapter):
    """Roles from Django groups, for hosts that cannot touch their user model::

        LEARNPLAT = {
            "ADAPTER": "learnplat.adapter.GroupRolesAdapter",
            # the default names:
            "ROLE_GROUPS": {"instructor": "learnplat-instructors", "admin": "learnplat-admins"},
        }

    Members of the ``admin`` group are admins, of the ``instructor`` group instructors,
    everyone else students. One query per request at most: :meth:`get_role` caches it.
    """

    def resolve_role(self, user: Any) -> Role:
        groups = settings.ROLE_GROUPS
        names = set(
            user.groups.filter(name__in=list(groups.values())).values_list("name", flat=True)
        )
        if groups.get("admin") in names:
            return Role.ADMIN
        if groups.get("instructor") in names:
            return Role.INSTRUCTOR
        return Role.STUDENT

    def can_write_roles(self) -> bool:
        return True

    def write_role(self, user: Any, role: Role) -> None:
        """Put ``user`` in the group of ``role`` and out of the other role groups (students
        belong to none of them); groups that are not role groups are left alone."""
        from django.contrib.auth.models import Group

        names = settings.ROLE_GROUPS
        others = [name for key, name in names.items() if key != role.value]
        user.groups.remove(*Group.objects.filter(name__in=others))
        if role.value in names:
            group, _ = Group.objects.get_or_create(name=names[role.value])
            user.groups.add(group)

    def role_expression(self) -> Any:
        from django.contrib.auth.models import Group

        names = settings.ROLE_GROUPS

        def member_of(role: Role) -> Exists:
            return Exists(Group.objects.filter(user=OuterRef("pk"), name=names.get(role.value)))

        return Case(
            When(member_of(Role.ADMIN), then=Value(Role.ADMIN.value)),
            When(member_of(Role.INSTRUCTOR), then=Value(Role.INSTRUCTOR.value)),
            default=Value(Role.STUDENT.value),
            output_field=CharField(),
        )


def adapter_class_problem(candidate: Any) -> str | None:
    """Why ``candidate`` cannot be the adapter, or ``None`` when it can."""
    if not isinstance(candidate, type) or not issubclass(candidate, DefaultAdapter):
        return f"{candidate!r} is not a subclass of learnplat.adapter.DefaultAdapter."
    return None


def get_adapter() -> DefaultAdapter:
    """An instance of the adapter ``LEARNPLAT["ADAPTER"]`` names."""
    path = settings.ADAPTER
    try:
        adapter_class = settings.import_from(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"LEARNPLAT['ADAPTER'] = {path!r}: {exc}") from exc
    problem = adapter_class_problem(adapter_class)
    if problem is not None:
        raise ImproperlyConfigured(f"LEARNPLAT['ADAPTER'] = {path!r}: {problem}")
    adapter: DefaultAdapter = adapter_class()
    return adapter
