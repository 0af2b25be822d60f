"""Deadline reminders are sent once per (user, task), also by senders running at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from learnplat.flows import notify as notify_flow
from learnplat.notifications.models import DeadlineReminder, Notification
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_senders_send_each_reminder_once() -> None:
    """Four workers catch up after an outage on the same flood of due tasks."""
    course = CourseFactory()
    students = [make_user(username=f"racer-{n}") for n in range(6)]
    for student in students:
        enroll(student, course)
    soon = timezone.now() + timedelta(hours=2)
    tasks = [TaskFactory(course=course, due_at=soon + timedelta(minutes=n)) for n in range(10)]

    sent = race(*[notify_flow.send_deadline_reminders] * 4).values()

    assert sum(sent) == len(students) * len(tasks)
    assert DeadlineReminder.objects.count() == len(students) * len(tasks)
    notifications = Notification.objects.filter(kind="deadline_soon")
    assert notifications.count() == len(students) * len(tasks)
    pairs = {(n.user_id, n.data["task"]["id"]) for n in notifications}
    assert len(pairs) == len(students) * len(tasks)
    assert {task_id for _, task_id in pairs} == {task.pk for task in tasks}
