"""A row deleted by another request while this one runs is a 404, not a 500.

Schema fuzzing found it: a PATCH of a course racing its DELETE saved with ``update_fields``
into no row, which Django reports as an error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from learnplat.courses.models import Course
from learnplat.flows import authoring as authoring_flow
from tests.conftest import client_for
from tests.factories import CourseFactory, enroll


@pytest.fixture
def course(instructor: Any) -> Course:
    course = CourseFactory(slug="racing")
    enroll(instructor, course, "instructor")
    return course


def test_a_patch_racing_a_delete_is_404(
    course: Course, instructor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    update = authoring_flow.update_course

    def deleted_meanwhile(*, course: Course, **fields: Any) -> Course:
        Course.objects.filter(pk=course.pk).delete()
        return update(course=course, **fields)

    monkeypatch.setattr(authoring_flow, "update_course", deleted_meanwhile)
    url = reverse("learnplat:course-detail", kwargs={"slug": course.slug})

    response = client_for(instructor).patch(url, {"title": "Renamed"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_lookup_that_finds_nothing_any_more_is_404(
    course: Course, instructor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*, course: Course) -> Course:
        raise Course.DoesNotExist

    monkeypatch.setattr(authoring_flow, "archive", gone)
    url = reverse("learnplat:course-archive", kwargs={"slug": course.slug})

    assert client_for(instructor).post(url).status_code == 404
