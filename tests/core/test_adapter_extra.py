"""A host serializer may add writable fields to any create or update endpoint: the request
succeeds, and the extra values reach the adapter's ``save_extra()`` inside the flow's
transaction, where a failure rolls everything back.

Every case registers, under its ``LEARNPLAT["SERIALIZERS"]`` key, learnplat's own serializer
plus a ``memo`` field (at most 20 characters; not ``note``, which accommodations have).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.test import APIClient

from learnplat.accounts.serializers import AdminUserSerializer, RegisterSerializer, UserSerializer
from learnplat.adapter import DefaultAdapter, GroupRolesAdapter
from learnplat.api import LearnplatViewMixin
from learnplat.courses.models import (
    Accommodation,
    AssignmentGroup,
    Course,
    Enrollment,
    Extension,
    GroupSet,
    Rubric,
    Section,
    StudentGroup,
    Task,
)
from learnplat.courses.serializers import (
    AccommodationCreateSerializer,
    AccommodationUpdateSerializer,
    AssignmentGroupSerializer,
    CourseCreateSerializer,
    CourseSerializer,
    EnrollmentCreateSerializer,
    EnrollmentUpdateSerializer,
    ExtensionCreateSerializer,
    GroupSetSerializer,
    RubricSerializer,
    SectionSerializer,
    StudentGroupCreateSerializer,
    StudentGroupUpdateSerializer,
    TaskReorderSerializer,
    TaskSerializer,
)
from learnplat.events.models import WebhookEndpoint
from learnplat.events.serializers import WebhookEndpointSerializer
from learnplat.exceptions import Conflict, Forbidden, InvalidInput
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import regrade_requests as regrade_flow
from learnplat.flows import rubrics as rubrics_flow
from learnplat.flows import submit as submit_flow
from learnplat.lti.serializers import LtiRegistrationSerializer
from learnplat.roles import Role
from learnplat.submissions.models import Evaluation, RegradeRequest, Submission, SubmissionComment
from learnplat.submissions.serializers import (
    GradeSerializer,
    RegradeRequestCreateSerializer,
    RegradeRequestResolveSerializer,
    SubmissionCommentCreateSerializer,
    SubmitSerializer,
)
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import client_for
from tests.factories import LTI_REGISTRATION, CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings

# The hooks must run inside the flow's own transaction: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True)


# -- the host's serializers: learnplat's, plus a "memo" -------------------------------------


def with_note(base: type[serializers.BaseSerializer[Any]]) -> type[Any]:
    attrs: dict[str, Any] = {
        "memo": serializers.CharField(max_length=20, write_only=True),
        "__module__": __name__,
    }
    meta = getattr(base, "Meta", None)
    if meta is not None:
        attrs["Meta"] = type("Meta", (meta,), {"fields": (*meta.fields, "memo")})
    return type(f"{base.__name__}WithNote", (base,), attrs)


HOST_SERIALIZERS = {
    "course_create": with_note(CourseCreateSerializer),
    "course_update": with_note(CourseSerializer),
    "task_create": with_note(TaskSerializer),
    "task_update": with_note(TaskSerializer),
    "task_reorder": with_note(TaskReorderSerializer),
    "assignment_group_create": with_note(AssignmentGroupSerializer),
    "assignment_group_update": with_note(AssignmentGroupSerializer),
    "enrollment_create": with_note(EnrollmentCreateSerializer),
    "enrollment_update": with_note(EnrollmentUpdateSerializer),
    "extension_create": with_note(ExtensionCreateSerializer),
    "accommodation_create": with_note(AccommodationCreateSerializer),
    "accommodation_update": with_note(AccommodationUpdateSerializer),
    "submission_create": with_note(SubmitSerializer),
    "submission_grade": with_note(GradeSerializer),
    "regrade_request_create": with_note(RegradeRequestCreateSerializer),
    "regrade_request_resolve": with_note(RegradeRequestResolveSerializer),
    "rubric_create": with_note(RubricSerializer),
    "rubric_update": with_note(RubricSerializer),
    "section_create": with_note(SectionSerializer),
    "section_update": with_note(SectionSerializer),
    "group_set_create": with_note(GroupSetSerializer),
    "group_set_update": with_note(GroupSetSerializer),
    "group_create": with_note(StudentGroupCreateSerializer),
    "group_update": with_note(StudentGroupUpdateSerializer),
    "submission_comment_create": with_note(SubmissionCommentCreateSerializer),
    "user_update": with_note(AdminUserSerializer),
    "auth_me_update": with_note(UserSerializer),
    "auth_register": with_note(RegisterSerializer),
    "webhook_endpoint_create": with_note(WebhookEndpointSerializer),
    "webhook_endpoint_update": with_note(WebhookEndpointSerializer),
    "lti_registration_create": with_note(LtiRegistrationSerializer),
    "lti_registration_update": with_note(LtiRegistrationSerializer),
}
for _key, _serializer in HOST_SERIALIZERS.items():
    globals()[f"{_key}_serializer"] = _serializer


# -- the host's adapter: records save_extra(), or fails on demand ---------------------------


@dataclass
class Call:
    key: str
    instance: Any
    data: dict[str, Any]
    in_atomic_block: bool
    instance_row_exists: bool


calls: list[Call] = []


class Recording:
    def save_extra(self, *, key: str, instance: Any, data: Mapping[str, Any]) -> None:
        calls.append(
            Call(
                key=key,
                instance=instance,
                data=dict(data),
                in_atomic_block=connection.in_atomic_block,
                instance_row_exists=type(instance)._default_manager.filter(pk=instance.pk).exists(),
            )
        )
        note = data.get("memo")
        if note == "conflict":
            raise Conflict("The department is closed.", code="department_closed")
        if note == "forbidden":
            raise Forbidden("Not your department.", code="wrong_department")
        if note == "invalid":
            raise InvalidInput({"memo": ["Not a note this site accepts."]})
        if note == "boom":
            raise RuntimeError("the host's hook is broken")


class RecordingAdapter(Recording, DefaultAdapter):
    pass


class RecordingGroupRolesAdapter(Recording, GroupRolesAdapter):
    pass


@pytest.fixture
def recorded(settings: Any, learnplat_settings: LearnplatSettings) -> list[Call]:
    """Install the recording adapter over the host shape's own (roles keep working)."""
    shape_adapter = settings.LEARNPLAT.get("ADAPTER", "learnplat.adapter.DefaultAdapter")
    recording = {
        "learnplat.adapter.DefaultAdapter": RecordingAdapter,
        "learnplat.adapter.GroupRolesAdapter": RecordingGroupRolesAdapter,
    }[shape_adapter]
    learnplat_settings(
        ADAPTER=f"{__name__}.{recording.__name__}",
        SERIALIZERS={key: f"{__name__}.{key}_serializer" for key in HOST_SERIALIZERS},
    )
    calls.clear()
    return calls


