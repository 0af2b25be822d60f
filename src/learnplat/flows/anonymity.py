"""Pseudonyms of anonymous grading: the "Student N" that stands for a student on a task.

Numbers are handed out here and nowhere else (never by a read), 1..N per task:

- :func:`anonymity_switched_on` (a task created with ``anonymous_grading``, or switched on)
  numbers, in a random order, every student who already submitted to the task and every
  active student of the course, so N tells nothing about who submitted first;
- :func:`ensure_pseudonym` (``flows.submit`` on an anonymous task) numbers a student who
  has none yet (one who enrolled after the switch) with the next free number.

Both lock the task row first, so concurrent submitters of one task take numbers one at a
time and never collide; the unique constraints (task, user) and (task, number) back it.
A number, once given, is never changed: it is stable for the task's life (decision 0021).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from learnplat.courses.choices import CourseRole, EnrollmentStatus
from learnplat.courses.models import Enrollment, Task
from learnplat.submissions.models import Pseudonym, Submission

_shuffle = random.SystemRandom().shuffle


def _lock_task(task: Task) -> None:
    Task.objects.select_for_update().filter(pk=task.pk).values_list("pk", flat=True).first()


def _allocate(task: Task, user_ids: Iterable[int], *, shuffled: bool) -> None:
    """Number those of ``user_ids`` who have no pseudonym on ``task`` yet, after the
    highest number in use. The caller holds the task's row lock."""
    have = set(Pseudonym.objects.filter(task=task).values_list("user_id", flat=True))
    new = [pk for pk in dict.fromkeys(user_ids) if pk not in have]
    if not new:
        return
    if shuffled:
        _shuffle(new)
    last = Pseudonym.objects.filter(task=task).aggregate(last=Max("number"))["last"] or 0
    Pseudonym.objects.bulk_create(
        Pseudonym(task=task, user_id=pk, number=last + i) for i, pk in enumerate(new, start=1)
    )


@transaction.atomic
def anonymity_switched_on(*, task: Task) -> None:
    """Give a pseudonym, in a random order, to every student who submitted to ``task`` and
    every active student of its course who has none yet."""
    _lock_task(task)
    submitters = Submission.objects.filter(task=task).values_list("user_id", flat=True)
    students = Enrollment.objects.filter(
        course_id=task.course_id, role=CourseRole.STUDENT, status=EnrollmentStatus.ACTIVE
    ).values_list("user_id", flat=True)
    _allocate(task, [*submitters, *students], shuffled=True)


@transaction.atomic
def ensure_pseudonym(*, task: Task, user: Any) -> None:
    """Make sure ``user`` has a pseudonym on ``task`` (the next number when they have none)."""
    if Pseudonym.objects.filter(task=task, user=user).exists():
        return
    _lock_task(task)
    _allocate(task, [user.pk], shuffled=False)
