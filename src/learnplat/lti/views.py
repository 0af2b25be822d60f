"""The LTI endpoints under ``lti/`` (docs/lti.md).

The browser-facing ones (``login/``, ``launch/``, ``deep-link/``, ``jwks/``) are plain
Django views: platforms post forms to them from inside an iframe, so they skip CSRF (the
signed id_token and the state cookie are the proof) and may be framed. The API ones are DRF
views like the rest of learnplat's, with keys ``lti_registration_<action>`` and
``lti_session`` for ``LEARNPLAT["PERMISSIONS"]``::

    GET, POST lti/registrations/              platform admins (IsPlatformAdmin)
    GET, PATCH, PUT, DELETE lti/registrations/{id}/
    POST lti/session/                          anyone holding a launch code
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.views import OIDCLoginInitView
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import ForcedAuthentication, Request
from rest_framework.response import Response
from rest_framework_simplejwt.authentication import JWTAuthentication

from learnplat.api import LearnplatViewMixin
from learnplat.conf import settings
from learnplat.courses.models import Course, Task
from learnplat.courses.views import CourseViewSet
from learnplat.exceptions import InvalidInput, LearnplatError
from learnplat.flows import authoring as authoring_flows
from learnplat.flows import lti as lti_flows
from learnplat.lti.forms import COURSE_TITLE_MAX_LENGTH, NewCourseForm
from learnplat.lti.launch import LaunchRefused, ToolConfig, restored_launch, validated_launch
from learnplat.lti.serializers import LtiRegistrationSerializer, LtiSessionSerializer
from learnplat.permissions import IsPlatformAdmin
from learnplat.roles import is_platform_admin
from learnplat.schema import error_responses

logger = logging.getLogger(__name__)

_frameable = method_decorator((csrf_exempt, xframe_options_exempt), name="dispatch")


def _refused(request: HttpRequest, status_code: int, message: str) -> HttpResponse:
    return render(
        request,
        "learnplat_lti/refused.html",
        {"message": message, "status": status_code},
        status=status_code,
    )


@_frameable
class LoginView(OIDCLoginInitView):
    """``lti/login/`` (and ``lti/login/{registration uuid}/`` for platforms that send no
    ``client_id``): OIDC third-party login initiation. Sets the state cookie, remembers the
    nonce and sends the browser to the platform's auth URL."""

    def get_oidc_response(self, request: HttpRequest, registration_uuid: Any, params: Any) -> Any:
        oidc_login = DjangoOIDCLogin(
            request, ToolConfig(registration_uuid), launch_data_storage=DjangoCacheDataStorage()
        )
        target_link_uri = params.get("target_link_uri")
        if not target_link_uri:
            return _refused(request, 400, "The login request has no target_link_uri.")
        try:
            return oidc_login.enable_check_cookies(
                self.main_msg, self.click_msg, self.loading_msg
            ).redirect(target_link_uri)
        except (LtiException, OIDCException) as exc:
            logger.info("LTI login refused: %s", exc)
            return _refused(request, 403, "This platform is not registered with this tool.")


def _redirect_after_launch(result: lti_flows.LaunchResult) -> HttpResponseRedirect:
    target: str = settings.LTI["LAUNCH_REDIRECT"]
    separator = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{separator}{urlencode({'code': result.code})}")


@_frameable
class LaunchView(View):
    """``lti/launch/``: the platform posts the signed id_token here (resource-link and
    deep-linking requests alike; enter this URL as both on the platform).

    A forged, expired or replayed message, or one without the state cookie, is a 401; a
    valid one from a registration or deployment this tool does not serve is a 403. Either
    way nothing is written and no session is made.
    """

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            lti_launch = validated_launch(request)
        except LaunchRefused as exc:
            logger.info("LTI launch refused: %s", exc)
            return _refused(request, 403, "This platform or deployment is not registered.")
        except LtiException as exc:
            logger.info("LTI launch not valid: %s", exc)
            return _refused(request, 401, "This launch could not be verified.")
        try:
            if lti_launch.is_resource_launch:
                return _redirect_after_launch(lti_flows.launch(lti_launch=lti_launch))
            if lti_launch.is_deep_link_launch:
                user = lti_flows.start_deep_linking(lti_launch=lti_launch)
                return _selection_page(request, lti_launch, user)
        except LearnplatError as exc:
            return _refused(request, int(exc.status_code), str(exc.detail))
        return _refused(request, 403, "This kind of LTI message is not supported.")


def _pickable_courses(user: Any) -> QuerySet[Course]:
    courses = Course.objects.all() if is_platform_admin(user) else Course.objects.taught_by(user)
    return courses.order_by("title", "pk").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("position", "pk"))
    )


