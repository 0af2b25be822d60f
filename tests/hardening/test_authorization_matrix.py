"""The authorization matrix: every operation of ``learnplat.urls`` as every role.

The operations come from the URL resolver (every pattern under ``learnplat.urls`` and every
HTTP method its view answers), so a new endpoint fails ``test_every_operation_is_in_the_table``
until it gets a row in :data:`TABLE`. Each row names the expected status code for each
role, in :data:`ROLES` order, acting on the objects of :class:`World` (the shared one of
tests/world.py):

- ``course`` is published; ``instructor`` teaches it, ``assistant`` assists,
  ``student`` and ``other_student`` take it; ``outsider`` is a student in no course;
  ``other_instructor`` teaches ``other_course`` only; ``admin`` is a platform admin.
- ``draft`` is a draft of ``instructor`` (and ``assistant``): invisible to everyone else,
  ``student`` too, though enrolled in it.
- ``submission`` is ``student``'s, on ``task`` of ``course``; so is ``extension``.

Outsiders get 404 for what they cannot see, 403 for what they see but may not do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

import learnplat.urls
from learnplat.courses.models import Accommodation, AssignmentGroup, Extension, Rubric
from learnplat.flows.regrade_requests import file_request
from learnplat.flows.rubrics import create_rubric
from learnplat.submissions.models import RegradeRequest, Submission
from tests.factories import (
    LTI_REGISTRATION,
    MATRIX_ROLES,
    PASSWORD,
    TaskFactory,
)
from tests.world import World as SharedWorld

ROLES = MATRIX_ROLES


@dataclass
class World(SharedWorld):
    """The shared world (tests/world.py), with ``student``'s graded submission and a refresh
    token of everyone."""

    submission: Submission | None = None
    extension: Extension | None = None
    group: AssignmentGroup | None = None
    rubric: Rubric | None = None
    accommodation: Accommodation | None = None
    refresh: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(world: SharedWorld) -> World:
    task = world.task
    # A course is published only with a published task (409 course_empty otherwise).
    TaskFactory(course=world.draft, title="Draft task", is_published=True)
    submission = Submission.objects.create(
        user=world.student,
        task=task,
        course=world.course,
        attempt=1,
        answer="5",
        status="graded",
        score=0.0,
        raw_score=0.0,
        max_score=task.max_score,
        evaluated_at=timezone.now(),
    )
    refresh = {
        role: str(RefreshToken.for_user(user))
        for role, user in world.users.items()
        if user is not None
    }
    extension = Extension.objects.create(
        user=world.student,
        course=world.course,
        task=task,
        due_at=timezone.now() + timedelta(days=3),
    )
    group = AssignmentGroup.objects.create(course=world.course, name="Homework", weight=40)
    rubric = create_rubric(course=world.course, title="Style", criteria=RUBRIC_CRITERIA)
    return World(
        **world.fields(),
        submission=submission,
        extension=extension,
        group=group,
        rubric=rubric,
        accommodation=Accommodation.objects.create(course=world.course, user=world.student),
        refresh=refresh,
    )


# -- what each operation sends ----------------------------------------------------------------

Kwargs = Callable[[World], dict[str, Any]]
Body = Callable[[World, str], Any]


def course_kwargs(w: World) -> dict[str, Any]:
    return {"slug": w.course.slug}


def draft_kwargs(w: World) -> dict[str, Any]:
    return {"slug": w.draft.slug}


def task_kwargs(w: World) -> dict[str, Any]:
    return {"pk": w.task.pk}


def timed_task_kwargs(w: World) -> dict[str, Any]:
    """``task`` with a time limit, so a student's start succeeds (201, not 409 not_timed)."""
    w.task.time_limit_minutes = 20
    w.task.save(update_fields=["time_limit_minutes"])
    return {"task_pk": w.task.pk}


def started_task_kwargs(w: World) -> dict[str, Any]:
    """``task`` timed and started by ``student``, so a restart by staff succeeds (204)."""
    from learnplat.flows.timed import start_task

    timed_task_kwargs(w)
    start_task(task=w.task, user=w.student)
    return {"task_pk": w.task.pk, "user_id": w.student.pk}


def manual_task_kwargs(w: World) -> dict[str, Any]:
    """``task`` set to manual release first, so a release by staff succeeds (200, not 409)."""
    w.task.release = "manual"
    w.task.save(update_fields=["release"])
    return {"pk": w.task.pk}


def group_kwargs(w: World) -> dict[str, Any]:
    assert w.group is not None
    return {"slug": w.course.slug, "pk": w.group.pk}


