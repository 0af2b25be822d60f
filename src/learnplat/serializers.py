"""Serializer pieces shared by every learnplat app.

- :class:`UserSummarySerializer`: ``{id, username, first_name, last_name}`` of any
  ``AUTH_USER_MODEL`` (courses' instructors, enrollments, submissions, gradebooks).
- :class:`CourseSummarySerializer`: ``{slug, title}`` of a course (progress, submissions).
- :class:`UserField`: a user given by id (active users of any user model);
  :class:`UsernameField` and :class:`UserEmailField` by username or e-mail, in any case.
- :class:`CompleteResponseMixin`: the OpenAPI schema lists every field of its answers as
  required (they always are present), except ``Meta.response_optional_fields``.
- :class:`RejectUnknownFieldsMixin`: a 400 for keys a serializer does not know, so a typo
  (``"stauts"``) is reported instead of silently ignored.
- :class:`DryRunField`: the ``dry_run`` flag of CSV uploads, true when a form leaves it out.
- :func:`call_flow`: hand a serializer's ``validated_data`` to a flow, the fields it has no
  parameter for as ``extra`` (the adapter's ``save_extra()`` gets them), so a host serializer
  that adds a field never makes the flow fail.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

T = TypeVar("T")


@lru_cache(maxsize=128)
def _input_parameters(flow: Callable[..., Any]) -> frozenset[str]:
    """The keyword-only parameters of ``flow`` that input may fill (all but ``extra``)."""
    return frozenset(
        name
        for name, parameter in inspect.signature(flow).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "extra"
    )


def call_flow(flow: Callable[..., T], validated_data: Mapping[str, Any], /, **given: Any) -> T:
    """Call ``flow`` with ``given`` (what the caller knows: the course, the request's user,
    ...), the fields of ``validated_data`` that are its parameters, and every other field as
    ``extra``.

    A field named like a ``given`` argument is extra too: input never replaces what the
    caller decided (a host field called ``creator`` cannot make someone else a course's
    instructor).
    """
    parameters = _input_parameters(flow) - set(given)
    arguments = {key: value for key, value in validated_data.items() if key in parameters}
    extra = {key: value for key, value in validated_data.items() if key not in parameters}
    return flow(**given, **arguments, extra=extra)


class CSVRowErrorSerializer(serializers.Serializer[Any]):
    """One refused row of an uploaded CSV (the gradebook import, section assignment)."""

    row = serializers.IntegerField(read_only=True, help_text="The CSV line (the header is 1).")
    detail = serializers.CharField(read_only=True)


class DryRunField(serializers.BooleanField):
    """A boolean that stays true when a form body leaves it out (DRF's reads a missing
    checkbox as false, which would apply an upload nobody asked to apply)."""

    default_empty_html = True


class RejectUnknownFieldsMixin:
    """Refuse input keys that are not fields of the serializer (read-only fields are known,
    and ignored as DRF always does, so a client may send back what it read)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = self.fields  # type: ignore[attr-defined]
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class CompleteResponseMixin:
    """For serializers whose answers always carry every field.

    drf-spectacular marks a writable field with a default (``position``, ``capacity``) as
    optional in responses too, so generated clients would type it ``position?: number``.
    Fields that really are left out of some answers go in ``Meta.response_optional_fields``.
    """


class CompleteResponseExtension(OpenApiSerializerExtension):
    target_class = CompleteResponseMixin
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "response":
            meta = getattr(self.target, "Meta", None)
            optional = set(getattr(meta, "response_optional_fields", ()))
            schema["required"] = sorted(set(schema.get("properties", {})) - optional)
        return schema


@extend_schema_field(OpenApiTypes.INT)
class _UserIdField(serializers.ReadOnlyField):
    pass


