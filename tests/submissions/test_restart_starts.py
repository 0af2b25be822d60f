"""Restarting timed attempts: GET tasks/{id}/starts/ and DELETE tasks/{id}/starts/{user_id}/
(decision 0034), and a restart racing the student's submit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from learnplat.courses.models import Accommodation, GroupMembership, GroupSet, StudentGroup
from learnplat.exceptions import Conflict
from learnplat.flows.submit import submit
from learnplat.flows.timed import restart_start, start_task
from learnplat.submissions.models import Submission, TaskStart
from tests.factories import TaskFactory, enroll, make_user
from tests.race import TIMEOUT, race
from tests.submissions.conftest import World, submit_url
from tests.submissions.test_budgets_timed import Clock, clock, utc

__all__ = ["clock"]  # the fixture, shared with the budget and timer tests


@pytest.fixture
def timed(world: World) -> Any:
    world.task.time_limit_minutes = 20
    world.task.save(update_fields=["time_limit_minutes"])
    return world.task


def starts_url(task: Any) -> str:
    return f"/api/tasks/{task.pk}/starts/"


def restart_url(task: Any, user: Any) -> str:
    return f"/api/tasks/{task.pk}/starts/{user.pk}/"


def start_url(task: Any) -> str:
    return f"/api/tasks/{task.pk}/start/"


def me_url(world: World) -> str:
    return f"/api/courses/{world.course.slug}/accommodations/me/"


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


# -- who may ---------------------------------------------------------------------------------


STAFF_ROLES = [
    ("instructor", 200),
    ("assistant", 200),
    ("admin", 200),
    ("student", 404),
    ("other_student", 404),
    ("other_instructor", 404),
    ("outsider", 404),
    ("anonymous", 401),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), STAFF_ROLES)
def test_who_may_list_starts(world: World, timed: Any, who: str, status: int) -> None:
    start_task(task=timed, user=world.student)
    response = world.client(who).get(starts_url(timed))
    assert response.status_code == status, response.content
    if status == 200:
        [row] = results(response)
        assert row["user"]["username"] == "student"
    # Staff see their unpublished tasks too; nobody else learns that one exists.
    hidden = world.client(who).get(starts_url(world.hidden_task)).status_code
    assert hidden == status


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [(w, 204 if s == 200 else s) for w, s in STAFF_ROLES])
def test_who_may_restart(world: World, timed: Any, who: str, status: int) -> None:
    start_task(task=timed, user=world.student)
    response = world.client(who).delete(restart_url(timed, world.student))
    assert response.status_code == status, response.content
    current = TaskStart.objects.current().filter(task=timed, user=world.student)
    assert current.exists() == (status != 204)
    if status == 204:
        assert response.content == b""
        start = TaskStart.objects.get(task=timed, user=world.student)
        assert start.restarted_by == world.user(who)


# -- what a restart does ---------------------------------------------------------------------


@pytest.mark.django_db
def test_restart_lets_the_student_start_again_and_keeps_the_history(
    world: World, timed: Any, clock: Callable[[datetime], Clock]
) -> None:
    now = clock(utc(2026, 3, 10, 15))
    student = world.client("student")
    assert student.post(start_url(timed)).status_code == 201
    assert student.post(submit_url(timed), {"answer": "3"}, format="json").status_code == 201
    now.at = utc(2026, 3, 10, 15, 30)  # past the deadline: the browser crashed
    assert student.post(submit_url(timed), {"answer": "4"}, format="json").json()["code"] == (
        "time_expired"
    )
    # The accommodation comes after the start: only a new start applies it.
    Accommodation.objects.create(course=world.course, user=world.student, time_multiplier=2)

    assert world.client("instructor").delete(restart_url(timed, world.student)).status_code == 204

    [me] = student.get(me_url(world)).json()["tasks"]
    assert (me["started_at"], me["deadline"]) == (None, None)
    # Restarted, not started again: submitting waits for the new start.
    assert student.post(submit_url(timed), {"answer": "4"}, format="json").json()["code"] == (
        "not_started"
    )
    again = student.post(start_url(timed))
    assert again.status_code == 201, again.content
    assert again.json() == {
        "started_at": "2026-03-10T15:30:00Z",
        "deadline": "2026-03-10T16:10:00Z",
    }
    assert student.post(submit_url(timed), {"answer": "4"}, format="json").status_code == 201
    # The first attempt's submission stays; attempts go on counting.
    assert list(
        Submission.objects.filter(user=world.student)
        .order_by("attempt")
        .values_list("attempt", "answer")
    ) == [(1, "3"), (2, "4")]
    old, new = results(world.client("assistant").get(starts_url(timed)))
    assert old["started_at"] == "2026-03-10T15:00:00Z"
    assert old["deadline"] == "2026-03-10T15:20:00Z"
    assert old["restarted_at"] == "2026-03-10T15:30:00Z"
    assert old["restarted_by"]["username"] == "instructor"
    assert new["restarted_at"] is None
    assert new["restarted_by"] is None
    assert set(new) == {"id", "user", "started_at", "deadline", "restarted_at", "restarted_by"}


@pytest.mark.django_db
def test_the_student_hears_that_they_may_start_again(
    world: World, timed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from learnplat.flows.notify import set_preferences
    from learnplat.notifications.models import Notification

    start_task(task=timed, user=world.student)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(world.assistant).delete(restart_url(timed, world.student))
    assert response.status_code == 204
    note = Notification.objects.get(user=world.student)
    assert note.kind == "attempt_restarted"
    assert note.data == {
        "task": {"id": timed.pk, "title": timed.title},
        "course": {"slug": "intro", "title": "Intro"},
        "time_limit_minutes": 20,
    }
    [message] = mail.outbox
    assert message.to == [world.student.email]
    assert message.subject == f"You may start {timed.title} in Intro again"
    assert "the clock runs for 20 minutes from the moment you start" in message.body
    # Nobody else hears of it; a student who turned the kind off gets nothing.
    assert Notification.objects.count() == 1
    set_preferences(
        user=world.other_student,
        preferences={"attempt_restarted": {"in_app": False, "email": False}},
    )
    start_task(task=timed, user=world.other_student)
    restart_start(task=timed, user_id=world.other_student.pk, by=world.instructor)
    assert not Notification.objects.filter(user=world.other_student).exists()


def test_filters_by_user_and_current(world: World, timed: Any) -> None:
    start_task(task=timed, user=world.student)
    restart_start(task=timed, user_id=world.student.pk, by=world.instructor)
    start_task(task=timed, user=world.student)
    start_task(task=timed, user=world.other_student)
    client = world.client("instructor")

    def names(query: str) -> list[tuple[str, bool]]:
        rows = results(client.get(starts_url(timed) + query))
        return [(r["user"]["username"], r["restarted_at"] is None) for r in rows]

    assert names("") == [("student", False), ("student", True), ("other_student", True)]
    assert names(f"?user={world.student.pk}") == [("student", False), ("student", True)]
    assert names("?current=true") == [("student", True), ("other_student", True)]
    assert names(f"?current=false&user={world.other_student.pk}") == []
    assert client.get(starts_url(timed) + "?user=abc").status_code == 400


@pytest.mark.django_db
def test_restart_refusals(world: World, timed: Any) -> None:
    client = world.client("instructor")
    # No start yet, an unknown user, a staff member: nothing to restart.
    for user in (world.student, world.assistant, make_user(username="nobody")):
        response = client.delete(restart_url(timed, user))
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    start_task(task=timed, user=world.student)
    assert client.delete(restart_url(timed, world.student)).status_code == 204
    # Restarting twice: the first restart ended the only current start.
    assert client.delete(restart_url(timed, world.student)).status_code == 404
    untimed = TaskFactory(course=world.course, position=3, is_published=True)
    response = client.delete(restart_url(untimed, world.student))
    assert response.status_code == 409
    assert response.json()["code"] == "not_timed"
    # A task of another course: not the caller's to see.
    other = TaskFactory(course=world.other_course, position=1, is_published=True)
    assert client.delete(restart_url(other, world.student)).status_code == 404
    assert TaskStart.objects.filter(task=timed).count() == 1


@pytest.mark.django_db
def test_a_limit_removed_after_the_start_is_not_timed(world: World, timed: Any) -> None:
    start_task(task=timed, user=world.student)
    timed.time_limit_minutes = None
    timed.save(update_fields=["time_limit_minutes"])
    client = world.client("instructor")
    assert client.delete(restart_url(timed, world.student)).json()["code"] == "not_timed"
    # The list still shows what happened while it was timed.
    assert len(results(client.get(starts_url(timed)))) == 1


@pytest.mark.django_db
def test_a_group_members_restart_is_their_own(world: World, timed: Any) -> None:
    group_set = GroupSet.objects.create(course=world.course, name="Pairs", min_size=2)
    group = StudentGroup.objects.create(group_set=group_set, name="A")
    for member in (world.student, world.other_student):
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)
    timed.group_set = group_set
    timed.save(update_fields=["group_set"])
    for member in (world.student, world.other_student):
        start_task(task=timed, user=member)
    client = world.client("instructor")
    assert client.delete(restart_url(timed, world.student)).status_code == 204
    current = TaskStart.objects.current().filter(task=timed)
    assert list(current.values_list("user__username", flat=True)) == ["other_student"]
    # The partner still submits for the group; the restarted member must start again.
    partner = world.client("other_student")
    assert partner.post(submit_url(timed), {"answer": "4"}, format="json").status_code == 201
    own = world.client("student").post(submit_url(timed), {"answer": "4"}, format="json")
    assert own.json()["code"] == "not_started"
    assert world.client("student").post(start_url(timed)).status_code == 201
    assert (
        world.client("student").post(submit_url(timed), {"answer": "4"}, format="json").status_code
        == 201
    )


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_starts(world: World, timed: Any) -> None:
    client = world.client("assistant")

    def add_students(count: int) -> None:
        for _ in range(count):
            student = make_user()
            enroll(student, world.course)
            start_task(task=timed, user=student)
            restart_start(task=timed, user_id=student.pk, by=world.instructor)
            start_task(task=timed, user=student)

    counts = []
    for size in (2, 8):
        add_students(size)
        with CaptureQueriesContext(connection) as queries:
            rows = results(client.get(starts_url(timed) + "?page_size=100"))
        counts.append(len(queries))
        assert len(rows) == TaskStart.objects.filter(task=timed).count()
    assert counts[0] == counts[1]


# -- a restart racing the submit ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submit_racing_a_restart_never_lands_outside_every_window(world: World) -> None:
    """The restart commits while a submit of the same student is under way. The submit must
    then either come first (its ``submitted_at`` before ``restarted_at``) or find no current
    start (409 ``not_started``); never a submission made after the restart under the old,
    ended start.

    The restart's transaction is held open until the submit is either finished or waiting for
    a lock (PostgreSQL's ``pg_locks``), so the two meet in the worst order every run.
    Checked to fail without the lock: with the enrollment ``select_for_update()`` removed
    from ``flows.timed.restart_start``, the submit read the start the restart had not yet
    committed, and a submission at 201 landed after ``restarted_at`` with no current start.
    """
    task = world.task
    task.time_limit_minutes = 20
    task.save(update_fields=["time_limit_minutes"])
    start_task(task=task, user=world.student)
    restarted, submitted = threading.Event(), threading.Event()
    submitter_pid: list[int] = []

    def restart() -> Any:
        with transaction.atomic():
            start = restart_start(task=task, user_id=world.student.pk, by=world.instructor)
            restarted.set()
            # Keep the restart open until the submit is done or waits for this transaction.
            with connection.cursor() as cursor:
                while not submitted.is_set():
                    if submitter_pid:
                        cursor.execute(
                            "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted",
                            [submitter_pid[0]],
                        )
                        if cursor.fetchone()[0]:
                            break
                    submitted.wait(0.01)
        return start

    def submit_answer() -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            submitter_pid.append(cursor.fetchone()[0])
        assert restarted.wait(TIMEOUT)
        try:
            return submit(user=world.student, task=task, answer="4").submission
        except Conflict as refused:
            return refused.code
        finally:
            submitted.set()

    start, outcome = race(restart, submit_answer).values()

    assert outcome == "not_started"
    assert start.restarted_at is not None
    assert not Submission.objects.filter(user=world.student, task=task).exists()
