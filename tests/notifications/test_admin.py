"""The notifications admin: read-only lists, and "mark read" through the flow."""

from __future__ import annotations

from django.test import Client

from learnplat.flows import notify as notify_flow
from learnplat.notifications.models import Notification
from tests.world import World


def test_the_admin_lists_and_marks_read(world: World) -> None:
    first = notify_flow.notify(user_id=world.student.pk, kind="deadline_soon", data={})
    second = notify_flow.notify(user_id=world.other_student.pk, kind="grade_changed", data={})
    assert first is not None
    assert second is not None
    client = Client()
    client.force_login(world.superuser)
    for path in ("notification", "notificationpreference", "deadlinereminder"):
        response = client.get(f"/admin/learnplat_notifications/{path}/")
        assert response.status_code == 200, path
    response = client.post(
        "/admin/learnplat_notifications/notification/",
        {"action": "mark_read", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert (
        client.get(f"/admin/learnplat_notifications/notification/{first.pk}/change/").status_code
        == 200
    )
