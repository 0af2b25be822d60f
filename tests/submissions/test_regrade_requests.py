"""Regrade requests: filing, listing, reading and answering them, for every role; bad input;
the 409s; notifications; a list whose query count does not grow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.models import Extension
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import regrade_requests as regrade_flow
from learnplat.notifications.models import Notification
from learnplat.roles import Role
from learnplat.submissions.models import Evaluation, RegradeRequest, Submission
from tests.factories import MATRIX_ROLES as ROLES
from tests.factories import TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings
from tests.submissions.conftest import World, queued
from tests.submissions.test_query_counts import queries


def matrix(**expected: int) -> Any:
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize(("role", "status"), list(expected.items()))


def graded(world: World, answer: str = "5", *, user: Any = None, task: Any = None) -> Submission:
    submission = queued(world, answer, user=user, task=task)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def create_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/regrade-requests/"


def resolve_url(request: RegradeRequest) -> str:
    return f"/api/regrade-requests/{request.pk}/resolve/"


@pytest.fixture
def submission(world: World) -> Submission:
    """The student's graded submission (a wrong answer: 0 of 10)."""
    return graded(world)


@pytest.fixture
def open_request(world: World, submission: Submission) -> RegradeRequest:
    return regrade_flow.file_request(
        submission=submission, user=world.student, reason="My answer is right."
    )


# -- filing ------------------------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=404,
    student=201,
    other_student=404,
    assistant=403,
    other_instructor=404,
    instructor=403,
    admin=403,
)
def test_file_roles(world: World, submission: Submission, role: str, status: int) -> None:
    response = world.client(role).post(
        create_url(submission), {"reason": "Please look again."}, format="json"
    )
    assert response.status_code == status, response.content
    assert RegradeRequest.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body == {
            "id": body["id"],
            "submission": submission.pk,
            "task": world.task.pk,
            "task_title": "Visible",
            "course": {"slug": "intro", "title": "Intro"},
            "student": {
                "id": world.student.pk,
                "username": "student",
                "first_name": world.student.first_name,
                "last_name": world.student.last_name,
            },
            "reason": "Please look again.",
            "status": "open",
            "response": "",
            "resolved_by": None,
            "resolved_at": None,
            "created": body["created"],
            "old_score": 0.0,
            "new_score": None,
            "max_score": 10.0,
        }


