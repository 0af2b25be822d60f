"""Anonymous grading (decision 0021): pseudonyms, and the real identity of a student never in
a response course staff receive about an anonymous task before its grades are released."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.courses.choices import ReleaseMode
from learnplat.flows import authoring
from learnplat.flows import comments as comments_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows.submit import submit
from learnplat.roles import Role
from learnplat.submissions.models import Pseudonym, Submission
from tests.factories import TaskFactory, enroll, make_user
from tests.race import race
from tests.submissions.conftest import World
from tests.world import ROLES

#: Strings only the distinctive student's identity contains.
SECRET = {
    "username": "zanzibar_q7",
    "first_name": "Quixotella",
    "last_name": "Vantablack",
    "email": "zq7-secret@example.org",
}


def anonymous_task(world: World, **fields: Any) -> Any:
    """``world.task`` switched to anonymous grading with a manual release (by the flow)."""
    return authoring.update_task(
        task=world.task, release=ReleaseMode.MANUAL, anonymous_grading=True, **fields
    )


def graded(world: World, user: Any, task: Any = None) -> Submission:
    submission = submit(user=user, task=task or world.task, answer="4").submission
    evaluate_flow.run_evaluation(submission.pk)
    return Submission.objects.get(pk=submission.pk)


@pytest.fixture
def secret(world: World) -> Any:
    user = make_user(Role.STUDENT, **SECRET)
    enroll(user, world.course)
    return user


def leaks(body: Any, user: Any) -> list[str]:
    """The parts of ``user``'s identity found in ``body`` (JSON or text)."""
    text = body if isinstance(body, str) else json.dumps(body)
    found = [value for value in SECRET.values() if value.lower() in text.lower()]
    return found


# -- the task field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("student", 403),
        ("other_student", 403),
        ("assistant", 200),
        ("other_instructor", 404),
        ("instructor", 200),
        ("admin", 200),
    ],
)
def test_who_may_switch_anonymous_grading_on(world: World, role: str, code: int) -> None:
    response = world.client(role).patch(
        f"/api/tasks/{world.task.pk}/",
        {"anonymous_grading": True, "release": "manual"},
        format="json",
    )
    assert response.status_code == code
    world.task.refresh_from_db()
    assert world.task.anonymous_grading is (code == 200)
    if code == 200:
        assert response.json()["anonymous_grading"] is True


def test_anonymous_grading_needs_a_release_that_waits(world: World) -> None:
    client = world.client("instructor")
    url = f"/api/tasks/{world.task.pk}/"
    response = client.patch(url, {"anonymous_grading": True}, format="json")
    assert response.status_code == 400
    assert "anonymous_grading" in response.json()
    created = client.post(
        "/api/courses/intro/tasks/",
        {"title": "T", "kind": "exact", "config": {"answers": ["4"]}, "anonymous_grading": True},
        format="json",
    )
    assert created.status_code == 400
    assert "anonymous_grading" in created.json()
    anonymous_task(world)
    back = client.patch(url, {"release": "immediate"}, format="json")
    assert back.status_code == 400
    assert "anonymous_grading" in back.json()
    assert client.patch(url, {"anonymous_grading": "maybe"}, format="json").status_code == 400
    assert not Pseudonym.objects.filter(task__title="T").exists()


# -- pseudonyms -------------------------------------------------------------------------


def test_switching_on_numbers_submitters_and_students_one_to_n(world: World) -> None:
    extra = [make_user(Role.STUDENT, username=f"late{n}") for n in range(3)]
    for user in extra:
        enroll(user, world.course)
    graded(world, world.student)
    anonymous_task(world)
    numbers = dict(Pseudonym.objects.filter(task=world.task).values_list("user_id", "number"))
    # student, other_student and three more: every active student, numbered 1..5.
    assert set(numbers) == {world.student.pk, world.other_student.pk, *(u.pk for u in extra)}
    assert sorted(numbers.values()) == [1, 2, 3, 4, 5]
    # Stable: switching off and on again, or submitting, changes no number.
    authoring.update_task(task=world.task, anonymous_grading=False)
    anonymous_task(world)
    graded(world, world.other_student)
    again = dict(Pseudonym.objects.filter(task=world.task).values_list("user_id", "number"))
    assert again == numbers