RUBRIC_CRITERIA = [{"title": "Naming", "levels": [{"title": "Good", "points": 2}]}]


def accommodation_kwargs(w: World) -> dict[str, Any]:
    return {"slug": w.course.slug, "pk": w.accommodation.pk}  # type: ignore[union-attr]


def rubric_kwargs(w: World) -> dict[str, Any]:
    assert w.rubric is not None
    return {"slug": w.course.slug, "pk": w.rubric.pk}


def section_kwargs(w: World) -> dict[str, Any]:
    from learnplat.flows.sections import create_section

    section = create_section(course=w.course, name="Lab")
    return {"slug": w.course.slug, "pk": section.pk}


def enrollment_kwargs(w: World) -> dict[str, Any]:
    from learnplat.courses.models import Enrollment

    enrollment = Enrollment.objects.get(course=w.course, user=w.other_student)
    return {"slug": w.course.slug, "pk": enrollment.pk}


def section_csv(w: World, role: str) -> dict[str, Any]:
    from learnplat.flows.sections import create_section

    create_section(course=w.course, name=f"Lab {role}")
    row = f"{w.other_student.get_username()},Lab {role}\n".encode()
    return {"file": SimpleUploadedFile("s.csv", b"username,section\n" + row, "text/csv")}


def _group_set(w: World) -> Any:
    from learnplat.courses.models import GroupSet

    return GroupSet.objects.get_or_create(course=w.course, name="Projects")[0]


def group_set_kwargs(w: World) -> dict[str, Any]:
    return {"slug": w.course.slug, "pk": _group_set(w).pk}


def groups_of_set_kwargs(w: World) -> dict[str, Any]:
    return {"set_pk": _group_set(w).pk}


def _group(w: World) -> Any:
    """A group of ``student`` alone; ``other_student`` is in no group."""
    from learnplat.courses.models import GroupMembership, StudentGroup

    group_set = _group_set(w)
    group = StudentGroup.objects.create(group_set=group_set, name="Team")
    GroupMembership.objects.create(group=group, group_set=group_set, user=w.student)
    return group


def student_group_kwargs(w: World) -> dict[str, Any]:
    return {"pk": _group(w).pk}


def invited_group_kwargs(w: World) -> dict[str, Any]:
    """``student``'s group, with a pending invitation of ``other_student``."""
    from learnplat.courses.models import GroupInvitation

    group = _group(w)
    GroupInvitation.objects.create(group=group, user=w.other_student, invited_by=w.student)
    return {"pk": group.pk}


def submission_kwargs(w: World) -> dict[str, Any]:
    assert w.submission is not None
    return {"pk": w.submission.pk}


def own_submission_kwargs(w: World) -> dict[str, Any]:
    assert w.submission is not None
    return {"submission_pk": w.submission.pk}


def regrade_request_kwargs(w: World) -> dict[str, Any]:
    """``student``'s open regrade request of ``submission`` (filed on first use)."""
    assert w.submission is not None
    request = RegradeRequest.objects.filter(submission=w.submission, status="open").first()
    if request is None:
        request = file_request(submission=w.submission, user=w.student, reason="Look again.")
    return {"pk": request.pk}


def own_refresh(w: World, role: str) -> dict[str, Any]:
    # Anonymous callers send the outsider's (the endpoint is open to anyone who has one).
    return {"refresh": w.refresh["outsider" if role == "anonymous" else role]}


@dataclass(frozen=True)
class Row:
    """Expected status per role (in ROLES order), and how to build the request."""

    expect: str
    kwargs: Kwargs | None = None
    body: Body | None = None
    query: str = ""
    format: str = "json"

    def expected(self) -> dict[str, int]:
        codes = [int(c) for c in self.expect.split()]
        assert len(codes) == len(ROLES), self.expect
        return dict(zip(ROLES, codes, strict=True))


#: A public address, literal (saving an endpoint resolves its host; no DNS in the tests).
WEBHOOK_URL = "https://93.184.215.14/hook"


def _webhook() -> Any:
    from learnplat.events.models import WebhookEndpoint
    from learnplat.events.webhooks import new_secret

    endpoint = WebhookEndpoint.objects.first()
    return endpoint or WebhookEndpoint.objects.create(url=WEBHOOK_URL, secret=new_secret())


def _lti_registration() -> Any:
    from lti_tool.models import LtiRegistration

    from learnplat.flows import lti as lti_flows

    found = LtiRegistration.objects.filter(client_id="existing").first()
    return found or lti_flows.create_registration(**{**LTI_REGISTRATION, "client_id": "existing"})


