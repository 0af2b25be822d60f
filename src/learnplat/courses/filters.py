"""Query parameters of the course lists (django-filter).

They are FilterSet fields rather than DRF's SearchFilter/OrderingFilter so that the
parameter names (``search``, ``ordering``) are part of learnplat's contract and do not move
with the host's ``REST_FRAMEWORK["SEARCH_PARAM"]``. Unknown choices answer 400.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from learnplat.courses.choices import CourseRole, CourseStatus, EnrollmentStatus
from learnplat.courses.models import Accommodation, Course, Enrollment, Extension
from learnplat.courses.querysets import CourseQuerySet


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=title`` / ``-published_at``; ties keep a fixed order across pages."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class CourseFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="Words in the title or description (all must appear)."
    )
    status = django_filters.ChoiceFilter(choices=CourseStatus.choices)
    mine = django_filters.ChoiceFilter(
        choices=[("teaching", "teaching"), ("enrolled", "enrolled")],
        method="filter_mine",
        label="teaching: courses you are staff of; enrolled: courses you take as a student.",
    )
    ordering = StableOrderingFilter(
        fields=(("title", "title"), ("created", "created"), ("published_at", "published_at")),
        label="title, created or published_at; prefix - for descending. Default: -created.",
    )

    class Meta:
        model = Course
        fields = ("search", "status", "mine")

    def filter_search(self, queryset: QuerySet[Course], name: str, value: str) -> QuerySet[Course]:
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_mine(self, queryset: CourseQuerySet, name: str, value: str) -> CourseQuerySet:
        user = self.request.user if self.request is not None else None
        if value == "teaching":
            return queryset.taught_by(user)
        return queryset.enrolled_by(user)


class EnrollmentFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=CourseRole.choices)
    status = django_filters.ChoiceFilter(choices=EnrollmentStatus.choices)

    class Meta:
        model = Enrollment
        fields = ("role", "status")


class AccommodationFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(
        field_name="user_id", label="The accommodation of this user id."
    )

    class Meta:
        model = Accommodation
        fields = ("user",)


class ExtensionFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(field_name="user_id", label="Extensions of this user id.")
    task = django_filters.NumberFilter(field_name="task_id", label="Extensions of this task id.")

    class Meta:
        model = Extension
        fields = ("user", "task")
