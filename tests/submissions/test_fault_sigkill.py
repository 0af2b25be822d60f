"""A db worker killed with SIGKILL mid-evaluation loses nothing and doubles nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from learnplat.flows.submit import submit
from learnplat.submissions.models import Evaluation, Submission
from tests.factories import enroll, make_user
from tests.submissions.conftest import World, set_kind
from tests.submissions.workers import requires_workers, wait_for, workers

__all__ = ["workers"]  # the fixture
pytestmark = requires_workers


def test_sigkill_mid_evaluation(world: World, workers: Any, tmp_path: Path) -> None:
    # A short lease so the test need not wait long for it to expire; the time limit stays
    # above the moment of the kill, so the first worker is truly mid-run when it dies.
    pool = workers("db", LEASE_SECONDS=4, TIME_LIMIT_SECONDS=3)
    markers = tmp_path / "markers"
    markers.mkdir()
    set_kind(world.task, "slow", {"answers": ["4"], "marker_dir": str(markers)})
    submissions = []
    for n in range(4):
        student = make_user(username=f"s{n}")
        enroll(student, world.course)
        submissions.append(submit(user=student, task=world.task, answer="4").submission)
    (markers / "hold").touch()

    doomed = pool.start_db_worker()
    wait_for("the first evaluation to start", lambda: any(markers.glob("started-*")), pool)
    pool.kill(doomed)
    victim = Submission.objects.get(status="evaluating")
    assert victim.tries == 1
    assert Submission.objects.filter(status="queued").count() == 3

    (markers / "hold").unlink()
    pool.start_db_worker()
    wait_for(
        "the survivors to be graded",
        lambda: Submission.objects.filter(status="graded").count() == 3,
        pool,
    )
    victim.refresh_from_db()
    assert victim.status == "evaluating"  # nobody touches a live lease
    assert victim.lease_expires_at is not None
    wait_for("the lease to expire", lambda: timezone.now() > victim.lease_expires_at, pool)
    call_command("learnplat_requeue_stale", verbosity=0)
    wait_for(
        "the victim to be graded",
        lambda: not Submission.objects.exclude(status="graded").exists(),
        pool,
    )

    victim.refresh_from_db()
    assert victim.tries == 2
    assert victim.score == 10.0
    per_submission = Submission.objects.annotate(
        successes=Count("evaluations", filter=Q(evaluations__error="")),
        failures=Count("evaluations", filter=~Q(evaluations__error="")),
    )
    assert {(s.pk, s.successes) for s in per_submission} == {(s.pk, 1) for s in submissions}
    assert {s.pk: s.failures for s in per_submission} == {
        s.pk: (1 if s.pk == victim.pk else 0) for s in submissions
    }
    lost = Evaluation.objects.exclude(error="").get()
    assert "lease expired" in lost.error
