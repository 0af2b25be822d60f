"""The xapi sink survives a lost enqueue and a delivery worker killed with SIGKILL mid-batch,
against a real Ralph: 200 graded events, every statement stored in Ralph once, none under an
id that is not its event's, and the only request Ralph may see twice the one in flight when
the worker died (sent again under the same statement ids, which Ralph answers with 204).

The worker runs with ``LEARNPLAT_WORKER_APPS=learnplat.xapi`` (tests/projects/workers/settings.py),
so its ``ready()`` registers the sink there; this process has it from tests/xapi/conftest.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learnplat.events.choices import DeliveryStatus
from learnplat.events.models import Delivery, Event
from learnplat.events.outbox import record_event
from learnplat.events.tasks import send_due_deliveries
from learnplat.xapi.statements import statement_id
from tests.submissions.workers import requires_workers, wait_for, workers
from tests.xapi.lrs import RalphServer

__all__ = ["workers"]  # the fixture
pytestmark = requires_workers

EVENTS = 200
#: The waits that cover a worker's start and 200 requests to Ralph: a bound for a hung worker
#: on a loaded machine (2 cores shared with other jobs), not a timing assertion.
SLOW_PATIENCE = 120.0
#: Statements per graded event: scored, and passed.
VERBS = ("scored", "passed")


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[RalphServer]:
    """A Ralph of this test's own: its store holds this test's statements and nothing else."""
    server = RalphServer(tmp_path / "ralph")
    server.start()
    yield server
    server.stop()


def graded(n: int) -> dict[str, Any]:
    """A graded submission of user ``n`` (no such rows are needed: statements are built from
    the event's data alone; no AGS link, so the lti_ags sink gives it no delivery)."""
    return {
        "submission": 100_000 + n,
        "course": "intro",
        "task": 7,
        "user": n,
        "members": [n],
        "attempt": 1,
        "status": "graded",
        "score": 3.0,
        "max_score": 4.0,
        "passed": True,
        "graded_at": "2026-12-04T10:05:00Z",
    }


def test_sigkill_mid_batch_stores_every_statement_in_ralph_once(
    lrs: RalphServer, workers: Any, learnplat_settings: Any
) -> None:
    started = time.monotonic()
    # Short leases, so that the test need not wait long for the dead worker's to expire; the
    # lease margin is twice WEBHOOKS["TIMEOUT_SECONDS"], the longest an LRS answer may take.
    queue = {"TASK_BACKEND": "db", "QUEUE_NAME": settings.WORKER_QUEUE}
    events_settings = {"LEASE_SECONDS": 4, "BATCH_SIZE": 20}
    xapi_settings = lrs.xapi_settings(TIMEOUT=2)
    pool = workers("db")
    pool.extra_env["LEARNPLAT_WORKER_APPS"] = "learnplat.xapi"
    pool.extra_env["LEARNPLAT_TEST_EVENTS"] = json.dumps({**events_settings, **queue})
    pool.extra_env["LEARNPLAT_TEST_WEBHOOKS"] = json.dumps({"TIMEOUT_SECONDS": 1})
    pool.extra_env["LEARNPLAT_TEST_XAPI"] = json.dumps(xapi_settings)
    learnplat_settings(
        # The enqueue after the commit fails, as with a broker that is down: the rows alone
        # must carry the events.
        EVENTS={**events_settings, **queue, "TASK_BACKEND": "missing"},
        XAPI=xapi_settings,
    )
    with transaction.atomic():
        recorded = {n: record_event("submission.graded", graded(n)) for n in range(EVENTS)}
    assert Event.objects.not_fanned_out().count() == EVENTS
    learnplat_settings(EVENTS=queue)
    # Each statement's id, and the event and user it belongs to.
    expected = {
        statement_id(event.id, verb, n): (event.id, n)
        for n, event in recorded.items()
        for verb in VERBS
    }

    _send_due()
    doomed = pool.start_db_worker()
    wait_for(
        "a good part of the statements to reach Ralph",
        lambda: len(lrs.stored_ids()) >= 30 * len(VERBS),
        pool,
        patience=SLOW_PATIENCE,
    )
    pool.kill(doomed)
    stored_at_kill = len(set(lrs.stored_ids()))
    claimed = set(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, lease_expires_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    )
    delivered_at_kill = Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
    assert claimed  # the killed worker held leases on deliveries it never finished
    assert stored_at_kill < len(expected)

    pool.start_db_worker()
    _send_due()
    wait_for(
        "the unclaimed deliveries to be sent",
        lambda: (
            Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
            >= EVENTS - len(claimed)
        ),
        pool,
        patience=SLOW_PATIENCE,
    )
    # The dead worker's leases expire; the periodic sender takes their deliveries over.
    wait_for(
        "the leases to expire",
        lambda: not Delivery.objects.filter(lease_expires_at__gt=timezone.now()).exists(),
        pool,
    )
    _send_due()
    wait_for(
        "every delivery to be attempted to the end",
        lambda: not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
        pool,
        patience=SLOW_PATIENCE,
    )

    assert Event.objects.count() == EVENTS
    deliveries = list(Delivery.objects.all())
    # One delivery per event, to the one LRS, and every one taken by Ralph.
    assert sorted((d.event_id, d.sink, d.target) for d in deliveries) == sorted(
        (event.id, "xapi", "") for event in recorded.values()
    )
    outcomes = Counter((d.status, d.last_status_code) for d in deliveries)
    assert set(outcomes) <= {(DeliveryStatus.DELIVERED, 200), (DeliveryStatus.DELIVERED, 204)}, (
        outcomes,
        [d.last_error for d in deliveries if d.status != DeliveryStatus.DELIVERED][:3],
    )
    stored = Counter(lrs.stored_ids())
    assert set(stored) == set(expected)  # every statement arrived, under its event's ids only
    assert max(stored.values()) == 1  # Ralph keeps one copy of a statement sent again
    # None under two ids: each user's statements all come from that user's one event.
    events_by_user: dict[int, set[str]] = {}
    for stored_id in stored:
        event_id, user = expected[stored_id]
        events_by_user.setdefault(user, set()).add(event_id)
    assert all(len(ids) == 1 for ids in events_by_user.values())
    assert len(events_by_user) == EVENTS
    # The only request Ralph can have had twice is the one in flight at the kill: sent again
    # under the same statement ids once its lease expired, and answered 204 (already stored).
    resent = [d for d in deliveries if d.last_status_code == 204]
    assert len(resent) <= 1
    for delivery in resent:
        assert delivery.pk in claimed
        assert delivery.attempts == 2
    print(
        f"\nxapi sigkill: {delivered_at_kill} of {EVENTS} deliveries done and "
        f"{stored_at_kill} of {len(expected)} statements in Ralph at the kill, "
        f"{len(claimed)} leased by the dead worker, {len(resent)} sent again (204), "
        f"{time.monotonic() - started:.1f}s"
    )


def _send_due() -> None:
    """Enqueue the periodic sender for the worker processes."""
    send_due_deliveries.using(backend="db", queue_name=settings.WORKER_QUEUE).enqueue()
