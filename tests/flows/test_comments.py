"""learnplat.flows.comments.post_comment: validation, who may set the flag, one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from learnplat.exceptions import InvalidInput
from learnplat.flows import comments as comments_flow
from learnplat.notifications.models import Notification
from learnplat.submissions.models import COMMENT_MAX_LENGTH, Submission, SubmissionComment
from tests.world import World


@pytest.fixture
def submission(world: World) -> Submission:
    return Submission.objects.create(
        user=world.student,
        task=world.task,
        course=world.course,
        attempt=1,
        answer="4",
        status="graded",
        score=1.0,
        raw_score=1.0,
        max_score=world.task.max_score,
        evaluated_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("who", "body", "flag", "field"),
    [
        ("student", "", False, "body"),
        ("student", " \n ", False, "body"),
        ("student", None, False, "body"),
        ("student", 3, False, "body"),
        ("instructor", "x" * (COMMENT_MAX_LENGTH + 1), False, "body"),
        ("student", "Hi", True, "visible_before_release"),
        ("instructor", "Hi", "true", "visible_before_release"),
    ],
)
def test_bad_input_writes_nothing(
    world: World, submission: Submission, who: str, body: Any, flag: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        comments_flow.post_comment(
            submission=submission,
            author=getattr(world, who),
            body=body,
            visible_before_release=flag,
        )
    assert set(caught.value.detail) == {field}  # type: ignore[arg-type]
    assert SubmissionComment.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_body_is_trimmed_and_the_flag_kept(world: World, submission: Submission) -> None:
    made = comments_flow.post_comment(
        submission=submission,
        author=world.assistant,
        body="\n  Look here \t",
        visible_before_release=True,
    )
    made.refresh_from_db()
    assert (made.body, made.visible_before_release, made.author) == (
        "Look here",
        True,
        world.assistant,
    )


def test_a_platform_admin_counts_as_staff(world: World, submission: Submission) -> None:
    world.task.release = "manual"
    world.task.save(update_fields=["release"])
    submission.refresh_from_db()
    comments_flow.post_comment(submission=submission, author=world.admin, body="Hidden")
    assert Notification.objects.count() == 0
    comments_flow.post_comment(
        submission=submission, author=world.admin, body="Shown", visible_before_release=True
    )
    assert list(Notification.objects.values_list("user_id", flat=True)) == [world.student.pk]


def test_inactive_staff_are_not_notified(world: World, submission: Submission) -> None:
    from learnplat.courses.models import Enrollment

    Enrollment.objects.filter(user=world.assistant, course=world.course).update(status="dropped")
    comments_flow.post_comment(submission=submission, author=world.student, body="Hello?")
    assert list(Notification.objects.values_list("user_id", flat=True)) == [world.instructor.pk]
