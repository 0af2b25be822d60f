"""The admin of accommodations (through the flow) and of late-day spends (read-only)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from learnplat.courses.models import Accommodation
from learnplat.roles import Role
from learnplat.submissions.models import LateDaySpend
from tests.courses.conftest import World
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    return client


def form(world: World, user: int, **fields: object) -> dict[str, object]:
    return {
        "course": world.course.pk,
        "user": user,
        "time_multiplier": 1.5,
        "extra_late_days": 2,
        "bonus_submissions": 0,
        "note": "",
        **fields,
    }


def test_add_change_and_delete_go_through_the_flow(world: World, root: Client) -> None:
    add = reverse("admin:learnplat_courses_accommodation_add")
    student = world.users["student"].pk
    assert root.post(add, form(world, student)).status_code == 302
    accommodation = Accommodation.objects.get()
    assert (accommodation.time_multiplier, accommodation.extra_late_days) == (1.5, 2)
    # A second one for the student is refused with a message, nothing written.
    root.post(add, form(world, student), follow=True)
    assert Accommodation.objects.count() == 1
    # So is one for someone who is not a student of the course.
    root.post(add, form(world, world.users["outsider"].pk), follow=True)
    assert Accommodation.objects.count() == 1
    change = reverse("admin:learnplat_courses_accommodation_change", args=[accommodation.pk])
    assert root.post(change, form(world, student, extra_late_days=5)).status_code == 302
    accommodation.refresh_from_db()
    assert accommodation.extra_late_days == 5
    delete = reverse("admin:learnplat_courses_accommodation_delete", args=[accommodation.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 302
    assert not Accommodation.objects.exists()


def test_spends_are_listed_and_never_changed(world: World, root: Client) -> None:
    spend = LateDaySpend.objects.create(
        course=world.course, task=world.task, user=world.users["student"], days=2
    )
    changelist = reverse("admin:learnplat_submissions_latedayspend_changelist")
    assert root.get(changelist, {"q": "student"}).status_code == 200
    assert root.get(reverse("admin:learnplat_submissions_latedayspend_add")).status_code == 403
    change = reverse("admin:learnplat_submissions_latedayspend_change", args=[spend.pk])
    root.post(change, {"days": 9})
    spend.refresh_from_db()
    assert spend.days == 2