# -- one request per key --------------------------------------------------------------------


@dataclass
class Request:
    client: APIClient
    method: str
    path: str
    body: dict[str, Any]


@dataclass
class Case:
    instance_type: Callable[[], type[Any]]
    request: Callable[[dict[str, Any]], Request]
    status: int


def _section(w: dict[str, Any]) -> Section:
    from learnplat.flows.sections import create_section

    return create_section(course=Course.objects.get(slug="intro"), name="Lab")


def _group_set(w: dict[str, Any]) -> GroupSet:
    return GroupSet.objects.get_or_create(course=Course.objects.get(slug="intro"), name="Set")[0]


def _group(w: dict[str, Any]) -> StudentGroup:
    return StudentGroup.objects.create(group_set=_group_set(w), name="Team")


def _world() -> dict[str, Any]:
    instructor = make_user(Role.INSTRUCTOR, username="instructor")
    student = make_user(Role.STUDENT, username="student")
    admin = make_user(Role.ADMIN, username="admin")
    outsider = make_user(Role.STUDENT, username="outsider")
    course = CourseFactory(slug="intro", title="Intro", status="published")
    enroll(instructor, course, "instructor")
    enroll(student, course, "student")
    task = TaskFactory(course=course, title="Sum", position=1)
    return {
        "instructor": instructor,
        "student": student,
        "admin": admin,
        "outsider": outsider,
        "course": course,
        "task": task,
    }


