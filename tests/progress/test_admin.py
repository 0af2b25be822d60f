"""The progress admin is read-only: visible to superusers, never editable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from learnplat.progress.models import CourseProgress, TaskProgress
from tests.factories import TaskFactory, make_user
from tests.progress.factories import graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(course: Any, learner: Any) -> Client:
    graded(learner, TaskFactory(course=course), 7)
    root = make_user(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", [TaskProgress, CourseProgress])
def test_rows_are_listed_and_shown_but_not_editable(admin_client: Client, model: Any) -> None:
    name = model._meta.model_name
    row = model.objects.get()
    listing = admin_client.get(
        reverse(f"admin:learnplat_progress_{name}_changelist"), {"q": "learner"}
    )
    assert listing.status_code == 200
    assert "learner" in listing.content.decode()
    detail = admin_client.get(reverse(f"admin:learnplat_progress_{name}_change", args=[row.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse(f"admin:learnplat_progress_{name}_add")).status_code == 403
    delete = reverse(f"admin:learnplat_progress_{name}_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
