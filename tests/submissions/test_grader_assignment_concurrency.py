"""Claims and assignment under concurrency (PostgreSQL): of ten graders claiming one
submission at once exactly one wins; two assigns at once never assign a submission twice."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.exceptions import Conflict
from learnplat.flows import assignment as assignment_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.submit import submit
from learnplat.notifications.models import Notification
from learnplat.roles import Role
from learnplat.submissions.models import Submission
from tests.factories import TaskFactory, enroll, make_user
from tests.race import race
from tests.world import World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting(world: World, task: Any, user: Any) -> Submission:
    submission = submit(user=user, task=task, answer="essay").submission
    evaluate_flow.run_evaluation(submission.pk)
    return Submission.objects.get(pk=submission.pk)


def assistants(world: World, count: int) -> list[Any]:
    people = []
    for n in range(count):
        user = make_user(Role.STUDENT, username=f"grader{n}")
        enroll(user, world.course, "assistant")
        people.append(user)
    return people


def test_ten_parallel_claims_one_wins() -> None:
    world = build_world()
    task = TaskFactory(course=world.course, kind="manual", config={})
    submission = waiting(world, task, world.student)
    graders = assistants(world, 10)

    def claim(user: Any) -> Any:
        return lambda: assignment_flow.claim(
            submission=Submission.objects.get(pk=submission.pk), by=user
        )

    # Without the condition on the UPDATE every one of the ten would "win".
    outcomes = race(*[claim(user) for user in graders])
    winners = [o for o in outcomes if o.error is None]
    losers = [o.error for o in outcomes if o.error is not None]
    assert len(winners) == 1
    assert len(losers) == 9
    assert all(isinstance(e, Conflict) and e.code == "already_claimed" for e in losers)
    holder = Submission.objects.get(pk=submission.pk).claimed_by_id
    assert holder == winners[0].value.claimed_by.pk


def test_ten_parallel_claims_over_http_one_wins() -> None:
    world = build_world()
    task = TaskFactory(course=world.course, kind="manual", config={})
    submission = waiting(world, task, world.student)
    clients = [world.client(user) for user in assistants(world, 10)]
    url = f"/api/submissions/{submission.pk}/claim/"
    responses = race(*[(lambda c=c: c.post(url)) for c in clients]).values()
    assert sorted(r.status_code for r in responses) == [200] + [409] * 9
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_claimed"}


def test_two_parallel_assigns_never_double_assign() -> None:
    world = build_world()
    task = TaskFactory(course=world.course, kind="manual", config={})
    for n in range(12):
        user = make_user(Role.STUDENT, username=f"learner{n}")
        enroll(user, world.course)
        waiting(world, task, user)
    first, second, third, fourth = assistants(world, 4)

    def assign(graders: list[Any]) -> Any:
        return lambda: assignment_flow.assign(
            course=world.course, by=world.instructor, graders=[g.pk for g in graders]
        )

    results = race(assign([first, second]), assign([third, fourth])).values()
    # The second waited for the first's locks and found nothing left.
    assert sorted(r.assigned for r in results) == [0, 12]
    rows = Submission.objects.filter(task=task)
    assert rows.filter(assigned_to__isnull=True).count() == 0
    assert sum(n for r in results for _, n in r.graders) == 12
    notified = Notification.objects.filter(kind="grading_assigned")
    assert notified.count() == 2
    assert sum(n.data["count"] for n in notified) == 12
