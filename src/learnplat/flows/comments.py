"""Comments: the thread between a submission's owner and its course's staff (decision 0023).

:func:`post_comment` writes one comment and its notifications in one transaction:

- a comment of the owner notifies the submission's assigned grader (``assigned_to``) when
  there is one, else every active instructor and assistant of the course
  (``comment_created``);
- a comment of anyone else (course staff, platform admins) notifies the owner (on a group
  submission every member of its group, never the comment's author) when the owner
  can read it now: the grade is released to them (the one rule,
  :func:`learnplat.courses.release.is_released`, extensions included) or the comment
  is ``visible_before_release``. A comment hidden until release sends nothing of its own;
  the thread shows it once the grade is released (``grades_released`` tells a manual
  release).

Who may post is the view's business (the owner, the course's staff and platform admins);
only someone other than the owner may set ``visible_before_release`` (the owner: 400).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from learnplat.adapter import get_adapter
from learnplat.courses.models import Enrollment
from learnplat.exceptions import InvalidInput
from learnplat.flows import groups
from learnplat.flows import notify as notify_flow
from learnplat.notifications.choices import NotificationKind
from learnplat.serializers import course_summary_json, user_summary_json
from learnplat.submissions.models import COMMENT_MAX_LENGTH, Submission, SubmissionComment
from learnplat.submissions.release import released_to_owner


def clean_body(value: Any) -> str:
    """The trimmed ``body``; 400 when it is not a string, blank, or too long."""
    if not isinstance(value, str):
        raise InvalidInput({"body": ["Must be a string."]})
    text = value.strip()
    if not text:
        raise InvalidInput({"body": ["This field may not be blank."]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            {
                "body": [
                    f"Ensure this field has no more than {COMMENT_MAX_LENGTH} characters "
                    f"({len(text)})."
                ]
            }
        )
    return text


def _owner_recipients(submission: Submission, author: Any) -> list[int]:
    """The submission's owner side (every member of a group submission's group, who read its
    thread as the owner does); never ``author``."""
    return [user_id for user_id in groups.owner_ids(submission) if user_id != author.pk]


def _staff_recipients(submission: Submission) -> list[int]:
    if submission.assigned_to_id is not None:
        return [submission.assigned_to_id]
    return list(
        Enrollment.objects.staff()
        .filter(course_id=submission.course_id)
        .exclude(user_id=submission.user_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def post_comment(
    *,
    submission: Submission,
    author: Any,
    body: Any,
    visible_before_release: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> SubmissionComment:
    """Add ``author``'s comment to the thread of ``submission`` and notify who should know.

    400 on ``body`` (blank once trimmed, longer than ``COMMENT_MAX_LENGTH``), on
    ``visible_before_release`` when it is not a boolean or the owner sets it; nothing is
    written then. The adapter's ``save_extra()`` gets the new comment (key
    ``submission_comment_create``).
    """
    text = clean_body(body)
    if not isinstance(visible_before_release, bool):
        raise InvalidInput({"visible_before_release": ["Must be a boolean."]})
    by_owner = submission.is_owned_by(author)
    if by_owner and visible_before_release:
        raise InvalidInput(
            {"visible_before_release": ["Only course staff decide when a comment is visible."]}
        )
    comment = SubmissionComment.objects.create(
        submission=submission,
        author=author,
        body=text,
        visible_before_release=visible_before_release,
    )
    get_adapter().save_extra(
        key="submission_comment_create", instance=comment, data=dict(extra or {})
    )
    task = submission.task
    data: dict[str, Any] = {
        "comment": comment.pk,
        "submission": submission.pk,
        "attempt": submission.attempt,
        "task": {"id": task.pk, "title": str(task.title)},
        "course": course_summary_json(submission.course),
        "body": text,
    }
    if by_owner:
        # Staff must not learn who wrote it while the task is graded anonymously.
        data["author"] = None if task.anonymous_grading else user_summary_json(author)
        data["from_staff"] = False
        for user_id in _staff_recipients(submission):
            if user_id != author.pk:
                notify_flow.notify(
                    user_id=user_id, kind=NotificationKind.COMMENT_CREATED, data=data
                )
    elif visible_before_release or released_to_owner(submission):
        data["author"] = user_summary_json(author)
        data["from_staff"] = True
        # One query for the members' preferences and one insert, whatever the group's size.
        notify_flow.notify_many(
            user_ids=_owner_recipients(submission, author),
            kind=NotificationKind.COMMENT_CREATED,
            data=data,
        )
    return comment
