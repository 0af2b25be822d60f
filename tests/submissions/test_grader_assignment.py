"""Grader assignment and claims (decision 0022): the grading queue, round-robin assignment,
claims with their expiry, grading a claimed submission, per-grader progress; every role,
bad input, notifications, and query counts at two sizes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learnplat.flows import assignment as assignment_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.notifications.models import Notification
from learnplat.roles import Role
from learnplat.submissions.models import Submission
from tests.factories import MATRIX_ROLES as ROLES
from tests.factories import TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings
from tests.submissions.conftest import World, queued

QUEUE = "/api/grading/queue/"
ASSIGN = "/api/courses/intro/grading/assign/"
PROGRESS = "/api/courses/intro/grading/progress/"


def matrix(**expected: int) -> Any:
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize(("role", "status"), list(expected.items()))


def manual_task(course: Any, **fields: Any) -> Any:
    return TaskFactory(course=course, kind="manual", config={}, **fields)


def waiting(world: World, *, user: Any = None, task: Any) -> Submission:
    """A submission of ``task`` waiting for review."""
    submission = queued(world, "my essay", user=user or world.student, task=task)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    assert submission.status == "needs_review"
    return submission


def claim_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/claim/"


def grade_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/grade/"


@pytest.fixture
def essay(world: World) -> Any:
    return manual_task(world.course, title="Essay")


@pytest.fixture
def submission(world: World, essay: Any) -> Submission:
    return waiting(world, task=essay)


@pytest.fixture
def second_assistant(world: World) -> Any:
    user = make_user(Role.STUDENT, username="assistant2")
    enroll(user, world.course, "assistant")
    return user


# -- the queue ---------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=200,
    student=200,
    other_student=200,
    assistant=200,
    other_instructor=200,
    instructor=200,
    admin=200,
)
def test_queue_roles(world: World, submission: Submission, role: str, status: int) -> None:
    other_task = manual_task(world.other_course)
    theirs = waiting(world, user=world.outsider, task=other_task)
    response = world.client(role).get(QUEUE)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] == "not_authenticated"
        return
    ids = [row["id"] for row in response.json()["results"]]
    expected = {
        "instructor": [submission.pk],
        "assistant": [submission.pk],
        "other_instructor": [theirs.pk],
        "admin": [submission.pk, theirs.pk],
    }.get(role, [])
    assert ids == expected


def test_queue_lists_only_needs_review_oldest_first_and_not_own(
    world: World, essay: Any, submission: Submission
) -> None:
    later = waiting(world, user=world.other_student, task=essay)
    graded = waiting(world, user=world.other_student, task=essay)
    Submission.objects.filter(pk=graded.pk).update(status="graded")
    Submission.objects.filter(pk=later.pk).update(submitted_at=timezone.now() + timedelta(1))
    # The assistant is a student of another course: their own answers never appear.
    elsewhere = manual_task(world.other_course)
    enroll(world.assistant, world.other_course, "student")
    waiting(world, user=world.assistant, task=elsewhere)
    rows = world.client("assistant").get(QUEUE).json()["results"]
    assert [row["id"] for row in rows] == [submission.pk, later.pk]
    row = rows[0]
    assert row["student"]["username"] == "student"
    assert row["assigned_to"] is None
    assert row["claimed_by"] is None
    assert row["claimed_at"] is None


def test_queue_filters(
    world: World, essay: Any, submission: Submission, second_assistant: Any
) -> None:
    other_essay = manual_task(world.course, title="Other essay")
    second = waiting(world, user=world.other_student, task=other_essay)
    third = waiting(world, user=world.other_student, task=essay)
    Submission.objects.filter(pk=submission.pk).update(assigned_to=world.assistant)
    Submission.objects.filter(pk=second.pk).update(assigned_to=second_assistant)
    client = world.client("assistant")

    def ids(query: str) -> list[int]:
        response = client.get(QUEUE + query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == ids("?assigned=any") == [submission.pk, second.pk, third.pk]
    assert ids("?assigned=me") == [submission.pk]
    assert ids("?assigned=none") == [third.pk]
    assert ids(f"?task={essay.pk}") == [submission.pk, third.pk]
    assert ids("?course=intro&assigned=none") == [third.pk]
    assert ids("?course=other") == []
    rows = client.get(QUEUE + "?assigned=me").json()["results"]
    assert rows[0]["assigned_to"]["username"] == "assistant"


@pytest.mark.parametrize("query", ["?assigned=mine", "?assigned=", "?task=abc", "?assigned=\x00"])
def test_queue_bad_filter_is_400(world: World, submission: Submission, query: str) -> None:
    response = world.client("instructor").get(QUEUE + query)
    if query == "?assigned=":
        # An empty value filters nothing, as everywhere else.
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert set(response.json()) <= {"assigned", "task"}


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def add_waiting(world: World, essay: Any, count: int, start: int) -> None:
    for n in range(start, start + count):
        user = make_user(Role.STUDENT, username=f"learner{n}")
        enroll(user, world.course)
        row = waiting(world, user=user, task=essay)
        who = world.assistant if n % 2 else world.instructor
        Submission.objects.filter(pk=row.pk).update(
            assigned_to=who, claimed_by=who, claimed_at=timezone.now()
        )


@pytest.mark.parametrize("role", ["instructor", "assistant", "admin", "student"])
@pytest.mark.parametrize("query", ["", "?course=intro&assigned=me", "?assigned=none&task=1"])
def test_queue_query_count_is_constant(
    world: World, essay: Any, role: str, query: str, django_assert_num_queries: Any
) -> None:
    add_waiting(world, essay, 2, 0)
    client = world.client(role)
    small = queries(client, QUEUE + query)
    add_waiting(world, essay, 9, 2)
    with django_assert_num_queries(small):
        response = client.get(QUEUE + query)
    if role in ("instructor", "assistant", "admin") and query == "":
        assert response.json()["count"] == 11
        assert all(row["claimed_by"] for row in response.json()["results"])


# -- the submission's new fields ---------------------------------------------------------------


def test_student_sees_no_assignment_or_claim(world: World, submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        assigned_to=world.assistant, claimed_by=world.assistant, claimed_at=timezone.now()
    )
    own = world.client("student").get(f"/api/submissions/{submission.pk}/").json()
    assert (own["assigned_to"], own["claimed_by"], own["claimed_at"]) == (None, None, None)
    staff = world.client("instructor").get(f"/api/submissions/{submission.pk}/").json()
    assert staff["assigned_to"]["username"] == "assistant"
    assert staff["claimed_by"]["username"] == "assistant"
    assert staff["claimed_at"] is not None


def test_expired_claim_shows_as_none(world: World, submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        claimed_by=world.assistant, claimed_at=timezone.now() - timedelta(seconds=1801)
    )
    staff = world.client("instructor").get(f"/api/submissions/{submission.pk}/").json()
    assert staff["claimed_by"] is None
    assert staff["claimed_at"] is None


# -- assign --------------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    other_student=403,
    assistant=403,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_assign_roles(
    world: World, essay: Any, submission: Submission, role: str, status: int
) -> None:
    # The draft is invisible to outsiders; intro is published, so its students see it (403).
    response = world.client(role).post(ASSIGN, {"graders": [world.assistant.pk]}, format="json")
    assert response.status_code == status, response.json()
    submission.refresh_from_db()
    if status == 200:
        assert response.json() == {
            "assigned": 1,
            "graders": [{"grader": world.assistant.pk, "assigned": 1}],
        }
        assert submission.assigned_to_id == world.assistant.pk
    else:
        assert submission.assigned_to_id is None


def test_assign_draft_course_is_404_for_outsiders(world: World) -> None:
    url = "/api/courses/secret/grading/assign/"
    body = {"graders": [world.assistant.pk]}
    assert world.client("outsider").post(url, body, format="json").status_code == 404
    assert world.client("instructor").post(url, body, format="json").status_code == 200


def test_assign_round_robin_oldest_first(
    world: World, essay: Any, second_assistant: Any, on_commit: Any
) -> None:
    students = [make_user(Role.STUDENT, username=f"s{n}") for n in range(5)]
    rows = []
    for n, user in enumerate(students):
        enroll(user, world.course)
        row = waiting(world, user=user, task=essay)
        Submission.objects.filter(pk=row.pk).update(
            submitted_at=timezone.now() - timedelta(hours=10 - n)
        )
        rows.append(row)
    already = waiting(world, user=world.other_student, task=essay)
    Submission.objects.filter(pk=already.pk).update(assigned_to=world.instructor)
    done = waiting(world, user=world.student, task=essay)
    Submission.objects.filter(pk=done.pk).update(status="graded")
    graders = [second_assistant.pk, world.assistant.pk]
    with on_commit():
        response = world.client("instructor").post(ASSIGN, {"graders": graders}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "assigned": 5,
        "graders": [
            {"grader": second_assistant.pk, "assigned": 3},
            {"grader": world.assistant.pk, "assigned": 2},
        ],
    }
    assigned = [Submission.objects.get(pk=row.pk).assigned_to_id for row in rows]
    assert assigned == [graders[0], graders[1], graders[0], graders[1], graders[0]]
    assert Submission.objects.get(pk=already.pk).assigned_to_id == world.instructor.pk
    assert Submission.objects.get(pk=done.pk).assigned_to_id is None
    # One notification per grader, saying how many.
    notes = Notification.objects.filter(kind="grading_assigned").order_by("user_id")
    assert sorted((n.user_id, n.data["count"]) for n in notes) == sorted(
        [(second_assistant.pk, 3), (world.assistant.pk, 2)]
    )
    assert notes[0].data["course"] == {"slug": "intro", "title": "Intro"}
    assert notes[0].data["task"] is None
    # Again: nothing left to assign, nobody told.
    again = world.client("instructor").post(ASSIGN, {"graders": graders}, format="json")
    assert again.json()["assigned"] == 0
    assert Notification.objects.filter(kind="grading_assigned").count() == 2


def test_assign_one_task_only(world: World, essay: Any, submission: Submission) -> None:
    other = manual_task(world.course, title="Poem")
    theirs = waiting(world, user=world.other_student, task=other)
    body = {"graders": [world.instructor.pk], "task": other.pk}
    response = world.client("instructor").post(ASSIGN, body, format="json")
    assert response.json()["assigned"] == 1
    assert Submission.objects.get(pk=theirs.pk).assigned_to_id == world.instructor.pk
    assert Submission.objects.get(pk=submission.pk).assigned_to_id is None
    # The one assigning is not told of what they assigned themselves.
    assert not Notification.objects.filter(kind="grading_assigned").exists()


def test_assign_notification_names_the_task(
    world: World, essay: Any, submission: Submission
) -> None:
    body = {"graders": [world.assistant.pk], "task": essay.pk}
    world.client("instructor").post(ASSIGN, body, format="json")
    note = Notification.objects.get(kind="grading_assigned")
    assert note.data["task"] == {"id": essay.pk, "title": "Essay"}
    assert note.data["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"graders": []}, "graders"),
        ({}, "graders"),
        ({"graders": "x"}, "graders"),
        ({"graders": [None]}, "graders"),
        ({"graders": [0]}, "graders"),
        ({"graders": ["a"]}, "graders"),
        ({"graders": ["student"]}, "graders"),
        ({"graders": ["STUDENT"], "task": "x"}, "graders"),
        ({"graders": ["ASSISTANT"], "task": "OTHER"}, "task"),
        ({"graders": ["ASSISTANT"], "task": 999999}, "task"),
        ({"graders": ["ASSISTANT"], "task": -1}, "task"),
        ({"graders": ["ASSISTANT"], "extra": 1}, "extra"),
        ({"graders": ["ASSISTANT", "OTHER_INSTRUCTOR"]}, "graders"),
        ({"graders": ["ASSISTANT", "STUDENT"]}, "graders"),
        ({"graders": ["DROPPED"]}, "graders"),
    ],
)
def test_assign_bad_input(
    world: World, submission: Submission, body: dict[str, Any], field: str
) -> None:
    dropped = make_user(Role.STUDENT, username="dropped")
    enroll(dropped, world.course, "assistant").__class__.objects.filter(user=dropped).update(
        status="dropped"
    )
    other_task = manual_task(world.other_course)
    names = {
        "ASSISTANT": world.assistant.pk,
        "STUDENT": world.student.pk,
        "OTHER_INSTRUCTOR": world.other_instructor.pk,
        "DROPPED": dropped.pk,
        "OTHER": other_task.pk,
    }

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    payload = {key: resolve(value) for key, value in body.items()}
    if body.get("graders") == ["student"]:
        payload["graders"] = [world.student.pk]
    if body.get("graders") == ["STUDENT"]:
        payload["graders"] = [world.assistant.pk]
        field = "task"
    response = world.client("instructor").post(ASSIGN, payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Submission.objects.filter(assigned_to__isnull=False).count() == 0
    assert not Notification.objects.filter(kind="grading_assigned").exists()


# -- claims ----------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    other_student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_claim_roles(world: World, submission: Submission, role: str, status: int) -> None:
    response = world.client(role).post(claim_url(submission))
    assert response.status_code == status
    submission.refresh_from_db()
    if status == 200:
        body = response.json()
        assert body["id"] == submission.pk
        assert body["claimed_by"]["username"] == role
        assert body["claimed_at"] is not None
        assert submission.claimed_by_id == world.user(role).pk
    else:
        assert submission.claimed_by_id is None


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    other_student=404,
    assistant=204,
    other_instructor=404,
    instructor=204,
    admin=204,
)
def test_release_own_claim_roles(
    world: World, submission: Submission, role: str, status: int
) -> None:
    holder = world.user(role) if status == 204 else world.assistant
    assignment_flow.claim(submission=submission, by=holder)
    response = world.client(role).delete(claim_url(submission))
    assert response.status_code == status
    submission.refresh_from_db()
    if status == 204:
        assert submission.claimed_by_id is None
        assert submission.claimed_at is None
    else:
        assert submission.claimed_by_id == world.assistant.pk


def test_claim_held_by_another_is_409(
    world: World, submission: Submission, second_assistant: Any
) -> None:
    assert world.client("assistant").post(claim_url(submission)).status_code == 200
    response = world.client(second_assistant).post(claim_url(submission))
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"
    submission.refresh_from_db()
    assert submission.claimed_by_id == world.assistant.pk
    # Claiming your own again renews it.
    first_at = submission.claimed_at
    assert world.client("assistant").post(claim_url(submission)).status_code == 200
    submission.refresh_from_db()
    assert submission.claimed_at >= first_at


def test_expired_claim_can_be_taken(
    world: World,
    submission: Submission,
    second_assistant: Any,
    learnplat_settings: LearnplatSettings,
) -> None:
    learnplat_settings(GRADING={"CLAIM_TTL_SECONDS": 60})
    Submission.objects.filter(pk=submission.pk).update(
        claimed_by=world.assistant, claimed_at=timezone.now() - timedelta(seconds=61)
    )
    response = world.client(second_assistant).post(claim_url(submission))
    assert response.status_code == 200
    assert response.json()["claimed_by"]["username"] == "assistant2"
    # Still within the TTL: held.
    Submission.objects.filter(pk=submission.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=30)
    )
    assert world.client("assistant").post(claim_url(submission)).status_code == 409


def test_assistant_cannot_break_anothers_claim_instructor_can(
    world: World, submission: Submission, second_assistant: Any
) -> None:
    assignment_flow.claim(submission=submission, by=second_assistant)
    response = world.client("assistant").delete(claim_url(submission))
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"
    submission.refresh_from_db()
    assert submission.claimed_by_id == second_assistant.pk
    assert world.client("instructor").delete(claim_url(submission)).status_code == 204
    submission.refresh_from_db()
    assert submission.claimed_by_id is None


def test_release_without_claim_or_expired_is_204(
    world: World, submission: Submission, second_assistant: Any
) -> None:
    assert world.client("assistant").delete(claim_url(submission)).status_code == 204
    Submission.objects.filter(pk=submission.pk).update(
        claimed_by=second_assistant, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert world.client("assistant").delete(claim_url(submission)).status_code == 204
    submission.refresh_from_db()
    assert submission.claimed_by_id is None


def test_claim_a_submission_of_another_course_is_404(world: World) -> None:
    other_task = manual_task(world.other_course)
    theirs = waiting(world, user=world.outsider, task=other_task)
    for role in ("assistant", "instructor"):
        assert world.client(role).post(claim_url(theirs)).status_code == 404
        assert world.client(role).delete(claim_url(theirs)).status_code == 404
    assert world.client("other_instructor").post(claim_url(theirs)).status_code == 200
    assert world.client("assistant").post("/api/submissions/999999/claim/").status_code == 404


# -- grading a claimed submission --------------------------------------------------------------


def test_grading_a_submission_claimed_by_another_is_409(
    world: World, submission: Submission, second_assistant: Any
) -> None:
    assignment_flow.claim(submission=submission, by=second_assistant)
    response = world.client("assistant").post(grade_url(submission), {"score": 5}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"
    submission.refresh_from_db()
    assert submission.status == "needs_review"
    assert submission.evaluations.filter(trigger="manual").count() == 0


def test_grading_clears_the_claim(world: World, submission: Submission) -> None:
    assignment_flow.claim(submission=submission, by=world.assistant)
    response = world.client("assistant").post(grade_url(submission), {"score": 5}, format="json")
    assert response.status_code == 200
    assert response.json()["claimed_by"] is None
    submission.refresh_from_db()
    assert (submission.status, submission.claimed_by_id, submission.claimed_at) == (
        "graded",
        None,
        None,
    )


def test_grading_over_an_expired_claim_works(
    world: World, submission: Submission, second_assistant: Any
) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        claimed_by=second_assistant, claimed_at=timezone.now() - timedelta(hours=1)
    )
    response = world.client("assistant").post(grade_url(submission), {"score": 5}, format="json")
    assert response.status_code == 200


# -- progress --------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    other_student=403,
    assistant=200,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_progress_roles(world: World, submission: Submission, role: str, status: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(assigned_to=world.assistant)
    response = world.client(role).get(PROGRESS)
    assert response.status_code == status
    if status == 200:
        assert response.json() == [
            {
                "grader": {
                    "id": world.assistant.pk,
                    "username": "assistant",
                    "first_name": world.assistant.first_name,
                    "last_name": world.assistant.last_name,
                },
                "assigned": 1,
                "graded": 0,
            }
        ]


def test_progress_of_a_draft_is_404_for_outsiders(world: World) -> None:
    url = "/api/courses/secret/grading/progress/"
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("assistant").get(url).json() == []


def test_progress_counts_graded_of_assigned(
    world: World, essay: Any, second_assistant: Any
) -> None:
    for n in range(4):
        user = make_user(Role.STUDENT, username=f"p{n}")
        enroll(user, world.course)
        waiting(world, user=user, task=essay)
    graders = [world.assistant.pk, second_assistant.pk]
    world.client("instructor").post(ASSIGN, {"graders": graders}, format="json")
    mine = Submission.objects.filter(assigned_to=world.assistant).order_by("pk").first()
    assert mine is not None
    response = world.client("assistant").post(grade_url(mine), {"score": 3}, format="json")
    assert response.status_code == 200
    rows = world.client("instructor").get(PROGRESS).json()
    assert [(r["grader"]["username"], r["assigned"], r["graded"]) for r in rows] == [
        ("assistant", 2, 1),
        ("assistant2", 2, 0),
    ]


def test_progress_query_count_is_constant(
    world: World, essay: Any, django_assert_num_queries: Any
) -> None:
    add_waiting(world, essay, 2, 0)
    client = world.client("instructor")
    small = queries(client, PROGRESS)
    extra = make_user(Role.STUDENT, username="assistant3")
    enroll(extra, world.course, "assistant")
    add_waiting(world, essay, 9, 2)
    Submission.objects.filter(user__username="learner5").update(assigned_to=extra)
    with django_assert_num_queries(small):
        response = client.get(PROGRESS)
    assert len(response.json()) == 3


@pytest.mark.parametrize(
    ("task", "count", "subject", "body"),
    [
        (None, 1, "1 submission to grade in Intro", "1 submission in Intro was assigned"),
        (
            {"id": 1, "title": "Essay"},
            3,
            "3 submissions to grade in Intro",
            '3 submissions of "Essay" in Intro were assigned',
        ),
    ],
)
def test_grading_assigned_email(
    world: World, task: Any, count: int, subject: str, body: str
) -> None:
    from learnplat.notifications.emails import email_message

    note = Notification(
        user=world.assistant,
        kind="grading_assigned",
        data={"course": {"slug": "intro", "title": "Intro"}, "task": task, "count": count},
    )
    message = email_message(note, to="a@example.com")
    assert message.subject == subject
    assert body in message.body


@pytest.mark.parametrize("value", [0, -5, "1800", 1.5, True, None])
def test_bad_claim_ttl_is_e070(learnplat_settings: LearnplatSettings, value: Any) -> None:
    from learnplat.checks import check_grading_settings

    learnplat_settings(GRADING={"CLAIM_TTL_SECONDS": value})
    errors = check_grading_settings()
    assert [e.id for e in errors] == ["learnplat.E070"]
    assert "CLAIM_TTL_SECONDS" in errors[0].msg


def test_good_claim_ttl_passes(learnplat_settings: LearnplatSettings) -> None:
    from learnplat.checks import check_grading_settings

    learnplat_settings(GRADING={"CLAIM_TTL_SECONDS": 60})
    assert check_grading_settings() == []
