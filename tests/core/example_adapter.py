"""The worked example of docs/adapter.md: a host whose instructors are its staff, and whose
courses belong to a department.

- Roles come from Django's ``is_staff`` flag: staff are instructors, superusers admins
  (learnplat's rule), everyone else students. Admins cannot be made through the API.
- ``POST courses/`` and ``PATCH courses/{slug}/`` take a ``department``, which the host keeps
  in its own table (``CourseDepartment``); course answers show it.

The host's settings::

    LEARNPLAT = {
        "ADAPTER": "tests.core.example_adapter.DepartmentAdapter",
        "SERIALIZERS": {
            "course_create": "tests.core.example_adapter.CourseCreateWithDepartment",
            "course_update": "tests.core.example_adapter.CourseWithDepartment",
            "course_retrieve": "tests.core.example_adapter.CourseDetailWithDepartment",
        },
    }
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, CharField, Value, When
from rest_framework import serializers

from learnplat.adapter import DefaultAdapter
from learnplat.courses.serializers import (
    CourseCreateSerializer,
    CourseDetailSerializer,
    CourseSerializer,
)
from learnplat.exceptions import InvalidInput
from learnplat.roles import Role
from tests.projects.departments.models import CourseDepartment

DEPARTMENTS = ("maths", "physics", "languages")


class DepartmentAdapter(DefaultAdapter):
    # -- roles: the staff flag -------------------------------------------------------------

    def resolve_role(self, user: Any) -> Role:
        return Role.INSTRUCTOR if user.is_staff else Role.STUDENT

    def can_write_roles(self) -> bool:
        return True

    def write_role(self, user: Any, role: Role) -> None:
        if role == Role.ADMIN:
            # A domain error: the admin's PATCH users/{id}/ answers 400 with this body.
            raise InvalidInput({"role": ["Admins are superusers here; use the Django admin."]})
        user.is_staff = role == Role.INSTRUCTOR
        user.save(update_fields=["is_staff"])

    def role_expression(self) -> Any:
        # Lists and ?role= filters compute the same rule in SQL.
        return Case(
            When(is_staff=True, then=Value(Role.INSTRUCTOR.value)),
            default=Value(Role.STUDENT.value),
            output_field=CharField(),
        )

    # -- the department of a course --------------------------------------------------------

    def save_extra(self, *, key: str, instance: Any, data: Mapping[str, Any]) -> None:
        if key in ("course_create", "course_update") and "department" in data:
            CourseDepartment.objects.update_or_create(
                course=instance, defaults={"name": data["department"]}
            )


class DepartmentField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DEPARTMENTS, write_only=True, **kwargs)


class CourseCreateWithDepartment(CourseCreateSerializer):
    department = DepartmentField()

    class Meta(CourseCreateSerializer.Meta):
        fields = (*CourseCreateSerializer.Meta.fields, "department")


class CourseWithDepartment(CourseSerializer):
    department = DepartmentField(required=False)

    class Meta(CourseSerializer.Meta):
        fields = (*CourseSerializer.Meta.fields, "department")


class CourseDetailWithDepartment(CourseDetailSerializer):
    department = serializers.SerializerMethodField()

    class Meta(CourseDetailSerializer.Meta):
        fields = (*CourseDetailSerializer.Meta.fields, "department")

    def get_department(self, course: Any) -> str | None:
        row = CourseDepartment.objects.filter(course=course).first()
        return row.name if row is not None else None