def test_unknown_submission_is_404(world: World) -> None:
    response = world.client("student").post(
        "/api/submissions/999999/regrade-requests/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "   \n "}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": ["a"]}, "reason"),
        ({"reason": "fine", "status": "accepted", "score": 10}, "score"),
    ],
)
def test_file_bad_input(world: World, submission: Submission, body: Any, field: str) -> None:
    response = world.client("student").post(create_url(submission), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not RegradeRequest.objects.exists()


def test_file_reason_length_is_limited(
    world: World, submission: Submission, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(MAX_DESCRIPTION_LENGTH=20)
    client = world.client("student")
    response = client.post(create_url(submission), {"reason": "x" * 21}, format="json")
    assert response.status_code == 400
    assert "20" in response.json()["reason"][0]
    assert (
        client.post(create_url(submission), {"reason": "x" * 20}, format="json").status_code == 201
    )


def test_file_strips_the_reason(world: World, submission: Submission) -> None:
    response = world.client("student").post(
        create_url(submission), {"reason": "  look again \n"}, format="json"
    )
    assert response.json()["reason"] == "look again"


def test_one_open_request_per_submission(world: World, submission: Submission) -> None:
    client = world.client("student")
    assert client.post(create_url(submission), {"reason": "a"}, format="json").status_code == 201
    second = client.post(create_url(submission), {"reason": "b"}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "regrade_request_open"
    # Another submission of the same student is another matter.
    other = graded(world, "5")
    assert client.post(create_url(other), {"reason": "c"}, format="json").status_code == 201
    assert RegradeRequest.objects.count() == 2


def test_a_resolved_request_lets_the_student_ask_again(
    world: World, open_request: RegradeRequest
) -> None:
    regrade_flow.resolve_request(
        regrade_request=open_request, by=world.instructor, accept=False, response="No."
    )
    response = world.client("student").post(
        create_url(open_request.submission), {"reason": "But really."}, format="json"
    )
    assert response.status_code == 201
    assert RegradeRequest.objects.filter(submission=open_request.submission).count() == 2


def test_not_released_is_409(world: World, submission: Submission) -> None:
    world.task.release = "manual"
    world.task.save()
    client = world.client("student")
    response = client.post(create_url(submission), {"reason": "a"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_released"
    world.task.released_at = timezone.now()
    world.task.save()
    assert client.post(create_url(submission), {"reason": "a"}, format="json").status_code == 201


def test_after_due_release_reads_the_students_extension(
    world: World, submission: Submission
) -> None:
    now = timezone.now()
    world.task.release = "after_due"
    world.task.due_at = now - timedelta(hours=1)
    world.task.save()
    Extension.objects.create(
        user=world.student, course=world.course, task=world.task, due_at=now + timedelta(days=1)
    )
    client = world.client("student")
    response = client.post(create_url(submission), {"reason": "a"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_released"
    # The other student's due date passed: their grade is out.
    theirs = graded(world, user=world.other_student)
    other = world.client("other_student")
    assert other.post(create_url(theirs), {"reason": "a"}, format="json").status_code == 201


@pytest.mark.parametrize("status", ["queued", "evaluating", "needs_review", "failed"])
def test_no_standing_grade_is_409_not_graded(world: World, status: str) -> None:
    submission = graded(world)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    response = world.client("student").post(create_url(submission), {"reason": "a"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_graded"


def test_unevaluated_submission_is_409_not_graded(world: World) -> None:
    submission = queued(world)
    response = world.client("student").post(create_url(submission), {"reason": "a"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_graded"


def test_filing_notifies_the_course_staff(world: World, submission: Submission) -> None:
    world.client("student").post(create_url(submission), {"reason": "Look."}, format="json")
    sent = Notification.objects.filter(kind="regrade_request_created")
    assert {n.user.username for n in sent} == {"instructor", "assistant"}
    data = sent.first().data  # type: ignore[union-attr]
    assert data["submission"] == submission.pk
    assert data["task"] == {"id": world.task.pk, "title": "Visible"}
    assert data["course"] == {"slug": "intro", "title": "Intro"}
    assert data["student"]["username"] == "student"
    assert data["reason"] == "Look."
    assert data["regrade_request"] == RegradeRequest.objects.get().pk


def test_flow_refuses_someone_elses_submission(world: World, submission: Submission) -> None:
    from learnplat.exceptions import Forbidden

    with pytest.raises(Forbidden):
        regrade_flow.file_request(submission=submission, user=world.other_student, reason="x")
    assert not RegradeRequest.objects.exists()


# -- reading -----------------------------------------------------------------------------


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
def test_retrieve_roles(world: World, open_request: RegradeRequest, role: str, status: int) -> None:
    response = world.client(role).get(f"/api/regrade-requests/{open_request.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == open_request.pk


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("outsider", set()),
        ("student", {"student"}),
        ("other_student", {"other_student"}),
        ("assistant", {"student", "other_student"}),
        ("other_instructor", set()),
        ("instructor", {"student", "other_student"}),
        ("admin", {"student", "other_student"}),
    ],
)
def test_list_roles(
    world: World, open_request: RegradeRequest, role: str, visible: set[str]
) -> None:
    theirs = graded(world, user=world.other_student)
    regrade_flow.file_request(submission=theirs, user=world.other_student, reason="x")
    response = world.client(role).get("/api/regrade-requests/")
    assert response.status_code == 200
    assert {row["student"]["username"] for row in response.json()["results"]} == visible


def test_list_anonymous(world: World) -> None:
    assert world.client("anonymous").get("/api/regrade-requests/").status_code == 401


def test_list_filters(world: World, open_request: RegradeRequest) -> None:
    second_task = TaskFactory(course=world.course, title="Second")
    other = graded(world, task=second_task)
    closed = regrade_flow.file_request(submission=other, user=world.student, reason="x")
    regrade_flow.resolve_request(
        regrade_request=closed, by=world.instructor, accept=True, response=""
    )
    client = world.client("instructor")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/regrade-requests/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [closed.pk, open_request.pk]  # newest first
    assert ids("status=open") == [open_request.pk]
    assert ids("status=accepted") == [closed.pk]
    assert ids("status=rejected") == []
    assert ids(f"task={second_task.pk}") == [closed.pk]
    assert ids("course=intro") == [closed.pk, open_request.pk]
    assert ids("course=other") == []
    assert ids(f"submission={open_request.submission_id}") == [open_request.pk]
    assert client.get("/api/regrade-requests/?status=bogus").status_code == 400
    assert client.get("/api/regrade-requests/?task=x").status_code == 400


def add_requests(world: World, count: int, start: int) -> None:
    for n in range(start, start + count):
        user = make_user(Role.STUDENT, username=f"asker{n}")
        enroll(user, world.course)
        request = regrade_flow.file_request(
            submission=graded(world, user=user), user=user, reason="x"
        )
        if n % 2:
            regrade_flow.resolve_request(
                regrade_request=request, by=world.assistant, accept=False, response="no"
            )


@pytest.mark.parametrize("role", ["instructor", "assistant", "admin", "student"])
@pytest.mark.parametrize("query", ["", "?course=intro&status=rejected"])
def test_list_query_count_is_constant(
    world: World, role: str, query: str, django_assert_num_queries: Any
) -> None:
    add_requests(world, 2, 0)
    for n in range(2):
        request = regrade_flow.file_request(
            submission=graded(world), user=world.student, reason="x"
        )
        if n:
            regrade_flow.resolve_request(
                regrade_request=request, by=world.instructor, accept=False, response="no"
            )
    client = world.client(role)
    url = f"/api/regrade-requests/{query}"
    small = queries(client, url)
    add_requests(world, 10, 2)
    for _ in range(5):
        request = regrade_flow.file_request(
            submission=graded(world), user=world.student, reason="x"
        )
        regrade_flow.resolve_request(
            regrade_request=request, by=world.instructor, accept=False, response="no"
        )
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.json()["count"] >= 5


# -- answering ---------------------------------------------------------------------------


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
def test_resolve_roles(world: World, open_request: RegradeRequest, role: str, status: int) -> None:
    response = world.client(role).post(
        resolve_url(open_request), {"accept": False, "response": "It is wrong."}, format="json"
    )
    assert response.status_code == status, response.content
    open_request.refresh_from_db()
    assert (open_request.status == "rejected") == (status == 200)
    if status == 200:
        body = response.json()
        assert body["status"] == "rejected"
        assert body["response"] == "It is wrong."
        assert body["resolved_by"]["username"] == role
        assert body["resolved_at"] is not None
        assert body["new_score"] == 0.0


def test_accept_with_a_score_records_a_manual_grade(
    world: World, open_request: RegradeRequest
) -> None:
    submission = open_request.submission
    submission.feedback = "Expected 4."
    submission.save()
    response = world.client("instructor").post(
        resolve_url(open_request),
        {"accept": True, "response": "Fair.", "score": 7.5},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["old_score"], body["new_score"]) == ("accepted", 0.0, 7.5)
    submission.refresh_from_db()
    assert submission.score == 7.5
    assert submission.manually_graded
    # The answer explains the new score.
    assert submission.feedback == "Fair."
    manual = Evaluation.objects.filter(submission=submission, trigger="manual").get()
    assert manual.reason == "My answer is right."
    assert manual.triggered_by == world.instructor
    # The student hears of the grade and of the answer.
    kinds = set(Notification.objects.filter(user=world.student).values_list("kind", flat=True))
    assert {"grade_changed", "regrade_request_resolved"} <= kinds
    resolved = Notification.objects.get(user=world.student, kind="regrade_request_resolved")
    assert resolved.data["status"] == "accepted"
    assert resolved.data["new_score"] == 7.5
    assert resolved.data["response"] == "Fair."
    # Progress counts it.
    progress = world.client("student").get("/api/courses/intro/progress/")
    assert progress.status_code == 200


def test_accept_without_a_score_keeps_the_grade(world: World, open_request: RegradeRequest) -> None:
    response = world.client("assistant").post(
        resolve_url(open_request), {"accept": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert response.json()["response"] == ""
    assert response.json()["new_score"] == 0.0
    assert not Evaluation.objects.filter(trigger="manual").exists()


def test_resolving_twice_is_409(world: World, open_request: RegradeRequest) -> None:
    client = world.client("instructor")
    assert (
        client.post(resolve_url(open_request), {"accept": True}, format="json").status_code == 200
    )
    again = client.post(
        resolve_url(open_request), {"accept": False, "response": "no"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "regrade_request_closed"
    open_request.refresh_from_db()
    assert open_request.status == "accepted"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "accept"),
        ({"accept": "yes"}, "accept"),
        ({"accept": 1}, "accept"),
        ({"accept": None}, "accept"),
        ({"accept": False}, "response"),
        ({"accept": False, "response": "  "}, "response"),
        ({"accept": False, "response": "no", "score": 5}, "score"),
        ({"accept": True, "response": ["a"]}, "response"),
        ({"accept": True, "score": -1}, "score"),
        ({"accept": True, "score": 10.5}, "score"),
        ({"accept": True, "score": "ten"}, "score"),
        ({"accept": True, "score": "NaN"}, "score"),
        ({"accept": True, "grade": 5}, "grade"),
    ],
)
def test_resolve_bad_input(
    world: World, open_request: RegradeRequest, body: Any, field: str
) -> None:
    response = world.client("instructor").post(resolve_url(open_request), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    open_request.refresh_from_db()
    assert open_request.status == "open"
    open_request.submission.refresh_from_db()
    assert open_request.submission.score == 0.0
    assert not Notification.objects.filter(kind="regrade_request_resolved").exists()


def test_response_length_is_limited(
    world: World, open_request: RegradeRequest, learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(MAX_DESCRIPTION_LENGTH=5)
    response = world.client("instructor").post(
        resolve_url(open_request), {"accept": False, "response": "too long"}, format="json"
    )
    assert response.status_code == 400
    assert "response" in response.json()


def test_score_at_max_is_accepted_and_keeps_feedback_without_response(
    world: World, open_request: RegradeRequest
) -> None:
    Submission.objects.filter(pk=open_request.submission_id).update(feedback="Expected 4.")
    response = world.client("instructor").post(
        resolve_url(open_request), {"accept": True, "score": 10}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["new_score"] == 10.0
    assert Submission.objects.get(pk=open_request.submission_id).feedback == "Expected 4."
