"""The rubric flows (``learnplat.flows.rubrics``) called directly: in-place edits, new
versions of a rubric in use (tasks moved, old rows untouched, all or nothing), delete, copy,
and the checks of a task's rubric."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Rubric, RubricCriterion, RubricLevel, Task
from learnplat.exceptions import Conflict, InvalidInput
from learnplat.flows import rubrics as rubrics_flow
from learnplat.submissions.models import RubricAssessment, Submission
from tests.factories import TaskFactory
from tests.world import World

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"title": "A", "levels": [{"title": "low", "points": 0}, {"title": "high", "points": 2}]},
    {"title": "B", "description": "b", "levels": [{"title": "only", "points": 1}]},
]


def new_rubric(world: World, criteria: Any = None) -> Rubric:
    return rubrics_flow.create_rubric(course=world.course, title="R", criteria=criteria or CRITERIA)


def assess(world: World, rubric: Rubric) -> RubricAssessment:
    criterion = rubric.criteria.order_by("position")[0]
    level = criterion.levels.order_by("position")[0]
    task = TaskFactory(course=world.course, kind="manual", config={}, max_score=10)
    submission = Submission.objects.create(
        task=task, course=world.course, user=world.student, attempt=1, answer="x", max_score=10
    )
    return RubricAssessment.objects.create(
        submission=submission, criterion=criterion, level=level, points=level.points
    )


def test_create_stores_positions_in_list_order(world: World) -> None:
    rubric = new_rubric(world)
    assert list(rubric.criteria.values_list("title", "position")) == [("A", 1), ("B", 2)]
    levels = RubricLevel.objects.filter(criterion__rubric=rubric).order_by(
        "criterion__position", "position"
    )
    assert [(lv.title, lv.position) for lv in levels] == [("low", 1), ("high", 2), ("only", 1)]
    assert rubrics_flow.best_points(rubric) == 3


@pytest.mark.parametrize(
    "criteria", [None, "A", [], [{"title": "A"}], [{"title": "A", "levels": "x"}], [1]]
)
def test_create_refuses_bad_criteria(world: World, criteria: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        rubrics_flow.create_rubric(course=world.course, title="R", criteria=criteria)
    assert set(caught.value.errors) == {"criteria"}
    assert not Rubric.objects.exists()


def test_points_must_be_finite_and_unique(world: World) -> None:
    for points in (float("inf"), float("nan"), True):
        with pytest.raises(InvalidInput):
            new_rubric(world, [{"title": "A", "levels": [{"title": "x", "points": points}]}])
    with pytest.raises(InvalidInput):
        new_rubric(
            world,
            [
                {
                    "title": "A",
                    "levels": [{"title": "x", "points": 1}, {"title": "y", "points": 1.0}],
                }
            ],
        )


def test_an_edit_not_in_use_is_in_place(world: World) -> None:
    rubric = new_rubric(world)
    result = rubrics_flow.update_rubric(
        rubric=rubric, criteria=[{"title": "C", "levels": [{"title": "x", "points": 5}]}]
    )
    assert result.pk == rubric.pk
    assert result.version == 1
    assert list(RubricCriterion.objects.values_list("title", flat=True)) == ["C"]


def test_an_edit_in_use_is_a_new_version_with_the_tasks_moved(world: World) -> None:
    rubric = new_rubric(world)
    assessment = assess(world, rubric)
    attached = TaskFactory(
        course=world.course, kind="manual", config={}, max_score=10, rubric=rubric
    )
    untouched = list(
        RubricLevel.objects.filter(criterion__rubric=rubric).values_list("pk", "title", "points")
    )
    new = rubrics_flow.update_rubric(rubric=rubric, title="R2")
    rubric.refresh_from_db()
    assert (new.version, new.supersedes_id, new.is_current, rubric.is_current) == (
        2,
        rubric.pk,
        True,
        False,
    )
    assert Task.objects.get(pk=attached.pk).rubric_id == new.pk
    assert (
        list(
            RubricLevel.objects.filter(criterion__rubric=rubric).values_list(
                "pk", "title", "points"
            )
        )
        == untouched
    )
    assert assessment.criterion.rubric_id == rubric.pk
    # Then the new version is edited in place until it is used in turn.
    again = rubrics_flow.update_rubric(rubric=new, title="R3")
    assert again.pk == new.pk
    assert Rubric.objects.count() == 2


def test_a_failed_versioned_edit_writes_nothing(world: World) -> None:
    rubric = new_rubric(world)
    assess(world, rubric)
    TaskFactory(course=world.course, kind="manual", config={}, max_score=3, rubric=rubric)
    with pytest.raises(InvalidInput):
        rubrics_flow.update_rubric(
            rubric=rubric, criteria=[{"title": "C", "levels": [{"title": "x", "points": 9}]}]
        )
    rubric.refresh_from_db()
    assert rubric.is_current
    assert Rubric.objects.count() == 1


def test_an_old_version_does_not_change(world: World) -> None:
    rubric = new_rubric(world)
    assess(world, rubric)
    rubrics_flow.update_rubric(rubric=rubric, title="New")
    with pytest.raises(Conflict) as caught:
        rubrics_flow.update_rubric(rubric=rubric, title="Again")
    assert caught.value.code == "rubric_superseded"


def test_delete(world: World) -> None:
    free = new_rubric(world)
    rubrics_flow.delete_rubric(rubric=free)
    assert not Rubric.objects.filter(pk=free.pk).exists()
    used = new_rubric(world)
    assess(world, used)
    with pytest.raises(Conflict) as caught:
        rubrics_flow.delete_rubric(rubric=used)
    assert caught.value.code == "rubric_in_use"


def test_copy_makes_new_rows(world: World) -> None:
    rubric = new_rubric(world)
    copy = rubrics_flow.copy_rubric(rubric=rubric, course=world.other_course)
    assert copy.course == world.other_course
    assert copy.pk != rubric.pk
    assert list(copy.criteria.values_list("title", "description")) == [("A", ""), ("B", "b")]
    assert RubricLevel.objects.filter(criterion__rubric=copy).count() == 3


def test_check_task_rubric(world: World) -> None:
    rubric = new_rubric(world)
    assert (
        rubrics_flow.check_task_rubric(course=world.course, rubric=rubric.pk, max_score=3) == rubric
    )
    assert rubrics_flow.check_task_rubric(course=world.course, rubric=None, max_score=0) is None
    with pytest.raises(InvalidInput) as caught:
        rubrics_flow.check_task_rubric(course=world.course, rubric=rubric.pk, max_score=2)
    assert set(caught.value.errors) == {"max_score"}
    with pytest.raises(InvalidInput) as caught:
        rubrics_flow.check_task_rubric(course=world.other_course, rubric=rubric.pk, max_score=9)
    assert set(caught.value.errors) == {"rubric"}


def test_which_kinds_grade_automatically() -> None:
    assert rubrics_flow.grades_automatically("exact")
    assert not rubrics_flow.grades_automatically("manual")
    assert not rubrics_flow.grades_automatically("no-such-kind")
