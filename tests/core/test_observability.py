"""Request ids, structured logs and the health views (docs/operations.md)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from learnplat import context
from learnplat.logs import ConsoleFormatter, ContextFilter, JSONFormatter
from learnplat.submissions.models import Submission
from learnplat.submissions.tasks import evaluate_submission
from tests.factories import CourseFactory, TaskFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Quiet-Orchid-7391!"
ANSWER = "forty-two-and-a-secret-answer"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """learnplat's logs as the example project writes them in production (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("learnplat")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# -- X-Request-ID ------------------------------------------------------------------------


def test_every_response_carries_a_new_request_id() -> None:
    first = Client().get("/api/courses/")
    second = Client().get("/api/nothing-here/")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second.status_code == 404


def test_a_sane_incoming_request_id_is_kept() -> None:
    response = Client().get("/api/courses/", HTTP_X_REQUEST_ID="lb-7f3a:2026-12-02/abc")

    assert response["X-Request-ID"] == "lb-7f3a:2026-12-02/abc"


@pytest.mark.parametrize(
    "sent",
    [
        "x" * 129,
        "a" * 100_000,
        "abc\ninjected log line",
        "abc\r\nSet-Cookie: x=1",
        "tab\there",
        "with space",
        "nul\x00byte",
        "ünïcode",
        "",
        "-starts-with-dash",
    ],
)
def test_a_malicious_request_id_is_replaced_and_never_logged(
    sent: str, captured: io.StringIO
) -> None:
    logging.getLogger("learnplat.test").warning("inside")  # outside any request: no id
    with context.scope(request_id=context.sane_request_id(sent)):
        logging.getLogger("learnplat.test").warning("inside a request")

    lines = records(captured)
    assert "request_id" not in lines[0]
    assert lines[1]["request_id"] != sent
    assert len(lines[1]["request_id"]) == 32
    if sent:
        assert sent not in captured.getvalue()


def test_the_middleware_replaces_a_request_id_with_a_newline() -> None:
    # Django's test client passes header values through unchecked, as a raw proxy might.
    response = Client().get("/api/courses/", HTTP_X_REQUEST_ID="abc\ninjected")

    assert response["X-Request-ID"] != "abc\ninjected"
    assert "\n" not in response["X-Request-ID"]


def test_one_record_is_one_line_even_when_a_message_holds_newlines() -> None:
    record = logging.LogRecord("learnplat.x", logging.INFO, __file__, 1, "a\nb\r\nc", (), None)
    ContextFilter().filter(record)

    assert "\n" not in JSONFormatter().format(record)
    assert "\n" not in ConsoleFormatter().format(record)
    assert json.loads(JSONFormatter().format(record))["message"] == "a\nb\r\nc"


# -- one submission, followed through the logs ---------------------------------------------


# Real commits: the evaluation is enqueued on commit, inside the request, as in production.
@pytest.mark.django_db(transaction=True)
def test_one_submission_is_followed_from_request_to_grade_by_its_request_id(
    captured: io.StringIO,
) -> None:
    course = CourseFactory(slug="intro", status="published")
    task = TaskFactory(course=course, config={"answers": [ANSWER], "case_sensitive": True})
    client = APIClient()
    registered = client.post(
        "/api/auth/register/",
        {"username": "ada", "email": "ada@example.com", "password": PASSWORD},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    access = registered.json()["access"]
    refresh = registered.json()["refresh"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.post("/api/courses/intro/enroll/").status_code in (200, 201)

    response = client.post(
        f"/api/tasks/{task.pk}/submissions/",
        {"answer": ANSWER},
        format="json",
        HTTP_X_REQUEST_ID="req-follow-1",
    )

    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "req-follow-1"
    submission = Submission.objects.get()
    assert submission.status == "graded"  # the immediate backend ran it in the request
    ours = [r for r in records(captured) if r.get("request_id") == "req-follow-1"]
    messages = [r["message"] for r in ours]
    assert f"Submission {submission.pk} accepted (task {task.pk}, attempt 1)." in messages
    assert f"Evaluated submission {submission.pk}: graded" in messages
    accepted = next(r for r in ours if "accepted" in r["message"])
    assert accepted["user_id"] == submission.user_id
    assert accepted["submission_id"] == submission.pk
    # Nothing secret reached any record of the whole flow.
    text = captured.getvalue()
    for secret in (PASSWORD, ANSWER, access, refresh):
        assert secret not in text


def test_the_evaluation_task_logs_under_the_request_id_it_was_given(
    captured: io.StringIO,
) -> None:
    task = TaskFactory(is_published=True)
    submission = Submission.objects.create(
        user=_student(task), task=task, course=task.course, attempt=1, answer="4", max_score=10
    )

    evaluate_submission.call(submission.pk, request_id="from-the-web")
    evaluate_submission.call(submission.pk, request_id="bad\nid")

    lines = records(captured)
    assert lines[0]["request_id"] == "from-the-web"
    assert lines[0]["submission_id"] == submission.pk
    # A broken id from the queue is replaced like a broken header.
    assert all(r.get("request_id") != "bad\nid" for r in lines)


def _student(task: Any) -> Any:
    from tests.factories import make_user

    user = make_user("student", username="bo")
    task.course.enrollments.create(user=user, role="student")
    return user


# -- health ----------------------------------------------------------------------------------


def test_healthz_answers_without_io(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_every_dependency() -> None:
    response = Client().get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
    }


def test_readyz_names_a_cache_that_is_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens here: connecting fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ConnectionError"


def failing_check() -> None:
    raise OSError("the broker at 10.0.0.7 refused")


def test_readyz_names_a_failing_host_check_and_never_its_message(
    learnplat_settings: Any,
) -> None:
    learnplat_settings(
        HEALTH={"READINESS_CHECKS": {"broker": f"{__name__}.failing_check", "cache": None}}
    )

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"] == {"database": "ok", "tasks": "ok", "broker": "OSError"}
    assert "10.0.0.7" not in response.content.decode()


def test_health_views_refuse_writes() -> None:
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405