def _submission(w: dict[str, Any]) -> Submission:
    return submit_flow.submit(user=w["student"], task=w["task"], answer="4").submission


def _graded(w: dict[str, Any]) -> Submission:
    submission = _submission(w)
    evaluate_flow.run_evaluation(submission.pk)
    return Submission.objects.get(pk=submission.pk)


RUBRIC = {
    "title": "Style",
    "criteria": [{"title": "Clarity", "levels": [{"title": "Ok", "points": 1}]}],
}


def _rubric(w: dict[str, Any]) -> Rubric:
    return rubrics_flow.create_rubric(
        course=w["course"], title=RUBRIC["title"], criteria=RUBRIC["criteria"]
    )


#: A public address, literal (saving an endpoint resolves its host; no DNS in the tests).
WEBHOOK_URL = "https://93.184.215.14/hook"


def _webhook_endpoint() -> WebhookEndpoint:
    from learnplat.flows.webhooks import create_endpoint

    return create_endpoint(url=WEBHOOK_URL)


def _lti_registration() -> Any:
    from learnplat.flows.lti import create_registration

    return create_registration(**{**LTI_REGISTRATION, "client_id": "existing"})


def _lti_registration_model() -> type[Any]:
    from lti_tool.models import LtiRegistration

    return LtiRegistration


def _regrade_request(w: dict[str, Any]) -> RegradeRequest:
    return regrade_flow.file_request(submission=_graded(w), user=w["student"], reason="Look.")


