"""Submission comments: ``GET/POST submissions/{id}/comments/`` for every role, the release
rules (before and after release, ``visible_before_release``), bad input, notifications and a
list whose query count does not grow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.models import Extension
from learnplat.flows import comments as comments_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import release as release_flow
from learnplat.notifications.emails import email_message
from learnplat.notifications.models import Notification
from learnplat.submissions.models import COMMENT_MAX_LENGTH, Submission, SubmissionComment
from tests.factories import MATRIX_ROLES as ROLES
from tests.factories import enroll, make_user
from tests.submissions.conftest import World, queued
from tests.submissions.test_query_counts import queries

STAFF_ROLES = ("instructor", "assistant", "admin")


def matrix(**expected: int) -> Any:
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize(("role", "status"), list(expected.items()))


def url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/comments/"


def graded(world: World, *, user: Any = None, task: Any = None) -> Submission:
    submission = queued(world, "5", user=user, task=task)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def manual_release(world: World) -> Any:
    world.task.release = "manual"
    world.task.save(update_fields=["release"])
    return world.task


@pytest.fixture
def submission(world: World) -> Submission:
    """The student's graded submission of ``task`` (released at once: ``release`` immediate)."""
    return graded(world)


def comment(world: World, submission: Submission, who: str, body: str, **kwargs: Any) -> Any:
    return comments_flow.post_comment(
        submission=submission, author=getattr(world, who), body=body, **kwargs
    )


def bodies(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["body"] for row in response.json()["results"]]


def notified(kind: str = "comment_created") -> dict[str, list[Any]]:
    """username → the data of their notifications of ``kind``."""
    out: dict[str, list[Any]] = {}
    for note in Notification.objects.filter(kind=kind).select_related("user").order_by("id"):
        out.setdefault(note.user.username, []).append(note.data)
    return out


# -- who ---------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=404,
    student=200,
    other_student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_list_roles(world: World, submission: Submission, role: str, status: int) -> None:
    comment(world, submission, "student", "Why 0?")
    comment(world, submission, "instructor", "Read the task again.")
    response = world.client(role).get(url(submission))
    assert response.status_code == status, response.content
    if status == 200:
        rows = response.json()["results"]
        assert [row["body"] for row in rows] == ["Why 0?", "Read the task again."]
        first = rows[0]
        expected: dict[str, Any] = {
            "id": first["id"],
            "author": {
                "id": world.student.pk,
                "username": world.student.username,
                "first_name": world.student.first_name,
                "last_name": world.student.last_name,
            },
            "body": "Why 0?",
            "created": first["created"],
        }
        if role in STAFF_ROLES:
            expected["visible_before_release"] = False
        assert first == expected
    elif status == 404:
        assert response.json()["code"] == "not_found"


@matrix(
    anonymous=401,
    outsider=404,
    student=201,
    other_student=404,
    assistant=201,
    other_instructor=404,
    instructor=201,
    admin=201,
)
def test_create_roles(world: World, submission: Submission, role: str, status: int) -> None:
    response = world.client(role).post(url(submission), {"body": "  Hello  "}, format="json")
    assert response.status_code == status, response.content
    assert SubmissionComment.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        saved = SubmissionComment.objects.get()
        assert saved.body == "Hello"
        assert saved.author == world.users[role]
        assert body["id"] == saved.pk
        assert body["body"] == "Hello"
        assert body["author"]["username"] == world.users[role].username
        assert ("visible_before_release" in body) == (role in STAFF_ROLES)


def test_a_dropped_assistant_loses_the_thread(world: World, submission: Submission) -> None:
    from learnplat.courses.models import Enrollment

    Enrollment.objects.filter(user=world.assistant, course=world.course).update(status="dropped")
    client = world.client("assistant")
    assert client.get(url(submission)).status_code == 404
    assert client.post(url(submission), {"body": "x"}, format="json").status_code == 404


# -- the release rules -------------------------------------------------------------------


