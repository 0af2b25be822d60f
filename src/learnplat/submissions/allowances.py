"""What a student may still do on a task: reads shared by the submit checks and by
``accommodations/me`` (one rule, one place).

- :func:`local_day_bounds`: the course-local day an instant falls in, as two UTC instants
  (DST-correct: a day is 23 or 25 hours long on a change day).
- :func:`late_day_balance`: a student's late-day bank in a course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Sum

from learnplat.courses.models import Accommodation, Course


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
    return start, end


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
