"""The events the flows record: one row per type, in the flow's transaction (gone with its
rollback), with the data docs/events.md's JSON Schemas describe; grades held until their
release."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.db import transaction
from django.utils import timezone

from learnplat.courses.models import Enrollment
from learnplat.events.models import Delivery, Event
from learnplat.flows import enrollment, grading, outbox, regrade_requests, release
from learnplat.flows.submit import submit
from learnplat.submissions.models import Submission
from tests.events.peers import Receiver, endpoint, private_urls, receiver
from tests.factories import TaskFactory
from tests.world import World

__all__ = ["endpoint", "private_urls", "receiver"]  # the fixtures
pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def documented_schemas() -> dict[str, dict[str, Any]]:
    """Type → schema of ``data``, from the catalogue's ``### `type` `` sections."""
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"### `([a-z_.]+)`\n.*?```json\n(.*?)\n```", text, flags=re.S)
    return {name: json.loads(body) for name, body in found}


def envelope_schema() -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    body = re.search(r'```json\n(\{\n  "\$schema".*?"title": "envelope".*?)\n```', text, re.S)
    assert body is not None
    return dict(json.loads(body.group(1)))


class Rollback(Exception):
    pass


def graded(world: World) -> Submission:
    submission = submit(user=world.student, task=world.task, answer="3").submission
    return grading.grade(submission=submission, by=world.instructor, score=10)


def regraded(world: World) -> Submission:
    return grading.grade(submission=graded(world), by=world.instructor, score=9, reason="r")


def filed(world: World) -> Any:
    return regrade_requests.file_request(submission=graded(world), user=world.student, reason="?")


def resolved(world: World) -> Any:
    return regrade_requests.resolve_request(
        regrade_request=filed(world), by=world.instructor, accept=False, response="No."
    )


def dropped(world: World) -> Any:
    return enrollment.drop(
        enrollment=Enrollment.objects.get(user=world.other_student, course=world.course)
    )


#: type → a flow that records it (on the world's course, whose only task completes it).
FLOWS: dict[str, Callable[[World], Any]] = {
    "submission.created": lambda w: submit(user=w.student, task=w.task, answer="4"),
    "submission.graded": graded,
    "grade.changed": regraded,
    "enrollment.created": lambda w: enrollment.enroll(user=w.outsider, course=w.course),
    "enrollment.dropped": dropped,
    "course.completed": graded,
    "regrade_request.created": filed,
    "regrade_request.resolved": resolved,
}


def test_the_catalogue_documents_every_type_the_flows_record() -> None:
    assert set(documented_schemas()) == set(FLOWS)


@pytest.mark.parametrize("type", sorted(FLOWS))
def test_the_flow_records_the_event_as_documented(world: World, type: str) -> None:
    FLOWS[type](world)
    events = list(Event.objects.filter(type=type))
    assert len(events) == 1
    [event] = events
    jsonschema.validate(event.data, documented_schemas()[type])
    jsonschema.validate(event.envelope(), envelope_schema())
    assert event.data["course"] == world.course.slug
    assert event.course_id == world.course.pk
    assert re.fullmatch(r"evt_[0-9a-f]{32}", event.id)


@pytest.mark.parametrize("type", sorted(FLOWS))
def test_a_rolled_back_flow_leaves_no_event(world: World, type: str) -> None:
    def flow_then_fail() -> None:
        with transaction.atomic():
            FLOWS[type](world)
            assert Event.objects.filter(type=type).exists()
            raise Rollback

    with pytest.raises(Rollback):
        flow_then_fail()
    assert not Event.objects.filter(type=type).exists()


def test_the_submission_data(world: World) -> None:
    submission = graded(world)
    created = Event.objects.get(type="submission.created").data
    assert created == {
        "submission": submission.pk,
        "course": "intro",
        "task": world.task.pk,
        "user": world.student.pk,
        "members": [world.student.pk],
        "attempt": 1,
        "created_at": created["created_at"],
    }
    data = Event.objects.get(type="submission.graded").data
    assert (data["score"], data["max_score"], data["status"], data["passed"]) == (
        10.0,
        10.0,
        "graded",
        True,
    )
    regrade = grading.grade(submission=submission, by=world.instructor, score=2, reason="x")
    changed = Event.objects.get(type="grade.changed").data
    assert (changed["score"], changed["previous_score"]) == (regrade.score, 10.0)


