"""Student groups: group sets, forming groups, invitations, and who a submission counts for.

:func:`submitter_for` is what ``flows.submit`` asks first: the :class:`Submitter` (one
student, or a group of them) whose attempts, daily budget and late days a submission
draws on, with every member's enrollment row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from learnplat.courses.models import Enrollment, StudentGroup, Task


@dataclass(frozen=True)
class Submitter:
    """Who a submission counts for: ``user`` alone, or every member of ``group``."""

    user: Any
    #: The user's locked, active student enrollment.
    enrollment: Enrollment
    group: StudentGroup | None = None
    #: The user ids the submission counts for (the user alone without a group).
    member_ids: tuple[int, ...] = ()

    @property
    def user_ids(self) -> tuple[int, ...]:
        return self.member_ids or (self.user.pk,)


def submitter_for(*, task: Task, user: Any, enrollment: Enrollment) -> Submitter:
    """The submitter of ``user``'s submission to ``task``, called under ``enrollment``'s lock.

    Builds on: the group work (issue 13) replaces the solo answer for tasks with a group set.
    """
    return Submitter(user=user, enrollment=enrollment)
