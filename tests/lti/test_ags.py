"""AGS score passback through the outbox, against the platform's token and score endpoints
in a separate process (platform_server.py: lti1p3platform checks the tool's signed token
request and the bearer token of every score)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from lti_tool.models import LtiLineItem, LtiUser

from learnplat.courses.models import GroupMembership, GroupSet, StudentGroup
from learnplat.events.models import Delivery, Event
from learnplat.flows.outbox import replay, send_pending
from learnplat.flows.release import release_task
from learnplat.flows.submit import submit
from learnplat.lti.models import ResourceLinkBinding
from tests.factories import enroll, make_user
from tests.lti.platform import LEARNER, Person, PlatformServer, launch
from tests.lti.test_launch import code_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(world: Any, registration: Any, platform: PlatformServer, browser: Client) -> Any:
    custom = {"learnplat_course": world.course.slug, "learnplat_task": str(world.task.pk)}
    outcome = launch(
        browser, Person(sub="ags-1", roles=[LEARNER]), custom=custom, services=platform.url
    )
    code_of(outcome.response)
    platform.trust_tool(browser.get("/api/lti/jwks/").json())
    return LtiUser.objects.get(sub="ags-1").auth_user


def graded(user: Any, task: Any, answer: str, capture: Any) -> Any:
    """Submit and evaluate (the flows record the events), then run the outbox's sender."""
    with capture(execute=True):
        result = submit(user=user, task=task, answer=answer)
    send_pending()
    result.submission.refresh_from_db()
    return result.submission


def delivery_of(event_type: str, submission: Any) -> Delivery | None:
    return Delivery.objects.filter(
        sink="lti_ags", event__type=event_type, event__data__submission=submission.pk
    ).first()


def test_a_graded_submission_reaches_the_platform_gradebook(
    world: Any, learner: Any, platform: PlatformServer, django_capture_on_commit_callbacks: Any
) -> None:
    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)

    delivery = delivery_of("submission.graded", submission)

    assert delivery is not None
    assert delivery.status == "delivered", delivery.last_error
    state = platform.state()
    [line_item] = state["lineitems"].values()
    assert line_item["resourceId"] == f"learnplat-task-{world.task.pk}"
    assert line_item["scoreMaximum"] == world.task.max_score
    [score] = state["scores"]
    assert score["userId"] == "ags-1"
    assert score["scoreGiven"] == 10.0
    assert score["scoreMaximum"] == world.task.max_score
    assert score["gradingProgress"] == "FullyGraded"
    assert score["activityProgress"] == "Completed"
    assert LtiLineItem.objects.get().url == line_item["id"]


def test_later_grades_go_to_the_same_line_item(
    world: Any, learner: Any, platform: PlatformServer, django_capture_on_commit_callbacks: Any
) -> None:
    graded(learner, world.task, "5", django_capture_on_commit_callbacks)
    second = graded(learner, world.task, "4", django_capture_on_commit_callbacks)

    delivery = delivery_of("submission.graded", second)

    assert delivery is not None
    assert delivery.status == "delivered", delivery.last_error
    state = platform.state()
    assert len(state["lineitems"]) == 1
    assert [s["scoreGiven"] for s in state["scores"]] == [0.0, 10.0]


def test_a_score_is_sent_only_once_released(
    world: Any, learner: Any, platform: PlatformServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.task.release = "manual"
    world.task.save(update_fields=["release"])
    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)
    assert delivery_of("submission.graded", submission) is None  # held by the outbox
    assert platform.state()["scores"] == []

    with django_capture_on_commit_callbacks(execute=True):
        release_task(task=world.task, by=world.instructor)
    send_pending()

    delivery = delivery_of("submission.graded", submission)
    assert delivery is not None
    assert delivery.status == "delivered", delivery.last_error
    [score] = platform.state()["scores"]
    assert (score["scoreGiven"], score["gradingProgress"]) == (10.0, "FullyGraded")


