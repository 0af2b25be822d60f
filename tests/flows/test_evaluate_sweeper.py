"""The sweeper: expired leases and lost queue entries go back to work; nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.flows import evaluate as evaluate_flow
from learnplat.submissions import pipeline
from learnplat.submissions.models import Evaluation, Submission
from learnplat.submissions.signals import submission_evaluated
from learnplat.submissions.tasks import requeue_stale_submissions
from tests.overrides import LearnplatSettings
from tests.submissions.backends import RECORDING_TASKS, RecordingBackend
from tests.submissions.conftest import World, queued, set_kind

pytestmark = pytest.mark.usefixtures("test_evaluators")


@pytest.fixture
def recording(settings: Any) -> Iterator[list[Any]]:
    """Use a backend that can defer and records the enqueued tasks instead of running them."""
    RecordingBackend.enqueued.clear()
    settings.TASKS = RECORDING_TASKS
    yield RecordingBackend.enqueued
    RecordingBackend.enqueued.clear()


def ago(seconds: float) -> Any:
    return timezone.now() - timedelta(seconds=seconds)


def test_expired_lease_is_requeued_and_graded(world: World, on_commit: Any) -> None:
    submission = queued(world)
    assert pipeline.claim(submission.pk) is not None  # then the worker dies
    Submission.objects.filter(pk=submission.pk).update(lease_expires_at=ago(1))
    with on_commit():
        report = evaluate_flow.requeue_stale()
    assert (report.requeued_leases, report.failed_leases) == (1, 0)
    submission.refresh_from_db()
    assert submission.status == "graded"
    assert submission.tries == 2
    assert Evaluation.objects.filter(submission=submission).successful().count() == 1


def test_a_live_lease_is_left_alone(world: World) -> None:
    submission = queued(world)
    assert pipeline.claim(submission.pk) is not None
    assert evaluate_flow.requeue_stale().total == 0
    submission.refresh_from_db()
    assert submission.status == "evaluating"


def test_expired_lease_after_the_last_try_fails(
    world: World, learnplat_settings: LearnplatSettings, on_commit: Any
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 2})
    submission = queued(world)
    Submission.objects.filter(pk=submission.pk).update(tries=1)
    assert pipeline.claim(submission.pk) is not None
    Submission.objects.filter(pk=submission.pk).update(lease_expires_at=ago(1))
    seen: list[Any] = []
    submission_evaluated.connect(
        lambda **kw: seen.append(kw["submission"].status), weak=False, dispatch_uid="t"
    )
    try:
        with on_commit():
            report = evaluate_flow.requeue_stale()
    finally:
        submission_evaluated.disconnect(dispatch_uid="t")
    assert report.failed_leases == 1
    submission.refresh_from_db()
    assert submission.status == "failed"
    assert "lease expired" in submission.last_error
    assert seen == ["failed"]


def test_lost_queue_entries_are_enqueued_again(
    world: World, learnplat_settings: LearnplatSettings, on_commit: Any
) -> None:
    learnplat_settings(EVALUATION={"STALE_QUEUED_SECONDS": 60})
    lost = queued(world)
    fresh = queued(world, user=world.other_student)
    Submission.objects.filter(pk=lost.pk).update(queued_at=ago(61))
    with on_commit():
        assert evaluate_flow.requeue_stale().requeued_lost == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == "graded"
    assert fresh.status == "queued"


def test_without_defer_the_sweeper_drives_due_retries(world: World, on_commit: Any) -> None:
    due = queued(world)
    waiting = queued(world, user=world.other_student)
    Submission.objects.filter(pk=due.pk).update(not_before=ago(1), queued_at=ago(10))
    Submission.objects.filter(pk=waiting.pk).update(
        not_before=timezone.now() + timedelta(minutes=1)
    )
    with on_commit():
        assert evaluate_flow.requeue_stale().requeued_lost == 1
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert (due.status, waiting.status) == ("graded", "queued")


def test_with_defer_retries_are_enqueued_with_run_after(
    world: World, learnplat_settings: LearnplatSettings, recording: list[Any], on_commit: Any
) -> None:
    learnplat_settings(EVALUATION={"RETRY_BACKOFF_SECONDS": 30})
    set_kind(world.task, "raising")
    submission = queued(world)
    with on_commit():
        assert evaluate_flow.run_evaluation(submission.pk) == "queued"
    submission.refresh_from_db()
    [(task, args, _)] = recording
    assert task.name == "evaluate_submission"
    assert args == (submission.pk,)
    assert task.run_after == submission.not_before
    # The deferred task exists, so a due retry is not "lost" until the grace passes too.
    Submission.objects.filter(pk=submission.pk).update(not_before=ago(1))
    assert evaluate_flow.requeue_stale().requeued_lost == 0


def test_expired_grader_leases_go_back_to_the_queue_without_a_task(
    world: World, recording: list[Any]
) -> None:
    set_kind(world.task, "external", {"queue": "q"})
    submission = queued(world, {"code": ""})
    claimed = pipeline.claim_for_grader("q")
    assert claimed is not None
    Submission.objects.filter(pk=submission.pk).update(lease_expires_at=ago(1))
    assert evaluate_flow.requeue_stale().requeued_leases == 1
    submission.refresh_from_db()
    assert (submission.status, submission.lease_token) == ("queued", None)
    assert recording == []
    assert pipeline.claim_for_grader("q") is not None


def test_sweeping_twice_does_nothing_more(world: World) -> None:
    submission = queued(world)
    pipeline.claim(submission.pk)
    Submission.objects.filter(pk=submission.pk).update(lease_expires_at=ago(1))
    assert evaluate_flow.requeue_stale().total == 1
    assert evaluate_flow.requeue_stale().total == 0


def test_periodic_task_reports_and_reschedules_itself(world: World, recording: list[Any]) -> None:
    submission = queued(world)
    pipeline.claim(submission.pk)
    Submission.objects.filter(pk=submission.pk).update(lease_expires_at=ago(1))
    result = requeue_stale_submissions.call(reschedule_seconds=60)
    assert result == {"requeued_leases": 1, "failed_leases": 0, "requeued_lost": 0}
    [(task, _, kwargs)] = [
        entry for entry in recording if entry[0].name == "requeue_stale_submissions"
    ]
    assert kwargs == {"reschedule_seconds": 60}
    assert task.run_after > timezone.now() + timedelta(seconds=50)
