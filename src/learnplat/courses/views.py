"""The courses API: catalog and authoring (``courses/``), tasks (``tasks/{id}/``), and a
course's enrollments, tasks and extensions (``courses/{slug}/...``).

Permissions and serializers are looked up per action under ``LEARNPLAT["PERMISSIONS"]`` and
``LEARNPLAT["SERIALIZERS"]`` keys (``course_create``, ``task_update``, ...); docs/permissions.md
lists every key with its default. Objects a caller may not see answer 404.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from learnplat import cache
from learnplat.api import LearnplatViewMixin, refuse_oversized_upload
from learnplat.conf import settings
from learnplat.courses.filters import (
    AccommodationFilter,
    CourseFilter,
    EnrollmentFilter,
    ExtensionFilter,
)
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
from learnplat.courses.permissions import IsCourseInstructor, IsCourseMember, IsCourseStaff
from learnplat.courses.querysets import (
    attach_prerequisite_ids,
    group_listing,
    groups_visible_to,
    remember_course_role,
    rubric_listing,
    section_listing,
    sees_all_tasks,
)
from learnplat.courses.serializers import (
    AccommodationCreateSerializer,
    AccommodationSerializer,
    AccommodationUpdateSerializer,
    AssignmentGroupSerializer,
    CourseCreateSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    EnrollmentCreateSerializer,
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
    ExtensionCreateSerializer,
    ExtensionSerializer,
    GroupInvitationSerializer,
    GroupInviteSerializer,
    GroupSetSerializer,
    RubricCopySerializer,
    RubricSerializer,
    SectionAssignResultSerializer,
    SectionAssignSerializer,
    SectionSerializer,
    StudentGroupCreateSerializer,
    StudentGroupSerializer,
    StudentGroupUpdateSerializer,
    TaskReorderSerializer,
    TaskSerializer,
    section_assign_json,
)
from learnplat.exceptions import Conflict, Forbidden, PayloadTooLarge
from learnplat.filters import FilterBackend
from learnplat.flows import accommodations as accommodations_flow
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import enrollment as enrollment_flow
from learnplat.flows import grading_config as grading_config_flow
from learnplat.flows import group_formation as group_formation_flow
from learnplat.flows import release as release_flow
from learnplat.flows import rubrics as rubrics_flow
from learnplat.flows import sections as sections_flow
from learnplat.flows.gradebook_import import read_csv
from learnplat.flows.recompute import RecomputeJobsMixin
from learnplat.permissions import AllowAny, IsAuthenticated, IsInstructor
from learnplat.roles import is_platform_admin
from learnplat.schema import PAGE_NOT_FOUND, error_responses, recompute_accepted

SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The course's slug."
)
ENROLLMENT_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The enrollment's id."
)


class CoursesViewMixin(LearnplatViewMixin):
    """Serializer lookup for answers built with another action's serializer."""

    #: action -> the action whose serializer renders its answer (create answers a detail).
    response_actions: ClassVar[dict[str, str]] = {}

    def response_serializer(self, instance: Any, **kwargs: Any) -> BaseSerializer[Any]:
        action_name = self._current_action()
        response_action = self.response_actions.get(action_name, action_name)
        default = self.action_serializers[response_action]
        serializer_class = settings.serializer_class(self.permission_key(response_action), default)
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        return serializer_class(instance, context=context, **kwargs)


_COURSE_ERRORS = (401, 403, 404)


def errors(
    *codes: int, conflict: str | None = None, forbidden: str | None = None
) -> dict[int, Any]:
    """``error_responses`` for ``codes``, plus 409 listing the ``conflict`` codes and a 403
    describing its ``forbidden`` codes."""
    descriptions: dict[int, str] = {}
    if conflict:
        codes = (*codes, 409)
        descriptions[409] = f"The current state does not allow this; `code`: {conflict}."
    if forbidden:
        codes = (*codes, 403)
        descriptions[403] = f"Authenticated but not allowed; `code` {forbidden}."
    return error_responses(*sorted(set(codes)), descriptions=descriptions)


def _transition_schema(summary: str, *, conflict: str = "invalid_transition") -> Any:
    return extend_schema(
        summary=summary,
        request=None,
        responses={200: CourseDetailSerializer, **errors(*_COURSE_ERRORS, conflict=conflict)},
    )


#: The list's page parameters, for the POST that answers with the list.
TASK_PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="A page number within the list."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Tasks per page."),
]


