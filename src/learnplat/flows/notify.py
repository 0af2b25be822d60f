"""Notifications: made in the transaction of what they tell, e-mailed once it commits.

Called directly by the other flows, never through signals (decision 0005, decision 0012):

- :func:`grade_recorded`, from :func:`learnplat.flows.progress.record_grade` (the one place
  every grade goes through): a submission's first counted score is ``submission_graded``,
  a later change of it (override, regrade, a deadline change) is ``grade_changed``;
- :func:`send_deadline_reminders`, from ``manage.py learnplat_send_deadline_reminders`` and the
  periodic task ``learnplat.notifications.tasks.send_deadline_reminders``: ``deadline_soon``,
  once per (user, task);
- :func:`notify` makes one notification of any kind (``regrade_request_resolved`` will come
  from the regrade-request flow), :func:`notify_many` the same one for many users
  (``grades_released``, from :func:`learnplat.flows.release.release_task`).

A notification is a row written in the caller's transaction; its e-mail is enqueued on
commit through the tasks API (``LEARNPLAT["NOTIFICATIONS"]["TASK_BACKEND"]`` and
``["QUEUE_NAME"]``), so a rolled-back grade sends nothing, and a failing SMTP server is
logged by :func:`deliver_email` without touching the grade. Everything here is a no-op when
``learnplat.notifications`` is not installed.

Settings read: ``LEARNPLAT["NOTIFICATIONS"]``::

    LEARNPLAT = {"NOTIFICATIONS": {"DEADLINE_SOON_HOURS": 48,
                                   "DEFAULT_PREFERENCES": {"submission_graded": {"email": False}}}}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from learnplat.conf import settings
from learnplat.exceptions import InvalidInput

if TYPE_CHECKING:
    from learnplat.notifications.models import Notification
    from learnplat.submissions.models import Evaluation, Submission

logger = logging.getLogger("learnplat.notifications")

APP = "learnplat.notifications"


def installed() -> bool:
    return apps.is_installed(APP)


def notify(*, user_id: int, kind: str, data: Mapping[str, Any]) -> Notification | None:
    """Tell one user about something, on the channels their preferences allow.

    Returns the notification, or None when the user turned both channels off for ``kind``
    (nothing is stored then).
    """
    from learnplat.notifications.models import Notification
    from learnplat.notifications.querysets import preferences_of

    if not installed():
        return None
    wanted = preferences_of(user_id)[kind]
    if not wanted["in_app"] and not wanted["email"]:
        return None
    notification = Notification.objects.create(
        user_id=user_id, kind=kind, data=dict(data), in_app=wanted["in_app"]
    )
    if wanted["email"]:
        _email_on_commit(notification.pk)
    return notification


def notify_many(
    *, user_ids: Iterable[int], kind: str, data: Mapping[str, Any]
) -> list[Notification]:
    """:func:`notify` for many users at once with the same ``data``: one query for their
    preferences and one insert, whatever their number (a task's release tells a course)."""
    from learnplat.notifications.models import Notification
    from learnplat.notifications.querysets import preferences_of_many

    users = list(user_ids)
    if not installed() or not users:
        return []
    wanted = preferences_of_many(users, kind)
    made = Notification.objects.bulk_create(
        Notification(user_id=user_id, kind=kind, data=dict(data), in_app=wanted[user_id]["in_app"])
        for user_id in users
        if wanted[user_id]["in_app"] or wanted[user_id]["email"]
    )
    for notification in made:
        if wanted[notification.user_id]["email"]:
            _email_on_commit(notification.pk)
    return made


def grade_recorded(
    *, submission: Submission, evaluation: Evaluation, previous_score: float | None
) -> None:
    """Tell the student (every member, for a group's submission) about a grade:
    ``submission_graded`` for a submission's first counted score, ``grade_changed`` when a
    counted score changed; nothing for other results.

    A score counts once a grade stands (status ``graded``): the 0 a submission holds while it
    waits for review, or a failed run, never did, so the grade that follows is its first.

    While the task's scores are not released to the student (decision 0017) the first grade
    is a ``submission_graded`` with ``released: false`` and ``score`` null: the student
    learns that the work was graded, not how. A change of a grade they never saw tells them
    nothing new and sends nothing; the release itself sends ``grades_released``.
    """
    from learnplat.notifications.choices import NotificationKind
    from learnplat.submissions.choices import SubmissionStatus

    if not installed() or submission.status != SubmissionStatus.GRADED:
        return
    if submission.score is None or submission.score == previous_score:
        return
    kind = (
        NotificationKind.GRADE_CHANGED
        if previous_score is not None and was_counted(submission, evaluation)
        else NotificationKind.SUBMISSION_GRADED
    )
    task, course = submission.task, submission.course
    released = released_to_owner(submission)
    if not released and kind == NotificationKind.GRADE_CHANGED:
        return
    data = {
        "submission": submission.pk,
        "attempt": submission.attempt,
        "task": {"id": task.pk, "title": task.title},
        "course": {"slug": course.slug, "title": course.title},
        "released": released,
        "score": submission.score if released else None,
        "max_score": submission.max_score,
        "previous_score": previous_score if kind == NotificationKind.GRADE_CHANGED else None,
    }
    if submission.group_id is None:
        notify(user_id=submission.user_id, kind=kind, data=data)
    else:
        # A group's submission is every member's grade (decision 0030): each of them hears.
        from learnplat.flows.groups import owner_ids

        notify_many(user_ids=owner_ids(submission), kind=kind, data=data)


def released_to_owner(submission: Submission) -> bool:
    from learnplat.courses.deadlines import effective_window
    from learnplat.courses.release import is_released

    task = submission.task
    if is_released(task, effective_due_at=None):
        return True  # no query: immediate, or released by staff
    return is_released(task, effective_due_at=effective_window(task, submission.user_id).due_at)


def was_counted(submission: Submission, evaluation: Evaluation) -> bool:
    """Whether an earlier grade of ``submission`` stood: a result that neither failed nor
    waited for review (manual grades and deadline changes have no evaluator result)."""
    from django.db.models import Q

    from learnplat.submissions.models import Evaluation

    return (
        Evaluation.objects.filter(submission_id=submission.pk, pk__lt=evaluation.pk, error="")
        .exclude(score__isnull=True)
        .filter(Q(result__needs_review=False) | ~Q(result__has_key="needs_review"))
        .exists()
    )


# -- the reader's side -------------------------------------------------------------------


@transaction.atomic
def mark_read(*, user: Any, ids: Iterable[int] | None = None, everything: bool = False) -> int:
    """Mark the user's unread notifications read: those of ``ids``, or all of them.

    Ids of notifications that are not the user's (or do not exist) are ignored: nobody
    marks another's, and a client acting on a stale list is not refused. Returns how many
    changed.
    """
    from learnplat.notifications.models import Notification

    if ids is None and not everything:
        raise InvalidInput({"ids": ["Send ids, or all: true."]})
    unread = Notification.objects.listed_for(user).unread()
    if not everything:
        unread = unread.filter(pk__in=list(ids or []))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_preferences(
    *, user: Any, preferences: Mapping[str, Mapping[str, bool]]
) -> dict[str, dict[str, bool]]:
    """Change the user's choices for the kinds and channels named; returns all of them.

    400 for an unknown kind or channel, or a value that is not a boolean; nothing is
    written then.
    """
    from learnplat.notifications.choices import Channel, NotificationKind
    from learnplat.notifications.models import NotificationPreference
    from learnplat.notifications.querysets import preferences_of

    errors: dict[str, Any] = {}
    for kind, channels in preferences.items():
        if kind not in NotificationKind.values:
            errors[kind] = ["Unknown notification kind."]
        elif not isinstance(channels, Mapping):
            errors[kind] = ["Must be an object of channels."]
        else:
            bad = {
                channel: ["Unknown channel."]
                if channel not in Channel.values
                else ["Not a boolean."]
                for channel, on in channels.items()
                if channel not in Channel.values or not isinstance(on, bool)
            }
            if bad:
                errors[kind] = bad
    if errors:
        raise InvalidInput(errors)
    current = preferences_of(user.pk)
    for kind, channels in preferences.items():
        if not channels:
            continue
        chosen = {**current[kind], **channels}
        NotificationPreference.objects.update_or_create(
            user_id=user.pk,
            kind=kind,
            defaults={"in_app": chosen[Channel.IN_APP], "email": chosen[Channel.EMAIL]},
        )
        current[kind] = chosen
    return current


# -- deadline reminders ------------------------------------------------------------------


def send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Send ``deadline_soon`` to every active student whose effective due date of a
    published, not completed task falls in the next ``DEADLINE_SOON_HOURS``; returns how
    many were sent.

    Once per (user, task), also when two senders run at once or catch up after an outage:
    each reminder is its own transaction that first inserts the ``DeadlineReminder`` row,
    and a sender that meets the unique constraint skips it. Deadlines already past are
    never reminded of.
    """
    from learnplat.notifications.choices import NotificationKind
    from learnplat.notifications.models import DeadlineReminder
    from learnplat.notifications.querysets import reminders_due

    if not installed():
        return 0
    now = now or timezone.now()
    until = now + timedelta(hours=float(settings.NOTIFICATIONS["DEADLINE_SOON_HOURS"]))
    sent = 0
    for due in reminders_due(now=now, until=until):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(
                        user_id=due.user_id, task=due.task, due_at=due.due_at, sent_at=now
                    )
            except IntegrityError:
                continue  # another sender has it
            task, course = due.task, due.task.course
            notify(
                user_id=due.user_id,
                kind=NotificationKind.DEADLINE_SOON,
                data={
                    "task": {"id": task.pk, "title": task.title},
                    "course": {"slug": course.slug, "title": course.title},
                    "due_at": due.due_at.isoformat(),
                },
            )
            sent += 1
    return sent


# -- e-mail --------------------------------------------------------------------------------


def _email_on_commit(notification_id: int) -> None:
    def enqueue() -> None:
        from learnplat.notifications.tasks import send_notification_email

        try:
            send_notification_email.using(
                backend=settings.NOTIFICATIONS["TASK_BACKEND"],
                queue_name=settings.NOTIFICATIONS["QUEUE_NAME"],
            ).enqueue(notification_id)
        except Exception:
            logger.exception("Could not enqueue the e-mail of notification %s.", notification_id)

    transaction.on_commit(enqueue)


def deliver_email(*, notification_id: int) -> str:
    """Send the e-mail of one notification, once; returns ``"sent"``, ``"skipped"`` (gone,
    already sent, or the user has no e-mail address) or ``"failed"`` (logged, not raised)."""
    from learnplat.notifications.emails import email_message
    from learnplat.notifications.models import Notification

    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, email_sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return "skipped"
    address = getattr(notification.user, get_user_model().get_email_field_name(), "") or ""
    if not address:
        return "skipped"
    try:
        email_message(notification, to=address).send()
    except Exception:
        logger.exception("Could not send the e-mail of notification %s.", notification_id)
        return "failed"
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())
    return "sent"
