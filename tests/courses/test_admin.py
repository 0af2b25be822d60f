"""The Django admin of the courses models, under every host shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from learnplat.courses.models import Extension, Task
from learnplat.evaluation.registry import get_evaluator
from learnplat.roles import Role
from tests.courses.conftest import World
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world: World) -> Client:
    root = make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", ["course", "task", "enrollment", "extension"])
def test_changelists_and_search(world: World, admin_client_: Client, model: str) -> None:
    Extension.objects.create(
        user=world.users["student"], course=world.course, due_at="2031-01-01T00:00:00Z"
    )
    changelist = reverse(f"admin:learnplat_courses_{model}_changelist")
    assert admin_client_.get(changelist).status_code == 200
    assert admin_client_.get(changelist, {"q": "intro"}).status_code == 200


def test_course_change_page_has_task_and_enrollment_inlines(
    world: World, admin_client_: Client
) -> None:
    page = admin_client_.get(
        reverse("admin:learnplat_courses_course_change", args=[world.course.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Visible" in content
    assert "enrollments-TOTAL_FORMS" in content
    assert "tasks-TOTAL_FORMS" in content


def _task_form(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "course": world.course.pk,
        "title": "Admin task",
        "description": "",
        "kind": "exact",
        "config": '{"answers": ["4"]}',
        "position": 5,
        "max_score": 1,
        "weight": 1,
        "late_policy": "{}",
        "is_published": "on",
        "release": "immediate",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_task_admin_applies_the_api_rules(world: World, admin_client_: Client) -> None:
    add = reverse("admin:learnplat_courses_task_add")
    bad_config = admin_client_.post(add, _task_form(world, config='{"answers": []}'))
    assert bad_config.status_code == 200  # the form again, with errors
    assert not Task.objects.filter(title="Admin task").exists()
    bad_policy = admin_client_.post(add, _task_form(world, late_policy='{"per": "week"}'))
    assert bad_policy.status_code == 200
    ok = admin_client_.post(add, _task_form(world))
    assert ok.status_code == 302
    task = Task.objects.get(title="Admin task")
    assert task.config == get_evaluator("exact").validate_config({"answers": ["4"]})


def test_task_admin_refuses_cycles_and_foreign_prerequisites(
    world: World, admin_client_: Client
) -> None:
    world.hidden_task.prerequisites.add(world.task)
    change = reverse("admin:learnplat_courses_task_change", args=[world.task.pk])
    cycle = admin_client_.post(
        change, _task_form(world, title="Visible", prerequisites=[world.hidden_task.pk])
    )
    assert cycle.status_code == 200
    assert "cycle" in cycle.content.decode()
    assert not world.task.prerequisites.exists()
    foreign = Task.objects.create(course=world.other_course, title="F", kind="manual")
    other = admin_client_.post(
        change, _task_form(world, title="Visible", prerequisites=[foreign.pk])
    )
    assert other.status_code == 200
    assert not world.task.prerequisites.exists()
