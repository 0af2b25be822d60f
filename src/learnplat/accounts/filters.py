"""Query filters of ``users/`` (``?role=``, ``?is_active=``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from learnplat.roles import Role, filter_by_role


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", label="Platform role"
    )
    is_active = django_filters.BooleanFilter(field_name="is_active", label="Active")

    def filter_role(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        try:
            return filter_by_role(queryset, value)
        except LookupError as exc:
            raise ValidationError({"role": [str(exc)]}) from exc
