"""learnplat.flows.authoring called directly, as host code and commands would."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Course, Enrollment, Task
from learnplat.evaluation.registry import get_evaluator
from learnplat.exceptions import InvalidInput, LearnplatError
from learnplat.flows import authoring as authoring_flow
from tests.factories import TaskFactory
from tests.world import World

pytestmark = pytest.mark.django_db


def exact(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "kind": "exact", "config": {"answers": ["x"]}, **extra}


def test_create_course_with_tasks(world: World) -> None:
    creator = world.users["instructor"]
    course = authoring_flow.create_course(
        creator=creator,
        title="Graphs",
        tasks=[exact("a"), exact("b", prerequisites=[0]), exact("c", prerequisites=[0, 1, 1])],
    )
    tasks = list(course.tasks.order_by("position"))
    assert [t.position for t in tasks] == [1, 2, 3]
    assert [t.pk for t in tasks[2].prerequisites.order_by("position")] == [tasks[0].pk, tasks[1].pk]
    assert Enrollment.objects.get(course=course).user == creator
    assert course.status == "draft"


def test_create_course_is_all_or_nothing(world: World) -> None:
    before = Course.objects.count(), Task.objects.count()
    with pytest.raises(InvalidInput) as info:
        authoring_flow.create_course(
            creator=world.users["instructor"],
            title="Broken",
            tasks=[exact("ok"), {"title": "bad", "kind": "exact", "config": {}}],
        )
    assert "config" in info.value.errors["tasks"][1]
    assert (Course.objects.count(), Task.objects.count()) == before


def test_create_course_refuses_unknown_fields(world: World) -> None:
    with pytest.raises(TypeError):
        authoring_flow.create_course(
            creator=world.users["instructor"], title="X", status="published"
        )
    with pytest.raises(InvalidInput):
        authoring_flow.create_course(creator=world.users["instructor"], title="  ")


def test_slug_generation(world: World) -> None:
    creator = world.users["instructor"]
    long_title = "A very long title " * 10
    slugs = [authoring_flow.create_course(creator=creator, title=long_title).slug for _ in range(2)]
    assert len(slugs[0]) <= 80
    assert slugs[1] == f"{slugs[0]}-2"
    with pytest.raises(InvalidInput):
        authoring_flow.create_course(creator=creator, title="X", slug=slugs[0])
    with pytest.raises(InvalidInput):
        authoring_flow.create_course(creator=creator, title="X", slug="bad slug!")


def test_update_course_never_touches_slug_or_status(world: World) -> None:
    with pytest.raises(TypeError):
        authoring_flow.update_course(course=world.course, slug="new")
    with pytest.raises(TypeError):
        authoring_flow.update_course(course=world.course, status="draft")
    authoring_flow.update_course(course=world.course, title="T", capacity=None)
    world.course.refresh_from_db()
    assert world.course.title == "T"


def test_publish_and_archive(world: World) -> None:
    TaskFactory(course=world.draft, is_published=True)
    course = authoring_flow.publish(course=world.draft)
    assert (course.status, course.published_at is not None) == ("published", True)
    with pytest.raises(LearnplatError) as info:
        authoring_flow.publish(course=course)
    assert info.value.code == "invalid_transition"
    assert authoring_flow.archive(course=course).status == "archived"


def test_publish_needs_a_published_task(world: World) -> None:
    hidden = TaskFactory(course=world.draft, is_published=False)
    with pytest.raises(LearnplatError) as info:
        authoring_flow.publish(course=world.draft)
    assert info.value.code == "course_empty"
    world.draft.refresh_from_db()
    assert (world.draft.status, world.draft.published_at) == ("draft", None)
    authoring_flow.update_task(task=hidden, is_published=True)
    assert authoring_flow.publish(course=world.draft).status == "published"


def test_a_published_course_is_an_invalid_transition_before_it_is_empty(world: World) -> None:
    Task.objects.filter(course=world.course).update(is_published=False)
    with pytest.raises(LearnplatError) as info:
        authoring_flow.publish(course=world.course)
    assert info.value.code == "invalid_transition"


def test_create_task_defaults_and_rules(world: World) -> None:
    task = authoring_flow.create_task(course=world.course, **exact("t"))
    assert task.position == 3
    assert task.config == get_evaluator("exact").validate_config({"answers": ["x"]})
    with pytest.raises(InvalidInput) as info:
        authoring_flow.create_task(course=world.course, title="t", kind="nope")
    assert "kind" in info.value.errors
    with pytest.raises(InvalidInput) as info:
        authoring_flow.create_task(
            course=world.course, **exact("t", late_policy={"deduction_percent": -1})
        )
    assert "late_policy" in info.value.errors
    foreign = TaskFactory(course=world.other_course)
    with pytest.raises(InvalidInput) as info:
        authoring_flow.create_task(course=world.course, prerequisites=[foreign], **exact("t"))
    assert "prerequisites" in info.value.errors


def test_update_task_cycle_check_walks_long_chains(world: World) -> None:
    chain = [world.task]
    for i in range(30):
        chain.append(
            authoring_flow.create_task(
                course=world.course, prerequisites=[chain[-1]], **exact(f"c{i}")
            )
        )
    with pytest.raises(InvalidInput) as info:
        authoring_flow.update_task(task=chain[0], prerequisites=[chain[-1]])
    assert "cycle" in info.value.errors["prerequisites"][0]
    authoring_flow.update_task(task=chain[0], prerequisites=[world.hidden_task])
    assert list(chain[0].prerequisites.all()) == [world.hidden_task]