@extend_schema_view(
    list=extend_schema(
        summary="List the courses you can see",
        description="Published courses for everyone; course staff also see their drafts and "
        "archives, students the archived courses they took, platform admins everything.",
        responses={200: CourseSerializer(many=True), **errors(400, 401, 404)},
    ),
    create=extend_schema(
        summary="Create a course (and its tasks)",
        description="Instructors and admins. `tasks` creates the course's tasks in the same "
        "transaction: one bad task and nothing is created. The caller becomes the course's "
        "instructor; the course starts as a draft.",
        request=CourseCreateSerializer,
        responses={201: CourseDetailSerializer, **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="A course with the tasks you can see",
        responses={200: CourseDetailSerializer, **errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace a course's editable fields",
        request=CourseSerializer,
        responses={
            200: CourseDetailSerializer,
            202: recompute_accepted(CourseDetailSerializer, "The course, changed."),
            **errors(400, *_COURSE_ERRORS),
        },
    ),
    partial_update=extend_schema(
        summary="Change a course",
        request=CourseSerializer,
        responses={
            200: CourseDetailSerializer,
            202: recompute_accepted(CourseDetailSerializer, "The course, changed."),
            **errors(400, *_COURSE_ERRORS),
        },
    ),
    destroy=extend_schema(
        summary="Delete a course with its tasks, enrollments and submissions",
        responses={204: None, **errors(*_COURSE_ERRORS)},
    ),
)
class CourseViewSet(
    cache.CachedReadMixin, RecomputeJobsMixin, CoursesViewMixin, viewsets.ModelViewSet[Course]
):
    """Catalog and authoring of courses, looked up by slug."""

    # ETag and 304 (API.md, Operations), served from learnplat.cache.
    conditional_actions = frozenset({"list", "retrieve"})

    permission_resource = "course"
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [AllowAny],
        "retrieve": [AllowAny],
        "create": [IsInstructor],
        "update": [IsCourseInstructor],
        "destroy": [IsCourseInstructor],
        "publish": [IsCourseInstructor],
        "archive": [IsCourseInstructor],
        "enroll": [IsAuthenticated],
        "drop": [IsAuthenticated],
    }
    action_serializers = {
        "list": CourseSerializer,
        "retrieve": CourseDetailSerializer,
        "create": CourseCreateSerializer,
        "update": CourseSerializer,
        "enroll": EnrollmentSerializer,
    }
    # These answer with the course detail, so LEARNPLAT["SERIALIZERS"]["course_retrieve"]
    # shapes them all.
    response_actions = {
        "create": "retrieve",
        "update": "retrieve",
        "publish": "retrieve",
        "archive": "retrieve",
    }
    serializer_class = CourseSerializer
    filter_backends = [FilterBackend]
    filterset_class = CourseFilter

    def get_queryset(self) -> QuerySet[Course]:
        return Course.objects.for_listing(self.request.user).order_by("-created", "pk")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters belong to the list; on a detail URL ?status= must not hide the course.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Course:
        course: Course = super().get_object()
        remember_course_role(self.request.user, course.pk, course.my_role)  # type: ignore[attr-defined]
        return course

    def _detail(
        self, course: Course, status_code: int = status.HTTP_200_OK, *, reread: bool = True
    ) -> Response:
        """The course as the detail endpoint shows it; ``reread`` after a write, so the
        annotations (task counts, the caller's role) are current."""
        if reread:
            course = self.get_queryset().get(pk=course.pk)
            remember_course_role(self.request.user, course.pk, course.my_role)  # type: ignore[attr-defined]
        course.visible_tasks = list(Task.objects.for_course(course, self.request.user))  # type: ignore[attr-defined]
        return Response(self.response_serializer(course).data, status=status_code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return self.cached_read(
            depends_on=[cache.CATALOG], build=lambda: super(CourseViewSet, self).list(request)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        def build() -> Response:
            return self._detail(self.get_object(), reread=False)

        if not cache.enabled():
            return build()
        # Visibility and the object permissions run on every read, the cached ones too.
        course = Course.objects.visible_one(request.user, kwargs["slug"])
        if course is None:
            raise Http404
        self.check_object_permissions(request, course)
        return self.cached_read(depends_on=[cache.course_gen(course.pk)], build=build)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save(), status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Course) -> None:
        authoring_flow.delete_course(course=instance)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save())

    @_transition_schema(
        "Publish a course (draft or archived → published)",
        conflict="invalid_transition (checked first), or course_empty when no task of the "
        "course is published",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        return self._detail(authoring_flow.publish(course=self.get_object()))

    @_transition_schema("Archive a course (published → archived)")
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str) -> Response:
        return self._detail(authoring_flow.archive(course=self.get_object()))

    @extend_schema(
        summary="Enroll yourself as a student",
        description="A dropped enrollment is reactivated (as a student).",
        request=None,
        responses={
            201: EnrollmentSerializer,
            **errors(
                401,
                404,
                conflict="already_enrolled, course_full or enrollment_closed",
                forbidden="enrollment_not_allowed (the site's adapter refused)",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def enroll(self, request: Request, slug: str) -> Response:
        enrollment = enrollment_flow.enroll(user=request.user, course=self.get_object())
        return Response(self.response_serializer(enrollment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Leave a course",
        description="Your enrollment becomes `dropped`; it and your submissions are kept.",
        request=None,
        responses={
            204: None,
            **errors(401, 404, conflict="not_enrolled or last_instructor"),
        },
    )
    @enroll.mapping.delete
    def drop(self, request: Request, slug: str) -> Response:
        course = self.get_object()
        user: Any = request.user
        enrollment = Enrollment.objects.filter(course=course, user=user).first()
        if enrollment is None:
            raise Conflict("You are not enrolled in this course.", code="not_enrolled")
        enrollment_flow.drop(enrollment=enrollment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourseChildViewMixin(CoursesViewMixin):
    """Views under ``courses/{slug}/``: the course must be visible to the caller (404
    otherwise) and pass the action's object permissions (401/403), before anything else."""

    _course: Course

    def get_course(self) -> Course:
        if not hasattr(self, "_course"):
            user = self.request.user  # type: ignore[attr-defined]
            course = Course.objects.visible_one(user, self.kwargs["slug"])  # type: ignore[attr-defined]
            if course is None:
                raise Http404
            self.check_object_permissions(self.request, course)  # type: ignore[attr-defined]
            self._course = course
        return self._course

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.get_course()

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        if not getattr(self, "swagger_fake_view", False):
            context["course"] = self.get_course()
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        return Response(self.response_serializer(instance).data, status=status.HTTP_201_CREATED)


class CourseChildViewSet(
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """List and create the ``model`` rows of the course in the URL."""

    model: ClassVar[type[Any]]
    filter_backends = [FilterBackend]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return self.model._default_manager.none()
        return self.course_queryset(self.get_course())

    def course_queryset(self, course: Course) -> QuerySet[Any]:
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(
        summary="A course's members",
        parameters=[SLUG_PARAMETER],
        responses={200: EnrollmentSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add a member, change a member's role, or bring back one who dropped",
        description="Name the person by exactly one of `user` (id), `username` or `email` "
        "(both compared without regard to case): an unknown one is a 400 on that key, none or "
        "more than one a 400 in `non_field_errors`. A member who dropped comes back active in "
        "`role`; an active member in another role changes role. Staff additions ignore "
        "`enrollment_open` and `capacity`. Assistants may add students only.",
        parameters=[SLUG_PARAMETER],
        request=EnrollmentCreateSerializer,
        responses={
            201: EnrollmentSerializer,
            **errors(
                400,
                401,
                404,
                forbidden="`permission_denied` when an assistant adds or changes staff",
                conflict="already_enrolled or last_instructor",
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Move a member to another section",
        description="Instructors of the course. Only `section` is written (a section of "
        "the course by id, or null for none); the other fields of the enrollment are "
        "read-only here and ignored when sent back, a key that is not a field is a 400. "
        "Only students are placed in sections (a staff member may only be taken out of "
        "one); a dropped student may be moved and keeps the section if they come back. "
        "Lateness of the student's past submissions is recomputed against the new "
        "section's dates.",
        parameters=[SLUG_PARAMETER, ENROLLMENT_ID_PARAMETER],
        request=EnrollmentUpdateSerializer,
        responses={
            200: EnrollmentSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={
                    400: "`section` is not a section of this course (or no such id), a "
                    "staff member put in a section, or an unknown field.",
                    403: "An assistant of the course: instructors move students.",
                    404: "The course is not visible to you, you are not its staff, or it "
                    "has no such enrollment.",
                },
            ),
        },
    ),
)
class EnrollmentViewSet(mixins.UpdateModelMixin, CourseChildViewSet):
    """``courses/{slug}/enrollments/``: course staff manage who is in the course;
    ``courses/{slug}/enrollments/{id}/`` (PATCH): instructors move a student to a section."""

    permission_resource = "enrollment"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseStaff],
        "create": [IsCourseStaff],
        "update": [IsCourseInstructor],
    }
    action_serializers = {
        "list": EnrollmentSerializer,
        "create": EnrollmentCreateSerializer,
        "update": EnrollmentUpdateSerializer,
    }
    response_actions = {"create": "list", "update": "list"}
    serializer_class = EnrollmentSerializer
    model = Enrollment
    filterset_class = EnrollmentFilter

    def course_queryset(self, course: Course) -> QuerySet[Enrollment]:
        return Enrollment.objects.for_course(course)

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        # A student or outsider learns nothing of another member's enrollment; an assistant,
        # who lists the members, gets the 403 of the permission.
        if (
            self._current_action() == "update"
            and request.user.is_authenticated
            and not Course.objects.filter(slug=self.kwargs["slug"]).taught_by(request.user).exists()
        ):
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs.pop("partial", None)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        enrollment = Enrollment.objects.for_course(self.get_course()).get(pk=serializer.save().pk)
        return Response(self.response_serializer(enrollment).data)


@extend_schema_view(
    list=extend_schema(
        summary="A course's tasks, in order",
        description="Members of the course: students see published tasks without `config`.",
        parameters=[SLUG_PARAMETER],
        responses={200: TaskSerializer(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add a task to a course",
        parameters=[SLUG_PARAMETER],
        request=TaskSerializer,
        responses={
            201: TaskSerializer,
            202: recompute_accepted(TaskSerializer, "The task, created."),
            **errors(400, 401, 403, 404),
        },
    ),
)
class CourseTaskViewSet(cache.CachedReadMixin, RecomputeJobsMixin, CourseChildViewSet):
    """``courses/{slug}/tasks/``: members read a course's tasks, staff add and reorder them."""

    # ETag and 304 (API.md, Operations), served from learnplat.cache.
    conditional_actions = frozenset({"list"})

    permission_resource = "task"
    action_permissions = {
        "list": [IsCourseMember],
        "create": [IsCourseStaff],
        "reorder": [IsCourseStaff],
    }
    action_serializers = {
        "list": TaskSerializer,
        "create": TaskSerializer,
        "reorder": TaskReorderSerializer,
    }
    # The reorder answers with the list, so LEARNPLAT["SERIALIZERS"]["task_list"] shapes it.
    response_actions = {"reorder": "list"}
    serializer_class = TaskSerializer
    model = Task
    filter_backends = []

    def course_queryset(self, course: Course) -> QuerySet[Task]:
        return Task.objects.for_course(course, self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        # initial() has checked the course's visibility and the caller's membership.
        return self.cached_read(
            depends_on=[cache.course_gen(self.get_course().pk)],
            build=lambda: super(CourseTaskViewSet, self).list(request),
        )

    @extend_schema(
        summary="Put a course's tasks in a new order",
        description="`order` lists every task of the course exactly once; the tasks get the "
        "positions 1, 2, ... in that order. Anything else (a task missing, twice, of "
        "another course, not an id) is a 400 on `order` and changes nothing. Answers what "
        "`GET courses/{slug}/tasks/` then answers: the same page of the tasks, in the new "
        "order.",
        parameters=[SLUG_PARAMETER, *TASK_PAGE_PARAMETERS],
        request=TaskReorderSerializer,
        responses={
            200: TaskSerializer(many=True),
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={404: f"The course is not visible to you, or {PAGE_NOT_FOUND}"},
            ),
        },
    )
    def reorder(self, request: Request, slug: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A page that does not exist is refused before anything is written; a reorder keeps
        # the number of tasks, so a page that exists now exists after it too.
        self.paginate_queryset(self.course_queryset(self.get_course()))
        course = serializer.save()
        page = self.paginate_queryset(self.course_queryset(course))
        return self.get_paginated_response(self.response_serializer(page, many=True).data)


GROUP_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The assignment group's id."
)
_GROUP_WRITE_400 = (
    "Invalid input: a field out of range (`weight` 0 to 100, `drop_lowest` at least 0), a "
    "`name` the course already has, or, under the `weighted` scheme, group weights that "
    "would add up to more than 100 (on `weight`, naming the sum)."
)


def _group_errors(*codes: int) -> dict[int, Any]:
    descriptions = {
        404: "The course is not visible to you, you are not a member of it, or it has no such "
        "group."
    }
    if 400 in codes:
        descriptions[400] = _GROUP_WRITE_400
    return error_responses(*codes, descriptions=descriptions)


@extend_schema_view(
    list=extend_schema(
        summary="A course's assignment groups, in order",
        description="Members of the course (students read, staff write). Under the "
        "`weighted` scheme each group weighs `weight` percent of the course; tasks outside "
        "any group share what the weights leave below 100.",
        parameters=[SLUG_PARAMETER],
        responses={200: AssignmentGroupSerializer(many=True), **_group_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Add an assignment group to a course",
        description="Course staff. The course's progress is recomputed in the same transaction.",
        parameters=[SLUG_PARAMETER],
        request=AssignmentGroupSerializer,
        responses={
            201: AssignmentGroupSerializer,
            202: recompute_accepted(AssignmentGroupSerializer, "The group, created."),
            **_group_errors(400, 401, 403, 404),
        },
    ),
    retrieve=extend_schema(
        summary="An assignment group",
        parameters=[SLUG_PARAMETER, GROUP_ID_PARAMETER],
        responses={200: AssignmentGroupSerializer, **_group_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace an assignment group's fields",
        parameters=[SLUG_PARAMETER, GROUP_ID_PARAMETER],
        request=AssignmentGroupSerializer,
        responses={
            200: AssignmentGroupSerializer,
            202: recompute_accepted(AssignmentGroupSerializer, "The group, changed."),
            **_group_errors(400, 401, 403, 404),
        },
    ),
    partial_update=extend_schema(
        summary="Change an assignment group",
        description="Course staff. A change of `weight` or `drop_lowest` recomputes the "
        "course's progress in the same transaction.",
        parameters=[SLUG_PARAMETER, GROUP_ID_PARAMETER],
        request=AssignmentGroupSerializer,
        responses={
            200: AssignmentGroupSerializer,
            202: recompute_accepted(AssignmentGroupSerializer, "The group, changed."),
            **_group_errors(400, 401, 403, 404),
        },
    ),
    destroy=extend_schema(
        summary="Delete an assignment group",
        description="Course staff. Its tasks stay, outside any group.",
        parameters=[SLUG_PARAMETER, GROUP_ID_PARAMETER],
        responses={
            204: None,
            202: recompute_accepted(None, "The group is deleted."),
            **_group_errors(401, 403, 404),
        },
    ),
)
class AssignmentGroupViewSet(
    RecomputeJobsMixin,
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[AssignmentGroup],
):
    """``courses/{slug}/groups/`` and ``courses/{slug}/groups/{id}/``: course staff manage
    a course's assignment groups, its students read them. Callers who are not members of
    the course get 404, as for an object they cannot see."""

    permission_resource = "assignment_group"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseMember],
        "retrieve": [IsCourseMember],
        "create": [IsCourseStaff],
        "update": [IsCourseStaff],
        "destroy": [IsCourseStaff],
    }
    action_serializers = {
        "list": AssignmentGroupSerializer,
        "retrieve": AssignmentGroupSerializer,
        "create": AssignmentGroupSerializer,
        "update": AssignmentGroupSerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve"}
    serializer_class = AssignmentGroupSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[AssignmentGroup]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return AssignmentGroup.objects.none()
        return AssignmentGroup.objects.filter(course=self.get_course()).order_by("position", "id")

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        # Non-members of a published course may see the course but not its grading set-up:
        # no answer tells them whether a group exists.
        course = (
            getattr(self, "_course", None)
            or Course.objects.filter(slug=self.kwargs.get("slug")).first()
        )
        user = request.user
        if (
            user.is_authenticated
            and course is not None
            and not is_platform_admin(user)
            and Enrollment.objects.role_of(user, course.pk) is None
        ):
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(self.response_serializer(serializer.save()).data)

    def perform_destroy(self, instance: AssignmentGroup) -> None:
        grading_config_flow.delete_group(group=instance, by=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="A course's deadline extensions",
        parameters=[SLUG_PARAMETER],
        responses={200: ExtensionSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    create=extend_schema(
        summary="Grant (or replace) a student's deadline extension",
        description="One extension per student and task, and one per student for the whole "
        "course (`task` null); granting again replaces the date and reason.",
        parameters=[SLUG_PARAMETER],
        request=ExtensionCreateSerializer,
        responses={201: ExtensionSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ExtensionViewSet(CourseChildViewSet):
    """``courses/{slug}/extensions/``: course staff give students their own due dates."""

    permission_resource = "extension"
    action_permissions = {"list": [IsCourseStaff], "create": [IsCourseStaff]}
    action_serializers = {"list": ExtensionSerializer, "create": ExtensionCreateSerializer}
    response_actions = {"create": "list"}
    serializer_class = ExtensionSerializer
    model = Extension
    filterset_class = ExtensionFilter

    def course_queryset(self, course: Course) -> QuerySet[Extension]:
        return Extension.objects.for_course(course)


@extend_schema_view(
    destroy=extend_schema(
        summary="Revoke a deadline extension",
        description="Course staff. The student's submissions are judged by the task's own "
        "dates (or by a course-wide extension) again; their lateness, grades and progress are "
        "recomputed in the same transaction.",
        responses={204: None, **errors(401, 403, 404)},
    ),
)
class ExtensionDetailViewSet(
    CoursesViewMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Extension]
):
    """``extensions/{id}/``: course staff revoke an extension. The student it belongs to
    sees it (403); everyone else gets 404, as for submissions."""

    permission_resource = "extension"
    http_method_names = ["delete", "options"]
    action_permissions = {"destroy": [IsAuthenticated, IsCourseStaff]}
    serializer_class = ExtensionSerializer

    def get_queryset(self) -> QuerySet[Extension]:
        return Extension.objects.visible_to(self.request.user).select_related(
            "user", "course", "task"
        )

    def perform_destroy(self, instance: Extension) -> None:
        deadlines_flow.revoke_extension(extension=instance, by=self.request.user)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A task",
        responses={200: TaskSerializer, **errors(401, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a task",
        request=TaskSerializer,
        responses={
            200: TaskSerializer,
            202: recompute_accepted(TaskSerializer, "The task, changed."),
            **errors(400, 401, 403, 404),
        },
    ),
    destroy=extend_schema(
        summary="Delete a task with its submissions",
        responses={
            204: None,
            202: recompute_accepted(None, "The task is deleted."),
            **errors(401, 403, 404),
        },
    ),
)
class TaskViewSet(
    cache.CachedReadMixin,
    RecomputeJobsMixin,
    CoursesViewMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Task],
):
    """``tasks/{id}/``: members read a task they can see, course staff change it."""

    # ETag and 304 (API.md, Operations), served from learnplat.cache.
    conditional_actions = frozenset({"retrieve"})

    permission_resource = "task"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_aliases = {"partial_update": "update"}
    # Anonymous callers see no task at all: a 401 says "log in", as on every endpoint that
    # needs an account (a 404 would say "no such task").
    action_permissions = {
        "retrieve": [IsAuthenticated, IsCourseMember],
        "update": [IsAuthenticated, IsCourseStaff],
        "destroy": [IsAuthenticated, IsCourseStaff],
        "release": [IsAuthenticated, IsCourseStaff],
    }
    action_serializers = {
        "retrieve": TaskSerializer,
        "update": TaskSerializer,
        "release": TaskSerializer,
    }
    serializer_class = TaskSerializer

    def get_queryset(self) -> QuerySet[Task]:
        return Task.objects.visible_to(self.request.user).select_related("course")

    def visible_task(self) -> Task:
        """The task in the URL if the caller may see it, after its object permissions."""
        task: Task = super().get_object()
        return task

    def get_object(self) -> Task:
        task = self.visible_task()
        published_only = not sees_all_tasks(self.request.user, task.course_id)
        # Read after the lookup: whether unpublished prerequisites show depends on the
        # caller's role in this task's course.
        attach_prerequisite_ids([task], published_only=published_only)
        return task

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        # The lookup is the visibility check: it runs on every read, the cached ones too.
        task = self.visible_task()

        def build() -> Response:
            published_only = not sees_all_tasks(request.user, task.course_id)
            attach_prerequisite_ids([task], published_only=published_only)
            return Response(self.get_serializer(task).data)

        return self.cached_read(depends_on=[cache.course_gen(task.course_id)], build=build)

    def perform_destroy(self, instance: Task) -> None:
        authoring_flow.delete_task(task=instance)

    @extend_schema(
        summary="Release a task's scores to its students",
        description="Course staff. Sets `released_at`: from now on every student sees the "
        "scores, feedback and evaluation details of their submissions to the task (an "
        "`after_due` task is released early, also to students whose extension still runs). "
        "Records a `release` entry in each graded submission's history and sends each "
        "student with a graded submission one `grades_released` notification.",
        request=None,
        responses={
            200: TaskSerializer,
            **errors(
                401,
                403,
                404,
                conflict="`already_released` (the task is `immediate` or was released before)",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        released = release_flow.release_task(task=task, by=request.user)
        attach_prerequisite_ids(
            [released], published_only=not sees_all_tasks(request.user, released.course_id)
        )
        return Response(self.response_serializer(released).data)


RUBRIC_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The rubric's id."
)
_RUBRIC_404 = (
    "The course is not visible to you, you are not on its staff, or it has no such rubric."
)
_RUBRIC_400 = (
    "Invalid input, on the field: no criteria, a criterion without levels, two levels of "
    "one criterion worth the same points, negative points, or a rubric worth more points "
    "than the `max_score` of a task that uses it."
)


def _rubric_errors(*codes: int, conflict: str | None = None) -> dict[int, Any]:
    descriptions = {404: _RUBRIC_404}
    if 400 in codes:
        descriptions[400] = _RUBRIC_400
    if conflict:
        codes = (*codes, 409)
        descriptions[409] = f"The current state does not allow this; `code`: {conflict}."
    return error_responses(*sorted(set(codes)), descriptions=descriptions)


SECTION_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The section's id."
)
_SECTION_404 = "The course is not visible to you, you do not teach it, or it has no such section."
_SECTION_400 = (
    "Invalid input, on the field: an empty or taken name, a staff member who is not an "
    "instructor or assistant of the course, a task of another course, or a date outside "
    "the task's own opens_at/closes_at window."
)


def _section_errors(*codes: int) -> dict[int, Any]:
    descriptions = {404: _SECTION_404}
    if 400 in codes:
        descriptions[400] = _SECTION_400
    if 403 in codes:
        descriptions[403] = "An assistant of the course: assistants read sections only."
    if 400 in codes:
        # The name check and the insert race only against another write of the same name.
        codes = (*codes, 409)
        descriptions[409] = (
            "The current state does not allow this; `code`: `conflict` (a section of that "
            "name was written at the same moment)."
        )
    return error_responses(*codes, descriptions=descriptions)


@extend_schema_view(
    list=extend_schema(
        summary="A course's sections, by name",
        description="Instructors and assistants of the course, and platform admins; anyone "
        "else authenticated gets 404.",
        parameters=[SLUG_PARAMETER],
        responses={200: SectionSerializer(many=True), **_section_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Add a section to a course",
        description="Instructors. `staff` and `dates` default to empty.",
        parameters=[SLUG_PARAMETER],
        request=SectionSerializer,
        responses={201: SectionSerializer, **_section_errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="A section",
        parameters=[SLUG_PARAMETER, SECTION_ID_PARAMETER],
        responses={200: SectionSerializer, **_section_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace a section",
        description="Instructors. `staff` and `dates` are replaced whole; the lateness of "
        "the section's students' submissions is recomputed for tasks whose dates changed.",
        parameters=[SLUG_PARAMETER, SECTION_ID_PARAMETER],
        request=SectionSerializer,
        responses={200: SectionSerializer, **_section_errors(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a section",
        description="As PUT; `staff` and `dates`, when sent, replace the old ones whole.",
        parameters=[SLUG_PARAMETER, SECTION_ID_PARAMETER],
        request=SectionSerializer,
        responses={200: SectionSerializer, **_section_errors(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Delete a section",
        description="Instructors. Its students keep their enrollment with no section and "
        "the task's own dates apply to them again.",
        parameters=[SLUG_PARAMETER, SECTION_ID_PARAMETER],
        responses={204: None, **_section_errors(401, 403, 404)},
    ),
)
class SectionViewSet(
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Section],
):
    """``courses/{slug}/sections/`` and ``courses/{slug}/sections/{id}/``: the course's
    instructors manage its sections, assistants read them. Students and outsiders get 404."""

    permission_resource = "section"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseStaff],
        "retrieve": [IsCourseStaff],
        "create": [IsCourseInstructor],
        "update": [IsCourseInstructor],
        "destroy": [IsCourseInstructor],
        "assign": [IsCourseInstructor],
    }
    action_serializers = {
        "list": SectionSerializer,
        "retrieve": SectionSerializer,
        "create": SectionSerializer,
        "update": SectionSerializer,
        "assign": SectionAssignSerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve"}
    serializer_class = SectionSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Section]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return Section.objects.none()
        return section_listing(Section.objects.filter(course=self.get_course()))

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        # A student learns nothing of the course's sections; an assistant who may read them
        # but not change them gets the 403 of the permission.
        if (
            request.user.is_authenticated
            and not Course.objects.filter(slug=self.kwargs["slug"]).taught_by(request.user).exists()
        ):
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def _answer(self, section: Section, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = section_listing(Section.objects.filter(pk=section.pk)).get()
        return Response(self.response_serializer(fresh).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    def perform_destroy(self, instance: Section) -> None:
        sections_flow.delete_section(section=instance, by=self.request.user)

    @extend_schema(
        summary="Assign students to sections from a CSV",
        description=(
            "Instructors. A multipart body with the CSV `file` and `dry_run` (default true). "
            "The header is `username,section` (any case); each row names a student of the "
            "course by username (any case) and a section by name (empty: no section). "
            "Answers every move (`old_section` → `new_section`; rows that change nothing "
            "are left out) and every row error (`row` is the CSV line; the header is 1): "
            "an unknown user, a user who is not a student of the course, an unknown "
            "section, a user on two rows, a row without exactly two cells. With "
            "`dry_run=false` and no errors every move is applied in one transaction "
            "(`applied: true`) and the moved students' lateness recomputed. Nothing is "
            "written on a dry run or when any row has an error. Same limits and encoding "
            "as the gradebook import."
        ),
        parameters=[SLUG_PARAMETER],
        request={"multipart/form-data": SectionAssignSerializer},
        responses={
            200: SectionAssignResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                413,
                descriptions={
                    400: "No `file`, or a file that is not UTF-8 CSV, is empty or whose "
                    "header is not `username,section` (`invalid_file`), or with more than "
                    "`IMPORT_MAX_ROWS` rows (`too_many_rows`).",
                    403: "An assistant of the course: instructors assign sections.",
                    404: _SECTION_404,
                    413: "The file is larger than `IMPORT_MAX_BYTES` (`file_too_large`).",
                },
            ),
        },
    )
    def assign(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_course()
        limit = int(settings.GRADING["IMPORT_MAX_BYTES"])
        refuse_oversized_upload(request, limit)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size is not None and upload.size > limit:
            raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
        result = sections_flow.assign_sections(
            course=course,
            rows=read_csv(upload),
            by=request.user,
            dry_run=serializer.validated_data["dry_run"],
        )
        return Response(section_assign_json(result))


@extend_schema_view(
    list=extend_schema(
        summary="A course's rubrics (current versions), by title",
        description="Course staff (instructors, assistants) and platform admins; anyone else "
        "authenticated gets 404.",
        parameters=[SLUG_PARAMETER],
        responses={200: RubricSerializer(many=True), **_rubric_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Add a rubric to a course",
        description="Criteria and their levels are written in list order.",
        parameters=[SLUG_PARAMETER],
        request=RubricSerializer,
        responses={201: RubricSerializer, **_rubric_errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="A rubric (any version)",
        parameters=[SLUG_PARAMETER, RUBRIC_ID_PARAMETER],
        responses={200: RubricSerializer, **_rubric_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace a rubric",
        description="A rubric used to grade (`in_use`) is not changed: the answer is a new "
        "version (new `id`, `version` + 1) and the tasks of the old one use it from now on; "
        "submissions graded before keep the old version's criteria and levels. A rubric "
        "not in use is changed in place (its criteria and levels get new ids).",
        parameters=[SLUG_PARAMETER, RUBRIC_ID_PARAMETER],
        request=RubricSerializer,
        responses={
            200: RubricSerializer,
            **_rubric_errors(400, 401, 404, conflict="`rubric_superseded` (an old version)"),
        },
    ),
    partial_update=extend_schema(
        summary="Change a rubric",
        description="As PUT; `criteria`, when sent, replace the old ones whole.",
        parameters=[SLUG_PARAMETER, RUBRIC_ID_PARAMETER],
        request=RubricSerializer,
        responses={
            200: RubricSerializer,
            **_rubric_errors(400, 401, 404, conflict="`rubric_superseded` (an old version)"),
        },
    ),
    destroy=extend_schema(
        summary="Delete a rubric",
        description="Only a rubric no task uses and nobody graded with.",
        parameters=[SLUG_PARAMETER, RUBRIC_ID_PARAMETER],
        responses={204: None, **_rubric_errors(401, 404, conflict="`rubric_in_use`")},
    ),
)
class RubricViewSet(
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Rubric],
):
    """``courses/{slug}/rubrics/`` and ``courses/{slug}/rubrics/{id}/``: course staff
    manage a course's rubrics. Students and outsiders get 404: a rubric is grading set-up."""

    permission_resource = "rubric"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseStaff],
        "retrieve": [IsCourseStaff],
        "create": [IsCourseStaff],
        "update": [IsCourseStaff],
        "destroy": [IsCourseStaff],
        "copy": [IsCourseStaff],
    }
    action_serializers = {
        "list": RubricSerializer,
        "retrieve": RubricSerializer,
        "create": RubricSerializer,
        "update": RubricSerializer,
        "copy": RubricCopySerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve", "copy": "retrieve"}
    serializer_class = RubricSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Rubric]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return Rubric.objects.none()
        rubrics = Rubric.objects.filter(course=self.get_course())
        if self.action == "list":
            rubrics = rubrics.filter(is_current=True)
        return rubric_listing(rubrics.order_by("title", "id"))

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        # Authenticated callers who are not on the course's staff learn nothing of its
        # rubrics, not even that the course has any.
        if request.user.is_authenticated:
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def _answer(self, rubric: Rubric, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = rubric_listing(Rubric.objects.filter(pk=rubric.pk)).get()
        return Response(self.response_serializer(fresh).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    def perform_destroy(self, instance: Rubric) -> None:
        rubrics_flow.delete_rubric(rubric=instance)

    @extend_schema(
        summary="Copy a rubric to another course",
        description="Course staff of both courses: a new rubric (version 1) with the same "
        "criteria and levels in the course named by `course`. A target course you cannot "
        "see is a 404, one you see but do not teach a 403.",
        parameters=[SLUG_PARAMETER, RUBRIC_ID_PARAMETER],
        request=RubricCopySerializer,
        responses={201: RubricSerializer, **_rubric_errors(400, 401, 403, 404)},
    )
    def copy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rubric = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = Course.objects.visible_one(request.user, serializer.validated_data["course"])
        if target is None:
            raise Http404
        if not IsCourseStaff().has_object_permission(request, self, target):
            raise Forbidden(
                "You may copy rubrics only to courses you teach.", code="permission_denied"
            )
        copy = rubrics_flow.copy_rubric(rubric=rubric, course=target, by=request.user)
        return self._answer(copy, status.HTTP_201_CREATED)


ACCOMMODATION_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The accommodation's id."
)
_ACCOMMODATION_404 = (
    "The course is not visible to you, you are not on its staff, or it has no such accommodation."
)
_ACCOMMODATION_400 = (
    "Invalid input, on the field: `user` not an enrolled student of the course or already "
    "accommodated, `time_multiplier` not in (0, 10], negative `extra_late_days` or "
    "`bonus_submissions`, an unknown field."
)


def _accommodation_errors(*codes: int) -> dict[int, Any]:
    descriptions = {404: _ACCOMMODATION_404}
    if 400 in codes:
        descriptions[400] = _ACCOMMODATION_400
    return error_responses(*codes, descriptions=descriptions)


@extend_schema_view(
    list=extend_schema(
        summary="A course's accommodations",
        description="Course staff (instructors, assistants) and platform admins; anyone else "
        "authenticated gets 404. Filter by `user`.",
        parameters=[SLUG_PARAMETER],
        responses={200: AccommodationSerializer(many=True), **_accommodation_errors(400, 401, 404)},
    ),
    create=extend_schema(
        summary="Give a student an accommodation",
        description="One per student: a second one for the same student is a 400 on `user`.",
        parameters=[SLUG_PARAMETER],
        request=AccommodationCreateSerializer,
        responses={201: AccommodationSerializer, **_accommodation_errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="An accommodation",
        parameters=[SLUG_PARAMETER, ACCOMMODATION_ID_PARAMETER],
        responses={200: AccommodationSerializer, **_accommodation_errors(401, 404)},
    ),
    partial_update=extend_schema(
        summary="Change an accommodation",
        description="The fields sent change; fewer `extra_late_days` never take back days "
        "already spent.",
        parameters=[SLUG_PARAMETER, ACCOMMODATION_ID_PARAMETER],
        request=AccommodationUpdateSerializer,
        responses={200: AccommodationSerializer, **_accommodation_errors(400, 401, 404)},
    ),
    destroy=extend_schema(
        summary="Remove an accommodation",
        parameters=[SLUG_PARAMETER, ACCOMMODATION_ID_PARAMETER],
        responses={204: None, **_accommodation_errors(401, 404)},
    ),
)
class AccommodationViewSet(
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Accommodation],
):
    """``courses/{slug}/accommodations/`` and ``.../accommodations/{id}/``: course staff
    manage what single students get beyond the rules. Students and outsiders get 404: an
    accommodation is private to its student and the staff."""

    permission_resource = "accommodation"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseStaff],
        "retrieve": [IsCourseStaff],
        "create": [IsCourseStaff],
        "update": [IsCourseStaff],
        "destroy": [IsCourseStaff],
    }
    action_serializers = {
        "list": AccommodationSerializer,
        "retrieve": AccommodationSerializer,
        "create": AccommodationCreateSerializer,
        "update": AccommodationUpdateSerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve"}
    serializer_class = AccommodationSerializer
    filter_backends = [FilterBackend]
    filterset_class = AccommodationFilter

    def get_queryset(self) -> QuerySet[Accommodation]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return Accommodation.objects.none()
        return (
            Accommodation.objects.filter(course=self.get_course())
            .select_related("user")
            .order_by("user_id", "id")
        )

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        if request.user.is_authenticated:
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs.pop("partial", None)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self.response_serializer(serializer.save()).data)

    def perform_destroy(self, instance: Accommodation) -> None:
        accommodations_flow.delete_accommodation(accommodation=instance)


# -- forming groups ----------------------------------------------------------------------

GROUP_SET_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group set's id."
)
_GROUP_SET_404 = (
    "The course is not visible to you, you are not a member of it, or it has no such group set."
)
_GROUP_SET_400 = (
    "Invalid input, on the field: an empty or taken `name`, `min_size` below 1, `max_size` "
    "below `min_size` or above 50 or below the size of a group of the set, an unknown field."
)


def _group_set_errors(*codes: int, conflict: str | None = None) -> dict[int, Any]:
    descriptions = {404: _GROUP_SET_404}
    if 400 in codes:
        descriptions[400] = _GROUP_SET_400
    if 403 in codes:
        descriptions[403] = "A student of the course: only its staff change group sets."
    if conflict:
        codes = (*codes, 409)
        descriptions[409] = f"The current state does not allow this; `code`: {conflict}."
    return error_responses(*codes, descriptions=descriptions)


_NAME_RACE = "`conflict` (another write of the same name at the same moment)"


@extend_schema_view(
    list=extend_schema(
        summary="A course's group sets",
        description="Members of the course (students too) and platform admins; anyone else "
        "authenticated gets 404.",
        parameters=[SLUG_PARAMETER],
        responses={200: GroupSetSerializer(many=True), **_group_set_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Add a group set to a course",
        description="Course staff (instructors, assistants).",
        parameters=[SLUG_PARAMETER],
        request=GroupSetSerializer,
        responses={
            201: GroupSetSerializer,
            **_group_set_errors(400, 401, 403, 404, conflict=_NAME_RACE),
        },
    ),
    retrieve=extend_schema(
        summary="A group set",
        parameters=[SLUG_PARAMETER, GROUP_SET_ID_PARAMETER],
        responses={200: GroupSetSerializer, **_group_set_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace a group set",
        parameters=[SLUG_PARAMETER, GROUP_SET_ID_PARAMETER],
        request=GroupSetSerializer,
        responses={
            200: GroupSetSerializer,
            **_group_set_errors(400, 401, 403, 404, conflict=_NAME_RACE),
        },
    ),
    partial_update=extend_schema(
        summary="Change a group set",
        description="The fields sent change. `max_size` never drops below the largest "
        "group's size; a new `min_size` applies from the next submission on.",
        parameters=[SLUG_PARAMETER, GROUP_SET_ID_PARAMETER],
        request=GroupSetSerializer,
        responses={
            200: GroupSetSerializer,
            **_group_set_errors(400, 401, 403, 404, conflict=_NAME_RACE),
        },
    ),
    destroy=extend_schema(
        summary="Delete a group set with its groups",
        description="Refused while a task uses the set or one of its groups has submitted.",
        parameters=[SLUG_PARAMETER, GROUP_SET_ID_PARAMETER],
        responses={
            204: None,
            **_group_set_errors(401, 403, 404, conflict="`group_set_in_use`"),
        },
    ),
)
class GroupSetViewSet(
    CourseChildViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[GroupSet],
):
    """``courses/{slug}/group-sets/`` and ``.../group-sets/{id}/``: the course's staff manage
    its group sets, its students read them (to form groups). Outsiders get 404."""

    permission_resource = "group_set"
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsCourseMember],
        "retrieve": [IsCourseMember],
        "create": [IsCourseStaff],
        "update": [IsCourseStaff],
        "destroy": [IsCourseStaff],
    }
    action_serializers = {
        "list": GroupSetSerializer,
        "retrieve": GroupSetSerializer,
        "create": GroupSetSerializer,
        "update": GroupSetSerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve"}
    serializer_class = GroupSetSerializer

    def get_queryset(self) -> QuerySet[GroupSet]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course
            return GroupSet.objects.none()
        return GroupSet.objects.filter(course=self.get_course()).order_by("name", "id")

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        # Non-members learn nothing of the course's group sets; a student who reads them
        # but may not change them gets the 403 of the permission.
        if request.user.is_authenticated and not IsCourseMember().has_object_permission(
            request, self, Course.objects.get(slug=self.kwargs["slug"])
        ):
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def perform_destroy(self, instance: GroupSet) -> None:
        group_formation_flow.delete_group_set(group_set=instance)


GROUP_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group's id."
)
_SET_PK_PARAMETER = OpenApiParameter(
    "set_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group set's id."
)
_GROUP_404 = (
    "No such group, or you may not see it: groups are seen by the course's staff, their "
    "members and the students invited to them."
)
_GROUPS_OF_SET_404 = "No such group set, or you are not a member of its course."
_GROUP_CONFLICTS = {
    "create": "`already_in_group` (you, or one of `members`, is in a group of the set), "
    + _NAME_RACE,
    "update": "`group_locked` (the group has submitted: members are frozen), "
    "`already_in_group` (one of `members` is in another group of the set), " + _NAME_RACE,
    "destroy": "`group_locked` (the group has submitted)",
    "invite": "`group_locked`, `group_full` (the group has `max_size` members), "
    "`already_in_group` (the student is in a group of the set), `not_enrolled` (no enrolled "
    "student of the course has that username)",
    "accept": "`group_locked`, `group_full`, `already_in_group`, `not_enrolled` (you are no "
    "longer an enrolled student)",
    "leave": "`group_locked` (the group has submitted: members are frozen)",
}
_SELF_SIGNUP_403 = "`self_signup_closed`: the set's groups are formed by the course staff"


def _student_group_errors(
    *codes: int,
    conflict: str | None = None,
    forbidden: str | None = None,
    not_found: str = _GROUP_404,
) -> dict[int, Any]:
    codes = (*codes, 404)
    descriptions = {404: not_found}
    if 400 in codes:
        descriptions[400] = "Invalid input, on the field."
    if forbidden:
        codes = (*codes, 403)
        descriptions[403] = f"You may see this group but not do this; `code`: {forbidden}."
    if conflict:
        codes = (*codes, 409)
        descriptions[409] = f"The current state does not allow this; `code`: {conflict}."
    return error_responses(*sorted(set(codes)), descriptions=descriptions)


class StudentGroupViewSet(
    CoursesViewMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[StudentGroup],
):
    """``group-sets/{set_pk}/groups/`` (list, create) and ``groups/{id}/`` with its actions
    (invite, accept, decline, leave): forming groups (docs/accommodations.md, Groups).

    Who sees a group: the course's staff, its members, and the students with a pending
    invitation to it; anyone else gets 404. What each may do is the flow's business
    (:mod:`learnplat.flows.group_formation`) beyond the staff-only edit and delete."""

    permission_resource = "group"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_aliases = {"partial_update": "update"}
    action_permissions = {
        "list": [IsAuthenticated],
        "create": [IsAuthenticated],
        "retrieve": [IsAuthenticated],
        "update": [IsAuthenticated, IsCourseStaff],
        "destroy": [IsAuthenticated, IsCourseStaff],
        "invite": [IsAuthenticated],
        "accept": [IsAuthenticated],
        "decline": [IsAuthenticated],
        "leave": [IsAuthenticated],
    }
    action_serializers = {
        "list": StudentGroupSerializer,
        "retrieve": StudentGroupSerializer,
        "create": StudentGroupCreateSerializer,
        "update": StudentGroupUpdateSerializer,
        "invite": GroupInviteSerializer,
    }
    response_actions = {"create": "retrieve", "update": "retrieve", "accept": "retrieve"}
    serializer_class = StudentGroupSerializer

    def get_queryset(self) -> QuerySet[StudentGroup]:
        groups = groups_visible_to(
            self.request.user, StudentGroup.objects.select_related("group_set__course")
        )
        return group_listing(groups.order_by("name", "id"))

    def _group_set(self) -> GroupSet:
        """The group set of the URL, if the caller is a member of its course (else 404)."""
        group_set = (
            GroupSet.objects.select_related("course")
            .filter(
                pk=self.kwargs["set_pk"],
                course__in=Course.objects.visible_to(self.request.user),
            )
            .first()
        )
        if group_set is None or not IsCourseMember().has_object_permission(
            self.request, self, group_set
        ):
            raise Http404
        return group_set

    def _is_staff(self, group_set: GroupSet) -> bool:
        return IsCourseStaff().has_object_permission(self.request, self, group_set)

    def _answer(self, group: StudentGroup, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = group_listing(
            StudentGroup.objects.select_related("group_set__course").filter(pk=group.pk)
        ).get()
        return Response(self.response_serializer(fresh).data, status=status_code)

    @extend_schema(
        summary="The groups of a group set",
        description="Course staff get every group of the set; a student gets the group they "
        "are in and the ones they are invited to. By name.",
        parameters=[_SET_PK_PARAMETER],
        responses={
            200: StudentGroupSerializer(many=True),
            **_student_group_errors(401, not_found=_GROUPS_OF_SET_404),
        },
    )
    def list(self, request: Request, set_pk: str | None = None) -> Response:
        groups = self.get_queryset().filter(group_set=self._group_set())
        page = self.paginate_queryset(groups)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Create a group",
        description="A student (when the set has `self_signup`) creates a group with "
        "themselves its only member, then invites the others; course staff form one with "
        "`members` (enrolled students, at most `max_size`; fewer than `min_size` is allowed "
        "while forming).",
        parameters=[_SET_PK_PARAMETER],
        request=StudentGroupCreateSerializer,
        responses={
            201: StudentGroupSerializer,
            **_student_group_errors(
                400,
                401,
                conflict=_GROUP_CONFLICTS["create"],
                forbidden=_SELF_SIGNUP_403 + "; `not_enrolled`: you are not a student",
                not_found=_GROUPS_OF_SET_404,
            ),
        },
    )
    def create(self, request: Request, set_pk: str | None = None) -> Response:
        group_set = self._group_set()
        serializer = self.get_serializer(
            data=request.data,
            context={
                **self.get_serializer_context(),
                "group_set": group_set,
                "as_staff": self._is_staff(group_set),
            },
        )
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    @extend_schema(
        summary="A group",
        parameters=[GROUP_ID_PARAMETER],
        responses={200: StudentGroupSerializer, **_student_group_errors(401)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Change a group (staff)",
        description="Rename it, or replace its members whole (refused once it submitted).",
        parameters=[GROUP_ID_PARAMETER],
        request=StudentGroupUpdateSerializer,
        responses={
            200: StudentGroupSerializer,
            **_student_group_errors(
                400,
                401,
                conflict=_GROUP_CONFLICTS["update"],
                forbidden="`permission_denied`: only the course's staff edit groups",
            ),
        },
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    @extend_schema(
        summary="Dissolve a group (staff)",
        description="Only a group that has not submitted.",
        parameters=[GROUP_ID_PARAMETER],
        responses={
            204: None,
            **_student_group_errors(
                401,
                conflict=_GROUP_CONFLICTS["destroy"],
                forbidden="`permission_denied`: only the course's staff dissolve groups",
            ),
        },
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: StudentGroup) -> None:
        group_formation_flow.delete_group(group=instance)

    @extend_schema(
        summary="Invite a student into your group",
        description="A member invites an enrolled student of the course by username. "
        "Inviting someone already invited gives back the pending invitation (200).",
        parameters=[GROUP_ID_PARAMETER],
        request=GroupInviteSerializer,
        responses={
            201: GroupInvitationSerializer,
            200: GroupInvitationSerializer,
            **_student_group_errors(
                400,
                401,
                conflict=_GROUP_CONFLICTS["invite"],
                forbidden=_SELF_SIGNUP_403 + "; `permission_denied`: you are not a member",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, created = group_formation_flow.invite(
            group=group, by=request.user, username=serializer.validated_data["username"]
        )
        return Response(
            GroupInvitationSerializer(invitation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Accept an invitation into a group",
        description="The invited student joins the group; their other pending invitations "
        "in the set are cancelled.",
        parameters=[GROUP_ID_PARAMETER],
        request=None,
        responses={
            200: StudentGroupSerializer,
            **_student_group_errors(
                401,
                conflict=_GROUP_CONFLICTS["accept"],
                forbidden=_SELF_SIGNUP_403,
                not_found=_GROUP_404 + " Also: you have no pending invitation to it.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        group = group_formation_flow.accept_invitation(group=self.get_object(), user=request.user)
        return self._answer(group)

    @extend_schema(
        summary="Decline an invitation into a group",
        parameters=[GROUP_ID_PARAMETER],
        request=None,
        responses={
            200: GroupInvitationSerializer,
            **_student_group_errors(
                401, not_found=_GROUP_404 + " Also: you have no pending invitation to it."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        invitation = group_formation_flow.decline_invitation(
            group=self.get_object(), user=request.user
        )
        return Response(
            GroupInvitationSerializer(invitation, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Leave your group",
        description="The last member out dissolves the group.",
        parameters=[GROUP_ID_PARAMETER],
        request=None,
        responses={
            204: None,
            **_student_group_errors(
                401,
                conflict=_GROUP_CONFLICTS["leave"],
                forbidden=_SELF_SIGNUP_403,
                not_found=_GROUP_404 + " Also: you are not a member of it.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        group_formation_flow.leave_group(group=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
