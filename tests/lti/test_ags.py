"""AGS score passback through the outbox, against the platform's token and score endpoints
in a separate process (platform_server.py: lti1p3platform checks the tool's signed token
request and the bearer token of every score)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lti_tool.models import LtiLineItem, LtiUser

from learnplat.events.models import Delivery, Event
from learnplat.flows.outbox import send_pending
from learnplat.flows.release import release_task
from learnplat.flows.submit import submit
from learnplat.lti.models import ResourceLinkBinding
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