def test_a_student_who_enrolls_later_gets_the_next_number_on_submit(world: World) -> None:
    anonymous_task(world)
    late = make_user(Role.STUDENT, username="newcomer")
    enroll(late, world.course)
    assert not Pseudonym.objects.filter(user=late).exists()
    graded(world, late)
    assert Pseudonym.objects.get(task=world.task, user=late).number == 3


def test_reads_never_allocate(world: World, secret: Any) -> None:
    anonymous_task(world)
    late = make_user(Role.STUDENT, username="newcomer")
    enroll(late, world.course)
    # Switched on behind the flows' back: a masked row without a number stays masked.
    other = TaskFactory(course=world.course, release=ReleaseMode.MANUAL)
    submission = graded(world, late, other)
    type(other).objects.filter(pk=other.pk).update(anonymous_grading=True)
    before = Pseudonym.objects.count()
    client = world.client("assistant")
    body = client.get(f"/api/submissions/{submission.pk}/").json()
    assert body["student"] == {"pseudonym": "Anonymous student"}
    assert body["user"] is None
    client.get("/api/submissions/")
    client.get("/api/courses/intro/gradebook/")
    assert Pseudonym.objects.count() == before


def test_submissions_to_other_tasks_get_no_pseudonym(world: World) -> None:
    graded(world, world.student)
    assert not Pseudonym.objects.exists()


# -- masking ----------------------------------------------------------------------------


STAFF = ["assistant", "instructor"]


def staff_bodies(world: World, who: str, submission: Submission) -> dict[str, Any]:
    """Every response course staff get that can carry the submission's student."""
    client = world.client(who)
    task = world.task
    bodies: dict[str, Any] = {
        "list": client.get("/api/submissions/").json(),
        "list by task": client.get(f"/api/submissions/?task={task.pk}").json(),
        "list by course": client.get("/api/submissions/?course=intro").json(),
        "detail": client.get(f"/api/submissions/{submission.pk}/").json(),
        "history": client.get(f"/api/submissions/{submission.pk}/history/").json(),
        "comments": client.get(f"/api/submissions/{submission.pk}/comments/").json(),
        "grading queue": client.get("/api/grading/queue/").json(),
        "grading queue of the task": client.get(f"/api/grading/queue/?task={task.pk}").json(),
        "claim": client.post(f"/api/submissions/{submission.pk}/claim/").json(),
        "grading progress": client.get("/api/courses/intro/grading/progress/").json(),
        "notifications": client.get("/api/notifications/").json(),
    }
    client.delete(f"/api/submissions/{submission.pk}/claim/")
    return bodies


@pytest.mark.parametrize("who", STAFF)
def test_the_grading_queue_and_claims_show_pseudonyms(world: World, secret: Any, who: str) -> None:
    """An answer waiting for review: where graders meet it (queue, claim, assignment)."""
    task = TaskFactory(course=world.course, kind="manual", config={}, is_published=True)
    authoring.update_task(task=task, release=ReleaseMode.MANUAL, anonymous_grading=True)
    submission = submit(user=secret, task=task, answer="An essay.").submission
    evaluate_flow.run_evaluation(submission.pk)
    assert Submission.objects.get(pk=submission.pk).status == "needs_review"
    number = Pseudonym.objects.get(task=task, user=secret).number
    client = world.client(who)
    queue = client.get(f"/api/grading/queue/?task={task.pk}").json()
    assert [row["student"] for row in queue["results"]] == [{"pseudonym": f"Student {number}"}]
    claim = client.post(f"/api/submissions/{submission.pk}/claim/")
    assert claim.status_code == 200, claim.content
    assert claim.json()["student"] == {"pseudonym": f"Student {number}"}
    bodies = {"queue": queue, "claim": claim.json()}
    bodies["detail"] = client.get(f"/api/submissions/{submission.pk}/").json()
    bodies["list"] = client.get(f"/api/submissions/?task={task.pk}").json()
    if who == "instructor":
        assigned = client.post(
            "/api/courses/intro/grading/assign/",
            {"task": task.pk, "graders": [world.assistant.pk]},
            format="json",
        )
        assert assigned.status_code == 200, assigned.content
        bodies["assign"] = assigned.json()
    bodies["progress"] = client.get("/api/courses/intro/grading/progress/").json()
    bodies["assistant's notifications"] = (
        world.client("assistant").get("/api/notifications/").json()
    )
    for name, body in bodies.items():
        assert leaks(body, secret) == [], name


