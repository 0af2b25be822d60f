"""Anonymous grading: the one rule of who sees a pseudonym instead of a student.

While a task has ``anonymous_grading`` and a submission's grade is not released to its
owner (:func:`learnplat.submissions.serializers.released_to_owner`, the release rule of
decision 0017), everyone but the owner and platform admins sees the submission's student as
``{"pseudonym": "Student N"}``, and its ``user`` id as null (decision 0021). Every
response that ties a submission (or a task's scores) to a person asks this module:
the submission serializer (lists, detail, the grading queue), the submission filters, the
history, the course progress and the gradebook.

Pseudonyms are read, never made, here: ``learnplat.flows.anonymity`` numbers students when
they submit and when a task's anonymous grading is switched on. Lists read the number with
:meth:`~learnplat.submissions.querysets.SubmissionQuerySet.with_pseudonyms` (one query
after the page is fetched, only when it has rows of anonymously graded tasks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from learnplat.courses.release import is_released
from learnplat.roles import is_platform_admin
from learnplat.submissions.querysets import owns
from learnplat.submissions.release import released_to_owner

#: The label of a masked student whose pseudonym is missing (a task switched to anonymous
#: grading outside the flows, or a submission that raced the switch): still masked.
UNNUMBERED = "Anonymous student"

#: The attribute ``with_pseudonyms()`` sets.
PSEUDONYM_ATTRIBUTE = "pseudonym_number"


def sees_identities(viewer: Any) -> bool:
    """Platform admins see real identities everywhere (they may unmask, decision 0021)."""
    return viewer is not None and is_platform_admin(viewer)


def masks_task(task: Any, viewer: Any) -> bool:
    """Whether ``viewer`` may be shown pseudonyms on ``task`` at all (before asking about
    a grade's release): an anonymously graded task and a viewer who is not an admin."""
    return bool(getattr(task, "anonymous_grading", False)) and not sees_identities(viewer)


def masks_student(submission: Any, viewer: Any) -> bool:
    """Whether ``viewer`` sees ``submission``'s student as a pseudonym: the task is graded
    anonymously, the grade is not released to the owner, and ``viewer`` is neither the
    owner (or a member of its group) nor a platform admin. ``viewer`` None (no caller
    known) is masked."""
    if not masks_task(submission.task, viewer):
        return False
    if viewer is not None and owns(viewer, submission):
        return False
    return not released_to_owner(submission)


def masks_task_scores(task: Any, viewer: Any) -> bool:
    """Whether the course-wide views (gradebook rows, CSV, a student's progress as staff
    see it) hide ``task``'s cells from ``viewer``: anonymous and not yet released by the
    task's own dates (``released_at``, or its ``due_at`` for ``after_due``)."""
    return masks_task(task, viewer) and not is_released(task, effective_due_at=task.due_at)


def masked_task_ids(tasks: Iterable[Any], viewer: Any) -> frozenset[int]:
    """The ids of ``tasks`` whose scores :func:`masks_task_scores` hides from ``viewer``."""
    return frozenset(task.pk for task in tasks if masks_task_scores(task, viewer))


def pseudonym_number(submission: Any) -> int | None:
    """The submission's student's number on its task: the annotation of
    ``with_pseudonyms()`` when the row has it, else one query."""
    if hasattr(submission, PSEUDONYM_ATTRIBUTE):
        number = getattr(submission, PSEUDONYM_ATTRIBUTE)
        return None if number is None else int(number)
    from learnplat.submissions.models import Pseudonym

    return (
        Pseudonym.objects.filter(task_id=submission.task_id, user_id=submission.user_id)
        .values_list("number", flat=True)
        .first()
    )


def pseudonym_label(number: int | None) -> str:
    return UNNUMBERED if number is None else f"Student {number}"


def pseudonym_json(submission: Any) -> dict[str, Any]:
    """What a masked submission shows for its student: ``{"pseudonym": "Student N"}``."""
    return {"pseudonym": pseudonym_label(pseudonym_number(submission))}