def _delivery() -> Any:
    from learnplat.events.models import Delivery, Event

    endpoint = _webhook()
    event = Event.objects.create(type="course.completed", data={})
    return Delivery.objects.create(
        event=event, sink="webhook", target=str(endpoint.pk), endpoint=endpoint
    )


#                                                anon out stu oth asst oins inst admin
TABLE: dict[tuple[str, str], Row] = {
    # -- auth
    ("auth-register", "POST"): Row(
        "201  201 201 201 201  201  201  201",
        body=lambda w, role: {
            "username": f"new-{role}",
            "email": f"new-{role}@example.com",
            "password": "a-long-and-unusual-password-42",
        },
    ),
    ("auth-token", "POST"): Row(
        "200  200 200 200 200  200  200  200",
        body=lambda w, role: {"username": "outsider", "password": PASSWORD},
    ),
    ("auth-token-refresh", "POST"): Row("200  200 200 200 200  200  200  200", body=own_refresh),
    ("auth-token-verify", "POST"): Row(
        "200  200 200 200 200  200  200  200",
        body=lambda w, role: {
            "token": str(RefreshToken(own_refresh(w, role)["refresh"]).access_token)
        },
    ),
    ("auth-logout", "POST"): Row("401  204 204 204 204  204  204  204", body=own_refresh),
    ("auth-me", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("auth-me", "PATCH"): Row(
        "401  200 200 200 200  200  200  200", body=lambda w, role: {"first_name": "New"}
    ),
    ("auth-password", "POST"): Row(
        "401  204 204 204 204  204  204  204",
        body=lambda w, role: {
            "old_password": PASSWORD,
            "new_password": "another-long-unusual-password-42",
        },
    ),
    ("user-list", "GET"): Row("401  403 403 403 403  403  403  200"),
    ("user-detail", "GET"): Row(
        "401  403 403 403 403  403  403  200", kwargs=lambda w: {"pk": w.users["student"].pk}
    ),
    ("user-detail", "PATCH"): Row(
        "401  403 403 403 403  403  403  200",
        kwargs=lambda w: {"pk": w.users["student"].pk},
        body=lambda w, role: {"role": "instructor"},
    ),
    # -- courses
    ("course-list", "GET"): Row("200  200 200 200 200  200  200  200"),
    ("course-list", "POST"): Row(
        "401  403 403 403 403  201  201  201", body=lambda w, role: {"title": f"By {role}"}
    ),
    ("course-detail", "GET"): Row("200  200 200 200 200  200  200  200", kwargs=course_kwargs),
    ("course-detail", "PUT"): Row(
        "401  403 403 403 403  403  200  200",
        kwargs=course_kwargs,
        body=lambda w, role: {"title": "Renamed", "description": ""},
    ),
    ("course-detail", "PATCH"): Row(
        "401  403 403 403 403  403  200  200",
        kwargs=course_kwargs,
        body=lambda w, role: {"title": "Renamed"},
    ),
    ("course-detail", "DELETE"): Row("401  403 403 403 403  403  204  204", kwargs=course_kwargs),
    ("course-publish", "POST"): Row("404  404 404 404 403  404  200  200", kwargs=draft_kwargs),
    ("course-archive", "POST"): Row("401  403 403 403 403  403  200  200", kwargs=course_kwargs),
    ("course-enroll", "POST"): Row("401  201 409 409 409  201  409  201", kwargs=course_kwargs),
    ("course-enroll", "DELETE"): Row("401  409 204 204 204  409  409  409", kwargs=course_kwargs),
    ("course-enrollments", "GET"): Row("401  403 403 403 200  403  200  200", kwargs=course_kwargs),
    ("course-enrollments", "POST"): Row(
        "401  403 403 403 201  403  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"user": w.users["outsider"].pk, "role": "student"},
    ),
    ("course-tasks", "GET"): Row("401  403 200 200 200  403  200  200", kwargs=course_kwargs),
    ("course-tasks", "POST"): Row(
        "401  403 403 403 201  403  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {
            "title": "New task",
            "kind": "exact",
            "config": {"answers": ["4"]},
        },
    ),
    ("course-tasks-reorder", "POST"): Row(
        "401  403 403 403 200  403  200  200",
        kwargs=course_kwargs,
        body=lambda w, role: {"order": [w.hidden_task.pk, w.task.pk]},
    ),
    # Assignment groups: members read, staff write, non-members of the course get 404.
    ("course-groups", "GET"): Row("401  404 200 200 200  404  200  200", kwargs=course_kwargs),
    ("course-groups", "POST"): Row(
        "401  404 403 403 201  404  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"name": f"Group of {role}", "weight": 10},
    ),
    ("course-group-detail", "GET"): Row("401  404 200 200 200  404  200  200", kwargs=group_kwargs),
    ("course-group-detail", "PUT"): Row(
        "401  404 403 403 200  404  200  200",
        kwargs=group_kwargs,
        body=lambda w, role: {"name": "Quizzes", "weight": 30, "drop_lowest": 1, "position": 1},
    ),
    ("course-group-detail", "PATCH"): Row(
        "401  404 403 403 200  404  200  200",
        kwargs=group_kwargs,
        body=lambda w, role: {"drop_lowest": 2},
    ),
    ("course-group-detail", "DELETE"): Row(
        "401  404 403 403 204  404  204  204", kwargs=group_kwargs
    ),
    # Rubrics: course staff only; everyone else authenticated gets 404.
    ("course-rubrics", "GET"): Row("401  404 404 404 200  404  200  200", kwargs=course_kwargs),
    ("course-rubrics", "POST"): Row(
        "401  404 404 404 201  404  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"title": f"Rubric of {role}", "criteria": RUBRIC_CRITERIA},
    ),
    ("course-rubric-detail", "GET"): Row(
        "401  404 404 404 200  404  200  200", kwargs=rubric_kwargs
    ),
    ("course-rubric-detail", "PUT"): Row(
        "401  404 404 404 200  404  200  200",
        kwargs=rubric_kwargs,
        body=lambda w, role: {"title": "Form", "criteria": RUBRIC_CRITERIA},
    ),
    ("course-rubric-detail", "PATCH"): Row(
        "401  404 404 404 200  404  200  200",
        kwargs=rubric_kwargs,
        body=lambda w, role: {"title": "Form"},
    ),
    ("course-rubric-detail", "DELETE"): Row(
        "401  404 404 404 204  404  204  204", kwargs=rubric_kwargs
    ),
    # Sections: instructors write, assistants read; students and outsiders get 404.
    ("course-sections", "GET"): Row("401  404 404 404 200  404  200  200", kwargs=course_kwargs),
    ("course-sections", "POST"): Row(
        "401  404 404 404 403  404  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"name": f"Section of {role}"},
    ),
    ("course-section-detail", "GET"): Row(
        "401  404 404 404 200  404  200  200", kwargs=section_kwargs
    ),
    ("course-section-detail", "PUT"): Row(
        "401  404 404 404 403  404  200  200",
        kwargs=section_kwargs,
        body=lambda w, role: {"name": "Lab B", "staff": [], "dates": []},
    ),
    ("course-section-detail", "PATCH"): Row(
        "401  404 404 404 403  404  200  200",
        kwargs=section_kwargs,
        body=lambda w, role: {"name": "Lab C"},
    ),
    ("course-section-detail", "DELETE"): Row(
        "401  404 404 404 403  404  204  204", kwargs=section_kwargs
    ),
    # Moving students between sections: the course's instructors (decision 0033).
    ("course-enrollment-detail", "PATCH"): Row(
        "401  404 404 404 403  404  200  200",
        kwargs=enrollment_kwargs,
        body=lambda w, role: {"section": None},
    ),
    ("course-sections-assign", "POST"): Row(
        "401  404 404 404 403  404  200  200",
        kwargs=course_kwargs,
        body=section_csv,
        format="multipart",
    ),
    ("course-rubric-copy", "POST"): Row(
        "401  404 404 404 201  404  201  201",
        kwargs=rubric_kwargs,
        body=lambda w, role: {"course": w.draft.slug},
    ),
    # Accommodations are private to the student and the staff: everyone else gets 404.
    ("course-accommodations", "GET"): Row(
        "401  404 404 404 200  404  200  200", kwargs=course_kwargs
    ),
    ("course-accommodations", "POST"): Row(
        "401  404 404 404 201  404  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"user": w.users["other_student"].pk, "extra_late_days": 1},
    ),
    ("course-accommodation-detail", "GET"): Row(
        "401  404 404 404 200  404  200  200", kwargs=accommodation_kwargs
    ),
    ("course-accommodation-detail", "PATCH"): Row(
        "401  404 404 404 200  404  200  200",
        kwargs=accommodation_kwargs,
        body=lambda w, role: {"bonus_submissions": 2},
    ),
    ("course-accommodation-detail", "DELETE"): Row(
        "401  404 404 404 204  404  204  204", kwargs=accommodation_kwargs
    ),
    # Group sets: members read them (students form groups from them), staff write.
    ("course-group-sets", "GET"): Row("401  404 200 200 200  404  200  200", kwargs=course_kwargs),
    ("course-group-sets", "POST"): Row(
        "401  404 403 403 201  404  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {"name": f"Set of {role}", "max_size": 3},
    ),
    ("course-group-set-detail", "GET"): Row(
        "401  404 200 200 200  404  200  200", kwargs=group_set_kwargs
    ),
    ("course-group-set-detail", "PUT"): Row(
        "401  404 403 403 200  404  200  200",
        kwargs=group_set_kwargs,
        body=lambda w, role: {"name": "Labs", "min_size": 1, "max_size": 2, "self_signup": True},
    ),
    ("course-group-set-detail", "PATCH"): Row(
        "401  404 403 403 200  404  200  200",
        kwargs=group_set_kwargs,
        body=lambda w, role: {"max_size": 5},
    ),
    ("course-group-set-detail", "DELETE"): Row(
        "401  404 403 403 204  404  204  204", kwargs=group_set_kwargs
    ),
    # Groups: staff see all, students their own and the ones they are invited to.
    ("group-set-groups", "GET"): Row(
        "401  404 200 200 200  404  200  200", kwargs=groups_of_set_kwargs
    ),
    ("group-set-groups", "POST"): Row(
        "401  404 201 201 201  404  201  201", kwargs=groups_of_set_kwargs, body=lambda w, r: {}
    ),
    ("group-detail", "GET"): Row(
        "401  404 200 404 200  404  200  200", kwargs=student_group_kwargs
    ),
    ("group-detail", "PATCH"): Row(
        "401  404 403 404 200  404  200  200",
        kwargs=student_group_kwargs,
        body=lambda w, role: {"name": "Renamed"},
    ),
    ("group-detail", "DELETE"): Row(
        "401  404 403 404 204  404  204  204", kwargs=student_group_kwargs
    ),
    ("group-invite", "POST"): Row(
        "401  404 201 404 403  404  403  403",
        kwargs=student_group_kwargs,
        body=lambda w, role: {"username": "other_student"},
    ),
    ("group-accept", "POST"): Row(
        "401  404 409 200 404  404  404  404", kwargs=invited_group_kwargs
    ),
    ("group-decline", "POST"): Row(
        "401  404 404 200 404  404  404  404", kwargs=invited_group_kwargs
    ),
    ("group-leave", "POST"): Row(
        "401  404 204 404 404  404  404  404", kwargs=student_group_kwargs
    ),
    ("course-extensions", "GET"): Row("401  403 403 403 200  403  200  200", kwargs=course_kwargs),
    ("course-extensions", "POST"): Row(
        "401  403 403 403 201  403  201  201",
        kwargs=course_kwargs,
        body=lambda w, role: {
            "user": w.users["student"].pk,
            "task": w.task.pk,
            "due_at": (timezone.now() + timedelta(days=3)).isoformat(),
        },
    ),
    # The student whose extension it is sees it (403); the rest who cannot see it get 404.
    ("extension-detail", "DELETE"): Row(
        "401  404 403 404 204  404  204  204",
        kwargs=lambda w: {"pk": w.extension.pk},  # type: ignore[union-attr]
    ),
    ("task-detail", "GET"): Row("401  404 200 200 200  404  200  200", kwargs=task_kwargs),
    ("task-detail", "PATCH"): Row(
        "401  404 403 403 200  404  200  200",
        kwargs=task_kwargs,
        body=lambda w, role: {"title": "Renamed"},
    ),
    ("task-detail", "DELETE"): Row("401  404 403 403 204  404  204  204", kwargs=task_kwargs),
    ("task-release", "POST"): Row("401  404 403 403 200  404  200  200", kwargs=manual_task_kwargs),
    # -- submissions
    ("task-submissions", "POST"): Row(
        "401  403 201 201 403  403  403  403",
        kwargs=lambda w: {"task_pk": w.task.pk},
        body=lambda w, role: {"answer": "4"},
    ),
    ("task-regrade", "POST"): Row(
        "401  403 403 403 202  403  202  202",
        kwargs=lambda w: {"task_pk": w.task.pk},
        body=lambda w, role: {},
    ),
    # Only a student starts a timed task; staff see it (403), outsiders do not (404).
    ("task-start", "POST"): Row("401  404 201 201 403  404  403  403", kwargs=timed_task_kwargs),
    # A timed task's starts are the staff's: everyone else signed in gets 404.
    ("task-starts", "GET"): Row("401  404 404 404 200  404  200  200", kwargs=timed_task_kwargs),
    ("task-start-restart", "DELETE"): Row(
        "401  404 404 404 204  404  204  204", kwargs=started_task_kwargs
    ),
    ("course-accommodations-me", "GET"): Row(
        "401  404 200 200 403  404  403  404", kwargs=course_kwargs
    ),
    ("submission-list", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("submission-detail", "GET"): Row(
        "401  404 200 404 200  404  200  200", kwargs=submission_kwargs
    ),
    ("submission-grade", "POST"): Row(
        "401  404 403 404 200  404  200  200",
        kwargs=submission_kwargs,
        body=lambda w, role: {"score": 5},
    ),
    ("submission-regrade", "POST"): Row(
        "401  404 403 404 202  404  202  202", kwargs=submission_kwargs
    ),
    ("submission-history", "GET"): Row(
        "401  404 403 404 200  404  200  200", kwargs=submission_kwargs
    ),
    # Only the owner asks for a regrade; staff who see the submission get 403.
    ("submission-regrade-requests", "POST"): Row(
        "401  404 201 404 403  404  403  403",
        kwargs=own_submission_kwargs,
        body=lambda w, role: {"reason": "Look again."},
    ),
    ("submission-comments", "GET"): Row(
        "401  404 200 404 200  404  200  200", kwargs=own_submission_kwargs
    ),
    ("submission-comments", "POST"): Row(
        "401  404 201 404 201  404  201  201",
        kwargs=own_submission_kwargs,
        body=lambda w, role: {"body": "A question."},
    ),
    ("regrade-request-list", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("regrade-request-detail", "GET"): Row(
        "401  404 200 404 200  404  200  200", kwargs=regrade_request_kwargs
    ),
    ("regrade-request-resolve", "POST"): Row(
        "401  404 403 404 200  404  200  200",
        kwargs=regrade_request_kwargs,
        body=lambda w, role: {"accept": True},
    ),
    # -- grader assignment: the queue is everyone's own (students' is empty)
    ("grading-queue", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("submission-claim", "POST"): Row(
        "401  404 403 404 200  404  200  200", kwargs=submission_kwargs
    ),
    ("submission-claim", "DELETE"): Row(
        "401  404 403 404 204  404  204  204", kwargs=submission_kwargs
    ),
    ("course-grading-assign", "POST"): Row(
        "401  403 403 403 403  403  200  200",
        kwargs=course_kwargs,
        body=lambda w, role: {"graders": [w.assistant.pk]},
    ),
    ("course-grading-progress", "GET"): Row(
        "401  403 403 403 200  403  200  200", kwargs=course_kwargs
    ),
    # Users' JWTs are not grader credentials: only "Authorization: Grader <secret>" is.
    ("grader-next", "GET"): Row("401  401 401 401 401  401  401  401", query="?queue=python"),
    ("grader-results", "POST"): Row(
        "401  401 401 401 401  401  401  401",
        body=lambda w, role: {"submission_key": "1.00", "score": 1, "max_score": 1},
    ),
    # -- progress
    ("progress-list", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("progress-upcoming", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("course-progress", "GET"): Row("401  403 200 200 403  403  403  403", kwargs=course_kwargs),
    ("course-gradebook", "GET"): Row("401  403 403 403 200  403  200  200", kwargs=course_kwargs),
    ("course-gradebook-import", "POST"): Row(
        "401  403 403 403 200  403  200  200",
        kwargs=course_kwargs,
        body=lambda w, role: {"file": SimpleUploadedFile("g.csv", b"user_id\n", "text/csv")},
        format="multipart",
    ),
    ("course-grading-jobs", "GET"): Row(
        "401  403 403 403 200  403  200  200", kwargs=course_kwargs
    ),
    ("course-grading-job", "GET"): Row(
        "401  403 403 403 404  403  404  404",
        kwargs=lambda w: {"slug": w.course.slug, "pk": 999999},
    ),
    ("course-grading-preview", "POST"): Row(
        "401  403 403 403 200  403  200  200", kwargs=course_kwargs, body=lambda w, role: {}
    ),
    # -- notifications: everyone their own
    ("notification-list", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("notification-read", "POST"): Row(
        "401  204 204 204 204  204  204  204", body=lambda w, role: {"all": True}
    ),
    ("notification-preferences", "GET"): Row("401  200 200 200 200  200  200  200"),
    ("notification-preferences", "PATCH"): Row(
        "401  200 200 200 200  200  200  200",
        body=lambda w, role: {"grade_changed": {"email": False}},
    ),
    # -- webhooks: platform admins only
    ("webhook-endpoint-list", "GET"): Row("401  403 403 403 403  403  403  200"),
    ("webhook-endpoint-list", "POST"): Row(
        "401  403 403 403 403  403  403  201", body=lambda w, role: {"url": WEBHOOK_URL}
    ),
    ("webhook-endpoint-detail", "GET"): Row(
        "401  403 403 403 403  403  403  200", kwargs=lambda w: {"pk": _webhook().pk}
    ),
    ("webhook-endpoint-detail", "PATCH"): Row(
        "401  403 403 403 403  403  403  200",
        kwargs=lambda w: {"pk": _webhook().pk},
        body=lambda w, role: {"is_active": False},
    ),
    ("webhook-endpoint-detail", "DELETE"): Row(
        "401  403 403 403 403  403  403  204", kwargs=lambda w: {"pk": _webhook().pk}
    ),
    ("webhook-endpoint-rotate-secret", "POST"): Row(
        "401  403 403 403 403  403  403  200", kwargs=lambda w: {"pk": _webhook().pk}
    ),
    ("webhook-delivery-list", "GET"): Row("401  403 403 403 403  403  403  200"),
    ("webhook-delivery-replay", "POST"): Row(
        "401  403 403 403 403  403  403  202", kwargs=lambda w: {"pk": _delivery().pk}
    ),
    # -- LTI: registrations for platform admins; the launch endpoints answer the platform's
    # browser, whoever is logged in here (a request without a launch is refused alike)
    ("lti-registration-list", "GET"): Row("401  403 403 403 403  403  403  200"),
    ("lti-registration-list", "POST"): Row(
        "401  403 403 403 403  403  403  201", body=lambda w, role: dict(LTI_REGISTRATION)
    ),
    ("lti-registration-detail", "GET"): Row(
        "401  403 403 403 403  403  403  200", kwargs=lambda w: {"pk": _lti_registration().pk}
    ),
    ("lti-registration-detail", "PUT"): Row(
        "401  403 403 403 403  403  403  200",
        kwargs=lambda w: {"pk": _lti_registration().pk},
        body=lambda w, role: {**LTI_REGISTRATION, "name": "Moodle 2"},
    ),
    ("lti-registration-detail", "PATCH"): Row(
        "401  403 403 403 403  403  403  200",
        kwargs=lambda w: {"pk": _lti_registration().pk},
        body=lambda w, role: {"name": "Moodle 2"},
    ),
    ("lti-registration-detail", "DELETE"): Row(
        "401  403 403 403 403  403  403  204", kwargs=lambda w: {"pk": _lti_registration().pk}
    ),
    ("lti-jwks", "GET"): Row("200  200 200 200 200  200  200  200"),
    # A login initiation without iss and login_hint is a bad request from any browser.
    ("lti-login", "GET"): Row("400  400 400 400 400  400  400  400"),
    ("lti-login", "POST"): Row("400  400 400 400 400  400  400  400"),
    # No id_token, no launch session: refused before anything is written (docs/lti.md).
    ("lti-launch", "POST"): Row("401  401 401 401 401  401  401  401"),
    ("lti-deep-link", "POST"): Row("401  401 401 401 401  401  401  401"),
    ("lti-session", "POST"): Row(
        "401  401 401 401 401  401  401  401", body=lambda w, role: {"code": "not-a-code"}
    ),
    # -- the catch-all: whatever no route matched, for everyone
    ("unmatched", "GET"): Row("404  404 404 404 404  404  404  404"),
}

#: Rows for the same operation on another object or with another query.
VARIANTS: dict[tuple[str, str, str], Row] = {
    # Someone else's progress: only the student themself and course staff.
    ("course-progress", "GET", "?user=student"): Row(
        "401  404 200 404 200  404  200  200", kwargs=course_kwargs, query="?user={student}"
    ),
    # Another instructor's course: hands off.
    ("course-detail", "PATCH", "other-course"): Row(
        "401  403 403 403 403  200  403  200",
        kwargs=lambda w: {"slug": w.other_course.slug},
        body=lambda w, role: {"title": "Renamed"},
    ),
    ("course-tasks", "POST", "other-course"): Row(
        "401  403 403 403 403  201  403  201",
        kwargs=lambda w: {"slug": w.other_course.slug},
        body=lambda w, role: {"title": "New", "kind": "exact", "config": {"answers": ["4"]}},
    ),
    ("course-grading-preview", "POST", "draft"): Row(
        "401  404 404 404 200  404  200  200", kwargs=draft_kwargs, body=lambda w, role: {}
    ),
    ("course-gradebook-import", "POST", "draft"): Row(
        "401  404 404 404 200  404  200  200",
        kwargs=draft_kwargs,
        body=lambda w, role: {"file": SimpleUploadedFile("g.csv", b"user_id\n", "text/csv")},
        format="multipart",
    ),
    ("course-gradebook", "GET", "other-course"): Row(
        "401  403 403 403 403  200  403  200", kwargs=lambda w: {"slug": w.other_course.slug}
    ),
    # A draft's groups: its staff only; its enrolled student cannot see the draft at all.
    ("course-groups", "GET", "draft"): Row(
        "404  404 404 404 200  404  200  200", kwargs=draft_kwargs
    ),
    # Another instructor's course: its groups are not theirs to read or change.
    ("course-groups", "POST", "other-course"): Row(
        "401  404 404 404 404  201  404  201",
        kwargs=lambda w: {"slug": w.other_course.slug},
        body=lambda w, role: {"name": f"Group of {role}"},
    ),
    # A group of another course under this course's slug: not found, for everyone.
    ("course-group-detail", "GET", "wrong-course"): Row(
        "401  404 404 404 404  404  404  404",
        kwargs=lambda w: {
            "slug": w.course.slug,
            "pk": AssignmentGroup.objects.create(course=w.other_course, name="Theirs").pk,
        },
    ),
    ("course-tasks-reorder", "POST", "draft"): Row(
        "404  404 404 404 200  404  200  200",
        kwargs=draft_kwargs,
        body=lambda w, role: {"order": list(w.draft.tasks.values_list("pk", flat=True))},
    ),
    ("course-grading-assign", "POST", "draft"): Row(
        "401  404 404 404 403  404  200  200",
        kwargs=draft_kwargs,
        body=lambda w, role: {"graders": [w.assistant.pk]},
    ),
    ("course-grading-progress", "GET", "draft"): Row(
        "401  404 404 404 200  404  200  200", kwargs=draft_kwargs
    ),
    # A draft is invisible to all but its staff and admins.
    ("course-detail", "GET", "draft"): Row(
        "404  404 404 404 200  404  200  200", kwargs=draft_kwargs
    ),
}


# -- the operations the URL resolver knows -------------------------------------------------


#: Methods Django and DRF answer for every view on their own (HEAD runs GET).
IMPLICIT_METHODS = frozenset({"head", "options"})


def _walk(patterns: list[URLPattern | URLResolver]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns)
        else:
            yield pattern


def _methods(pattern: URLPattern) -> list[str]:
    callback: Any = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ["GET"]
    allowed = set(view_class.http_method_names) - IMPLICIT_METHODS
    actions = getattr(callback, "actions", None)
    if actions:
        # A viewset answers the methods its route maps, among those it allows.
        return sorted(method.upper() for method in actions if method in allowed)
    return sorted(m.upper() for m in allowed if hasattr(view_class, m))


def resolved_operations() -> set[tuple[str, str]]:
    return {
        (str(pattern.name), method)
        for pattern in _walk(learnplat.urls.urlpatterns)
        for method in _methods(pattern)
    }


def test_every_operation_is_in_the_table() -> None:
    operations = resolved_operations()
    missing = sorted(operations - set(TABLE))
    assert not missing, f"operations without a row in TABLE: {missing}"
    stale = sorted(set(TABLE) - operations)
    assert not stale, f"rows in TABLE for operations that do not exist: {stale}"


# -- the matrix ------------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    rows = {(name, method, ""): row for (name, method), row in TABLE.items()} | VARIANTS
    for (name, method, variant), row in rows.items():
        for role, code in row.expected().items():
            case_id = f"{name} {method}{' ' + variant if variant else ''} as {role}"
            yield pytest.param(name, method, row, role, code, id=case_id)


def call(world: World, name: str, method: str, row: Row, role: str) -> Any:
    kwargs = row.kwargs(world) if row.kwargs else {}
    url = reverse(f"learnplat:{name}", kwargs=kwargs)
    url += row.query.format(**{r: u.pk for r, u in world.users.items() if u is not None})
    body = row.body(world, role) if row.body else None
    client = world.client(role)
    return getattr(client, method.lower())(url, body, format=row.format)


@pytest.mark.parametrize(("name", "method", "row", "role", "expected"), list(_cases()))
def test_operation_as_role(
    world: World, name: str, method: str, row: Row, role: str, expected: int
) -> None:
    response = call(world, name, method, row, role)
    assert response.status_code == expected, (response.status_code, getattr(response, "data", None))
