"""The rubric admin: changelists, the criteria and levels inlines, read-only once in use,
deletes through the flow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from learnplat.courses.models import Rubric
from learnplat.flows import rubrics as rubrics_flow
from learnplat.roles import Role
from learnplat.submissions.models import RubricAssessment, Submission
from tests.courses.conftest import World
from tests.factories import TaskFactory, make_user

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"title": "Naming", "levels": [{"title": "Good", "points": 2}, {"title": "Bad", "points": 0}]}
]


@pytest.fixture
def root(world: World) -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def rubric(world: World) -> Rubric:
    return rubrics_flow.create_rubric(course=world.course, title="Style", criteria=CRITERIA)


def test_changelists_and_pages_show_criteria_and_levels(root: Client, rubric: Rubric) -> None:
    for model in ("rubric", "rubriccriterion"):
        assert (
            root.get(
                reverse(f"admin:learnplat_courses_{model}_changelist"), {"q": "Style"}
            ).status_code
            == 200
        )
    page = root.get(
        reverse("admin:learnplat_courses_rubric_change", args=[rubric.pk])
    ).content.decode()
    assert "criteria-TOTAL_FORMS" in page
    assert "Good (2)" in page
    criterion = rubric.criteria.get()
    page = root.get(
        reverse("admin:learnplat_courses_rubriccriterion_change", args=[criterion.pk])
    ).content.decode()
    assert "levels-TOTAL_FORMS" in page


def test_a_rubric_in_use_is_read_only(world: World, root: Client, rubric: Rubric) -> None:
    criterion = rubric.criteria.get()
    task = TaskFactory(course=world.course, kind="manual", config={})
    submission = Submission.objects.create(
        task=task, course=world.course, user=world.student, attempt=1, answer="x", max_score=10
    )
    RubricAssessment.objects.create(
        submission=submission, criterion=criterion, level=criterion.levels.first(), points=2
    )
    url = reverse("admin:learnplat_courses_rubric_change", args=[rubric.pk])
    page = root.get(url).content.decode()
    assert 'name="title"' not in page
    response = root.post(url, {"title": "Changed"})
    rubric.refresh_from_db()
    assert rubric.title == "Style"
    assert response.status_code in (302, 403)


def test_a_rubric_a_task_uses_is_not_deleted(world: World, root: Client, rubric: Rubric) -> None:
    TaskFactory(course=world.course, kind="manual", config={}, rubric=rubric)
    root.post(
        reverse("admin:learnplat_courses_rubric_changelist"),
        {"action": "delete_selected", "_selected_action": [rubric.pk], "post": "yes"},
    )
    assert Rubric.objects.filter(pk=rubric.pk).exists()


def test_an_unused_rubric_is_deleted(root: Client, rubric: Rubric) -> None:
    root.post(reverse("admin:learnplat_courses_rubric_delete", args=[rubric.pk]), {"post": "yes"})
    assert not Rubric.objects.filter(pk=rubric.pk).exists()