class UserSummarySerializer(serializers.Serializer[Any]):
    """A user as other people see it; works with any user model (missing names are "")."""

    id = _UserIdField(source="pk")
    username = serializers.SerializerMethodField()
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()

    def get_username(self, user: Any) -> str:
        return str(user.get_username())

    def get_first_name(self, user: Any) -> str:
        return str(getattr(user, "first_name", "") or "")

    def get_last_name(self, user: Any) -> str:
        return str(getattr(user, "last_name", "") or "")


class CourseSummarySerializer(serializers.Serializer[Any]):
    """A course named where another resource points at it: ``{slug, title}``."""

    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)


def course_summary_json(course: Any) -> dict[str, Any]:
    """What :class:`CourseSummarySerializer` writes for ``course``."""
    return {"slug": str(course.slug), "title": str(course.title)}


@extend_schema_field(OpenApiTypes.INT)
class UserField(serializers.PrimaryKeyRelatedField):
    """A user given by id (write) among active users of ``AUTH_USER_MODEL``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The user's id.")
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return active_users()


def active_users() -> Any:
    """The users of ``AUTH_USER_MODEL`` that may be named in input (active ones, when the
    model has ``is_active``)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    users = model._default_manager.all()
    if any(f.name == "is_active" for f in model._meta.get_fields()):
        users = users.filter(is_active=True)
    return users


class _UserLookupField(serializers.CharField):
    """A user named by one of their fields, compared without regard to case; the value is
    the user. An exact match wins over others that differ only in case."""

    #: What the error messages call the field.
    noun = ""

    def __init__(self, **kwargs: Any) -> None:
        # Longer than any username or address (RFC 5321 allows 254 characters).
        kwargs.setdefault("max_length", 320)
        super().__init__(**kwargs)

    def lookup_field(self) -> str | None:
        raise NotImplementedError

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # The string passes CharField's checks (length, blank) before it is looked up.
        value = super().run_validation(data)
        field = self.lookup_field()
        if field is None:
            raise serializers.ValidationError(f"Users of this site have no {self.noun}.")
        matches = list(active_users().filter(**{f"{field}__iexact": value}).order_by("pk")[:5])
        exact = [user for user in matches if getattr(user, field) == value]
        if len(exact) == 1 or len(matches) == 1:
            return exact[0] if exact else matches[0]
        if not matches:
            raise serializers.ValidationError(f"No user has this {self.noun}.")
        raise serializers.ValidationError(
            f"Several users have this {self.noun}; give the user's id instead."
        )


class UsernameField(_UserLookupField):
    """A user given by username (``USERNAME_FIELD``), among active users."""

    noun = "username"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The user's username (any case).")
        super().__init__(**kwargs)

    def lookup_field(self) -> str:
        from django.contrib.auth import get_user_model

        return str(get_user_model().USERNAME_FIELD)


class UserEmailField(_UserLookupField):
    """A user given by e-mail address (the model's ``EMAIL_FIELD``), among active users."""

    noun = "e-mail address"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The user's e-mail address (any case).")
        super().__init__(**kwargs)

    def lookup_field(self) -> str | None:
        from django.contrib.auth import get_user_model
        from django.core.exceptions import FieldDoesNotExist

        model = get_user_model()
        name = str(model.get_email_field_name())
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return name


# -- lean representations -------------------------------------------------------------------
# The hot read serializers write their fields directly, exactly as DRF's fields would, when
# they are used as they are (subclasses, e.g. a host's own serializer, take DRF's way).

_datetime_field = serializers.DateTimeField()


def datetime_json(value: Any) -> str | None:
    """A datetime as ``serializers.DateTimeField`` writes it (format and time zone settings)."""
    return None if value is None else _datetime_field.to_representation(value)


def float_json(value: Any) -> float | None:
    return None if value is None else float(value)


def user_summary_json(user: Any) -> dict[str, Any]:
    """What :class:`UserSummarySerializer` writes for ``user``."""
    return {
        "id": user.pk,
        "username": str(user.get_username()),
        "first_name": str(getattr(user, "first_name", "") or ""),
        "last_name": str(getattr(user, "last_name", "") or ""),
    }
