"""AGS score passback survives a lost enqueue and a delivery worker killed with SIGKILL
mid-batch, against the test platform's process (platform_server.py, which records every score
it is posted): 200 learners' graded submissions, every score on the platform, none under
another event's timestamp, and the only score posted twice the one in flight when the worker
died (AGS scores are idempotent: the platform keeps the latest per user and line item).

``learnplat.lti`` is in every test shape, so the worker needs no ``LEARNPLAT_WORKER_APPS``;
the tool's keys, the registration and the line item are rows the worker reads from the
shared test database.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from lti_tool.models import LtiUser

from learnplat.courses.models import Enrollment
from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event
from learnplat.events.tasks import send_due_deliveries
from learnplat.flows.submit import submit
from tests.lti.platform import PlatformServer
from tests.lti.test_ags import learner
from tests.submissions.workers import requires_workers, wait_for, workers

__all__ = ["learner", "workers"]  # the fixtures
pytestmark = requires_workers

LEARNERS = 200
#: The waits that cover a worker's start (fanning out some 400 events) and scores at a third
#: of a second each on a quiet machine, several times that on a loaded one: a bound for a hung
#: worker, not a timing assertion.
SLOW_PATIENCE = 240.0


def test_sigkill_mid_batch_posts_every_score_and_doubles_one_at_most(
    world: Any, learner: Any, platform: PlatformServer, workers: Any, learnplat_settings: Any
) -> None:
    started = time.monotonic()
    # Short leases, so that the test need not wait long for the dead worker's to expire, yet
    # long enough for most of a batch: a score takes a token request and a post, about a
    # third of a second here (the tool and the platform each load an RSA key per token).
    queue = {"TASK_BACKEND": "db", "QUEUE_NAME": settings.WORKER_QUEUE}
    events_settings = {"LEASE_SECONDS": 8, "BATCH_SIZE": 20}
    pool = workers("db")
    pool.extra_env["LEARNPLAT_TEST_EVENTS"] = json.dumps({**events_settings, **queue})
    pool.extra_env["LEARNPLAT_TEST_WEBHOOKS"] = json.dumps({"TIMEOUT_SECONDS": 1})
    learnplat_settings(
        # Submissions are graded here and now; the outbox's enqueue after each commit fails,
        # as with a broker that is down: the rows alone must carry the events.
        EVALUATION={"TASK_BACKEND": "default", "QUEUE_NAME": "default"},
        EVENTS={**events_settings, **queue, "TASK_BACKEND": "missing"},
    )
    # The launched learner and 199 more with an identity on the same platform (rows made in
    # bulk: how they came is not what this test is about; their submissions go through the flows).
    first = LtiUser.objects.get(auth_user=learner)
    subs = [f"ags-{n}" for n in range(2, LEARNERS + 1)]
    others: list[Any] = get_user_model().objects.bulk_create(
        get_user_model()(username=f"learner-{sub}", email=f"{sub}@uni.example") for sub in subs
    )
    Enrollment.objects.bulk_create(
        Enrollment(user=user, course=world.course, role="student", status="active")
        for user in others
    )
    LtiUser.objects.bulk_create(
        LtiUser(registration=first.registration, sub=sub, auth_user=user)
        for sub, user in zip(subs, others, strict=True)
    )
    students = {first.sub: learner, **dict(zip(subs, others, strict=True))}
    made = time.monotonic()
    submissions = {
        sub: submit(user=user, task=world.task, answer="4").submission
        for sub, user in students.items()
    }
    graded = {
        event.data["submission"]: event for event in Event.objects.filter(type="submission.graded")
    }
    event_of = {sub: graded[submission.pk] for sub, submission in submissions.items()}
    assert len(graded) == LEARNERS
    assert not Delivery.objects.exists()  # nothing was sent: every enqueue failed
    learnplat_settings(EVENTS=queue)
    prepared = time.monotonic()

    _send_due()
    doomed = pool.start_db_worker()
    wait_for(
        "a good part of the scores to reach the platform",
        lambda: len(platform.state()["scores"]) >= 25,
        pool,
        patience=SLOW_PATIENCE,
    )
    pool.kill(doomed)
    posted_at_kill = len(platform.state()["scores"])
    leases = {
        pk: expires
        for pk, expires in Delivery.objects.filter(
            status=DeliveryStatus.PENDING, lease_expires_at__gt=timezone.now()
        ).values_list("pk", "lease_expires_at")
        if expires is not None
    }
    claimed = set(leases)
    ags = Delivery.objects.filter(sink="lti_ags")
    delivered_at_kill = ags.filter(status=DeliveryStatus.DELIVERED).count()
    assert claimed  # the killed worker held leases on deliveries it never finished
    dead_leases_end = max(leases.values())
    assert posted_at_kill < LEARNERS

    killed = time.monotonic()
    # Two workers take the rest over side by side (two sending tasks: skip_locked claims).
    for _ in range(2):
        pool.start_db_worker()
        _send_due()
    wait_for(
        "the unclaimed deliveries to be sent",
        lambda: ags.filter(status=DeliveryStatus.DELIVERED).count() >= LEARNERS - len(claimed),
        pool,
        patience=SLOW_PATIENCE,
    )
    # The dead worker's leases expire; the periodic sender takes their deliveries over.
    wait_for("the dead worker's leases to expire", lambda: timezone.now() > dead_leases_end, pool)
    _send_due()
    wait_for(
        "every delivery to be attempted to the end",
        lambda: not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
        pool,
        patience=SLOW_PATIENCE,
    )

    deliveries = list(ags)
    # One delivery per graded event, to its learner on the one context, and all delivered.
    assert Delivery.objects.count() == len(deliveries) == LEARNERS
    assert {d.event_id for d in deliveries} == {event.id for event in graded.values()}
    assert len({d.target for d in deliveries}) == LEARNERS
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}, [
        d.last_error for d in deliveries if d.status != DeliveryStatus.DELIVERED
    ][:3]
    state = platform.state()
    assert len(state["lineitems"]) == 1  # the killed worker made no second line item
    scores = state["scores"]
    assert {score["userId"] for score in scores} == set(students)  # every score arrived
    # None under two ids: each learner's scores carry their own event's timestamp only.
    assert all(
        score["timestamp"] == event_of[score["userId"]].timestamp.isoformat() for score in scores
    )
    assert all(score["scoreGiven"] == 10.0 for score in scores)
    assert all(score["gradingProgress"] == "FullyGraded" for score in scores)
    # The only score posted twice is the one in flight at the kill, posted again by the
    # delivery that took it over once its lease expired (the same score: idempotent).
    twice = [sub for sub, n in Counter(score["userId"] for score in scores).items() if n > 1]
    assert len(twice) <= 1
    assert len(scores) == LEARNERS + len(twice)
    for sub in twice:
        delivery = Delivery.objects.get(sink="lti_ags", event=event_of[sub])
        assert delivery.pk in claimed
        assert delivery.attempts == 2
    print(
        f"\nags sigkill: {delivered_at_kill} of {LEARNERS} deliveries done and "
        f"{posted_at_kill} scores posted at the kill, {len(claimed)} leased by the dead "
        f"worker, {len(twice)} posted twice; {made - started:.1f}s to make learners, "
        f"{prepared - made:.1f}s to grade, "
        f"{killed - prepared:.1f}s to the kill, {time.monotonic() - killed:.1f}s after it"
    )


def _send_due() -> None:
    """Enqueue the periodic sender for the worker processes."""
    send_due_deliveries.using(backend="db", queue_name=settings.WORKER_QUEUE).enqueue()
