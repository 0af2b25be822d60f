"""Notification e-mail through Django's SMTP backend to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import notify as notify_flow
from learnplat.flows.submit import submit
from learnplat.notifications.models import Notification
from tests.factories import TaskFactory
from tests.notifications.smtp import Inbox
from tests.world import World

# The e-mail goes out once the grade commits: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True)


def waiting_for_review(world: World) -> Any:
    world.task.kind, world.task.config = "manual", {}
    world.task.save()
    submission = submit(user=world.student, task=world.task, answer={"essay": "Hi"}).submission
    evaluate_flow.run_evaluation(submission.pk)
    return submission


def test_a_grade_reaches_the_smtp_server(world: World, smtp_server: Inbox, settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "courses@example.org"
    world.task.title = "Essays & <b>tags</b>"
    world.task.save()
    submission = waiting_for_review(world)
    assert smtp_server.messages == []
    grading_flow.grade(submission=submission, by=world.assistant, score=7.5)
    [received] = smtp_server.messages
    assert received.mail_from == "courses@example.org"
    assert received.rcpt_tos == [world.student.email]
    message = received.message
    assert message["Subject"] == "Graded: Essays & <b>tags</b> (Intro)"
    assert message.is_multipart()
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert 'Your submission to "Essays & <b>tags</b>" in Intro was graded: 7.5 of 10.' in text
    assert "<strong>Essays &amp; &lt;b&gt;tags&lt;/b&gt;</strong>" in html
    assert Notification.objects.get().email_sent_at is not None


def test_a_rolled_back_grade_sends_nothing(world: World, smtp_server: Inbox) -> None:
    submission = waiting_for_review(world)

    def grade_then_fail() -> None:
        with transaction.atomic():
            grading_flow.grade(submission=submission, by=world.assistant, score=7)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        grade_then_fail()
    assert smtp_server.messages == []
    assert Notification.objects.count() == 0


def test_preferences_decide_who_gets_mail(world: World, smtp_server: Inbox) -> None:
    notify_flow.set_preferences(
        user=world.other_student, preferences={"deadline_soon": {"email": False}}
    )
    TaskFactory(course=world.course, title="Soon", due_at=timezone.now() + timedelta(hours=2))
    assert notify_flow.send_deadline_reminders() == 2
    assert [m.rcpt_tos for m in smtp_server.messages] == [[world.student.email]]
    assert smtp_server.messages[0].message["Subject"] == "Due soon: Soon (Intro)"
