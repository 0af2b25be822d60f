"""``learnplat.filters.FilterBackend``: no filterset without filter parameters, the same
answers with them."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.urls import reverse

from learnplat.accounts.filters import UserFilter
from learnplat.filters import FilterBackend, _parameter_names
from learnplat.roles import Role
from tests.conftest import client_for
from tests.factories import make_user


def test_without_filter_parameters_no_filterset_is_built(
    platform_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(Role.INSTRUCTOR, username="teacher")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the filterset was built")

    monkeypatch.setattr(UserFilter, "__init__", refuse)
    response = client_for(platform_admin).get(reverse("learnplat:user-list"), {"ordering": "id"})

    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_filter_parameters_still_filter_and_validate(platform_admin: Any) -> None:
    make_user(Role.INSTRUCTOR, username="teacher")
    client = client_for(platform_admin)
    url = reverse("learnplat:user-list")

    teachers = client.get(url, {"role": "instructor"}).json()
    assert [u["username"] for u in teachers["results"]] == ["teacher"]
    assert client.get(url, {"role": "wizard"}).status_code == 400


class RangeFilterSet(django_filters.FilterSet):
    score = django_filters.RangeFilter()
    when = django_filters.DateFromToRangeFilter()
    title = django_filters.CharFilter()


def test_parameter_names_include_range_suffixes() -> None:
    assert _parameter_names(RangeFilterSet) == {
        "score", "score_min", "score_max", "when", "when_after", "when_before", "title",
    }  # fmt: skip
    assert issubclass(FilterBackend, django_filters.rest_framework.DjangoFilterBackend)
