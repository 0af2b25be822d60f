"""Idempotency-Key: a replay returns the original submission, never a second one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.flows.submit import submit
from learnplat.submissions.models import Submission
from tests.factories import TaskFactory
from tests.race import race
from tests.submissions.conftest import World, submit_url


def post(world: World, user: Any, answer: Any, key: str | None, task: Any = None) -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return world.client(user).post(
        submit_url(task or world.task), {"answer": answer}, format="json", **headers
    )


def test_replay_returns_the_original_with_200(world: World) -> None:
    first = post(world, world.student, "4", "k-1")
    again = post(world, world.student, "4", "k-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Submission.objects.count() == 1


def test_replay_works_after_attempts_ran_out_and_the_task_closed(world: World) -> None:
    world.task.max_attempts = 1
    world.task.save()
    first = post(world, world.student, "4", "k-1")
    world.task.closes_at = timezone.now() - timedelta(seconds=1)
    world.task.due_at = world.task.closes_at
    world.task.save()
    again = post(world, world.student, "4", "k-1")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert post(world, world.student, "4", "k-2").json()["code"] == "task_closed"


def test_same_key_with_another_answer_or_task_is_409(world: World) -> None:
    other_task = TaskFactory(course=world.course)
    post(world, world.student, "4", "k-1")
    for response in (
        post(world, world.student, "5", "k-1"),
        post(world, world.student, "4", "k-1", task=other_task),
    ):
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_reused"
    assert Submission.objects.count() == 1


def test_keys_belong_to_one_user(world: World) -> None:
    assert post(world, world.student, "4", "shared").status_code == 201
    assert post(world, world.other_student, "4", "shared").status_code == 201
    assert Submission.objects.count() == 2


def test_equal_answers_after_normalising_are_a_replay(world: World) -> None:
    task = TaskFactory(
        course=world.course,
        kind="choice",
        config={"choices": ["a", "b", "c"], "correct": [0, 2], "multiple": True},
    )
    first = post(world, world.student, [2, 0], "k-1", task=task)
    again = post(world, world.student, [0, 2], "k-1", task=task)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_bad_keys_are_400(world: World, key: str) -> None:
    response = post(world, world.student, "4", key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Submission.objects.exists()


def test_a_refused_submit_does_not_burn_the_key(world: World) -> None:
    world.task.opens_at = timezone.now() + timedelta(hours=1)
    world.task.save()
    assert post(world, world.student, "4", "k-1").json()["code"] == "task_not_open"
    world.task.opens_at = None
    world.task.save()
    assert post(world, world.student, "4", "k-1").status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replays_make_one_submission(world: World) -> None:
    count = 6

    def attempt() -> tuple[int, bool]:
        result = submit(user=world.student, task=world.task, answer="4", idempotency_key="k")
        return result.submission.pk, result.created

    results = race(*[attempt] * count).values()
    assert len(results) == count
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (count - 1) + [True]
    assert Submission.objects.count() == 1
