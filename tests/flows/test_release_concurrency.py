"""Two parallel releases of one task: exactly one succeeds (PostgreSQL row lock)."""

from __future__ import annotations

import pytest

from learnplat.exceptions import Conflict
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows.release import release_task
from learnplat.flows.submit import submit
from learnplat.submissions.choices import GradeChangeKind
from learnplat.submissions.models import GradeChange
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_parallel_releases_one_wins_one_is_already_released() -> None:
    course = CourseFactory(status="published")
    task = TaskFactory(course=course, release="manual", is_published=True)
    staff = make_user(username="teacher")
    enroll(staff, course, "instructor")
    for n in range(3):
        user = make_user(username=f"racer{n}")
        enroll(user, course)
        evaluate_flow.run_evaluation(submit(user=user, task=task, answer="4").submission.pk)

    outcomes = race(*[lambda: release_task(task=task, by=staff)] * 2)

    errors = outcomes.errors()
    assert len(errors) == 1
    assert isinstance(errors[0], Conflict)
    assert errors[0].get_codes()["code"] == "already_released"
    # One release's history only, not two.
    assert GradeChange.objects.filter(kind=GradeChangeKind.RELEASE).count() == 3
