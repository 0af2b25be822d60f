"""learnplat.courses.services called directly, as host code and commands would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.models import Course, Enrollment, Extension, Task
from learnplat.evaluation.registry import get_evaluator
from learnplat.exceptions import InvalidInput, ServiceError
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import enrollment as enrollment_flow
from learnplat.roles import Role
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
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
    with pytest.raises(TypeError):
        authoring_flow.create_course(
            creator=world.users["instructor"], title="X", tasks=[exact("t", course=1)]
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
    course = authoring_flow.publish(course=world.draft)
    assert (course.status, course.published_at is not None) == ("published", True)
    with pytest.raises(ServiceError) as info:
        authoring_flow.publish(course=course)
    assert info.value.code == "invalid_transition"
    assert authoring_flow.archive(course=course).status == "archived"


def test_enroll_codes(world: World) -> None:
    outsider = world.users["outsider"]
    with pytest.raises(ServiceError) as info:
        enrollment_flow.enroll(user=outsider, course=world.draft)
    assert info.value.code == "enrollment_closed"
    enrollment = enrollment_flow.enroll(user=outsider, course=world.course)
    with pytest.raises(ServiceError) as info:
        enrollment_flow.enroll(user=outsider, course=world.course)
    assert info.value.code == "already_enrolled"
    enrollment_flow.drop(enrollment=enrollment)
    assert enrollment_flow.enroll(user=outsider, course=world.course).pk == enrollment.pk


def test_completed_enrollment_counts_as_enrolled(world: World) -> None:
    Enrollment.objects.filter(user=world.users["student"]).update(status="completed")
    with pytest.raises(ServiceError) as info:
        enrollment_flow.enroll(user=world.users["student"], course=world.course)
    assert info.value.code == "already_enrolled"


def test_drop_codes(world: World) -> None:
    instructor = Enrollment.objects.get(user=world.users["instructor"], course=world.course)
    with pytest.raises(ServiceError) as info:
        enrollment_flow.drop(enrollment=instructor)
    assert info.value.code == "last_instructor"
    student = Enrollment.objects.get(user=world.users["student"], course=world.course)
    enrollment_flow.drop(enrollment=student)
    with pytest.raises(ServiceError) as info:
        enrollment_flow.drop(enrollment=student)
    assert info.value.code == "not_enrolled"


def test_add_staff(world: World) -> None:
    helper = make_user(Role.STUDENT)
    enrollment = enrollment_flow.add_staff(course=world.course, user=helper)
    assert enrollment.role == "assistant"
    with pytest.raises(InvalidInput):
        enrollment_flow.add_staff(course=world.course, user=helper, role="student")
    with pytest.raises(ServiceError) as info:
        enrollment_flow.add_staff(
            course=world.course,
            user=make_user(Role.STUDENT),
            role="instructor",
            added_by=world.users["assistant"],
        )
    assert (info.value.code, info.value.status_code) == ("permission_denied", 403)


def test_add_enrollment_unknown_role(world: World) -> None:
    with pytest.raises(InvalidInput):
        enrollment_flow.add_enrollment(
            course=world.course, user=world.users["outsider"], role="owner"
        )


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


def test_grant_extension_upserts(world: World) -> None:
    due = timezone.now() + timedelta(days=3)
    first = deadlines_flow.grant_extension(
        granted_by=world.users["assistant"],
        course=world.course,
        user=world.users["student"],
        task=world.task,
        due_at=due,
    )
    second = deadlines_flow.grant_extension(
        granted_by=world.users["instructor"],
        course=world.course,
        user=world.users["student"],
        task=world.task,
        due_at=due + timedelta(days=1),
        reason="again",
    )
    assert first.pk == second.pk
    stored = Extension.objects.get()
    assert (stored.granted_by, stored.reason) == (world.users["instructor"], "again")


def test_grant_extension_rules(world: World) -> None:
    due = timezone.now()
    with pytest.raises(InvalidInput) as info:
        deadlines_flow.grant_extension(
            granted_by=None, course=world.course, user=world.users["outsider"], due_at=due
        )
    assert "user" in info.value.errors
    other_task = TaskFactory(course=CourseFactory())
    with pytest.raises(InvalidInput) as info:
        deadlines_flow.grant_extension(
            granted_by=None,
            course=world.course,
            user=world.users["student"],
            task=other_task,
            due_at=due,
        )
    assert "task" in info.value.errors
    dropped = make_user(Role.STUDENT)
    enroll(dropped, world.course).__class__.objects.filter(user=dropped).update(status="dropped")
    with pytest.raises(InvalidInput):
        deadlines_flow.grant_extension(
            granted_by=None, course=world.course, user=dropped, due_at=due
        )
