"""The statement builder alone: events in, statements out (no LRS)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from learnplat.events.models import Event
from learnplat.xapi.statements import build_statements, statement_id

WHEN = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
XAPI = {
    "ENDPOINT": "http://127.0.0.1:9/xAPI/",
    "ACTOR_HOMEPAGE": "https://learn.example.com",
    "ACTIVITY_BASE": "https://learn.example.com/xapi/",
}
TASK_IRI = "https://learn.example.com/xapi/courses/py101/tasks/7"
COURSE_IRI = "https://learn.example.com/xapi/courses/py101"


@pytest.fixture(autouse=True)
def _xapi_settings(learnplat_settings: Any) -> None:
    learnplat_settings(XAPI=XAPI)


def submission_data(**extra: Any) -> dict[str, Any]:
    return {"submission": 31, "course": "py101", "task": 7, "user": 5, "members": [5]} | {
        "attempt": 2,
        **extra,
    }


def graded(**extra: Any) -> Event:
    data = submission_data(
        status="graded", score=8.0, max_score=10.0, passed=True, graded_at="2026-12-03T10:05:00Z"
    )
    return Event(id="evt_graded", type="submission.graded", timestamp=WHEN, data=data | extra)


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def test_submission_created_is_attempted() -> None:
    event = Event(id="evt_a", type="submission.created", timestamp=WHEN, data=submission_data())
    [statement] = build_statements(event)
    assert statement == {
        "id": statement_id("evt_a", "attempted", 5),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://learn.example.com", "name": "5"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attempted",
            "display": {"en-US": "attempted"},
        },
        "object": {
            "objectType": "Activity",
            "id": TASK_IRI,
            "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"},
        },
        "timestamp": "2026-12-03T10:00:00+00:00",
        "version": "1.0.3",
        "context": {
            "platform": "learnplat",
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": COURSE_IRI,
                        "definition": {"type": "http://adlnet.gov/expapi/activities/course"},
                    }
                ]
            },
            "extensions": {
                "https://learn.example.com/xapi/extensions/submission": 31,
                "https://learn.example.com/xapi/extensions/attempt": 2,
            },
        },
    }


def test_graded_is_scored_then_passed() -> None:
    scored, passed = build_statements(graded())
    score = {"raw": 8.0, "min": 0.0, "max": 10.0, "scaled": 0.8}
    assert verbs([scored, passed]) == ["scored", "passed"]
    assert scored["result"] == {"score": score}
    assert passed["result"] == {"success": True, "score": score}
    assert scored["timestamp"] == passed["timestamp"] == "2026-12-03T10:05:00Z"
    assert scored["id"] != passed["id"]


def test_graded_and_failed() -> None:
    assert verbs(build_statements(graded(passed=False, score=3.0))) == ["scored", "failed"]
    [_, failed] = build_statements(graded(passed=False, score=3.0))
    assert failed["result"]["success"] is False


def test_graded_without_a_pass_mark_is_only_scored() -> None:
    assert verbs(build_statements(graded(passed=None))) == ["scored"]


def test_graded_without_a_score_sends_only_the_pass_mark() -> None:
    [statement] = build_statements(graded(score=None))
    assert statement["result"] == {"success": True}


@pytest.mark.parametrize(
    ("score", "max_score", "expected"),
    [
        # Bonus points: xAPI wants raw <= max and scaled <= 1.
        (12.0, 10.0, {"raw": 12.0, "min": 0.0, "max": 12.0, "scaled": 1.0}),
        (0.0, 0.0, {"raw": 0.0, "min": 0.0, "max": 0.0}),
        (-1.0, 4.0, {"raw": -1.0, "min": -1.0, "max": 4.0, "scaled": -0.25}),
    ],
)
def test_scores_stay_valid_xapi(score: float, max_score: float, expected: dict[str, Any]) -> None:
    [scored, _] = build_statements(graded(score=score, max_score=max_score))
    assert scored["result"]["score"] == expected


def test_a_group_submission_gives_one_statement_per_member() -> None:
    event = graded(members=[5, 6, 9])
    statements = build_statements(event)
    names = [s["actor"]["account"]["name"] for s in statements]
    assert names == ["5", "5", "6", "6", "9", "9"]
    assert len({s["id"] for s in statements}) == 6


def test_course_completed_is_completed() -> None:
    event = Event(
        id="evt_c",
        type="course.completed",
        timestamp=WHEN,
        data={"course": "py101", "user": 5, "completed_at": "2026-12-03T11:00:00Z"},
    )
    [statement] = build_statements(event)
    assert verbs([statement]) == ["completed"]
    assert statement["object"]["id"] == COURSE_IRI
    assert statement["object"]["definition"]["type"].endswith("/activities/course")
    assert statement["result"] == {"completion": True}
    assert statement["timestamp"] == "2026-12-03T11:00:00Z"
    assert "context" not in statement


def test_other_events_give_no_statement() -> None:
    event = Event(id="evt_e", type="enrollment.created", timestamp=WHEN, data={"user": 5})
    assert build_statements(event) == []


def test_ids_are_the_same_on_every_build() -> None:
    first = [s["id"] for s in build_statements(graded())]
    assert first == [s["id"] for s in build_statements(graded())]
    assert first == [statement_id("evt_graded", v, 5) for v in ("scored", "passed")]


@pytest.mark.django_db
def test_actor_mbox_uses_the_users_email_and_falls_back_to_the_account(
    learnplat_settings: Any, world: Any
) -> None:
    learnplat_settings(XAPI={"ACTOR_MBOX": True})
    student, other = world.student, world.other_student
    assert student.email
    type(other)._default_manager.filter(pk=other.pk).update(email="")
    event = graded(user=student.pk, members=[student.pk, other.pk])
    actors = [s["actor"] for s in build_statements(event)][::2]
    assert actors == [
        {"objectType": "Agent", "mbox": f"mailto:{student.email}"},
        {
            "objectType": "Agent",
            "account": {"homePage": "https://learn.example.com", "name": str(other.pk)},
        },
    ]
