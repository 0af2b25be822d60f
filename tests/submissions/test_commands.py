"""learnplat_requeue_stale, learnplat_regrade and learnplat_create_grader_token."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from learnplat.flows import evaluate as evaluate_flow
from learnplat.submissions import pipeline
from learnplat.submissions.models import GraderToken, Submission
from tests.factories import TaskFactory
from tests.submissions.conftest import World, queued, set_kind


def run(*args: Any) -> str:
    return run_both(*args)[0]


def run_both(*args: Any) -> tuple[str, str]:
    """What the command wrote: results on stdout, the progress bar on stderr."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_requeue_stale(world: World, on_commit: Any) -> None:
    submission = queued(world)
    pipeline.claim(submission.pk)
    Submission.objects.filter(pk=submission.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with on_commit():
        output = run("learnplat_requeue_stale")
    assert output == "Requeued 1 expired leases, failed 0, re-enqueued 0 lost queue entries.\n"
    submission.refresh_from_db()
    assert submission.status == "graded"


def test_requeue_stale_loops(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from learnplat.submissions.management.commands import learnplat_requeue_stale as command

    sleeps: list[float] = []

    class Stop(Exception):
        pass

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop

    monkeypatch.setattr(command.time, "sleep", sleep)
    with pytest.raises(Stop):
        run("learnplat_requeue_stale", "--loop", "15")
    assert sleeps == [15.0, 15.0]


@pytest.fixture
def graded_history(world: World) -> list[Submission]:
    done = []
    for answer in ("5", "4"):
        submission = queued(world, answer)
        evaluate_flow.run_evaluation(submission.pk)
        done.append(submission)
    return done


def test_regrade_a_task_with_a_progress_bar(
    world: World, graded_history: list[Submission], on_commit: Any
) -> None:
    set_kind(world.task, "exact", {"answers": ["5"]})
    with on_commit():
        output, bar = run_both("learnplat_regrade", "--task", str(world.task.pk), "--scope", "all")
    assert f"Task {world.task.pk} ({world.task.title}) [" in bar
    assert bar.endswith("] 100% 2/2\n")
    assert output == "Queued 2 submissions for regrading.\n"
    scores = [s.score for s in Submission.objects.order_by("attempt")]
    assert scores == [10.0, 0.0]


def test_regrade_one_submission_and_a_course(
    world: World, graded_history: list[Submission]
) -> None:
    output = run("learnplat_regrade", "--submission", str(graded_history[0].pk))
    assert output.endswith("Queued 1 submissions for regrading.\n")
    TaskFactory(course=world.course)  # no submissions: nothing to do, no crash
    output = run("learnplat_regrade", "--course", "intro", "--scope", "best", "-v", "0")
    assert output == ""
    assert Submission.objects.filter(status="queued").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Name at least one"),
        (("--task", "999"), "No tasks with ids [999]"),
        (("--submission", "999"), "No submissions with ids [999]"),
        (("--course", "nope"), "No course with slug 'nope'"),
    ],
)
def test_regrade_errors(db: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run("learnplat_regrade", *args)


def test_create_grader_token_prints_a_working_secret(world: World) -> None:
    secret = run(
        "learnplat_create_grader_token", "sandbox", "--queue", "python", "--queue", "java"
    ).strip()
    token = GraderToken.objects.get(name="sandbox")
    assert token.queues == ["python", "java"]
    set_kind(world.task, "external", {"queue": "java"})
    queued(world, {"code": ""})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Grader {secret}")
    assert client.get("/api/grader/next/?queue=java").status_code == 200
    with pytest.raises(CommandError, match="exists already"):
        run("learnplat_create_grader_token", "sandbox", "--queue", "python")
