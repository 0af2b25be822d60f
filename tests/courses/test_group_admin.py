"""The admin of group sets and student groups: every save and delete through the flows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learnplat.courses.models import GroupMembership, GroupSet, StudentGroup
from learnplat.roles import Role
from tests.courses.conftest import World
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    return client


def test_group_sets_are_added_changed_and_deleted_through_the_flow(
    world: World, root: Client
) -> None:
    add = reverse("admin:learnplat_courses_groupset_add")
    body = {"course": world.course.pk, "name": "Labs", "min_size": 1, "max_size": 3}
    assert root.post(add, {**body, "self_signup": "on"}).status_code == 302
    group_set = GroupSet.objects.get()
    assert (group_set.max_size, group_set.self_signup) == (3, True)
    # A size the flow refuses is a message; nothing changes.
    change = reverse("admin:learnplat_courses_groupset_change", args=[group_set.pk])
    root.post(change, {**body, "max_size": 60}, follow=True)
    group_set.refresh_from_db()
    assert group_set.max_size == 3
    assert root.post(change, {**body, "max_size": 5}).status_code == 302
    group_set.refresh_from_db()
    assert (group_set.max_size, group_set.self_signup) == (5, False)
    delete = reverse("admin:learnplat_courses_groupset_delete", args=[group_set.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 302
    assert not GroupSet.objects.exists()


def test_groups_members_are_edited_through_the_flow_until_the_group_submits(
    world: World, root: Client
) -> None:
    group_set = GroupSet.objects.create(course=world.course, name="Labs", max_size=2)
    add = reverse("admin:learnplat_courses_studentgroup_add")
    members = [world.student.pk, world.other_student.pk]
    body = {"group_set": group_set.pk, "name": "Team", "members": members}
    assert root.post(add, body).status_code == 302
    group = StudentGroup.objects.get()
    assert sorted(GroupMembership.objects.values_list("user_id", flat=True)) == sorted(members)
    change = reverse("admin:learnplat_courses_studentgroup_change", args=[group.pk])
    page = root.get(change)
    assert page.status_code == 200
    assert root.post(change, {"name": "Team", "members": [world.student.pk]}).status_code == 302
    assert list(GroupMembership.objects.values_list("user_id", flat=True)) == [world.student.pk]
    StudentGroup.objects.filter(pk=group.pk).update(locked_at=timezone.now())
    root.post(change, {"name": "Team", "members": members}, follow=True)
    assert GroupMembership.objects.count() == 1
    assert root.get(reverse("admin:learnplat_courses_studentgroup_changelist")).status_code == 200