CASES: dict[str, Case] = {
    "course_create": Case(
        lambda: Course,
        lambda w: Request(client_for(w["instructor"]), "post", "/api/courses/", {"title": "New"}),
        201,
    ),
    "course_update": Case(
        lambda: Course,
        lambda w: Request(
            client_for(w["instructor"]), "patch", "/api/courses/intro/", {"title": "Renamed"}
        ),
        200,
    ),
    "task_create": Case(
        lambda: Task,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            "/api/courses/intro/tasks/",
            {"title": "Two", "kind": "exact", "config": {"answers": ["2"]}},
        ),
        201,
    ),
    "task_update": Case(
        lambda: Task,
        lambda w: Request(
            client_for(w["instructor"]), "patch", f"/api/tasks/{w['task'].pk}/", {"title": "Add"}
        ),
        200,
    ),
    "task_reorder": Case(
        lambda: Course,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            "/api/courses/intro/tasks/reorder/",
            {"order": [w["task"].pk]},
        ),
        200,
    ),
    "assignment_group_create": Case(
        lambda: AssignmentGroup,
        lambda w: Request(
            client_for(w["instructor"]), "post", "/api/courses/intro/groups/", {"name": "Quizzes"}
        ),
        201,
    ),
    "assignment_group_update": Case(
        lambda: AssignmentGroup,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            "/api/courses/intro/groups/"
            f"{AssignmentGroup.objects.create(course=w['course'], name='Labs').pk}/",
            {"weight": 10},
        ),
        200,
    ),
    "enrollment_create": Case(
        lambda: Enrollment,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            "/api/courses/intro/enrollments/",
            {"user": w["outsider"].pk},
        ),
        201,
    ),
    "extension_create": Case(
        lambda: Extension,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            "/api/courses/intro/extensions/",
            {"user": w["student"].pk, "due_at": "2031-01-01T00:00:00Z"},
        ),
        201,
    ),
    "accommodation_create": Case(
        lambda: Accommodation,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            "/api/courses/intro/accommodations/",
            {"user": w["student"].pk, "extra_late_days": 2, "note": "Doctor's letter"},
        ),
        201,
    ),
    "enrollment_update": Case(
        lambda: Enrollment,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            f"/api/courses/intro/enrollments/"
            f"{Enrollment.objects.get(course=w['course'], user=w['student']).pk}/",
            {"section": None},
        ),
        200,
    ),
    "accommodation_update": Case(
        lambda: Accommodation,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            f"/api/courses/intro/accommodations/"
            f"{Accommodation.objects.create(course=w['course'], user=w['student']).pk}/",
            {"time_multiplier": 1.5},
        ),
        200,
    ),
    "submission_create": Case(
        lambda: Submission,
        lambda w: Request(
            client_for(w["student"]),
            "post",
            f"/api/tasks/{w['task'].pk}/submissions/",
            {"answer": "4"},
        ),
        201,
    ),
    "submission_grade": Case(
        lambda: Evaluation,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            f"/api/submissions/{_submission(w).pk}/grade/",
            {"score": 5, "feedback": "By hand."},
        ),
        200,
    ),
    "regrade_request_create": Case(
        lambda: RegradeRequest,
        lambda w: Request(
            client_for(w["student"]),
            "post",
            f"/api/submissions/{_graded(w).pk}/regrade-requests/",
            {"reason": "Look again."},
        ),
        201,
    ),
    "regrade_request_resolve": Case(
        lambda: RegradeRequest,
        lambda w: Request(
            client_for(w["instructor"]),
            "post",
            f"/api/regrade-requests/{_regrade_request(w).pk}/resolve/",
            {"accept": True, "score": 8},
        ),
        200,
    ),
    "rubric_create": Case(
        lambda: Rubric,
        lambda w: Request(
            client_for(w["instructor"]), "post", "/api/courses/intro/rubrics/", RUBRIC
        ),
        201,
    ),
    "rubric_update": Case(
        lambda: Rubric,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            f"/api/courses/intro/rubrics/{_rubric(w).pk}/",
            {"title": "Clarity and style"},
        ),
        200,
    ),
    "section_create": Case(
        lambda: Section,
        lambda w: Request(
            client_for(w["instructor"]), "post", "/api/courses/intro/sections/", {"name": "Lab"}
        ),
        201,
    ),
    "section_update": Case(
        lambda: Section,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            f"/api/courses/intro/sections/{_section(w).pk}/",
            {"name": "Lab B"},
        ),
        200,
    ),
    "group_set_create": Case(
        lambda: GroupSet,
        lambda w: Request(
            client_for(w["instructor"]), "post", "/api/courses/intro/group-sets/", {"name": "Labs"}
        ),
        201,
    ),
    "group_set_update": Case(
        lambda: GroupSet,
        lambda w: Request(
            client_for(w["instructor"]),
            "patch",
            f"/api/courses/intro/group-sets/{_group_set(w).pk}/",
            {"max_size": 6},
        ),
        200,
    ),
    "group_create": Case(
        lambda: StudentGroup,
        lambda w: Request(
            client_for(w["student"]), "post", f"/api/group-sets/{_group_set(w).pk}/groups/", {}
        ),
        201,
    ),
    "group_update": Case(
        lambda: StudentGroup,
        lambda w: Request(
            client_for(w["instructor"]), "patch", f"/api/groups/{_group(w).pk}/", {"name": "B"}
        ),
        200,
    ),
    "submission_comment_create": Case(
        lambda: SubmissionComment,
        lambda w: Request(
            client_for(w["student"]),
            "post",
            f"/api/submissions/{_submission(w).pk}/comments/",
            {"body": "Is this right?"},
        ),
        201,
    ),
    "user_update": Case(
        get_user_model,
        lambda w: Request(
            client_for(w["admin"]),
            "patch",
            f"/api/users/{w['student'].pk}/",
            {"role": "instructor"},
        ),
        200,
    ),
    "auth_me_update": Case(
        get_user_model,
        lambda w: Request(
            client_for(w["student"]), "patch", "/api/auth/me/", {"first_name": "Ada"}
        ),
        200,
    ),
    "webhook_endpoint_create": Case(
        lambda: WebhookEndpoint,
        lambda w: Request(
            client_for(w["admin"]), "post", "/api/webhooks/endpoints/", {"url": WEBHOOK_URL}
        ),
        201,
    ),
    "webhook_endpoint_update": Case(
        lambda: WebhookEndpoint,
        lambda w: Request(
            client_for(w["admin"]),
            "patch",
            f"/api/webhooks/endpoints/{_webhook_endpoint().pk}/",
            {"is_active": False},
        ),
        200,
    ),
    "lti_registration_create": Case(
        _lti_registration_model,
        lambda w: Request(
            client_for(w["admin"]), "post", "/api/lti/registrations/", dict(LTI_REGISTRATION)
        ),
        201,
    ),
    "lti_registration_update": Case(
        _lti_registration_model,
        lambda w: Request(
            client_for(w["admin"]),
            "patch",
            f"/api/lti/registrations/{_lti_registration().pk}/",
            {"name": "Moodle 2"},
        ),
        200,
    ),
    "auth_register": Case(
        get_user_model,
        lambda w: Request(
            APIClient(),
            "post",
            "/api/auth/register/",
            {"username": "newbie", "email": "newbie@example.com", "password": STRONG_PASSWORD},
        ),
        201,
    ),
}