#: The ``target`` of the selection page's "create a course for this LMS context" form.
NEW_COURSE_TARGET = "new"


def _may_create_course(request: HttpRequest, user: Any) -> bool:
    """Whether ``user`` may create courses: the permission classes of ``POST courses/``
    (``LEARNPLAT["PERMISSIONS"]["course_create"]``, default ``IsInstructor``), asked the way
    that endpoint asks them, with the launch's user as the caller."""
    if user is None or not user.is_active:
        return False  # the API's authentication refuses inactive users before asking
    # DRF's own forced authentication (what its test client uses): request.user and
    # request.auth both answer for the launch's user, as after a token authentication.
    forced = ForcedAuthentication(user, None)
    api_request = Request(request, authenticators=[forced])  # type: ignore[list-item]
    view = CourseViewSet(
        action="create", request=api_request, format_kwarg=None, args=(), kwargs={}
    )
    return all(
        permission.has_permission(api_request, view) for permission in view.get_permissions()
    )


def _context_title(lti_launch: Any) -> str:
    """The title a new course gets by default: the launch context's title, else its label."""
    context = lti_launch.context_claim or {}
    title = str(context.get("title") or context.get("label") or "").strip()
    return title[:COURSE_TITLE_MAX_LENGTH]


def _selection_page(
    request: HttpRequest,
    lti_launch: Any,
    user: Any,
    *,
    new_course: NewCourseForm | None = None,
    status_code: int = 200,
) -> HttpResponse:
    may_create = _may_create_course(request, user)
    if may_create and new_course is None:
        new_course = NewCourseForm(initial={"title": _context_title(lti_launch)})
    return render(
        request,
        "learnplat_lti/select.html",
        {
            "launch_id": lti_launch.get_launch_id(),
            "courses": _pickable_courses(user) if user is not None else Course.objects.none(),
            "action": reverse("learnplat:lti-deep-link"),
            "new_course": new_course if may_create else None,
            "new_course_target": NEW_COURSE_TARGET,
        },
        status=status_code,
    )


@_frameable
class DeepLinkView(View):
    """``lti/deep-link/``: the instructor's choice on the selection page; answers with the
    auto-posting form that returns the signed LtiDeepLinkingResponse to the platform.

    The launch id (from the validated deep-linking request, kept in the cache for the
    launch's lifetime) is the proof the choice comes from that request. The choice is a
    course or task the user may pick, or (``target=new``, for users who may create courses)
    a new course with the posted ``title``, created by the flow ``POST courses/`` uses.
    """

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            lti_launch = restored_launch(request, str(request.POST.get("launch_id", "")))
        except LtiException:
            return _refused(request, 401, "This deep-linking request has expired.")
        if not lti_launch.is_deep_link_launch:
            return _refused(request, 403, "This launch is not a deep-linking request.")
        user = lti_launch.user.auth_user
        target = str(request.POST.get("target", ""))
        if target == NEW_COURSE_TARGET:
            return self._create_course(request, lti_launch, user)
        kind, _sep, value = target.partition(":")
        allowed = _pickable_courses(user) if user is not None else Course.objects.none()
        if kind == "task" and value.isdecimal():
            task = (
                Task.objects.filter(pk=value, course__in=allowed).select_related("course").first()
            )
            course = task.course if task is not None else None
        elif kind == "course":
            task, course = None, allowed.filter(slug=value).first()
        else:
            task = course = None
        if course is None:
            return _refused(request, 400, "Pick one of the courses or tasks listed.")
        return _deep_link_response(request, lti_launch, course, task)

    def _create_course(self, request: HttpRequest, lti_launch: Any, user: Any) -> HttpResponse:
        if not _may_create_course(request, user):
            return _refused(request, 403, "You may not create courses in learnplat.")
        form = NewCourseForm(request.POST)
        if not form.is_valid():
            return _selection_page(request, lti_launch, user, new_course=form, status_code=400)
        try:
            course = authoring_flows.create_course(creator=user, title=form.cleaned_data["title"])
        except InvalidInput as exc:  # the flow's own rules; nothing was written
            form.add_error(None, exc.message)
            return _selection_page(request, lti_launch, user, new_course=form, status_code=400)
        except LearnplatError as exc:
            return _refused(request, int(exc.status_code), str(exc.detail))
        logger.info("LTI deep linking created course %s for user %s", course.slug, user.pk)
        return _deep_link_response(request, lti_launch, course, None)


def _deep_link_response(
    request: HttpRequest, lti_launch: Any, course: Course, task: Task | None
) -> HttpResponse:
    resource = _resource(request, course, task)
    html = lti_launch.get_message_launch().get_deep_link().output_response_form([resource])
    return HttpResponse(html)


