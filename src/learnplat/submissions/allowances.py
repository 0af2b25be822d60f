"""What a student may still do on a task: reads shared by the submit checks and by
``accommodations/me`` (one rule, one place).

- :func:`local_day_bounds`: the course-local day an instant falls in, as two UTC instants
  (DST-correct: a day is 23 or 25 hours long on a change day).
- :func:`late_day_balance`: a student's late-day bank in a course.
- :func:`daily_budget` / :func:`submissions_left_today`: a task's daily budget for one
  submitter now, and the same for many tasks of one student in a constant number of queries.
- :func:`timed_deadline`: when a timed attempt started at some instant must be in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q, Sum

from learnplat.courses.deadlines import Window
from learnplat.courses.models import Accommodation, Course, GroupMembership, Task


def course_zone(course: Course) -> ZoneInfo:
    """The course's time zone; UTC for a name this machine no longer knows."""
    try:
        return ZoneInfo(course.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day_bounds(zone: ZoneInfo, at: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` of the local day in ``zone`` that contains ``at``: local midnight to
    the next local midnight (a nonexistent midnight resolves as zoneinfo's fold=0 does)."""
    day = at.astimezone(zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    # In UTC: Python subtracts two datetimes of one tzinfo by wall time, so ``end - start``
    # in ``zone`` would be 24 hours even on a 23- or 25-hour day.
    return start.astimezone(UTC), end.astimezone(UTC)


def accommodation_of(course: Course | int, user: Any) -> Accommodation | None:
    """The user's accommodation in ``course``, or None."""
    course_id = course.pk if isinstance(course, Course) else course
    return Accommodation.objects.filter(course_id=course_id, user=user).first()


@dataclass(frozen=True)
class LateDayBalance:
    total: int
    used: int

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)


def late_day_balance(
    *, course: Course, user: Any, accommodation: Accommodation | None = None
) -> LateDayBalance:
    """The user's bank in ``course``: its ``late_days`` plus the accommodation's
    ``extra_late_days``, and what the user's :class:`LateDaySpend` rows have used."""
    from learnplat.submissions.models import LateDaySpend

    extra = accommodation.extra_late_days if accommodation is not None else 0
    used = (
        LateDaySpend.objects.filter(course=course, user=user).aggregate(days=Sum("days"))["days"]
        or 0
    )
    return LateDayBalance(total=course.late_days + extra, used=int(used))


def daily_limit_with_bonus(task: Task, accommodation: Accommodation | None) -> int | None:
    """``task.daily_submission_limit`` plus the accommodation's ``bonus_submissions``; None
    when the task has no daily limit (the bonus alone makes none)."""
    if task.daily_submission_limit is None:
        return None
    bonus = accommodation.bonus_submissions if accommodation is not None else 0
    return task.daily_submission_limit + bonus


@dataclass(frozen=True)
class DailyBudget:
    #: Submissions allowed today (limit plus bonus).
    limit: int
    #: Submissions of the submitter made in the current course-local day.
    used: int
    #: The next local midnight, as an aware instant.
    resets_at: datetime

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


def daily_budget(*, task: Task, course: Course, submitter: Any, now: datetime) -> DailyBudget:
    """Today's budget of ``submitter`` (a ``flows.groups.Submitter``: the group's pooled
    submissions, the submitting student's bonus) on a task with a daily limit."""
    from learnplat.submissions.models import Submission

    limit = daily_limit_with_bonus(task, accommodation_of(course, submitter.user))
    if limit is None:
        raise ValueError("the task has no daily submission limit")
    start, end = local_day_bounds(course_zone(course), now)
    used = (
        Submission.objects.of_submitter(task=task, submitter=submitter)
        .filter(submitted_at__gte=start, submitted_at__lt=end)
        .count()
    )
    return DailyBudget(limit=limit, used=used, resets_at=end)


def submissions_left_today(
    *,
    course: Course,
    user: Any,
    tasks: list[Task],
    now: datetime,
    accommodation: Accommodation | None,
) -> dict[int, int | None]:
    """Task id → submissions ``user`` has left today on each of ``tasks`` (None without a
    daily limit), counted as :func:`daily_budget` counts them: a group task's submissions
    are those of the user's group in its set. Two queries for any number of tasks."""
    from learnplat.submissions.models import Submission

    limited = [task for task in tasks if task.daily_submission_limit is not None]
    left: dict[int, int | None] = {task.pk: None for task in tasks}
    if not limited:
        return left
    set_ids = {task.group_set_id for task in limited if task.group_set_id is not None}
    group_of: dict[int, int] = {}
    if set_ids:
        group_of = dict(
            GroupMembership.objects.filter(user=user, group_set_id__in=set_ids).values_list(
                "group_set_id", "group_id"
            )
        )
    # As Submission.objects.of_submitter: the group's rows when the user has a group in the
    # task's set, the user's own otherwise.
    solo: list[int] = []
    mine = Q()
    for task in limited:
        group_id = group_of.get(task.group_set_id) if task.group_set_id is not None else None
        if group_id is None:
            solo.append(task.pk)
        else:
            mine |= Q(task_id=task.pk, group_id=group_id)
    if solo:
        mine |= Q(task_id__in=solo, user=user)
    start, end = local_day_bounds(course_zone(course), now)
    used = dict(
        Submission.objects.filter(mine, submitted_at__gte=start, submitted_at__lt=end)
        .values("task_id")
        .annotate(n=Count("pk"))
        .values_list("task_id", "n")
    )
    for task in limited:
        limit = daily_limit_with_bonus(task, accommodation)
        assert limit is not None
        left[task.pk] = max(limit - used.get(task.pk, 0), 0)
    return left


def timed_deadline(
    *, task: Task, window: Window, started_at: datetime, accommodation: Accommodation | None
) -> datetime:
    """When an attempt of ``task`` started at ``started_at`` must be in: the time limit
    times the accommodation's ``time_multiplier`` after the start, but never after the
    student's effective ``closes_at`` (extensions and section dates applied in ``window``)."""
    if task.time_limit_minutes is None:
        raise ValueError("the task is not timed")
    multiplier = accommodation.time_multiplier if accommodation is not None else 1.0
    deadline = started_at + timedelta(minutes=task.time_limit_minutes * multiplier)
    if window.closes_at is not None and window.closes_at < deadline:
        return window.closes_at
    return deadline


def my_allowances(*, course: Course, user: Any, now: datetime) -> dict[str, Any]:
    """What applies to ``user`` (a student of ``course``) now, as ``GET
    courses/{slug}/accommodations/me/`` shows it. The course's published tasks with a daily
    limit or a time limit are listed, in course order. A constant number of queries (seven
    at most) for any number of tasks and extensions."""
    from learnplat.courses.models import Extension
    from learnplat.submissions.models import TaskStart

    accommodation = accommodation_of(course, user)
    balance = late_day_balance(course=course, user=user, accommodation=accommodation)
    tasks = list(
        Task.objects.filter(course=course, is_published=True)
        .filter(Q(daily_submission_limit__isnull=False) | Q(time_limit_minutes__isnull=False))
        .only("pk", "course_id", "daily_submission_limit", "time_limit_minutes", "group_set_id")
        .order_by("position", "id")
    )
    left = submissions_left_today(
        course=course, user=user, tasks=tasks, now=now, accommodation=accommodation
    )
    starts = {
        start.task_id: start
        for start in TaskStart.objects.current().filter(
            user=user, task_id__in=[t.pk for t in tasks if t.time_limit_minutes is not None]
        )
    }
    return {
        "time_multiplier": accommodation.time_multiplier if accommodation is not None else 1.0,
        "late_days_total": balance.total,
        "late_days_used": balance.used,
        "late_days_left": balance.left,
        "bonus_submissions": accommodation.bonus_submissions if accommodation else 0,
        "extensions": list(Extension.objects.for_course(course).filter(user=user)),
        "tasks": [
            {
                "task": task.pk,
                "submissions_left_today": left[task.pk],
                "started_at": starts[task.pk].started_at if task.pk in starts else None,
                "deadline": starts[task.pk].deadline if task.pk in starts else None,
            }
            for task in tasks
        ],
    }
