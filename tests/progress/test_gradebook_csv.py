"""GET courses/{slug}/gradebook/?format=csv: the whole gradebook, streamed."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import enroll, make_user
from tests.progress.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("learnplat:course-gradebook", kwargs={"slug": "intro"})


def rows(response: Any) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("who", ["assistant", "instructor", "admin"])
def test_staff_get_a_streamed_csv(world: World, who: str) -> None:
    response = client_for(world.user(who)).get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="intro-gradebook.csv"'
    first, second = world.tasks
    header, classmate, learner = rows(response)
    assert header == [
        "user_id",
        "username",
        "first_name",
        "last_name",
        first.title,
        second.title,
        "score",
        "max_score",
        "percent",
        "letter",
        "tasks_completed",
        "tasks_total",
        "completed_at",
    ]
    assert learner[:2] == [str(world.student.pk), "student"]
    assert learner[4:] == ["10.0", "4.0", "14.0", "20.0", "70.0", "", "1", "2", ""]
    assert classmate[1] == "other_student"
    assert classmate[4:] == ["", "", "0.0", "20.0", "0.0", "", "0", "2", ""]


def test_accept_header_negotiates_csv_too(world: World) -> None:
    response = client_for(world.instructor).get(URL, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert len(rows(response)) == 3


def test_search_applies_to_the_csv(world: World) -> None:
    response = client_for(world.instructor).get(URL, {"format": "csv", "search": "other_s"})
    assert [row[1] for row in rows(response)[1:]] == ["other_student"]


def test_completed_at_is_iso_8601(world: World) -> None:
    from tests.progress.factories import graded

    graded(world.student, world.tasks[1], 10)
    learner = rows(client_for(world.instructor).get(URL, {"format": "csv"}))[2]
    assert learner[-1].endswith("+00:00")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("other_student", 403),
        ("outsider", 403),
        ("other_instructor", 403),
    ],
)
def test_errors_stay_json(world: World, who: str, status: int) -> None:
    response = client_for(world.user(who)).get(URL, {"format": "csv"})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_format_is_404(world: World) -> None:
    assert client_for(world.instructor).get(URL, {"format": "xml"}).status_code == 404


def test_spreadsheet_formulas_are_neutralised(world: World) -> None:
    world.tasks[0].title = "=HYPERLINK(1)"
    world.tasks[0].save()
    evil = make_user(username="@evil", first_name="+cmd", last_name="-x")
    enroll(evil, world.course)
    header, *students = rows(client_for(world.instructor).get(URL, {"format": "csv"}))
    assert header[4] == "'=HYPERLINK(1)"
    [evil_row] = [row for row in students if row[0] == str(evil.pk)]
    assert evil_row[1:4] == ["'@evil", "'+cmd", "'-x"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_streams_outside_a_transaction_with_server_side_cursors(world: World) -> None:
    """Autocommit (no test transaction): the three cursors are held open while streaming."""
    response = client_for(world.instructor).get(URL, {"format": "csv", "page_size": 1})
    assert [row[1] for row in rows(response)] == ["username", "other_student", "student"]