def test_the_owner_reads_staff_comments_only_after_release(
    world: World, submission: Submission
) -> None:
    manual_release(world)
    comment(world, submission, "student", "Question")
    comment(world, submission, "assistant", "Hidden answer")
    comment(world, submission, "instructor", "Shown now", visible_before_release=True)
    student, staff = world.client("student"), world.client("instructor")
    assert bodies(student.get(url(submission))) == ["Question", "Shown now"]
    assert response_count(student.get(url(submission))) == 2
    assert bodies(staff.get(url(submission))) == ["Question", "Hidden answer", "Shown now"]
    release_flow.release_task(task=world.task, by=world.instructor)
    assert bodies(student.get(url(submission))) == ["Question", "Hidden answer", "Shown now"]


def response_count(response: Any) -> int:
    count: int = response.json()["count"]
    return count


def test_after_due_release_follows_the_owners_extension(world: World) -> None:
    task = world.task
    task.release = "after_due"
    task.due_at = timezone.now() - timedelta(hours=1)
    task.save(update_fields=["release", "due_at"])
    mine = graded(world)
    theirs = graded(world, user=world.other_student)
    comment(world, mine, "instructor", "For you")
    comment(world, theirs, "instructor", "For them")
    # Past the due date: released to the student...
    assert bodies(world.client("student").get(url(mine))) == ["For you"]
    # ...but not to a student whose extension runs on.
    Extension.objects.create(
        user=world.other_student,
        course=world.course,
        task=task,
        due_at=timezone.now() + timedelta(days=1),
    )
    assert bodies(world.client("other_student").get(url(theirs))) == []


def test_comments_of_other_submissions_stay_out(world: World, submission: Submission) -> None:
    other = graded(world, user=world.other_student)
    comment(world, other, "instructor", "Not yours")
    comment(world, submission, "instructor", "Yours")
    assert bodies(world.client("student").get(url(submission))) == ["Yours"]
    assert bodies(world.client("instructor").get(url(submission))) == ["Yours"]


def test_a_deleted_author_shows_as_null(world: World, submission: Submission) -> None:
    leaving = make_user(username="leaving")
    enroll(leaving, world.course, role="assistant")
    comments_flow.post_comment(submission=submission, author=leaving, body="Bye")
    leaving.delete()
    rows = world.client("student").get(url(submission)).json()["results"]
    assert rows[0]["author"] is None
    assert rows[0]["body"] == "Bye"


# -- bad input ---------------------------------------------------------------------------

TOO_LONG = "x" * (COMMENT_MAX_LENGTH + 1)


