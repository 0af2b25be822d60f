"""submit() and POST tasks/{id}/submissions/: who may submit, when, what, how often."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from learnplat.compat import TASKS_MODULE
from learnplat.courses.models import Extension
from learnplat.exceptions import InvalidInput, LearnplatError
from learnplat.flows.submit import submit
from learnplat.progress.models import TaskProgress
from learnplat.submissions.models import Evaluation, Submission
from tests.factories import CourseFactory, TaskFactory, enroll
from tests.overrides import LearnplatSettings
from tests.race import Outcome, race
from tests.submissions.conftest import World, submit_url


@pytest.fixture
def enqueued() -> Iterator[list[Any]]:
    """Every evaluation enqueued through the tasks API while the test runs (not the
    notification e-mails a grade enqueues in turn)."""
    import importlib

    signals = importlib.import_module(f"{TASKS_MODULE}.signals")
    seen: list[Any] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.func.__name__ == "evaluate_submission":
            seen.append(task_result)

    signals.task_enqueued.connect(record)
    yield seen
    signals.task_enqueued.disconnect(record)


def post(world: World, user: Any, answer: Any, task: Any = None, **extra: Any) -> Any:
    return world.client(user).post(
        submit_url(task or world.task), {"answer": answer}, format="json", **extra
    )


def stored(response: Any) -> Submission:
    return Submission.objects.get(pk=response.json()["id"])


@pytest.mark.django_db(transaction=True)
def test_enrolled_student_submits_and_is_graded_at_once(world: World) -> None:
    # Transactional: the immediate backend evaluates on commit, before the response is built.
    response = post(world, world.student, "4")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "task",
        "user",
        "student",
        "group",
        "task_title",
        "course",
        "attempt",
        "answer",
        "status",
        "submitted_at",
        "is_late",
        "late_days_used",
        "score",
        "max_score",
        "feedback",
        "evaluated_at",
        "released",
        "assigned_to",
        "claimed_by",
        "claimed_at",
        "parts",
    }
    assert (body["assigned_to"], body["claimed_by"], body["claimed_at"], body["parts"]) == (
        None,
        None,
        None,
        None,
    )
    assert body["task"] == world.task.pk
    assert body["user"] == world.student.pk
    assert body["student"]["username"] == "student"
    assert body["task_title"] == world.task.title
    assert body["attempt"] == 1
    assert body["answer"] == "4"
    assert body["status"] == "graded"
    assert body["score"] == 10.0
    assert body["max_score"] == 10.0
    assert body["is_late"] is False
    assert body["feedback"] == "Correct."
    assert body["evaluated_at"] is not None
    evaluation = Evaluation.objects.get(submission_id=body["id"])
    assert evaluation.trigger == "submit"
    assert evaluation.score == 10.0


def test_wrong_answer_scores_zero_and_attempts_count_up(world: World, on_commit: Any) -> None:
    with on_commit():
        first = post(world, world.student, "5")
    with on_commit():
        second = post(world, world.student, "4")
    assert (stored(first).attempt, stored(first).score) == (1, 0.0)
    assert (stored(second).attempt, stored(second).score) == (2, 10.0)


def test_attempt_limit(world: World, on_commit: Any) -> None:
    world.task.max_attempts = 2
    world.task.save()
    with on_commit():
        assert post(world, world.student, "1").status_code == 201
        assert post(world, world.student, "2").status_code == 201
        response = post(world, world.student, "4")
    assert response.status_code == 409
    assert response.json()["code"] == "attempts_exhausted"
    assert Submission.objects.filter(user=world.student).count() == 2
    # Another student has their own attempts.
    assert post(world, world.other_student, "4").status_code == 201


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"opens_at": timedelta(hours=1)}, "task_not_open"),
        ({"closes_at": -timedelta(hours=1), "due_at": -timedelta(hours=2)}, "task_closed"),
    ],
)
def test_window_conflicts(world: World, fields: dict[str, timedelta], code: str) -> None:
    now = timezone.now()
    for name, delta in fields.items():
        setattr(world.task, name, now + delta)
    world.task.save()
    response = post(world, world.student, "4")
    assert response.status_code == 409
    assert response.json() == {"detail": response.json()["detail"], "code": code}
    assert not Submission.objects.exists()


def test_extension_reopens_a_closed_task_and_counts_as_on_time(
    world: World, on_commit: Any
) -> None:
    now = timezone.now()
    world.task.due_at = now - timedelta(days=2)
    world.task.closes_at = now - timedelta(days=1)
    world.task.late_policy = {"deduction_percent": 50, "per": "day"}
    world.task.save()
    assert post(world, world.other_student, "4").json()["code"] == "task_closed"
    Extension.objects.create(
        user=world.student, course=world.course, task=world.task, due_at=now + timedelta(days=1)
    )
    with on_commit():
        response = post(world, world.student, "4")
    assert response.status_code == 201
    assert stored(response).is_late is False
    assert stored(response).score == 10.0


def test_late_submission_is_marked_and_deducted(world: World, on_commit: Any) -> None:
    now = timezone.now()
    world.task.due_at = now - timedelta(hours=30)  # 2 days late, rounded up
    world.task.late_policy = {"deduction_percent": 20, "per": "day", "floor_percent": 50}
    world.task.save()
    with on_commit():
        response = post(world, world.student, "4")
    submission = stored(response)
    assert submission.is_late is True
    assert submission.score == 6.0
    assert submission.raw_score == 10.0


def test_prerequisites(world: World, on_commit: Any) -> None:
    first = TaskFactory(course=world.course, title="first")
    world.task.prerequisites.add(first)
    response = post(world, world.student, "4")
    assert response.status_code == 409
    assert response.json()["code"] == "prerequisites_unmet"
    TaskProgress.objects.create(user=world.student, task=first, course=world.course, completed=True)
    with on_commit():
        assert post(world, world.student, "4").status_code == 201


@pytest.mark.parametrize(
    "answer",
    [5, ["4"], {"a": 1}, True],
)
def test_wrong_shape_is_400_and_uses_no_attempt(world: World, answer: Any, on_commit: Any) -> None:
    world.task.max_attempts = 1
    world.task.save()
    response = post(world, world.student, answer)
    assert response.status_code == 400
    assert "answer" in response.json()
    with on_commit():
        assert post(world, world.student, "4").status_code == 201


def test_null_or_missing_answer_is_400(world: World) -> None:
    client = world.client(world.student)
    assert client.post(submit_url(world.task), {"answer": None}, format="json").status_code == 400
    assert client.post(submit_url(world.task), {}, format="json").status_code == 400
    # Found by schema fuzzing: a form field reads "null" as JSON, after DRF's null check.
    form = client.post(submit_url(world.task), {"answer": "null"}, format="multipart")
    assert form.status_code == 400
    assert form.json() == {"answer": ["This field may not be null."]}
    assert not Submission.objects.exists()


def test_oversized_answer_is_400(
    world: World, learnplat_settings: LearnplatSettings, on_commit: Any
) -> None:
    learnplat_settings(MAX_ANSWER_BYTES=100)
    world.task.kind = "manual"
    world.task.config = {}
    world.task.save()
    response = post(world, world.student, "x" * 99)  # 101 bytes with the quotes
    assert response.status_code == 400
    assert "100 bytes" in response.json()["answer"][0]
    with on_commit():
        response = post(world, world.student, "x" * 98)
    assert response.status_code == 201
    assert stored(response).status == "needs_review"


def test_archived_course_refuses_its_students(world: World) -> None:
    world.course.status = "archived"
    world.course.save()
    response = post(world, world.student, "4")
    assert response.status_code == 409
    assert response.json()["code"] == "task_closed"


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin", "outsider"])
def test_people_who_see_the_task_but_are_not_students_get_403(world: World, who: str) -> None:
    response = post(world, getattr(world, who), "4")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"


def test_dropped_student_gets_403(world: World) -> None:
    world.student.learnplat_enrollments.update(status="dropped")
    response = post(world, world.student, "4")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"


def test_hidden_tasks_are_404(world: World) -> None:
    draft = CourseFactory(status="draft")
    draft_task = TaskFactory(course=draft)
    enroll(world.student, draft)
    assert post(world, world.outsider, "4", task=draft_task).status_code == 404
    assert post(world, world.student, "4", task=draft_task).status_code == 404
    unpublished = TaskFactory(course=world.course, is_published=False)
    assert post(world, world.student, "4", task=unpublished).status_code == 404
    # Staff see unpublished tasks, but are not students.
    assert post(world, world.instructor, "4", task=unpublished).status_code == 403
    assert (
        world.client(world.student)
        .post("/api/tasks/999999/submissions/", {"answer": "4"}, format="json")
        .status_code
        == 404
    )


def test_anonymous_is_401(world: World) -> None:
    assert post(world, None, "4").status_code == 401


def test_throttled(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(THROTTLE_RATES={"learnplat_submit": "2/min"})
    assert post(world, world.student, "4").status_code == 201
    assert post(world, world.student, "4").status_code == 201
    assert post(world, world.student, "4").status_code == 429


# -- the service itself -----------------------------------------------------------------


def freeze(monkeypatch: pytest.MonkeyPatch, at: Any) -> None:
    monkeypatch.setattr(timezone, "now", lambda: at)


def test_clock_edges(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    base = timezone.now().replace(microsecond=0)
    task = world.task
    task.opens_at = base
    task.due_at = base + timedelta(hours=1)
    task.closes_at = base + timedelta(hours=2)
    task.save()
    us = timedelta(microseconds=1)
    freeze(monkeypatch, base - us)
    with pytest.raises(LearnplatError) as info:
        submit(user=world.student, task=task, answer="4")
    assert info.value.code == "task_not_open"
    freeze(monkeypatch, base)
    assert submit(user=world.student, task=task, answer="4").submission.is_late is False
    freeze(monkeypatch, base + timedelta(hours=1))
    assert submit(user=world.student, task=task, answer="4").submission.is_late is False
    freeze(monkeypatch, base + timedelta(hours=1) + us)
    assert submit(user=world.student, task=task, answer="4").submission.is_late is True
    freeze(monkeypatch, base + timedelta(hours=2))
    assert submit(user=world.student, task=task, answer="4").submission.is_late is True
    freeze(monkeypatch, base + timedelta(hours=2) + us)
    with pytest.raises(LearnplatError) as info:
        submit(user=world.student, task=task, answer="4")
    assert info.value.code == "task_closed"


def test_wrong_shape_is_invalid_input_on_answer(world: World) -> None:
    with pytest.raises(InvalidInput) as info:
        submit(user=world.student, task=world.task, answer=4)
    assert list(info.value.errors) == ["answer"]
    assert not Submission.objects.exists()


def test_external_kind_waits_for_a_grader(
    world: World, on_commit: Any, enqueued: list[Any]
) -> None:
    world.task.kind = "external"
    world.task.config = {"queue": "python"}
    world.task.save()
    with on_commit():
        submission = submit(
            user=world.student, task=world.task, answer={"code": "print(4)"}
        ).submission
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert submission.grader_queue == "python"
    assert enqueued == []


def test_rolled_back_submit_enqueues_nothing(
    world: World, on_commit: Any, enqueued: list[Any]
) -> None:
    class Boom(Exception):
        pass

    def submit_then_fail() -> None:
        with transaction.atomic():
            submit(user=world.student, task=world.task, answer="4")
            raise Boom

    with on_commit() as callbacks, pytest.raises(Boom):
        submit_then_fail()
    assert callbacks == []
    assert enqueued == []
    assert not Submission.objects.exists()
    assert not Evaluation.objects.exists()
    # The same submit committed does enqueue.
    with on_commit():
        submit(user=world.student, task=world.task, answer="4")
    assert len(enqueued) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_accept_exactly_max_attempts(world: World) -> None:
    world.task.max_attempts = 3
    world.task.save()

    def outcome(result: Outcome) -> str:
        if isinstance(result.error, LearnplatError):
            return result.error.code
        result.get()  # any other exception fails the test
        return "created"

    racing = race(*[lambda: submit(user=world.student, task=world.task, answer="4")] * 8)
    outcomes = [outcome(result) for result in racing]
    assert sorted(outcomes) == ["attempts_exhausted"] * 5 + ["created"] * 3
    attempts = sorted(
        Submission.objects.filter(user=world.student).values_list("attempt", flat=True)
    )
    assert attempts == [1, 2, 3]


def test_unusable_task_kinds_and_configs_are_409(world: World) -> None:
    world.task.config = {"answers": []}  # invalid for the exact kind
    world.task.save()
    assert post(world, world.student, "4").json()["code"] == "task_misconfigured"
    world.task.kind = "removed-kind"
    world.task.save()
    assert post(world, world.student, "4").json()["code"] == "kind_unavailable"
    assert not Submission.objects.exists()
