"""learnplat.flows.authoring.reorder_tasks, and the course lock it shares with create_task."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Task
from learnplat.exceptions import InvalidInput
from learnplat.flows import authoring as authoring_flow
from tests.factories import TaskFactory
from tests.race import race
from tests.world import World

pytestmark = pytest.mark.django_db


def order_of(course: Any) -> list[int]:
    tasks = Task.objects.filter(course=course).order_by("position", "pk")
    return list(tasks.values_list("pk", flat=True))


def positions_of(course: Any) -> list[int]:
    tasks = Task.objects.filter(course=course).order_by("position")
    return list(tasks.values_list("position", flat=True))


def test_reorder_gives_positions_in_the_given_order(world: World) -> None:
    third = TaskFactory(course=world.course, position=7)
    wanted = [third.pk, world.task.pk, world.hidden_task.pk]
    authoring_flow.reorder_tasks(course=world.course, order=wanted)
    assert order_of(world.course) == wanted
    assert positions_of(world.course) == [1, 2, 3]


def test_reorder_writes_only_the_tasks_that_move(world: World) -> None:
    third = TaskFactory(course=world.course, position=3)
    before = {t.pk: t.modified for t in Task.objects.filter(course=world.course)}
    authoring_flow.reorder_tasks(
        course=world.course, order=[world.hidden_task.pk, world.task.pk, third.pk]
    )
    after = {t.pk: t.modified for t in Task.objects.filter(course=world.course)}
    assert after[third.pk] == before[third.pk]
    assert after[world.task.pk] > before[world.task.pk]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (lambda w: [w.task.pk], "missing"),
        (lambda w: [w.task.pk, w.hidden_task.pk, w.task.pk], "more than once"),
        (lambda w: [w.task.pk, w.hidden_task.pk, w.other_task.pk], "not tasks of this course"),
        (lambda w: [w.task.pk, 10**12], "not tasks of this course"),
        (lambda w: [], "missing"),
    ],
    ids=["missing", "duplicate", "foreign", "unknown", "empty"],
)
def test_reorder_refuses_anything_but_the_course_tasks(
    world: World, order: Any, message: str
) -> None:
    world.other_task = TaskFactory(course=world.other_course)  # type: ignore[attr-defined]
    before = order_of(world.course), positions_of(world.course)
    with pytest.raises(InvalidInput) as info:
        authoring_flow.reorder_tasks(course=world.course, order=order(world))
    assert message in " ".join(info.value.errors["order"])
    assert (order_of(world.course), positions_of(world.course)) == before


def test_reorder_of_a_course_without_tasks(world: World) -> None:
    assert authoring_flow.reorder_tasks(course=world.draft, order=[]) == world.draft


def test_a_new_task_goes_after_the_reordered_ones(world: World) -> None:
    authoring_flow.reorder_tasks(course=world.course, order=[world.hidden_task.pk, world.task.pk])
    task = authoring_flow.create_task(
        course=world.course, title="Last", kind="exact", config={"answers": ["x"]}
    )
    assert order_of(world.course) == [world.hidden_task.pk, world.task.pk, task.pk]


# -- under concurrency (PostgreSQL) -----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reorders_leave_one_whole_order(world: World) -> None:
    # Each order moves a different pair, so two reorders that both read the old positions and
    # write only what they move would leave two tasks at position 2 (first's t1, second's t3).
    t1, t2, t3 = world.task, world.hidden_task, TaskFactory(course=world.course, position=3)
    first, second = [t2.pk, t1.pk, t3.pk], [t1.pk, t3.pk, t2.pk]
    for _round in range(3):
        authoring_flow.reorder_tasks(course=world.course, order=[t1.pk, t2.pk, t3.pk])
        race(
            lambda: authoring_flow.reorder_tasks(course=world.course, order=first),
            lambda: authoring_flow.reorder_tasks(course=world.course, order=second),
        ).values()
        assert positions_of(world.course) == [1, 2, 3]
        assert order_of(world.course) in (first, second)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_positions(world: World) -> None:
    def create(title: str) -> Task:
        return authoring_flow.create_task(
            course=world.course, title=title, kind="exact", config={"answers": ["x"]}
        )

    race(*[lambda i=i: create(f"t{i}") for i in range(4)]).values()
    assert positions_of(world.course) == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reorder_racing_a_create_ends_consistent(world: World) -> None:
    wanted = [world.hidden_task.pk, world.task.pk]
    outcomes = race(
        lambda: authoring_flow.reorder_tasks(course=world.course, order=wanted),
        lambda: authoring_flow.create_task(
            course=world.course, title="New", kind="exact", config={"answers": ["x"]}
        ),
    )
    created = outcomes[1].get()
    if outcomes[0].error is None:  # the reorder ran first: the new task comes after
        assert order_of(world.course) == [*wanted, created.pk]
    else:  # the create ran first: the reorder missed a task and changed nothing
        assert isinstance(outcomes[0].error, InvalidInput)
        assert order_of(world.course) == [world.task.pk, world.hidden_task.pk, created.pk]
    assert positions_of(world.course) == [1, 2, 3]
