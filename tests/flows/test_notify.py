"""learnplat.flows.notify: notifications made by grades and deadlines, their e-mail, and
the preferences that decide the channels."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from learnplat.courses.models import Enrollment, Extension
from learnplat.exceptions import InvalidInput
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import notify as notify_flow
from learnplat.notifications.models import DeadlineReminder, Notification, NotificationPreference
from learnplat.notifications.querysets import preferences_of
from tests.factories import TaskFactory, enroll, make_user
from tests.notifications.smtp import free_port, smtp_settings
from tests.overrides import LearnplatSettings
from tests.world import World


def manual_submission(world: World, user: Any = None) -> Any:
    from learnplat.flows.submit import submit

    world.task.kind, world.task.config = "manual", {}
    world.task.save()
    submission = submit(user=user or world.student, task=world.task, answer={"essay": "Hi"})
    evaluate_flow.run_evaluation(submission.submission.pk)
    return submission.submission


def kinds(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


# -- grades ----------------------------------------------------------------------------------


def test_a_first_grade_notifies_and_emails_the_student(world: World, on_commit: Any) -> None:
    submission = manual_submission(world)
    assert kinds(world.student) == []  # waiting for review is not a grade
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7.5, feedback="ok")
    notification = Notification.objects.get(user=world.student)
    assert notification.kind == "submission_graded"
    assert notification.data == {
        "submission": submission.pk,
        "attempt": 1,
        "task": {"id": world.task.pk, "title": world.task.title},
        "course": {"slug": world.course.slug, "title": world.course.title},
        "released": True,
        "score": 7.5,
        "max_score": 10.0,
        "previous_score": None,
    }
    assert [m.to for m in mail.outbox] == [[world.student.email]]
    assert world.task.title in mail.outbox[0].subject
    assert "7.5 of 10" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"  # type: ignore[attr-defined]
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_an_automatic_grade_notifies_too(world: World, on_commit: Any) -> None:
    from learnplat.flows.submit import submit

    with on_commit():
        submit(user=world.student, task=world.task, answer="4")
    assert kinds(world.student) == ["submission_graded"]
    assert Notification.objects.get().data["score"] == 10.0


def test_a_changed_grade_is_grade_changed_and_the_same_score_is_nothing(
    world: World, on_commit: Any
) -> None:
    submission = manual_submission(world)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=5)
        grading_flow.grade(submission=submission, by=world.assistant, score=5, feedback="Same")
        grading_flow.grade(submission=submission, by=world.instructor, score=8, reason="Re-read")
    assert kinds(world.student) == ["submission_graded", "grade_changed"]
    changed = Notification.objects.get(kind="grade_changed")
    assert (changed.data["previous_score"], changed.data["score"]) == (5, 8)
    assert len(mail.outbox) == 2


def test_a_deadline_change_that_changes_the_score_is_grade_changed(world: World) -> None:
    world.task.due_at = timezone.now() - timedelta(days=2)
    world.task.late_policy = {"deduction_percent": 50, "per": "day", "floor_percent": 0}
    world.task.save()
    from learnplat.flows.submit import submit

    submitted = submit(user=world.student, task=world.task, answer="4").submission
    evaluate_flow.run_evaluation(submitted.pk)
    assert Notification.objects.get().data["score"] == 0.0
    deadlines_flow.grant_extension(
        granted_by=world.instructor,
        course=world.course,
        user=world.student,
        task=world.task,
        due_at=timezone.now() + timedelta(days=1),
    )
    assert kinds(world.student) == ["submission_graded", "grade_changed"]
    assert Notification.objects.get(kind="grade_changed").data["score"] == 10.0


def test_a_rolled_back_grade_leaves_no_notification_and_sends_no_email(
    world: World, on_commit: Any
) -> None:
    submission = manual_submission(world)

    def grade_then_fail() -> None:
        with transaction.atomic():
            grading_flow.grade(submission=submission, by=world.assistant, score=7)
            raise RuntimeError("after the grade")

    with on_commit(), pytest.raises(RuntimeError):
        grade_then_fail()
    assert kinds(world.student) == []
    assert mail.outbox == []


def test_email_off_keeps_the_in_app_notification(world: World, on_commit: Any) -> None:
    notify_flow.set_preferences(
        user=world.student, preferences={"submission_graded": {"email": False}}
    )
    submission = manual_submission(world)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7)
    assert Notification.objects.get().in_app is True
    assert mail.outbox == []


def test_in_app_off_emails_but_lists_nothing(world: World, on_commit: Any) -> None:
    notify_flow.set_preferences(
        user=world.student, preferences={"submission_graded": {"in_app": False}}
    )
    submission = manual_submission(world)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7)
    assert Notification.objects.listed_for(world.student).count() == 0
    assert len(mail.outbox) == 1


def test_both_channels_off_stores_nothing(world: World, on_commit: Any) -> None:
    notify_flow.set_preferences(
        user=world.student,
        preferences={"submission_graded": {"in_app": False, "email": False}},
    )
    submission = manual_submission(world)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7)
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_user_without_an_address_gets_no_email(world: World, on_commit: Any) -> None:
    world.student.email = ""
    world.student.save()
    submission = manual_submission(world)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7)
    assert kinds(world.student) == ["submission_graded"]
    assert mail.outbox == []


def test_the_site_defaults_apply_until_the_user_chooses(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(NOTIFICATIONS={"DEFAULT_PREFERENCES": {"grade_changed": {"email": False}}})
    assert preferences_of(world.student.pk)["grade_changed"] == {"in_app": True, "email": False}
    assert preferences_of(world.student.pk)["deadline_soon"] == {"in_app": True, "email": True}
    result = notify_flow.set_preferences(
        user=world.student, preferences={"grade_changed": {"in_app": False}}
    )
    assert result["grade_changed"] == {"in_app": False, "email": False}
    assert NotificationPreference.objects.get().kind == "grade_changed"


@pytest.mark.parametrize(
    ("preferences", "errors"),
    [
        ({"sms_sent": {"email": True}}, {"sms_sent": ["Unknown notification kind."]}),
        ({"grade_changed": {"sms": True}}, {"grade_changed": {"sms": ["Unknown channel."]}}),
        ({"grade_changed": {"email": "yes"}}, {"grade_changed": {"email": ["Not a boolean."]}}),
        ({"grade_changed": True}, {"grade_changed": ["Must be an object of channels."]}),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(
    world: World, preferences: Any, errors: Any
) -> None:
    with pytest.raises(InvalidInput) as raised:
        notify_flow.set_preferences(
            user=world.student, preferences={"deadline_soon": {"email": False}, **preferences}
        )
    assert raised.value.errors == errors
    assert NotificationPreference.objects.count() == 0


def test_mark_read_never_touches_another_users(world: World) -> None:
    mine = notify_flow.notify(user_id=world.student.pk, kind="deadline_soon", data={})
    theirs = notify_flow.notify(user_id=world.other_student.pk, kind="deadline_soon", data={})
    assert mine is not None
    assert theirs is not None
    assert notify_flow.mark_read(user=world.student, ids=[mine.pk, theirs.pk, 10**9]) == 1
    assert notify_flow.mark_read(user=world.other_student, ids=[mine.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notify_flow.mark_read(user=world.other_student, everything=True) == 1


def test_an_smtp_failure_is_logged_and_the_grade_stays(
    world: World, on_commit: Any, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A port nobody listens on: connecting is refused at once.
    for name, value in smtp_settings(free_port(), timeout=5).items():
        setattr(settings, name, value)
    submission = manual_submission(world)
    with caplog.at_level(logging.ERROR, logger="learnplat.notifications"), on_commit():
        graded = grading_flow.grade(submission=submission, by=world.assistant, score=6)
    assert graded.score == 6
    submission.refresh_from_db()
    assert submission.score == 6
    notification = Notification.objects.get()
    assert notification.email_sent_at is None
    assert "Could not send the e-mail of notification" in caplog.text


# -- deadline reminders --------------------------------------------------------------------


def due_in(world: World, hours: float, **fields: Any) -> Any:
    return TaskFactory(
        course=world.course, due_at=timezone.now() + timedelta(hours=hours), **fields
    )


def reminded(task: Any) -> list[str]:
    return sorted(
        n.user.username
        for n in Notification.objects.filter(kind="deadline_soon", data__task__id=task.pk)
    )


def test_reminders_go_to_active_students_once(world: World, on_commit: Any) -> None:
    soon = due_in(world, 12)
    with on_commit():
        assert notify_flow.send_deadline_reminders() == 2
    assert reminded(soon) == ["other_student", "student"]
    assert notify_flow.send_deadline_reminders() == 0
    assert reminded(soon) == ["other_student", "student"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        world.other_student.email,
        world.student.email,
    ]
    data = Notification.objects.filter(kind="deadline_soon").first()
    assert data is not None
    assert data.data["due_at"] == soon.due_at.isoformat()


def test_no_reminder_for_past_far_unpublished_completed_or_dropped(world: World) -> None:
    past = due_in(world, -1)
    far = due_in(world, 30)
    hidden = due_in(world, 3, is_published=False)
    done = due_in(world, 3)
    from learnplat.flows.submit import submit

    # Completed: full marks.
    evaluate_flow.run_evaluation(submit(user=world.student, task=done, answer="4").submission.pk)
    dropped = make_user(username="dropped")
    enroll(dropped, world.course)
    Enrollment.objects.filter(user=dropped).update(status="dropped")
    open_task = due_in(world, 4)
    draft_task = TaskFactory(course=world.draft, due_at=timezone.now() + timedelta(hours=3))
    notify_flow.send_deadline_reminders()
    assert reminded(past) == reminded(far) == reminded(hidden) == reminded(draft_task) == []
    assert reminded(done) == ["other_student"]
    assert reminded(open_task) == ["other_student", "student"]  # not the dropped one


def test_extensions_move_a_reminder_in_and_out_of_the_window(world: World) -> None:
    task = due_in(world, 3)
    later = due_in(world, 72)
    Extension.objects.create(
        user=world.student,
        course=world.course,
        task=task,
        due_at=timezone.now() + timedelta(days=5),
    )
    # A course-wide extension brings `later` into the window for other_student only.
    Extension.objects.create(
        user=world.other_student, course=world.course, due_at=timezone.now() + timedelta(hours=5)
    )
    notify_flow.send_deadline_reminders()
    assert reminded(task) == ["other_student"]  # the course-wide date is 5 h away: in
    assert reminded(later) == ["other_student"]
    reminder = DeadlineReminder.objects.get(user=world.other_student, task=later)
    assert reminder.due_at > timezone.now() + timedelta(hours=4)


def test_the_window_follows_the_setting(
    world: World, learnplat_settings: LearnplatSettings
) -> None:
    task = due_in(world, 30)
    learnplat_settings(NOTIFICATIONS={"DEADLINE_SOON_HOURS": 48})
    notify_flow.send_deadline_reminders()
    assert reminded(task) == ["other_student", "student"]


def test_a_flood_after_an_outage_sends_each_once(world: World) -> None:
    """A worker was down: many deadlines came due at once, some passed meanwhile."""
    students = [make_user(username=f"late-{n}") for n in range(5)]
    for student in students:
        enroll(student, world.course)
    due = [due_in(world, 1 + n / 10) for n in range(20)]
    missed = [due_in(world, -1 - n) for n in range(5)]
    sent = notify_flow.send_deadline_reminders()
    sent += notify_flow.send_deadline_reminders()
    assert sent == 20 * 7
    assert DeadlineReminder.objects.count() == 20 * 7
    assert all(len(reminded(task)) == 7 for task in due)
    assert all(reminded(task) == [] for task in missed)


def test_the_command_sends_the_reminders(world: World) -> None:
    task = due_in(world, 2)
    call_command("learnplat_send_deadline_reminders", verbosity=0)
    assert reminded(task) == ["other_student", "student"]


def test_the_periodic_task_sends_the_reminders(world: World) -> None:
    from learnplat.notifications.tasks import send_deadline_reminders

    task = due_in(world, 2)
    result = send_deadline_reminders.enqueue()
    assert result.return_value == 2
    assert reminded(task) == ["other_student", "student"]
