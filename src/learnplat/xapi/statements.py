"""xAPI statements built from outbox events: plain functions of the event and the settings.

=====================  =======================================================================
event type             statements (one set per member of a group submission)
=====================  =======================================================================
submission.created     attempted the task
submission.graded      scored the task (``result.score``); passed or failed it as well when
                       ``data["passed"]`` is not ``None``
course.completed       completed the course
=====================  =======================================================================

A statement's id is a UUID 5 of the event id, the verb and the member, and everything in it
comes from the event's data (never from rows that may change later), so a delivery that is
retried sends the very same statements and the LRS keeps one copy of each. Only the actor's
``mbox`` (``XAPI["ACTOR_MBOX"]``) is read from the user row at delivery time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth import get_user_model

from learnplat.conf import settings
from learnplat.events.choices import EventType

#: The namespace of the statements' UUID 5 ids: fixed forever, or a retry after an upgrade
#: would send a second copy of each statement.
STATEMENT_NAMESPACE = uuid.UUID("1b7c3c7e-6a52-5a4e-9f0e-2f4a1d0c9e31")

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

ATTEMPTED = "attempted"
SCORED = "scored"
PASSED = "passed"
FAILED = "failed"
COMPLETED = "completed"

#: The event types the xAPI sink turns into statements.
EVENT_TYPES = (
    EventType.SUBMISSION_CREATED,
    EventType.SUBMISSION_GRADED,
    EventType.COURSE_COMPLETED,
)


class EventLike(Protocol):
    """What the builder reads of an outbox event (``learnplat.events`` ``Event``)."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def timestamp(self) -> datetime: ...
    @property
    def data(self) -> Any: ...


def build_statements(event: EventLike) -> list[dict[str, Any]]:
    """The statements for ``event``, in a stable order; ``[]`` for other event types."""
    data: Mapping[str, Any] = event.data or {}
    if event.type == EventType.COURSE_COMPLETED:
        when = data.get("completed_at") or _iso(event.timestamp)
        course = course_activity(data["course"])
        return [
            _statement(event.id, COMPLETED, actor, course, when, result={"completion": True})
            for actor in actors([data["user"]])
        ]
    if event.type not in EVENT_TYPES:
        return []
    members = data.get("members") or [data["user"]]
    task = task_activity(data["course"], data["task"])
    context = _submission_context(data)
    if event.type == EventType.SUBMISSION_CREATED:
        when = _iso(event.timestamp)
        return [
            _statement(event.id, ATTEMPTED, actor, task, when, context=context)
            for actor in actors(members)
        ]
    when = data.get("graded_at") or _iso(event.timestamp)
    score = _score(data.get("score"), data.get("max_score"))
    passed = data.get("passed")
    statements: list[dict[str, Any]] = []
    for actor in actors(members):
        if score is not None:
            statements.append(
                _statement(
                    event.id, SCORED, actor, task, when, context=context, result={"score": score}
                )
            )
        if passed is not None:
            result: dict[str, Any] = {"success": bool(passed)}
            if score is not None:
                result["score"] = score
            verb = PASSED if passed else FAILED
            statements.append(
                _statement(event.id, verb, actor, task, when, context=context, result=result)
            )
    return statements


def statement_id(event_id: str, verb: str, user_id: Any) -> str:
    """The deterministic id of ``verb``'s statement about ``user_id`` for ``event_id``."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{event_id}/{verb}/{user_id}"))


def verb(name: str) -> dict[str, Any]:
    """An ADL registry verb: ``{"id": "http://adlnet.gov/expapi/verbs/<name>", "display"}``."""
    return {"id": f"{ADL_VERBS}{name}", "display": {settings.XAPI["LANGUAGE"]: name}}


def course_activity(course_slug: str) -> dict[str, Any]:
    return _activity(f"courses/{course_slug}", "course")


def task_activity(course_slug: str, task_id: Any) -> dict[str, Any]:
    return _activity(f"courses/{course_slug}/tasks/{task_id}", "assessment")


def actors(user_ids: Iterable[Any]) -> list[tuple[Any, dict[str, Any]]]:
    """``(user id, agent)`` per user: an account agent, or an mbox one with ACTOR_MBOX."""
    config = settings.XAPI
    user_ids = list(user_ids)
    emails: dict[Any, str] = {}
    if config["ACTOR_MBOX"]:
        user_model = get_user_model()
        field = user_model.get_email_field_name()
        rows = user_model._default_manager.filter(pk__in=user_ids).values_list("pk", field)
        emails = {pk: email for pk, email in rows if email}
    found: list[tuple[Any, dict[str, Any]]] = []
    for user_id in user_ids:
        # An agent has exactly one identifier (xAPI 1.0.3, 2.4.2.1): the mbox replaces the
        # account rather than sitting beside it.
        agent: dict[str, Any]
        if user_id in emails:
            agent = {"objectType": "Agent", "mbox": f"mailto:{emails[user_id]}"}
        else:
            account = {"homePage": config["ACTOR_HOMEPAGE"], "name": str(user_id)}
            agent = {"objectType": "Agent", "account": account}
        found.append((user_id, agent))
    return found


def _activity(path: str, activity_type: str) -> dict[str, Any]:
    base = settings.XAPI["ACTIVITY_BASE"].rstrip("/")
    return {
        "objectType": "Activity",
        "id": f"{base}/{path}",
        "definition": {"type": f"{ADL_ACTIVITIES}{activity_type}"},
    }


def _statement(
    event_id: str,
    verb_name: str,
    actor: tuple[Any, dict[str, Any]],
    activity: dict[str, Any],
    timestamp: str,
    *,
    context: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    user_id, agent = actor
    statement: dict[str, Any] = {
        "id": statement_id(event_id, verb_name, user_id),
        "actor": agent,
        "verb": verb(verb_name),
        "object": activity,
        "timestamp": timestamp,
        "version": settings.XAPI["VERSION"],
    }
    if result is not None:
        statement["result"] = result
    if context is not None:
        statement["context"] = context
    return statement


def _submission_context(data: Mapping[str, Any]) -> dict[str, Any]:
    base = settings.XAPI["ACTIVITY_BASE"].rstrip("/")
    extensions: dict[str, Any] = {f"{base}/extensions/submission": data["submission"]}
    if data.get("attempt") is not None:
        extensions[f"{base}/extensions/attempt"] = data["attempt"]
    return {
        "platform": "learnplat",
        "contextActivities": {"parent": [course_activity(data["course"])]},
        "extensions": extensions,
    }


def _score(score: Any, max_score: Any) -> dict[str, Any] | None:
    """``result.score`` for a score out of ``max_score``; ``None`` without a score.

    xAPI wants ``min <= raw <= max`` and ``scaled`` in [-1, 1]: a score above ``max_score``
    (bonus points) raises ``max`` to it and caps ``scaled`` at 1, a negative one lowers ``min``.
    """
    if score is None:
        return None
    raw = float(score)
    top = float(max_score) if max_score is not None else raw
    result: dict[str, Any] = {"raw": raw, "min": min(0.0, raw), "max": max(top, raw)}
    if top > 0:
        result["scaled"] = max(-1.0, min(1.0, raw / top))
    return result


def _iso(moment: datetime | str) -> str:
    return moment if isinstance(moment, str) else moment.isoformat()