def test_a_platform_that_is_down_gets_a_retry_not_a_crash(
    world: Any, learner: Any, registration: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration.token_url = "http://127.0.0.1:9/token"  # discard port: nothing listens
    registration.save(update_fields=["token_url"])

    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)

    delivery = delivery_of("submission.graded", submission)
    assert delivery is not None
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is not None
    assert "ConnectionError" in delivery.last_error


def test_tasks_without_an_ags_link_get_no_lti_delivery(
    world: Any, learner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ResourceLinkBinding.objects.update(task=None)  # the link now opens the whole course

    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)

    graded_event = Event.objects.get(type="submission.graded", data__submission=submission.pk)
    assert graded_event.fanned_out_at is not None  # the outbox saw it, and no sink wanted it
    assert delivery_of("submission.graded", submission) is None


def test_a_group_submission_sends_every_member_with_a_platform_identity_a_score(
    world: Any,
    learner: Any,
    platform: PlatformServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    custom = {"learnplat_course": world.course.slug, "learnplat_task": str(world.task.pk)}
    person = Person(sub="ags-2", roles=[LEARNER], name="Grace Hopper", email="grace@uni.example")
    code_of(launch(Client(), person, custom=custom, services=platform.url).response)
    partner = LtiUser.objects.get(sub="ags-2").auth_user
    local = make_user(username="local-only")  # enrolled here, unknown to the platform
    enroll(local, world.course)
    group_set = GroupSet.objects.create(course=world.course, name="Pairs", max_size=3)
    world.task.group_set = group_set
    world.task.save(update_fields=["group_set"])
    group = StudentGroup.objects.create(group_set=group_set, name="Team A")
    for member in (learner, partner, local):
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)

    submission = graded(partner, world.task, "4", django_capture_on_commit_callbacks)

    deliveries = Delivery.objects.filter(
        sink="lti_ags", event__type="submission.graded", event__data__submission=submission.pk
    )
    context = deliveries.first().target.split(":")[0]  # type: ignore[union-attr]
    assert set(deliveries.values_list("target", "status")) == {
        (f"{context}:{learner.pk}", "delivered"),
        (f"{context}:{partner.pk}", "delivered"),
    }
    state = platform.state()
    assert len(state["lineitems"]) == 1
    scores = {score["userId"]: score for score in state["scores"]}
    assert sorted(scores) == ["ags-1", "ags-2"]
    assert all(score["scoreGiven"] == 10.0 for score in scores.values())
    assert all(score["gradingProgress"] == "FullyGraded" for score in scores.values())


def test_a_delivery_written_before_group_passback_still_means_the_submitter(
    world: Any, learner: Any, platform: PlatformServer, django_capture_on_commit_callbacks: Any
) -> None:
    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)
    delivery = delivery_of("submission.graded", submission)
    assert delivery is not None
    context = delivery.target.split(":")[0]
    platform.reset()
    platform.trust_tool(Client().get("/api/lti/jwks/").json())
    Delivery.objects.filter(pk=delivery.pk).update(target=context)
    LtiLineItem.objects.all().delete()

    replay(delivery)
    send_pending()

    delivery.refresh_from_db()
    assert delivery.status == "delivered", delivery.last_error
    [score] = platform.state()["scores"]
    assert (score["userId"], score["scoreGiven"]) == ("ags-1", 10.0)


@pytest.fixture
def silent_platform() -> Iterator[str]:
    """A URL whose server takes the connection and never answers; it closes after 30 s, so
    that without a client timeout the test fails on a reset instead of hanging for ever."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    closer = threading.Timer(30, listener.close)
    closer.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/token"
    finally:
        closer.cancel()
        listener.close()


def test_a_platform_that_never_answers_times_out_and_is_retried(
    world: Any,
    learner: Any,
    registration: Any,
    silent_platform: str,
    learnplat_settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learnplat_settings(LTI={"TIMEOUT_SECONDS": 1})
    registration.token_url = silent_platform
    registration.save(update_fields=["token_url"])

    submission = graded(learner, world.task, "4", django_capture_on_commit_callbacks)

    delivery = delivery_of("submission.graded", submission)
    assert delivery is not None
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "ReadTimeout" in delivery.last_error
