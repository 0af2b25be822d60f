"""The xapi sink through the outbox, end to end: record_event → delivery task → Ralph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event
from learnplat.events.outbox import record_event
from learnplat.flows import outbox as outbox_flow
from learnplat.xapi.statements import statement_id
from tests.xapi.lrs import RalphServer

pytestmark = pytest.mark.django_db

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def record(django_capture_on_commit_callbacks: Any) -> Callable[..., Event]:
    """Record an event and run what its commit runs (the immediate backend's delivery task)."""

    def record_and_commit(type: str, data: dict[str, Any]) -> Event:
        with django_capture_on_commit_callbacks(execute=True):
            return record_event(type, data)

    return record_and_commit


def graded_data(world: Any, **extra: Any) -> dict[str, Any]:
    student = world.student
    return {
        "submission": 41,
        "course": world.course.slug,
        "task": world.task.pk,
        "user": student.pk,
        "members": [student.pk],
        "attempt": 1,
        "status": "graded",
        "score": 3.0,
        "max_score": 4.0,
        "passed": True,
        "graded_at": "2026-12-03T10:05:00Z",
        **extra,
    }


def xapi_delivery(event: Event) -> Delivery:
    return Delivery.objects.get(event=event, sink="xapi")


def test_graded_submission_reaches_ralph(xapi: RalphServer, world: Any, record: Any) -> None:
    event = record("submission.graded", graded_data(world))
    delivery = xapi_delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    student = str(world.student.pk)
    task_iri = f"https://learn.example.com/xapi/courses/{world.course.slug}/tasks/{world.task.pk}"
    scored = xapi.statement(statement_id(event.id, "scored", world.student.pk))
    passed = xapi.statement(statement_id(event.id, "passed", world.student.pk))
    assert scored is not None
    assert passed is not None
    for stored in (scored, passed):
        assert stored["actor"]["account"] == {
            "homePage": "https://learn.example.com",
            "name": student,
        }
        assert stored["object"]["id"] == task_iri
    assert scored["verb"]["id"] == f"{ADL}scored"
    assert scored["result"]["score"] == {"raw": 3.0, "min": 0.0, "max": 4.0, "scaled": 0.75}
    assert passed["verb"]["id"] == f"{ADL}passed"
    assert passed["result"]["success"] is True


def test_attempted_and_completed_reach_ralph(xapi: RalphServer, world: Any, record: Any) -> None:
    shared = ("submission", "course", "task", "user", "members", "attempt")
    created = record("submission.created", {k: graded_data(world)[k] for k in shared})
    completed = record(
        "course.completed",
        {
            "course": world.course.slug,
            "user": world.student.pk,
            "completed_at": "2026-12-03T12:00:00Z",
        },
    )
    attempted = xapi.statement(statement_id(created.id, "attempted", world.student.pk))
    done = xapi.statement(statement_id(completed.id, "completed", world.student.pk))
    assert attempted is not None
    assert attempted["verb"]["id"] == f"{ADL}attempted"
    assert done is not None
    assert done["verb"]["id"] == f"{ADL}completed"
    assert done["object"]["id"] == f"https://learn.example.com/xapi/courses/{world.course.slug}"
    assert done["result"] == {"completion": True}


def test_a_group_submission_reaches_ralph_for_every_member(
    xapi: RalphServer, world: Any, record: Any
) -> None:
    members = [world.student.pk, world.other_student.pk]
    event = record("submission.graded", graded_data(world, members=members, passed=False))
    assert xapi_delivery(event).status == DeliveryStatus.DELIVERED
    for member in members:
        failed = xapi.statement(statement_id(event.id, "failed", member))
        assert failed is not None
        assert failed["actor"]["account"]["name"] == str(member)
        assert failed["result"]["success"] is False


def test_a_replayed_delivery_is_stored_once(
    xapi: RalphServer, world: Any, record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = record("submission.graded", graded_data(world))
    delivery = xapi_delivery(event)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_flow.replay(delivery)
    delivery.refresh_from_db()
    # The same statement ids again: Ralph keeps its copies and answers 204.
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 204)
    for verb in ("scored", "passed"):
        assert xapi.stored_copies(statement_id(event.id, verb, world.student.pk)) == 1


def test_ralph_down_is_retried_not_lost(
    learnplat_settings: Any, tmp_path: Path, world: Any, record: Any
) -> None:
    down = RalphServer(tmp_path)  # not started: nothing listens on its port
    learnplat_settings(XAPI=down.xapi_settings())
    event = record("submission.graded", graded_data(world))
    delivery = xapi_delivery(event)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith("ConnectionError")
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()

    down.start()
    try:
        # The retry's time has come; the periodic sender sends it.
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        outbox_flow.send_pending()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert down.stored_copies(statement_id(event.id, "scored", world.student.pk)) == 1
    finally:
        down.stop()


def test_a_refused_batch_fails_without_retry(xapi: RalphServer, world: Any, record: Any) -> None:
    # A member listed twice (the flows never write that) gives two statements under one id,
    # which Ralph refuses with 400: sending them again could only be refused again.
    members = [world.student.pk, world.student.pk]
    event = record("submission.graded", graded_data(world, members=members))
    delivery = xapi_delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        1,
        400,
    )
    assert delivery.next_attempt_at is None
    assert xapi.statement(statement_id(event.id, "scored", world.student.pk)) is None


def test_without_an_endpoint_events_get_no_xapi_delivery(world: Any, record: Any) -> None:
    event = record("submission.graded", graded_data(world))
    assert not Delivery.objects.filter(event=event, sink="xapi").exists()


def test_other_event_types_get_no_xapi_delivery(xapi: RalphServer, world: Any, record: Any) -> None:
    event = record("enrollment.created", {"course": world.course.slug, "user": world.student.pk})
    assert not Delivery.objects.filter(event=event, sink="xapi").exists()


def test_a_graded_event_with_nothing_to_say_is_delivered_without_a_request(
    learnplat_settings: Any, world: Any, record: Any
) -> None:
    # No LRS listens here: the delivery can only succeed by sending nothing.
    learnplat_settings(
        XAPI={
            "ENDPOINT": "http://127.0.0.1:9/xAPI/",
            "ACTOR_HOMEPAGE": "https://learn.example.com",
            "ACTIVITY_BASE": "https://learn.example.com/xapi",
        }
    )
    event = record("submission.graded", graded_data(world, score=None, passed=None))
    delivery = xapi_delivery(event)
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.DELIVERED, None)


def test_a_submission_through_the_api_reaches_ralph_attempted_and_scored(
    xapi: RalphServer, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """No hand-made event: the student answers over the API, the immediate backend grades it,
    and the flows' own events become statements in Ralph."""
    with django_capture_on_commit_callbacks(execute=True):
        answered = world.client("student").post(
            f"/api/tasks/{world.task.pk}/submissions/", {"answer": "4"}, "json"
        )
    assert answered.status_code == 201, answered.content
    created = Event.objects.get(type="submission.created")
    graded = Event.objects.get(type="submission.graded")
    for event in (created, graded):
        assert xapi_delivery(event).status == DeliveryStatus.DELIVERED
    attempted = xapi.statement(statement_id(created.id, "attempted", world.student.pk))
    scored = xapi.statement(statement_id(graded.id, "scored", world.student.pk))
    assert attempted is not None
    assert scored is not None
    assert attempted["verb"]["id"] == f"{ADL}attempted"
    assert scored["result"]["score"]["raw"] == graded.data["score"]
    assert scored["actor"]["account"]["name"] == str(world.student.pk)
