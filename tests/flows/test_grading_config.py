"""The grading-configuration flows: groups, the weight total under ``weighted`` (exact under
concurrency on PostgreSQL), and the one door to the recompute."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import AssignmentGroup, Course
from learnplat.exceptions import InvalidInput
from learnplat.flows import authoring, grading_config
from learnplat.flows import progress as progress_flow
from tests.factories import CourseFactory, TaskFactory, make_user
from tests.race import race


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """``(kind, by)`` of every ``grading_changed`` call, the real one still running."""
    seen: list[tuple[str, Any]] = []
    real = grading_config.grading_changed

    def spy(*, course: Course, by: Any, kind: str) -> None:
        seen.append((str(kind), by))
        real(course=course, by=by, kind=kind)

    monkeypatch.setattr(grading_config, "grading_changed", spy)
    monkeypatch.setattr(authoring, "grading_changed", spy)
    return seen


@pytest.mark.django_db
def test_every_grading_change_goes_through_grading_changed(kinds: list[tuple[str, Any]]) -> None:
    course = CourseFactory()
    actor = make_user(username="teacher")
    task = TaskFactory(course=course, is_published=True)

    group = grading_config.create_group(course=course, name="Homework", weight=40, by=actor)
    grading_config.update_group(group=group, drop_lowest=1, by=actor)
    authoring.update_task(task=task, group=group, by=actor)
    authoring.update_task(task=task, max_score=5, by=actor)
    authoring.update_course(course=course, grading_scheme="weighted", by=actor)
    authoring.update_course(
        course=course, letter_grades=[{"letter": "A", "min_percent": 90}], by=actor
    )
    authoring.update_course(course=course, grading_policy="latest", by=actor)
    grading_config.delete_group(group=group, by=actor)

    assert kinds == [
        ("group_created", actor),
        ("group_updated", actor),
        ("task", actor),
        ("task", actor),
        ("scheme", actor),
        ("letters", actor),
        ("policy", actor),
        ("group_deleted", actor),
    ]


@pytest.mark.django_db
def test_grading_changed_refreshes_the_course(monkeypatch: pytest.MonkeyPatch) -> None:
    course = CourseFactory()
    refreshed: list[int] = []
    monkeypatch.setattr(
        progress_flow, "refresh_course_totals", lambda *, course: refreshed.append(course.pk)
    )
    grading_config.grading_changed(course=course, by=None, kind="scheme")
    assert refreshed == [course.pk]


@pytest.mark.django_db
def test_flows_refuse_what_the_api_refuses() -> None:
    course = CourseFactory(grading_scheme="weighted")
    other = CourseFactory()
    theirs = grading_config.create_group(course=other, name="Theirs")
    task = TaskFactory(course=course)
    with pytest.raises(InvalidInput) as negative:
        grading_config.create_group(course=course, name="Q", drop_lowest=-1)
    assert set(negative.value.errors) == {"drop_lowest"}
    with pytest.raises(InvalidInput) as heavy:
        grading_config.create_group(course=course, name="Q", weight=100.5)
    assert set(heavy.value.errors) == {"weight"}
    with pytest.raises(InvalidInput) as foreign:
        authoring.update_task(task=task, group=theirs)
    assert set(foreign.value.errors) == {"group"}
    # An id is accepted as well as the group itself.
    ours = grading_config.create_group(course=course, name="Ours", weight=10)
    assert authoring.update_task(task=task, group=ours.pk).group == ours
    with pytest.raises(InvalidInput):
        authoring.update_course(course=course, letter_grades=[{"letter": "A", "min_percent": 200}])
    assert not AssignmentGroup.objects.filter(course=course, name="Q").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creates_that_together_exceed_100_let_one_through() -> None:
    course = CourseFactory(grading_scheme="weighted")

    outcomes = race(
        *[
            (lambda n=n: grading_config.create_group(course=course, name=f"G{n}", weight=60))
            for n in range(2)
        ]
    )

    errors = outcomes.errors()
    assert len(errors) == 1
    assert isinstance(errors[0], InvalidInput)
    assert errors[0].errors == {"weight": ["Group weights add up to 120; at most 100."]}
    assert list(AssignmentGroup.objects.filter(course=course).values_list("weight", flat=True)) == [
        60.0
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_switch_to_weighted_and_a_heavy_group_do_not_both_pass() -> None:
    course = CourseFactory(grading_scheme="points")
    grading_config.create_group(course=course, name="Homework", weight=70)

    outcomes = race(
        lambda: grading_config.create_group(course=course, name="Exams", weight=40),
        lambda: authoring.update_course(
            course=Course.objects.get(pk=course.pk), grading_scheme="weighted"
        ),
    )

    course.refresh_from_db()
    total = sum(AssignmentGroup.objects.filter(course=course).values_list("weight", flat=True))
    # Either order is fine; both at once would leave a weighted course at 110.
    assert len(outcomes.errors()) == 1
    assert not (course.grading_scheme == "weighted" and total > 100)
