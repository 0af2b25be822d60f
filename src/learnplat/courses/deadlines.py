"""When a task accepts work from one user, and what lateness costs.

A task has three moments, all optional: ``opens_at``, ``due_at`` and ``closes_at``. The
order that decides each of them for one user is: the user's extension > the user's section's
date > the task's date. A :class:`~learnplat.courses.models.SectionDate` of the section the
user is enrolled in replaces, field by field, the task's dates it sets (a null field keeps
the task's own). A user's :class:`~learnplat.courses.models.Extension` then overrides
``due_at`` for that user (one for the task beats one for the whole course); when the extended
``due_at`` is after ``closes_at``, the close moves out to it, so an extension is never cut
short by the hard close.

Boundaries are inclusive: work submitted exactly at ``opens_at`` is accepted, exactly at
``due_at`` is on time, exactly at ``closes_at`` is still accepted; one microsecond after
``closes_at`` it is refused.

The late policy is ``task.late_policy``::

    {"deduction_percent": 10, "per": "day", "floor_percent": 50}

A submission ``d`` after the effective ``due_at`` is ``units = ceil(d / per)`` periods late
(one second late is one period), and keeps ``max(floor_percent, 100 - deduction_percent *
units)`` percent of its raw score. An empty policy deducts nothing. So with the policy above,
a score of 8 submitted 26 hours late keeps 80 % (2 days): 6.4. Policies are validated by
:func:`learnplat.courses.validation.normalise_late_policy`, the one validator of the rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from learnplat.courses.choices import LatePer
from learnplat.courses.validation import normalise_late_policy
from learnplat.exceptions import InvalidInput

if TYPE_CHECKING:
    from learnplat.courses.models import Extension, SectionDate, Task

PERIODS: dict[str, timedelta] = {LatePer.HOUR: timedelta(hours=1), LatePer.DAY: timedelta(days=1)}


@dataclass(frozen=True)
class LatePolicy:
    """A validated late policy; percentages are 0 to 100."""

    deduction_percent: float = 0.0
    per: str = LatePer.DAY
    floor_percent: float = 0.0

    @property
    def deducts(self) -> bool:
        return self.deduction_percent > 0 and self.floor_percent < 100

    def periods_late(self, late_by: timedelta) -> int:
        """Whole periods (rounded up) in ``late_by``; 0 when not late."""
        if late_by <= timedelta(0):
            return 0
        return math.ceil(late_by / PERIODS[self.per])

    def kept_percent(self, late_by: timedelta) -> float:
        """Percent of the raw score kept after being ``late_by`` late."""
        periods = self.periods_late(late_by)
        if periods == 0 or not self.deducts:
            return 100.0
        return max(self.floor_percent, 100.0 - self.deduction_percent * periods, 0.0)

    def apply(self, raw_score: float, late_by: timedelta) -> float:
        return raw_score * self.kept_percent(late_by) / 100.0


def late_policy_of(task: Task) -> LatePolicy:
    """The task's policy; a malformed stored policy (written around the validator) deducts
    nothing rather than failing."""
    try:
        return LatePolicy(**normalise_late_policy(task.late_policy))
    except InvalidInput:
        return LatePolicy()


@dataclass(frozen=True)
class Window:
    """The effective submission window of one task for one user."""

    opens_at: datetime | None
    due_at: datetime | None
    closes_at: datetime | None
    extension: Extension | None = None

    def not_open_at(self, at: datetime) -> bool:
        return self.opens_at is not None and at < self.opens_at

    def closed_at(self, at: datetime) -> bool:
        return self.closes_at is not None and at > self.closes_at

    def late_by(self, at: datetime) -> timedelta:
        """How late ``at`` is (zero or negative when on time)."""
        if self.due_at is None:
            return timedelta(0)
        return at - self.due_at

    def is_late(self, at: datetime) -> bool:
        return self.late_by(at) > timedelta(0)


def window_for(
    task: Task, extension: Extension | None, section_date: SectionDate | None = None
) -> Window:
    """The window of ``task`` with the user's ``section_date`` and ``extension`` (both
    already chosen) applied: extension > section date > task date."""
    opens_at, due_at, closes_at = task.opens_at, task.due_at, task.closes_at
    if section_date is not None:
        opens_at = section_date.opens_at or opens_at
        due_at = section_date.due_at or due_at
        closes_at = section_date.closes_at or closes_at
    if extension is not None:
        due_at = extension.due_at
        if closes_at is not None and due_at > closes_at:
            closes_at = due_at
    return Window(opens_at=opens_at, due_at=due_at, closes_at=closes_at, extension=extension)


def section_date_for(task: Task, user: Any) -> SectionDate | None:
    """The dates of ``task`` for the section ``user`` is enrolled in, if any (one query)."""
    from learnplat.courses.models import SectionDate

    user_id = getattr(user, "pk", user)
    return (
        SectionDate.objects.filter(
            task=task,
            section__enrollments__user_id=user_id,
            section__enrollments__course_id=task.course_id,
        )
        .order_by()
        .first()
    )


def section_dates_of(
    *, course_ids: Iterable[int], user_ids: Iterable[int], task_ids: Iterable[int]
) -> dict[tuple[int, int], SectionDate]:
    """(user id, task id) → the date of that task in the section the user is enrolled in,
    for every such pair among ``user_ids`` by ``task_ids`` of ``course_ids``: two queries
    whatever their number (none when nobody is in a section)."""
    from learnplat.courses.models import Enrollment, SectionDate

    course_ids, task_ids = set(course_ids), set(task_ids)
    members: dict[int, list[int]] = {}
    for user_id, section_id in Enrollment.objects.filter(
        course_id__in=course_ids, user_id__in=set(user_ids), section__isnull=False
    ).values_list("user_id", "section_id"):
        members.setdefault(section_id, []).append(user_id)
    if not members or not task_ids:
        return {}
    found: dict[tuple[int, int], SectionDate] = {}
    for date in SectionDate.objects.filter(section_id__in=list(members), task_id__in=task_ids):
        for user_id in members[date.section_id]:
            found[(user_id, date.task_id)] = date
    return found


def extension_for(task: Task, user: Any) -> Extension | None:
    """The user's extension for ``task``: the task's own, else the course-wide one (one query)."""
    from learnplat.courses.models import Extension

    candidates = Extension.objects.for_task(task, user)
    chosen: Extension | None = None
    for extension in candidates:
        if extension.task_id is not None:
            return extension
        chosen = extension
    return chosen


def effective_window(task: Task, user: Any) -> Window:
    """The window of ``task`` for ``user``, section dates and extensions applied."""
    return window_for(task, extension_for(task, user), section_date_for(task, user))


def late_score(
    raw_score: float,
    *,
    task: Task,
    window: Window,
    submitted_at: datetime,
    late_days_used: int = 0,
) -> float:
    """``raw_score`` after the task's late deduction for work submitted at ``submitted_at``.

    Late days the submission spent (``late_days_used``, decision 0026) cover lateness up to
    that many whole days: such a submission keeps its raw score.
    """
    late_by = window.late_by(submitted_at)
    if late_days_used > 0 and late_by <= timedelta(days=late_days_used):
        return raw_score
    return late_policy_of(task).apply(raw_score, late_by)
