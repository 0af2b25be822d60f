"""No receiver of a public signal can break a committed request.

learnplat's signals are notifications for the host, sent on commit through
``learnplat.signals.send_on_commit``. For each one, a receiver that raises must leave the
request's answer and the rows it committed exactly as without it, and be logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.dispatch import Signal
from django.urls import reverse

from learnplat.courses.models import Task
from learnplat.progress.models import CourseProgress
from learnplat.progress.signals import course_completed
from learnplat.roles import Role
from learnplat.submissions.models import Submission
from learnplat.submissions.signals import grade_changed, submission_created, submission_evaluated
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broken_receiver() -> Iterator[Callable[[Signal], list[Any]]]:
    """Connect a receiver that raises to a signal; returns the list of calls it saw."""
    connected: list[tuple[Signal, Any]] = []

    def connect(signal: Signal) -> list[Any]:
        calls: list[Any] = []

        def explode(sender: Any, **kwargs: Any) -> None:
            calls.append(kwargs)
            raise RuntimeError("the host's receiver is broken")

        signal.connect(explode, weak=False)
        connected.append((signal, explode))
        return calls

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver)


@pytest.fixture
def one_task_course() -> tuple[Any, Task, Any, Any]:
    course = CourseFactory(slug="signals")
    task = TaskFactory(course=course, max_score=10)
    student = make_user(Role.STUDENT, username="sig-student")
    teacher = make_user(Role.INSTRUCTOR, username="sig-teacher")
    enroll(student, course)
    enroll(teacher, course, role="instructor")
    return course, task, student, teacher


def failure_logged(caplog: pytest.LogCaptureFixture) -> bool:
    return any(
        record.name == "learnplat.signals" and record.levelname == "ERROR"
        for record in caplog.records
    )


@pytest.mark.parametrize(
    "signal", [submission_created, submission_evaluated, grade_changed, course_completed]
)
def test_a_broken_receiver_does_not_break_a_submit(
    signal: Signal,
    broken_receiver: Callable[[Signal], list[Any]],
    one_task_course: tuple[Any, Task, Any, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, task, student, _ = one_task_course
    calls = broken_receiver(signal)
    url = reverse("learnplat:task-submissions", args=[task.pk])
    response = client_for(student).post(url, {"answer": "4"}, format="json")
    assert response.status_code == 201, response.content
    assert len(calls) == 1
    submission = Submission.objects.get()
    # The immediate backend evaluated it on commit, whatever the receiver did.
    assert (submission.status, submission.score) == ("graded", 10.0)
    assert CourseProgress.objects.get(user=student).completed_at is not None
    assert failure_logged(caplog)


def test_a_broken_receiver_does_not_break_a_manual_grade(
    broken_receiver: Callable[[Signal], list[Any]],
    one_task_course: tuple[Any, Task, Any, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, task, student, teacher = one_task_course
    client_for(student).post(
        reverse("learnplat:task-submissions", args=[task.pk]), {"answer": "5"}, format="json"
    )
    submission = Submission.objects.get()
    calls = broken_receiver(grade_changed)
    response = client_for(teacher).post(
        reverse("learnplat:submission-grade", args=[submission.pk]),
        {"score": 7, "feedback": "Close."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["score"] == 7
    assert len(calls) == 1
    submission.refresh_from_db()
    assert (submission.score, submission.manually_graded) == (7, True)
    assert failure_logged(caplog)


@pytest.mark.skipif(
    not apps.is_installed("learnplat.accounts"), reason="the auth endpoints need learnplat.accounts"
)
def test_a_broken_receiver_does_not_break_a_registration(
    broken_receiver: Callable[[Signal], list[Any]], caplog: pytest.LogCaptureFixture
) -> None:
    from django.contrib.auth import get_user_model

    from learnplat.accounts.signals import user_registered

    calls = broken_receiver(user_registered)
    response = client_for(None).post(
        reverse("learnplat:auth-register"),
        {"username": "ada", "email": "ada@example.com", "password": "a-long-enough-Passw0rd"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert {"user", "access", "refresh"} <= set(response.json())
    assert len(calls) == 1
    assert get_user_model()._default_manager.filter(username="ada").exists()
    assert failure_logged(caplog)
