"""``learnplat.querysets.AttachingQuerySet``: per-page reads after a fetch."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Course
from learnplat.querysets import AttachingQuerySet
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, courses: list[Any]) -> None:
        self.calls.append([c.slug for c in courses])
        for course in courses:
            course.seen = True


def courses() -> AttachingQuerySet[Course]:
    return AttachingQuerySet(model=Course).order_by("slug")


@pytest.fixture
def three() -> None:
    for slug in ("a", "b", "c"):
        CourseFactory(slug=slug)


def test_an_attachment_runs_once_on_the_fetched_page(three: None) -> None:
    recorder = Recorder()
    page = courses().attach("seen", recorder)[:2]

    fetched = list(page)
    list(page)  # cached: no second run

    assert recorder.calls == [["a", "b"]]
    assert all(course.seen for course in fetched)


def test_attachments_survive_chaining_and_one_name_runs_once(three: None) -> None:
    first, second = Recorder(), Recorder()
    query = courses().attach("x", first).filter(slug__in=["a", "c"]).attach("x", second)

    assert [c.slug for c in query] == ["a", "c"]
    assert (first.calls, second.calls) == ([], [["a", "c"]])


def test_no_rows_no_call_and_values_rows_are_left_alone(db: None) -> None:
    recorder = Recorder()
    assert list(courses().attach("x", recorder)) == []
    CourseFactory(slug="z")
    assert list(courses().attach("x", recorder).values_list("slug", flat=True)) == ["z"]
    assert recorder.calls == []


def test_a_count_does_not_attach(three: None, django_assert_num_queries: Any) -> None:
    recorder = Recorder()
    with django_assert_num_queries(1):
        assert courses().attach("x", recorder).count() == 3
    assert recorder.calls == []