@pytest.mark.parametrize("who", STAFF)
def test_staff_never_see_who_made_an_anonymous_submission(
    world: World, secret: Any, who: str
) -> None:
    anonymous_task(world)
    submission = graded(world, secret)
    grading_flow.grade(submission=submission, by=world.instructor, score=7, reason="seen")
    comments_flow.post_comment(submission=submission, author=secret, body="Is 4 right?")
    number = Pseudonym.objects.get(task=world.task, user=secret).number
    for name, body in staff_bodies(world, who, submission).items():
        assert leaks(body, secret) == [], name
    client = world.client(who)
    thread = client.get(f"/api/submissions/{submission.pk}/comments/").json()["results"]
    assert thread[0]["author"] == {"pseudonym": f"Student {number}"}
    detail = client.get(f"/api/submissions/{submission.pk}/").json()
    assert detail["student"] == {"pseudonym": f"Student {number}"}
    assert detail["user"] is None
    assert detail["score"] == 7  # staff still see the grade they gave
    rows = client.get(f"/api/submissions/?task={world.task.pk}").json()["results"]
    ours = [row for row in rows if row["id"] == submission.pk]
    assert ours[0]["student"] == {"pseudonym": f"Student {number}"}
    assert all(row["user"] is None for row in rows)
    # The history names the real grader, and the student nowhere.
    history = client.get(f"/api/submissions/{submission.pk}/history/").json()
    assert history[-1]["actor"]["username"] == "instructor"
    # ?user= does not tell which pseudonym is theirs.
    by_user = client.get(f"/api/submissions/?user={secret.pk}").json()
    assert by_user["count"] == 0
    # The course-wide views hide the task's cells and its points.
    gradebook = client.get("/api/courses/intro/gradebook/").json()
    header = {task["id"]: task for task in gradebook["tasks"]}
    assert header[world.task.pk]["scores_hidden"] is True
    row = next(r for r in gradebook["results"] if r["user"]["id"] == secret.pk)
    cell = next(c for c in row["cells"] if c["task"] == world.task.pk)
    assert cell == {
        "task": world.task.pk,
        "score": None,
        "attempts": 0,
        "status": "not_started",
        "completed": False,
        "dropped": False,
    }
    assert row["score"] == 0
    exported = client.get("/api/courses/intro/gradebook/?format=csv")
    csv = b"".join(exported.streaming_content).decode()
    line = next(line for line in csv.splitlines() if SECRET["username"] in line)
    header_line = csv.splitlines()[0].split(",")
    assert line.split(",")[header_line.index(world.task.title)] == ""
    progress = client.get(f"/api/courses/intro/progress/?user={secret.pk}").json()
    cell = next(t for t in progress["tasks"] if t["task"] == world.task.pk)
    assert (cell["score"], cell["attempts"], progress["score"]) == (None, 0, 0)


@pytest.mark.parametrize("who", STAFF)
def test_after_release_the_real_identity_shows(world: World, secret: Any, who: str) -> None:
    anonymous_task(world)
    submission = graded(world, secret)
    assert world.client("instructor").post(f"/api/tasks/{world.task.pk}/release/").status_code
    client = world.client(who)
    detail = client.get(f"/api/submissions/{submission.pk}/").json()
    assert detail["student"]["username"] == SECRET["username"]
    assert detail["user"] == secret.pk
    assert client.get(f"/api/submissions/?user={secret.pk}").json()["count"] == 1
    comments_flow.post_comment(submission=submission, author=secret, body="Thanks")
    thread = client.get(f"/api/submissions/{submission.pk}/comments/").json()["results"]
    assert thread[0]["author"]["username"] == SECRET["username"]
    gradebook = client.get("/api/courses/intro/gradebook/").json()
    row = next(r for r in gradebook["results"] if r["user"]["id"] == secret.pk)
    cell = next(c for c in row["cells"] if c["task"] == world.task.pk)
    assert cell["score"] == 10
    assert cell["attempts"] == 1
    assert gradebook["tasks"][0]["scores_hidden"] is False


