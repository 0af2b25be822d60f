"""Regrade requests under concurrency (PostgreSQL): one open request per submission, one answer
per request, whatever arrives at once."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.submit import submit
from learnplat.notifications.models import Notification
from learnplat.submissions.models import Evaluation, RegradeRequest, Submission
from tests.race import race
from tests.world import World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def graded_submission(world: World) -> Submission:
    submission = submit(user=world.student, task=world.task, answer="5").submission
    evaluate_flow.run_evaluation(submission.pk)
    return Submission.objects.get(pk=submission.pk)


def test_five_parallel_requests_make_one() -> None:
    world = build_world()
    submission = graded_submission(world)
    url = f"/api/submissions/{submission.pk}/regrade-requests/"

    def post(n: int) -> Any:
        return lambda: world.client("student").post(url, {"reason": f"try {n}"}, format="json")

    responses = race(*[post(n) for n in range(5)]).values()

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"regrade_request_open"}
    assert RegradeRequest.objects.filter(submission=submission).count() == 1
    # Each of the two staff members heard of it once.
    assert Notification.objects.filter(kind="regrade_request_created").count() == 2


def test_two_resolvers_one_wins() -> None:
    world = build_world()
    submission = graded_submission(world)
    from learnplat.flows.regrade_requests import file_request

    request = file_request(submission=submission, user=world.student, reason="look")
    url = f"/api/regrade-requests/{request.pk}/resolve/"

    def accept(who: str, score: float) -> Any:
        return lambda: world.client(who).post(
            url, {"accept": True, "score": score, "response": who}, format="json"
        )

    responses = race(accept("instructor", 6), accept("assistant", 8)).values()

    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "regrade_request_closed"
    winner = next(r for r in responses if r.status_code == 200).json()
    request.refresh_from_db()
    submission.refresh_from_db()
    assert request.status == "accepted"
    assert request.resolved_by.username == winner["response"]
    assert submission.score == winner["new_score"] == request.new_score
    # Only the winner graded: one manual evaluation, one answer to the student.
    assert Evaluation.objects.filter(submission=submission, trigger="manual").count() == 1
    assert Notification.objects.filter(kind="regrade_request_resolved").count() == 1