def test_an_evaluated_failing_answer_has_passed_false(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=world.task, answer="3")
    data = Event.objects.get(type="submission.graded").data
    assert (data["score"], data["passed"]) == (0.0, False)


def test_a_role_change_of_an_active_member_records_nothing(world: World) -> None:
    enrollment.add_enrollment(course=world.course, user=world.other_student, role="assistant")
    assert not Event.objects.filter(type__startswith="enrollment.").exists()


# -- held until released ---------------------------------------------------------------------


def test_a_manual_release_frees_the_held_grade(
    world: World, receiver: Receiver, endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = TaskFactory(course=world.course, release="manual", is_published=True)
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=task, answer="4")
    event = Event.objects.get(type="submission.graded", data__task=task.pk)
    assert event.held
    assert not Delivery.objects.filter(event=event).exists()
    assert event.id not in receiver.ids()
    outbox.send_pending()  # the periodic sender leaves it alone too
    assert event.id not in receiver.ids()
    with django_capture_on_commit_callbacks(execute=True):
        release.release_task(task=task, by=world.instructor)
    assert receiver.ids().count(event.id) == 1
    [record] = [r for r in receiver.records() if r["id"] == event.id]
    assert record["body"]["data"]["score"] == 10.0


def graded_after_due(world: World, commit: Any) -> tuple[Any, Event]:
    """A task released after a due date a day away, and the held event of its grade."""
    due = timezone.now() + timedelta(days=1)
    task = TaskFactory(course=world.course, release="after_due", due_at=due, is_published=True)
    with commit(execute=True):
        submit(user=world.student, task=task, answer="4")
    event = Event.objects.get(type="submission.graded", data__task=task.pk)
    assert (event.held, event.deliver_after) == (True, due)
    return task, event


def test_an_after_due_grade_waits_for_the_due_date(
    world: World, receiver: Receiver, endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task, event = graded_after_due(world, django_capture_on_commit_callbacks)
    # The due date passes (moved, rather than waited for): the periodic sender frees it.
    past = timezone.now() - timedelta(minutes=1)
    type(task).objects.filter(pk=task.pk).update(due_at=past)
    Event.objects.filter(pk=event.pk).update(deliver_after=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.send_pending().fanned_out == 1
    assert receiver.ids().count(event.id) == 1


def test_a_held_grade_looked_at_before_its_release_stays_held(
    world: World, endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task, event = graded_after_due(world, django_capture_on_commit_callbacks)
    due = task.due_at
    # Looked at again early (a due date shortened, then put back): still not released.
    Event.objects.filter(pk=event.pk).update(deliver_after=timezone.now())
    assert outbox.send_pending().fanned_out == 1
    event.refresh_from_db()
    assert (event.held, event.deliver_after, event.fanned_out_at) == (True, due, None)
    assert not Delivery.objects.filter(event=event).exists()


def test_an_extension_keeps_a_grade_held_until_it_ends(
    world: World, endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from learnplat.flows.deadlines import grant_extension

    task, event = graded_after_due(world, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(days=3)
    grant_extension(
        granted_by=world.instructor, course=world.course, user=world.student, task=task,
        due_at=later,
    )  # fmt: skip
    # The task's own due date passes; the student's extended one has not.
    past = timezone.now() - timedelta(minutes=1)
    type(task).objects.filter(pk=task.pk).update(due_at=past)
    Event.objects.filter(pk=event.pk).update(deliver_after=past)
    outbox.send_pending()
    event.refresh_from_db()
    assert (event.held, event.deliver_after) == (True, later)
    assert not Delivery.objects.filter(event=event).exists()