def _resource(request: HttpRequest, course: Course, task: Task | None) -> DeepLinkResource:
    custom = {"learnplat_course": course.slug}
    resource = DeepLinkResource().set_url(
        request.build_absolute_uri(reverse("learnplat:lti-launch"))
    )
    if task is None:
        return resource.set_title(course.title).set_custom_params(custom)
    custom["learnplat_task"] = str(task.pk)
    line_item = (
        LineItem()
        .set_label(task.title)
        .set_score_maximum(task.max_score)
        .set_resource_id(lti_flows.line_item_resource_id(task))
    )
    return resource.set_title(task.title).set_custom_params(custom).set_lineitem(line_item)


# -- the API ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="LTI platform registrations",
        description="Platform admins only.",
        responses={200: LtiRegistrationSerializer(many=True), **error_responses(401, 403)},
    ),
    create=extend_schema(
        summary="Register an LTI platform",
        description=(
            "Platform admins only. `deployment_ids` are the deployments launches are "
            "accepted from. The answer's `tool` holds the URLs to enter on the platform. "
            "400 on `client_id` when the issuer already has a registration with it."
        ),
        responses={201: LtiRegistrationSerializer, **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="An LTI platform registration",
        description="Platform admins only.",
        responses={200: LtiRegistrationSerializer, **error_responses(401, 403, 404)},
    ),
    update=extend_schema(
        summary="Replace an LTI platform registration",
        description="Platform admins only; `deployment_ids` replaces the active set.",
        responses={200: LtiRegistrationSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change an LTI platform registration",
        description="Platform admins only; `deployment_ids` replaces the active set.",
        responses={200: LtiRegistrationSerializer, **error_responses(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Remove an LTI platform registration",
        description=(
            "Platform admins only. Its deployments, platform users and links go with it; "
            "local users and their enrollments stay."
        ),
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class RegistrationViewSet(LearnplatViewMixin, viewsets.ModelViewSet):
    """``lti/registrations/``: the platforms this tool accepts launches from."""

    permission_resource = "lti_registration"
    action_aliases = {"partial_update": "update"}
    permission_classes = [IsPlatformAdmin]
    action_permissions = {
        action: [IsPlatformAdmin] for action in ("list", "create", "retrieve", "update", "destroy")
    }
    action_serializers = dict.fromkeys(
        ("list", "create", "retrieve", "update"), LtiRegistrationSerializer
    )
    ordering = ["pk"]

    def get_queryset(self) -> QuerySet[LtiRegistration]:
        return LtiRegistration.objects.order_by("pk").prefetch_related(
            Prefetch("deployments", queryset=LtiDeployment.objects.order_by("pk"))
        )

    def perform_destroy(self, instance: LtiRegistration) -> None:
        lti_flows.delete_registration(registration=instance)


class SessionView(LearnplatViewMixin, viewsets.GenericViewSet):
    """``POST lti/session/``: trade a launch code for the usual token pair."""

    permission_resource = "lti"
    action_permissions = {"session": [AllowAny]}
    action_serializers = {"session": LtiSessionSerializer}
    # OPTIONS describes the POST with it (its action is "metadata", in no map above).
    serializer_class = LtiSessionSerializer

    def get_authenticators(self) -> list[Any]:
        # The code is the credential: a stale Authorization header must not get in the way.
        return []

    def get_authenticate_header(self, request: Request) -> str:
        # A refused code is a 401 (with the header saying how to authenticate), not a 403.
        return str(JWTAuthentication().authenticate_header(request))

    @extend_schema(
        summary="Start a session after an LTI launch",
        description=(
            "The front end's launch route posts the `code` a launch appended to "
            '`LEARNPLAT["LTI"]["LAUNCH_REDIRECT"]` and gets a token pair and what the link '
            "opens (`course` slug, `task` id or null). A code works once and only for "
            "`LAUNCH_CODE_TTL_SECONDS`: 401 `lti_code_invalid` after that, and for a body "
            "without a usable `code`."
        ),
        # 400 only for a body that is not JSON (parse_error); a bad code is a 401.
        responses={200: LtiSessionSerializer, **error_responses(400, 401)},
    )
    def session(self, request: Request) -> Response:
        serializer = LtiSessionSerializer(data=request.data)
        # The code is the credential: a missing or malformed one is refused like an unknown
        # one (401 lti_code_invalid), and a field named "code" would not fit the error body.
        given = serializer.validated_data["code"] if serializer.is_valid() else ""
        tokens, row = lti_flows.exchange_launch_code(code=given)
        body = {
            "access": tokens.access,
            "refresh": tokens.refresh,
            "course": row.course.slug,
            "task": row.task_id,
        }
        return Response(LtiSessionSerializer(body).data, status=status.HTTP_200_OK)