def prepare(key: str) -> Request:
    """The request of ``key`` in a fresh world; what building it recorded is forgotten."""
    request = CASES[key].request(_world())
    calls.clear()
    return request


def send(request: Request, note: str) -> Any:
    return getattr(request.client, request.method)(
        request.path, {**request.body, "memo": note}, format="json"
    )


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, to prove a failed request wrote nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


# -- the tests ------------------------------------------------------------------------------


def test_every_create_and_update_key_has_a_case() -> None:
    keys: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                if view is not None and issubclass(view, LearnplatViewMixin):
                    for action in view.action_serializers:
                        keys.add(f"{view.permission_resource}_{action}")

    walk(get_resolver().url_patterns)

    writes = {key for key in keys if key.endswith(("_create", "_update"))}
    assert writes, "no create/update keys found: the URL walk is broken"
    assert writes - set(CASES) == set()
    assert {"submission_grade", "auth_register"} <= keys


@pytest.mark.parametrize("key", list(CASES))
def test_an_extra_field_reaches_the_adapter_inside_the_transaction(
    key: str, recorded: list[Call]
) -> None:
    response = send(prepare(key), "hello")

    assert response.status_code == CASES[key].status, response.content
    [call] = [c for c in recorded if c.key == key]
    assert call.data == {"memo": "hello"}
    assert call.in_atomic_block
    assert call.instance_row_exists
    assert isinstance(call.instance, CASES[key].instance_type())
    # Any other save_extra() of the request (a nested write) had nothing extra to store.
    assert all(c.data == {} for c in recorded if c is not call)


@pytest.mark.parametrize("key", list(CASES))
def test_an_invalid_extra_value_is_a_400_with_the_field_error(
    key: str, recorded: list[Call]
) -> None:
    response = send(prepare(key), "x" * 21)

    assert response.status_code == 400
    assert list(response.json()) == ["memo"]
    assert recorded == []


@pytest.mark.parametrize(
    ("note", "status", "body"),
    [
        ("conflict", 409, {"detail": "The department is closed.", "code": "department_closed"}),
        ("forbidden", 403, {"detail": "Not your department.", "code": "wrong_department"}),
        ("invalid", 400, {"memo": ["Not a note this site accepts."]}),
    ],
)
@pytest.mark.parametrize("key", list(CASES))
def test_a_domain_error_in_the_hook_is_a_clean_4xx_and_writes_nothing(
    key: str, note: str, status: int, body: dict[str, Any], recorded: list[Call]
) -> None:
    request = prepare(key)
    before = database_state()

    response = send(request, note)

    assert response.status_code == status
    assert response.json() == body
    assert database_state() == before


@pytest.mark.parametrize("key", list(CASES))
def test_any_other_error_in_the_hook_fails_the_request_and_writes_nothing(
    key: str, recorded: list[Call]
) -> None:
    request = prepare(key)
    before = database_state()

    with pytest.raises(RuntimeError, match="the host's hook is broken"):
        send(request, "boom")

    assert [c.key for c in recorded if c.data] == [key]
    assert database_state() == before
