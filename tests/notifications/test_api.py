"""GET notifications/, POST notifications/read/, GET/PATCH notifications/preferences/."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.flows import notify as notify_flow
from learnplat.notifications.models import Notification, NotificationPreference
from tests.world import World

LIST = "/api/notifications/"
READ = "/api/notifications/read/"
PREFERENCES = "/api/notifications/preferences/"


def make(user: Any, kind: str = "deadline_soon", **data: Any) -> Notification:
    notification = notify_flow.notify(user_id=user.pk, kind=kind, data=data)
    assert notification is not None
    return notification


def test_the_list_is_the_callers_own_newest_first(world: World) -> None:
    first = make(world.student, "submission_graded", score=1)
    second = make(world.student, "deadline_soon")
    make(world.other_student)
    response = world.client("student").get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk]
    assert body["results"][1] == {
        "id": first.pk,
        "kind": "submission_graded",
        "created": body["results"][1]["created"],
        "read_at": None,
        "data": {"score": 1},
    }


def test_the_unread_filter_counts_what_a_bell_shows(world: World) -> None:
    read, unread = make(world.student), make(world.student)
    notify_flow.mark_read(user=world.student, ids=[read.pk])
    client = world.client("student")
    assert [n["id"] for n in client.get(f"{LIST}?unread=true").json()["results"]] == [unread.pk]
    assert [n["id"] for n in client.get(f"{LIST}?unread=false").json()["results"]] == [read.pk]
    assert client.get(f"{LIST}?unread=maybe").status_code == 400


def test_notifications_turned_off_in_app_are_not_listed(world: World) -> None:
    notify_flow.set_preferences(
        user=world.student, preferences={"deadline_soon": {"in_app": False}}
    )
    make(world.student)
    assert world.client("student").get(LIST).json()["count"] == 0


def test_mark_some_then_all_read(world: World) -> None:
    a, b, c = make(world.student), make(world.student), make(world.student)
    theirs = make(world.other_student)
    client = world.client("student")
    response = client.post(READ, {"ids": [a.pk, theirs.pk, 999_999]}, format="json")
    assert response.status_code == 204
    assert response.content == b""
    a.refresh_from_db()
    theirs.refresh_from_db()
    assert a.read_at is not None
    assert theirs.read_at is None  # never someone else's
    first_read = a.read_at
    assert client.post(READ, {"all": True}, format="json").status_code == 204
    assert Notification.objects.filter(user=world.student, read_at__isnull=True).count() == 0
    a.refresh_from_db()
    assert a.read_at == first_read  # already read ones keep their time
    assert {b.pk, c.pk} <= set(
        Notification.objects.exclude(read_at=None).values_list("pk", flat=True)
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"ids": []}, "ids"),
        ({"ids": "1"}, "ids"),
        ({"ids": ["x"]}, "ids"),
        ({"ids": [0]}, "ids"),
        ({"ids": [1.5]}, "ids"),
        ({"ids": list(range(1, 1002))}, "ids"),
        ({"all": False}, "all"),
        ({"all": "nope"}, "all"),
        ({"ids": [1], "all": True}, "non_field_errors"),
        ({"everything": True}, "everything"),
    ],
)
def test_bad_read_bodies_are_400_and_change_nothing(world: World, body: Any, field: str) -> None:
    notification = make(world.student)
    response = world.client("student").post(READ, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_preferences_default_then_change(world: World) -> None:
    client = world.client("student")
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    on = {"in_app": True, "email": True}
    assert response.json() == {
        "submission_graded": on,
        "grade_changed": on,
        "deadline_soon": on,
        "regrade_request_resolved": on,
        "grades_released": on,
        "regrade_request_created": {"in_app": True, "email": False},
        "comment_created": on,
        "grading_assigned": {"in_app": True, "email": False},
        "group_invitation": on,
        "attempt_restarted": on,
    }
    response = client.patch(PREFERENCES, {"grade_changed": {"email": False}}, format="json")
    assert response.status_code == 200
    assert response.json()["grade_changed"] == {"in_app": True, "email": False}
    assert response.json()["deadline_soon"] == on
    assert client.get(PREFERENCES).json()["grade_changed"] == {"in_app": True, "email": False}
    # Another user's are untouched.
    assert world.client("other_student").get(PREFERENCES).json()["grade_changed"] == on


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"sms_sent": {"email": True}}, {"sms_sent": ["Unknown field."]}),
        ({"grade_changed": {"sms": True}}, {"grade_changed": {"sms": ["Unknown field."]}}),
        ({"grade_changed": {"email": "maybe"}}, None),
        ({"grade_changed": True}, None),
        ({"grade_changed": {"email": None}}, None),
        ([], None),
    ],
)
def test_bad_preferences_are_400_and_change_nothing(world: World, body: Any, errors: Any) -> None:
    response = world.client("student").patch(PREFERENCES, body, format="json")
    assert response.status_code == 400, response.content
    if errors is not None:
        assert response.json() == errors
    assert NotificationPreference.objects.count() == 0


def test_anonymous_is_401(world: World) -> None:
    client = world.client("anonymous")
    assert client.get(LIST).status_code == 401
    assert client.post(READ, {"all": True}, format="json").status_code == 401
    assert client.get(PREFERENCES).status_code == 401
    assert client.patch(PREFERENCES, {}, format="json").status_code == 401


def test_list_query_count_is_constant(world: World, django_assert_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        make(world.student, "submission_graded", score=1)
    client = world.client("student")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{LIST}?unread=true").status_code == 200
    for _ in range(15):
        make(world.student, "grade_changed", score=2)
    with django_assert_num_queries(len(small)):
        response = client.get(f"{LIST}?unread=true")
    assert response.json()["count"] == 17
