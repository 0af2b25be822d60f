"""Two late submissions of one student to two tasks at once, with a bank for only one of
them: exactly one spends (PostgreSQL; the enrollment row lock in ``flows.submit``).

Checked to fail without the lock: with ``select_for_update()`` removed from the enrollment
query in ``flows.submit._create_submission``, both threads read a balance of 2 and both
spend (4 days spent from a bank of 2).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from learnplat.flows.submit import submit
from learnplat.submissions.allowances import late_day_balance
from learnplat.submissions.models import LateDaySpend, Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_tasks_submitted_at_once_spend_the_bank_once() -> None:
    course = CourseFactory(late_days=2)
    due = timezone.now() - timedelta(days=1, hours=1)
    tasks = [
        TaskFactory(course=course, due_at=due, late_days_allowed=True, kind="manual", config={})
        for _ in range(2)
    ]
    student = make_user(username="late-racer")
    enroll(student, course)

    race(*[lambda t=t: submit(user=student, task=t, answer="x") for t in tasks]).values()

    assert Submission.objects.count() == 2
    assert sorted(Submission.objects.values_list("late_days_used", flat=True)) == [0, 2]
    assert LateDaySpend.objects.count() == 1
    assert late_day_balance(course=course, user=student).used == 2