def test_platform_admins_see_real_identities(world: World, secret: Any) -> None:
    anonymous_task(world)
    submission = graded(world, secret)
    client = world.client("admin")
    detail = client.get(f"/api/submissions/{submission.pk}/").json()
    assert detail["student"]["username"] == SECRET["username"]
    assert detail["user"] == secret.pk
    assert client.get(f"/api/submissions/?user={secret.pk}").json()["count"] == 1
    row = next(
        r
        for r in client.get("/api/courses/intro/gradebook/").json()["results"]
        if r["user"]["id"] == secret.pk
    )
    assert row["cells"][0]["attempts"] == 1


def test_the_owner_sees_themselves(world: World, secret: Any) -> None:
    anonymous_task(world)
    submission = graded(world, secret)
    client = world.client(secret)
    detail = client.get(f"/api/submissions/{submission.pk}/").json()
    assert detail["student"]["username"] == SECRET["username"]
    assert detail["score"] is None  # not released to them
    rows = client.get("/api/submissions/").json()["results"]
    assert [row["user"] for row in rows] == [secret.pk]


@pytest.mark.parametrize("role", ROLES)
def test_history_roles_on_an_anonymous_task(world: World, role: str) -> None:
    anonymous_task(world)
    submission = graded(world, world.other_student)
    response = world.client(role).get(f"/api/submissions/{submission.pk}/history/")
    expected = {
        "anonymous": 401,
        "admin": 200,
        "superuser": 200,
        "other_instructor": 404,
        "instructor": 200,
        "assistant": 200,
        "student": 404,
        "other_student": 403,
        "outsider": 404,
    }[role]
    assert response.status_code == expected


def test_regrade_requests_wait_for_the_release(world: World, secret: Any) -> None:
    anonymous_task(world)
    submission = graded(world, secret)
    response = world.client(secret).post(
        f"/api/submissions/{submission.pk}/regrade-requests/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_released"


# -- query counts -----------------------------------------------------------------------


def add_students(world: World, count: int, start: int) -> None:
    for n in range(start, start + count):
        user = make_user(Role.STUDENT, username=f"anon{n}")
        enroll(user, world.course)
        graded(world, user)


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_list_query_count_does_not_grow_with_anonymous_tasks(
    world: World, who: str, django_assert_num_queries: Any
) -> None:
    anonymous_task(world)
    add_students(world, 2, 0)
    client = world.client(who)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/submissions/").status_code == 200
    add_students(world, 8, 2)
    with django_assert_num_queries(len(small)):
        body = client.get("/api/submissions/").json()
    assert body["count"] == 10
    pseudonyms = {row["student"].get("pseudonym") for row in body["results"]}
    if who == "admin":
        assert pseudonyms == {None}
    else:
        assert len(pseudonyms) == 10
        assert None not in pseudonyms


@pytest.mark.parametrize("who", ["assistant", "admin"])
def test_gradebook_query_count_does_not_grow_with_anonymous_tasks(
    world: World, who: str, django_assert_num_queries: Any
) -> None:
    anonymous_task(world)
    add_students(world, 2, 0)
    client = world.client(who)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/courses/intro/gradebook/").status_code == 200
    add_students(world, 8, 2)
    with django_assert_num_queries(len(small)):
        assert client.get("/api/courses/intro/gradebook/").status_code == 200


# -- concurrency ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submitters_get_distinct_numbers(world: World) -> None:
    anonymous_task(world)
    students = [make_user(Role.STUDENT, username=f"racer{n}") for n in range(8)]
    for user in students:
        enroll(user, world.course)
    outcomes = race(
        *[lambda user=user: submit(user=user, task=world.task, answer="4") for user in students]
    )
    outcomes.values()
    numbers = list(
        Pseudonym.objects.filter(task=world.task, user__in=students).values_list(
            "number", flat=True
        )
    )
    assert sorted(numbers) == list(range(3, 11))
