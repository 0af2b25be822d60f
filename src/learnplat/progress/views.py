"""The progress and gradebook endpoints (docs/progress.md).

Permission and serializer keys (docs/permissions.md)::

    LEARNPLAT = {
        "PERMISSIONS": {
            "progress_list": ...,         # GET progress/              default: IsAuthenticated
            "progress_upcoming": ...,     # GET progress/upcoming/        default: IsAuthenticated
            "progress_course": ...,       # GET courses/{slug}/progress/  default: IsAuthenticated
            "gradebook_retrieve": ...,    # GET courses/{slug}/gradebook/ default: IsCourseStaff
            "gradebook_import": ...,      # POST courses/{slug}/gradebook/import/
                                          #                                default: IsCourseStaff
        }
    }

Each endpoint runs a fixed number of queries whatever the number of students, tasks and
submissions (tests/progress/test_query_counts.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from learnplat import cache
from learnplat.api import LearnplatViewMixin, not_found, refuse_oversized_upload
from learnplat.conf import settings
from learnplat.courses.choices import CourseRole, ReleaseMode
from learnplat.courses.models import Course, Enrollment, Section
from learnplat.courses.permissions import IsCourseStaff
from learnplat.courses.querysets import in_section, within_sections
from learnplat.exceptions import Forbidden, InvalidInput, PayloadTooLarge
from learnplat.filters import KeyedSearchFilter
from learnplat.flows import gradebook_import
from learnplat.pagination import LearnplatPagination
from learnplat.progress.exports import csv_groups, gradebook_csv
from learnplat.progress.models import RecomputeJob
from learnplat.progress.preview import Proposal, preview
from learnplat.progress.querysets import (
    gradebook_students,
    group_sets_of,
    my_course_enrollments,
    published_tasks,
    upcoming_tasks,
)
from learnplat.progress.renderers import CSVRenderer
from learnplat.progress.reports import (
    course_report,
    empty_figures,
    reports_of_enrollments,
    reports_of_students,
    rule_of,
    stream_gradebook,
)
from learnplat.progress.serializers import (
    CourseProgressSerializer,
    GradebookImportResultSerializer,
    GradebookImportSerializer,
    GradebookRowSerializer,
    GradebookTaskSerializer,
    GradingPreviewResultSerializer,
    GradingPreviewSerializer,
    RecomputeJobSerializer,
    UpcomingQuerySerializer,
    UpcomingSerializer,
    gradebook_import_json,
    preview_json,
)
from learnplat.schema import error_responses
from learnplat.submissions.anonymity import masked_task_ids


def next_release(reports: list[Any]) -> datetime | None:
    """When the first of the reports' ``after_due`` tasks releases its scores by itself (a
    cached report stops being true then)."""
    now = timezone.now()
    moments = [
        due
        for report in reports
        for task in report.tasks
        if task.release == ReleaseMode.AFTER_DUE and task.released_at is None
        for due in (getattr(task, "effective_due_at", None), task.due_at)
        if due is not None and due > now
    ]
    return min(moments, default=None)


class ProgressListView(cache.CachedReadMixin, LearnplatViewMixin, generics.ListAPIView):
    """``GET progress/``: the caller's progress in every course they take."""

    permission_resource = "progress"
    action = "list"
    action_permissions = {"list": [IsAuthenticated]}
    action_serializers = {"list": CourseProgressSerializer}

    def get_queryset(self) -> QuerySet[Enrollment]:
        return my_course_enrollments(self.request.user)

    @extend_schema(
        summary="My progress in every course",
        description=(
            "One entry per course the caller is an active student of (courses they can "
            "see), ordered by course title. Courses without a submission yet show zeros. "
            "`tasks` lists the published tasks in course order."
        ),
        responses={200: CourseProgressSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        me: Any = request.user

        def build() -> Response:
            page = self.paginate_queryset(self.get_queryset())
            reports = reports_of_enrollments(page or [], me)
            self.valid_until(next_release(reports))
            return self.get_paginated_response(self.get_serializer(reports, many=True).data)

        def courses() -> list[str]:
            taken = Enrollment.objects.filter(user_id=me.pk).values_list("course_id", flat=True)
            return [cache.course_gen(pk) for pk in taken]

        return self.cached_read(depends_on=[cache.user_gen(me.pk)], more=courses, build=build)


class UpcomingView(LearnplatViewMixin, generics.ListAPIView):
    """``GET progress/upcoming/``: the caller's to-do across the courses they take."""

    permission_resource = "progress"
    action = "upcoming"
    action_permissions = {"upcoming": [IsAuthenticated]}
    action_serializers = {"upcoming": UpcomingSerializer}

    def get_queryset(self) -> QuerySet[Any]:
        # A plain dict: DRF reads a missing boolean of a QueryDict as an unticked checkbox.
        query = UpcomingQuerySerializer(data=self.request.query_params.dict())
        if not query.is_valid():
            raise InvalidInput(query.errors)
        now = timezone.now()
        return upcoming_tasks(
            self.request.user,
            now=now,
            until=now + timedelta(days=query.validated_data["days"]),
            include_overdue=query.validated_data["overdue"],
        )

    @extend_schema(
        summary="My upcoming and overdue tasks",
        description=(
            "The published, not completed tasks of the published courses the caller takes "
            "as an active student (courses they teach or assist do not count) whose "
            "effective due date (`effective_due_at`, their extension applied) falls within "
            "the next `days` days, and, unless `overdue=false`, those already past it that "
            "still accept work (status `overdue`, or `pending` / `needs_review` when an "
            "attempt waits for a grade). Soonest effective due date first, so overdue tasks "
            "lead."
        ),
        parameters=[UpcomingQuerySerializer],
        responses={
            200: UpcomingSerializer(many=True),
            **error_responses(
                400,
                401,
                descriptions={
                    400: "`days` is not a whole number from 1 to 365, or `overdue` not a boolean."
                },
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CourseScopedView(LearnplatViewMixin, generics.GenericAPIView):
    """A view under ``courses/{slug}/``: 404 unless the caller may see the course, then the
    action's object permissions against it (a 403 for those who see it but may not act)."""

    _course: Course | None = None

    def get_course(self) -> Course:
        if self._course is None:
            course = Course.objects.visible_one(self.request.user, self.kwargs["slug"])
            if course is None:
                raise not_found()
            self.check_object_permissions(self.request, course)
            self._course = course
        return self._course


class CourseProgressView(cache.CachedReadMixin, CourseScopedView):
    """``GET courses/{slug}/progress/``: a student's progress in one course."""

    permission_resource = "progress"
    action = "course"
    # ETag and 304 (API.md, Operations), served from learnplat.cache.
    conditional_actions = frozenset({"course"})
    action_permissions = {"course": [IsAuthenticated]}
    action_serializers = {"course": CourseProgressSerializer}

    def target_user(self, course: Course) -> Any:
        """The caller, or for course staff the student named by ``?user=``.

        Anyone else naming another user gets a 404, as if that user had no progress here.
        """
        me: Any = self.request.user
        raw = self.request.query_params.get("user")
        if raw is None or raw == str(me.pk):
            # The caller's active role, read (and cached for the request) with the course.
            if Enrollment.objects.role_of(me, course) != CourseRole.STUDENT:
                raise Forbidden("You are not enrolled in this course.", code="not_enrolled")
            return me
        if not IsCourseStaff().has_object_permission(self.request, self, course):
            raise not_found()
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if not raw.isdecimal():
            raise InvalidInput({"user": ["A valid user id is required."]})
        enrollment = (
            Enrollment.objects.students()
            .filter(course=course, user_id=int(raw))
            .select_related("user")
            .first()
        )
        if enrollment is None:
            raise not_found()
        return enrollment.user

    @extend_schema(
        summary="Progress in one course",
        description=(
            "The caller's own progress (they must be an active student of the course: "
            "otherwise 403 `not_enrolled`). Course staff and platform admins may pass "
            "`?user=<id>` for any student of the course, dropped ones included; for anyone "
            "else another user's id is a 404."
        ),
        parameters=[
            OpenApiParameter(
                "user",
                OpenApiTypes.INT,
                description="Course staff only: the student whose progress to show.",
            )
        ],
        responses={
            200: CourseProgressSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={
                    400: "`?user=` is not a user id (course staff only).",
                    403: "`not_enrolled`: the caller is not an active student of the course.",
                    404: "No such course visible to the caller, or no such student in it.",
                },
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        # Who may read whose progress is checked on every read, the cached ones too.
        course = self.get_course()
        user = self.target_user(course)

        def build() -> Response:
            # Course staff looking at a student see every score; a student what is released.
            # Staff do not see the tasks graded anonymously and not released (decision 0021).
            report = course_report(
                course, user, student_view=user.pk == request.user.pk, viewer=request.user
            )
            self.valid_until(next_release([report]))
            return Response(self.get_serializer(report).data)

        return self.cached_read(depends_on=[cache.course_gen(course.pk)], build=build)


def json_only(responses: dict[int, OpenApiResponse]) -> dict[tuple[int, str], OpenApiResponse]:
    """Error bodies are JSON even when CSV was asked for."""
    return {(code, "application/json"): response for code, response in responses.items()}


class GradebookPagination(LearnplatPagination):
    """The learnplat page, plus the ``tasks`` header the rows' ``cells`` follow."""

    tasks: Any = ()

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data = {**response.data, "tasks": self.tasks}
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["tasks"] = {
            "type": "array",
            "description": "The published tasks, in course order: the columns of `cells`.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "kind": {"type": "string"},
                    "position": {"type": "integer"},
                    "max_score": {"type": "number", "format": "double"},
                    "weight": {"type": "number", "format": "double"},
                    "group": {"type": "integer", "nullable": True},
                    "group_set": {
                        "type": "integer",
                        "nullable": True,
                        "description": "The task's group set: its cells are the group's grade "
                        "(each row's `student_groups` names the group).",
                    },
                    "release": {"type": "string", "enum": [m.value for m in ReleaseMode]},
                    "released_at": {"type": "string", "format": "date-time", "nullable": True},
                    "anonymous_grading": {"type": "boolean"},
                    "scores_hidden": {
                        "type": "boolean",
                        "description": "True while the task is graded anonymously and not "
                        "released: its cells and its points in the figures are hidden from "
                        "course staff (decision 0021).",
                    },
                },
                "required": [
                    "id",
                    "title",
                    "kind",
                    "position",
                    "max_score",
                    "weight",
                    "group",
                    "group_set",
                    "release",
                    "released_at",
                    "anonymous_grading",
                    "scores_hidden",
                ],
            },
        }
        paginated["required"] = [*paginated.get("required", []), "tasks"]
        return paginated


class GradebookOrderingFilter(OrderingFilter):
    """``?ordering=`` with username and user id as tie-breakers, so pages never overlap."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view) or []
        if getattr(view, "masked_tasks", None):
            # The stored totals count the masked tasks: ordering by them would rank
            # students by their anonymous grades (decision 0021).
            ordering = [name for name in ordering if name.lstrip("-") == "username"]
        return queryset.order_by(*ordering, "username", "user_id")


class GradebookView(CourseScopedView):
    """``GET courses/{slug}/gradebook/``: every student, every published task."""

    permission_resource = "gradebook"
    action = "retrieve"
    action_permissions = {"retrieve": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"retrieve": GradebookRowSerializer}
    pagination_class = GradebookPagination
    filter_backends = [KeyedSearchFilter, GradebookOrderingFilter]
    ordering_fields = ["username", "score", "percent", "tasks_completed", "completed_at"]

    @property
    def search_fields(self) -> list[str]:
        user_fields = {f.name for f in get_user_model()._meta.get_fields()}
        names = [get_user_model().USERNAME_FIELD, "first_name", "last_name", "email"]
        return [f"user__{name}" for name in dict.fromkeys(names) if name in user_fields]

    def get_renderers(self) -> list[Any]:
        return [*super().get_renderers(), CSVRenderer()]

    def get_queryset(self) -> QuerySet[Enrollment]:
        course = self.get_course()
        students = within_sections(gradebook_students(course), self.request.user, course)
        section = self.section_filter(course)
        return students if section is None else in_section(students, section)

    def section_filter(self, course: Course) -> int | None:
        """The ``?section=`` id, a section of ``course``; else a 400 on ``section``."""
        raw = self.request.query_params.get("section")
        if raw is None or raw == "":
            return None
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if not raw.isdecimal() or not Section.objects.filter(course=course, pk=int(raw)).exists():
            raise InvalidInput({"section": ["Not a section of this course."]})
        return int(raw)

    def finalize_response(  # type: ignore[override]
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        # An error asked for as CSV is still a JSON error body clients can parse.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and isinstance(renderer, CSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]

    @extend_schema(
        summary="Gradebook of a course",
        description=(
            "Course staff only. One row per student (active or completed enrollment), "
            "ordered by username unless `?ordering=` says otherwise; `cells` follow the "
            "order of the `tasks` header. `?format=csv` (or `Accept: text/csv`) streams "
            "every student as CSV instead, ignoring pagination and ordering. An assistant "
            "who is staff of one or more sections of the course sees only those sections' "
            "students; `?section=` keeps one section's students."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="`csv` streams the whole gradebook as CSV.",
            ),
            # An APIView's parameters are not inferred: name the paginator's and filters'.
            OpenApiParameter("page", OpenApiTypes.INT, description="A page number (JSON only)."),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description="Students per page, capped by `LEARNPLAT['MAX_PAGE_SIZE']`.",
            ),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description=(
                    "One of username, score, percent, tasks_completed, completed_at; "
                    "`-` in front for descending. JSON only."
                ),
            ),
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description="Students whose username, first or last name or e-mail contain it.",
            ),
            OpenApiParameter(
                "section",
                OpenApiTypes.INT,
                description="A section's id: only the students enrolled in it (JSON and CSV). "
                "An assistant who is staff of sections of the course sees only those "
                "sections' students, with or without it.",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                GradebookRowSerializer(many=True),
                description="A page of students, with the `tasks` header.",
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description=(
                    "A header row (user_id, username, first_name, last_name, one column per "
                    "task title, one per assignment group (`<name> %`, the group's percent), "
                    "score, max_score, percent, letter, tasks_completed, tasks_total, "
                    "completed_at), then one row per student."
                ),
            ),
            **json_only(
                error_responses(
                    400,
                    401,
                    403,
                    404,
                    descriptions={
                        400: "`section` is not the id of a section of this course.",
                        403: "The caller can see the course but is not its staff.",
                        404: "No such course visible to the caller.",
                    },
                )
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        course = self.get_course()
        tasks = list(published_tasks(course))
        self.masked_tasks = masked = masked_task_ids(tasks, request.user)
        students = self.filter_queryset(self.get_queryset())
        if isinstance(request.accepted_renderer, CSVRenderer):
            response = StreamingHttpResponse(
                gradebook_csv(
                    stream_gradebook(students, course, tasks, masked=masked),
                    tasks,
                    csv_groups(empty_figures(course, tasks, rule_of(course))["groups"]),
                    group_sets_of(course),
                ),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{course.slug}-gradebook.csv"'
            return response
        page = self.paginate_queryset(students)
        reports = reports_of_students(page or [], course, tasks, masked=masked)
        assert isinstance(self.paginator, GradebookPagination)
        self.paginator.tasks = GradebookTaskSerializer(
            tasks, many=True, context={"masked": masked}
        ).data
        return self.get_paginated_response(self.get_serializer(reports, many=True).data)


class GradebookImportView(CourseScopedView):
    """``POST courses/{slug}/gradebook/import/``: the gradebook CSV back, as grades."""

    permission_resource = "gradebook"
    action = "import"
    action_permissions = {"import": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"import": GradebookImportSerializer}

    @extend_schema(
        summary="Import the gradebook CSV",
        description=(
            "Course staff. A multipart body with the CSV `file` in the export's format "
            "(`GET courses/{slug}/gradebook/?format=csv`) and `dry_run` (default true). "
            "Answers every change (`old_score` → `new_score` per student and task) and "
            "every row error (`row` is the CSV line; the header is 1): a header that is not "
            "the course's current one, an unknown student, a non-numeric score or one out "
            "of 0..max_score, a task graded with a rubric, an anonymous task not released. "
            "Empty cells and unchanged scores are no change; only the task columns are read. "
            "With `dry_run=false` and no errors the changes are applied in one transaction, "
            "each recorded in the grade history with kind `import` (`applied: true`). "
            "Nothing is written on a dry run or when any row has an error."
        ),
        request={"multipart/form-data": GradebookImportSerializer},
        responses={
            200: GradebookImportResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                413,
                descriptions={
                    400: "No `file`, or a file that is not UTF-8 CSV (`invalid_file`), or "
                    "with more than `IMPORT_MAX_ROWS` students (`too_many_rows`).",
                    403: "The caller can see the course but is not its staff.",
                    404: "No such course visible to the caller.",
                    413: "The file is larger than `IMPORT_MAX_BYTES` (`file_too_large`).",
                },
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_course()
        limit = int(settings.GRADING["IMPORT_MAX_BYTES"])
        refuse_oversized_upload(request, limit)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size is not None and upload.size > limit:
            raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
        rows = gradebook_import.read_csv(upload)
        result = gradebook_import.import_gradebook(
            course=course,
            by=request.user,
            rows=rows,
            dry_run=serializer.validated_data["dry_run"],
        )
        return Response(gradebook_import_json(result))


class GradingPreviewView(CourseScopedView):
    """``POST courses/{slug}/grading/preview/``: every student's figures before and after a
    proposed grading change, without writing anything."""

    permission_resource = "grading"
    action = "preview"
    action_permissions = {"preview": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"preview": GradingPreviewSerializer}

    @extend_schema(
        summary="Preview a grading change",
        description=(
            "Course staff. Takes any of a proposed `grading_scheme`, `letter_grades`, the "
            "full list of `groups` (existing ones by `id`; new ones without an id, or with "
            "a negative id that `tasks[].group` refers to) and `tasks` changes (`weight`, "
            "`max_score`, `late_policy`, `group`), and answers every student's score, "
            "max_score, percent and letter now (`old`) and under the proposal (`new`), by "
            "username, with how many would change. Writes nothing. A late policy in the "
            "proposal recomputes each late submission's deduction as the real change would."
        ),
        request=GradingPreviewSerializer,
        responses={
            200: GradingPreviewResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={
                    400: "An invalid proposal: unknown task or group ids, group weights above "
                    "100 under `weighted`, a letter scale that is not strictly decreasing "
                    "within 0 to 100, a bad late policy.",
                    403: "The caller can see the course but is not its staff.",
                    404: "No such course visible to the caller.",
                },
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_course()
        serializer = self.get_serializer(data=request.data, context={"course": course})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = Proposal(
            grading_scheme=data.get("grading_scheme"),
            letter_grades=data.get("letter_grades"),
            groups=data["groups"],
            tasks=data["tasks"],
        )
        return Response(preview_json(preview(course, proposal)))


# -- recompute jobs ---------------------------------------------------------------------------


class RecomputeJobListView(CourseScopedView, generics.ListAPIView):
    """``GET courses/{slug}/grading/jobs/``: the course's recompute jobs, newest first."""

    permission_resource = "grading"
    action = "jobs"
    action_permissions = {"jobs": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"jobs": RecomputeJobSerializer}

    def get_queryset(self) -> QuerySet[RecomputeJob]:
        return RecomputeJob.objects.filter(course=self.get_course()).select_related("requested_by")

    @extend_schema(
        summary="A course's recompute jobs",
        description="Course staff. The background rebuilds of the course's progress that "
        "grading changes on a large course started, newest first.",
        responses={200: RecomputeJobSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RecomputeJobDetailView(CourseScopedView, generics.RetrieveAPIView):
    """``GET courses/{slug}/grading/jobs/{id}/``: one recompute job."""

    permission_resource = "grading"
    action = "job"
    action_permissions = {"job": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"job": RecomputeJobSerializer}

    def get_object(self) -> RecomputeJob:
        job = (
            RecomputeJob.objects.filter(course=self.get_course(), pk=self.kwargs["pk"])
            .select_related("requested_by")
            .first()
        )
        if job is None:
            raise not_found()
        return job

    @extend_schema(
        summary="A recompute job",
        description="Course staff. `state` is `queued`, `running`, `done` or `failed` (then "
        "`error` says why, and `manage.py learnplat_recompute_progress` rebuilds the course).",
        responses={200: RecomputeJobSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