@pytest.mark.parametrize(
    ("role", "payload", "field"),
    [
        ("student", {}, "body"),
        ("student", {"body": ""}, "body"),
        ("student", {"body": "   \n\t "}, "body"),
        ("student", {"body": None}, "body"),
        ("student", {"body": True}, "body"),
        ("student", {"body": {"text": "a"}}, "body"),
        ("student", {"body": ["a"]}, "body"),
        ("student", {"body": TOO_LONG}, "body"),
        ("instructor", {"body": TOO_LONG}, "body"),
        ("student", {"body": "Hi", "visible_before_release": True}, "visible_before_release"),
        ("instructor", {"body": "Hi", "visible_before_release": "yes"}, "visible_before_release"),
        ("instructor", {"body": "Hi", "visible_before_release": 1}, "visible_before_release"),
        ("instructor", {"body": "Hi", "author": 3}, "author"),
    ],
)
def test_bad_input_is_a_400_that_writes_nothing(
    world: World, submission: Submission, role: str, payload: Any, field: str
) -> None:
    response = world.client(role).post(url(submission), payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {field}, body
    assert isinstance(body[field], list)
    assert SubmissionComment.objects.count() == 0
    assert Notification.objects.filter(kind="comment_created").count() == 0


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", "null"])
def test_a_body_that_is_not_an_object_is_a_400(
    world: World, submission: Submission, payload: str
) -> None:
    response = world.client("student").post(
        url(submission), payload, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert SubmissionComment.objects.count() == 0


def test_the_longest_body_is_accepted_after_trimming(world: World, submission: Submission) -> None:
    body = "  " + "y" * COMMENT_MAX_LENGTH + "  "
    response = world.client("student").post(url(submission), {"body": body}, format="json")
    assert response.status_code == 201, response.content
    assert len(SubmissionComment.objects.get().body) == COMMENT_MAX_LENGTH


def test_the_owner_may_send_false(world: World, submission: Submission) -> None:
    response = world.client("student").post(
        url(submission), {"body": "Hi", "visible_before_release": False}, format="json"
    )
    assert response.status_code == 201, response.content


def test_an_unknown_submission_is_a_404(world: World) -> None:
    response = world.client("admin").get("/api/submissions/999999/comments/")
    assert response.status_code == 404


# -- notifications -----------------------------------------------------------------------


def test_a_student_comment_notifies_the_course_staff(world: World, submission: Submission) -> None:
    world.client("student").post(url(submission), {"body": "Why?"}, format="json")
    got = notified()
    assert set(got) == {world.instructor.username, world.assistant.username}
    data = got[world.instructor.username][0]
    assert data == {
        "comment": SubmissionComment.objects.get().pk,
        "submission": submission.pk,
        "attempt": submission.attempt,
        "task": {"id": world.task.pk, "title": world.task.title},
        "course": {"slug": world.course.slug, "title": world.course.title},
        "body": "Why?",
        "author": {
            "id": world.student.pk,
            "username": world.student.username,
            "first_name": world.student.first_name,
            "last_name": world.student.last_name,
        },
        "from_staff": False,
    }
    note = Notification.objects.filter(user=world.instructor).get()
    message = email_message(note, to="x@example.com")
    assert world.student.username in message.subject
    assert "Why?" in message.body


def test_a_student_comment_notifies_only_the_assigned_grader(
    world: World, submission: Submission
) -> None:
    Submission.objects.filter(pk=submission.pk).update(assigned_to=world.assistant)
    submission.refresh_from_db()
    comment(world, submission, "student", "Why?")
    assert set(notified()) == {world.assistant.username}


def test_anonymous_grading_keeps_the_author_out_of_staff_notifications(world: World) -> None:
    world.task.anonymous_grading = True
    world.task.save(update_fields=["anonymous_grading"])
    zed = make_user(username="zed_hidden", first_name="Zed", last_name="Hidden")
    enroll(zed, world.course)
    submission = graded(world, user=zed)
    comments_flow.post_comment(submission=submission, author=zed, body="Who am I?")
    note = Notification.objects.filter(user=world.instructor).get()
    assert note.data["author"] is None
    message = email_message(note, to="x@example.com")
    text = message.subject + message.body
    assert "zed" not in text.lower()
    assert "hidden" not in text.lower()
    assert message.body.startswith("A student commented")


def test_a_visible_staff_comment_notifies_the_owner(world: World, submission: Submission) -> None:
    comment(world, submission, "assistant", "Good try")
    got = notified()
    assert set(got) == {world.student.username}
    assert got[world.student.username][0]["from_staff"] is True
    assert got[world.student.username][0]["author"]["username"] == world.assistant.username
    note = Notification.objects.get(kind="comment_created")
    assert "Good try" in email_message(note, to="x@example.com").body


def test_a_hidden_staff_comment_notifies_nobody(world: World, submission: Submission) -> None:
    manual_release(world)
    comment(world, submission, "instructor", "Later")
    assert notified() == {}
    comment(world, submission, "instructor", "Now", visible_before_release=True)
    assert set(notified()) == {world.student.username}
    # The release tells the student with grades_released, not with another comment_created.
    release_flow.release_task(task=world.task, by=world.instructor)
    assert len(notified()[world.student.username]) == 1
    assert world.student.username in notified("grades_released")


def test_a_failing_notification_rolls_the_comment_back(
    world: World, submission: Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**kwargs: Any) -> None:
        raise RuntimeError("notification store down")

    monkeypatch.setattr(comments_flow.notify_flow, "notify", boom)
    with pytest.raises(RuntimeError):
        comment(world, submission, "student", "Lost")
    assert SubmissionComment.objects.count() == 0


# -- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "instructor", "admin"])
def test_list_query_count_is_constant(
    world: World, submission: Submission, role: str, django_assert_num_queries: Any
) -> None:
    task = world.task
    task.release = "after_due"
    task.due_at = timezone.now() + timedelta(days=1)
    task.save(update_fields=["release", "due_at"])
    authors = [world.instructor, world.assistant]

    def add(count: int) -> None:
        for index in range(count):
            extra = make_user(username=f"ta{SubmissionComment.objects.count()}")
            enroll(extra, world.course, role="assistant")
            comments_flow.post_comment(
                submission=submission,
                author=[*authors, extra][index % 3],
                body=f"c{index}",
                visible_before_release=index % 2 == 0,
            )
            comments_flow.post_comment(submission=submission, author=world.student, body="s")

    add(2)
    client = world.client(role)
    small = queries(client, url(submission))
    add(8)
    with django_assert_num_queries(small):
        response = client.get(url(submission))
    assert response.json()["count"] >= 10


# -- group submissions -------------------------------------------------------------------


def group_submission(world: World, size: int, task: Any = None) -> tuple[Submission, list[Any]]:
    """``student``'s graded submission of a group task (``world.task`` unless given), for a
    group of ``size`` members (``student``, ``other_student``, then new students)."""
    from learnplat.courses.models import GroupMembership, GroupSet, StudentGroup

    group_set = GroupSet.objects.create(course=world.course, name=f"Set {size}", max_size=size)
    group = StudentGroup.objects.create(group_set=group_set, name="Team")
    members = [world.student, world.other_student]
    for _ in range(size - 2):
        extra = make_user()
        enroll(extra, world.course)
        members.append(extra)
    for member in members:
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)
    task = task or world.task
    task.group_set = group_set
    task.save(update_fields=["group_set"])
    submission = graded(world, task=task)
    assert submission.group_id == group.pk
    return submission, members


def test_a_staff_comment_on_a_group_submission_notifies_every_member(world: World) -> None:
    submission, members = group_submission(world, 3)
    comment(world, submission, "instructor", "Well done, team")
    got = notified()
    assert set(got) == {member.username for member in members}
    assert all(notes[0]["from_staff"] is True for notes in got.values())
    # A member's comment goes to the staff, as the submitter's does, not to the other members.
    Notification.objects.all().delete()
    comment(world, submission, "other_student", "Thanks")
    assert set(notified()) == {world.instructor.username, world.assistant.username}


def test_a_hidden_staff_comment_on_a_group_submission_notifies_no_member(world: World) -> None:
    manual_release(world)
    submission, _ = group_submission(world, 2)
    comment(world, submission, "instructor", "Later")
    assert notified() == {}


def test_a_group_comment_costs_the_same_queries_for_any_group_size(
    world: World, django_assert_num_queries: Any
) -> None:
    """The request that posts a staff comment makes one preferences query and one insert for
    all the members: the same number for a group of 2 and one of 5."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TaskFactory

    pair, _ = group_submission(world, 2)
    bigger = TaskFactory(course=world.course, position=3, is_published=True)
    five, _ = group_submission(world, 5, task=bigger)
    client = world.client("instructor")
    body = {"body": "Hello", "visible_before_release": True}
    # Warm: the first request reads what is cached per process (content types and such).
    assert client.post(url(pair), body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as captured:
        assert client.post(url(pair), body, format="json").status_code == 201
    Notification.objects.all().delete()
    with django_assert_num_queries(len(captured)):
        assert client.post(url(five), body, format="json").status_code == 201
    assert len(notified()) == 5
