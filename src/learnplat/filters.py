"""The filter backends of learnplat's lists.

An invalid parameter value answers 400 with the error on that parameter
(``{"search": ["Null characters are not allowed."]}``), like a serializer's field errors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.request import Request

from learnplat.exceptions import InvalidInput


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend that skips building and validating the filterset when the
    request names none of its parameters.

    A filterset bound to no data filters nothing (empty values are skipped, ``method``
    filters included), so the answer is the same; most list requests carry no filter, and
    the form a filterset builds costs them a good part of a millisecond.
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in _parameter_names(filterset_class)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class KeyedSearchFilter(SearchFilter):
    """DRF's ``SearchFilter`` whose refusal of a value (a NUL character) names the parameter:
    DRF's own answers a bare list, ``["Null characters are not allowed."]``."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return list(super().get_search_terms(request))
        except ValidationError as exc:
            raise InvalidInput({self.search_param: exc.detail}) from exc


def _parameter_names(filterset_class: Any) -> set[str]:
    names: set[str] = getattr(filterset_class, "_learnplat_parameter_names", None) or set()
    if not names:
        for name, filter_ in filterset_class.base_filters.items():
            names.add(name)
            # Range and similar filters read "<name>_min", "<name>_after", ...
            widget = getattr(filter_.field_class, "widget", None)
            for suffix in getattr(widget, "suffixes", ()) or ():
                names.add(f"{name}_{suffix}" if suffix else name)
        filterset_class._learnplat_parameter_names = names
    return names
