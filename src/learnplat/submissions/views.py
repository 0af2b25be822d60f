"""Submissions API: submit, list, read, regrade, grade; regrade requests; and the external
grader protocol.

Permission and serializer keys (``LEARNPLAT["PERMISSIONS"]`` / ``["SERIALIZERS"]``):
``submission_create``, ``submission_list``, ``submission_retrieve``, ``submission_regrade``,
``submission_grade``, ``submission_history``, ``submission_task_regrade``,
``regrade_request_create``, ``regrade_request_list``, ``regrade_request_retrieve``,
``regrade_request_resolve``, ``submission_comment_list``, ``submission_comment_create``,
``grader_next``, ``grader_results``, ``submission_claim``, ``submission_unclaim``,
``grading_queue``, ``grading_assign``, ``grading_progress``, ``submission_start`` (a timed
task's start), ``task_start_list`` and ``task_start_restart`` (the staff's view of a timed
task's starts) and ``accommodation_me`` (``courses/{slug}/accommodations/me/``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from learnplat.api import LearnplatViewMixin, not_found
from learnplat.conf import settings
from learnplat.courses.choices import CourseRole
from learnplat.courses.models import Course, Enrollment, Task
from learnplat.courses.permissions import IsCourseInstructor, IsCourseStaff, IsOwnerOrCourseStaff
from learnplat.courses.querysets import within_sections
from learnplat.evaluation.builtin import QUEUE_NAME
from learnplat.exceptions import Forbidden, InvalidInput
from learnplat.filters import FilterBackend
from learnplat.flows import assignment as claims_flow
from learnplat.flows import comments as comments_flow
from learnplat.flows import graders as graders_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import regrade_requests as regrade_requests_flow
from learnplat.flows import submit as submit_flow
from learnplat.flows import timed as timed_flow
from learnplat.schema import error_responses
from learnplat.serializers import call_flow
from learnplat.submissions import pipeline
from learnplat.submissions.allowances import my_allowances
from learnplat.submissions.anonymity import masks_student, pseudonym_json
from learnplat.submissions.authentication import GraderTokenAuthentication
from learnplat.submissions.filters import (
    GradingQueueFilter,
    RegradeRequestFilter,
    SubmissionFilter,
    TaskStartFilter,
)
from learnplat.submissions.models import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    GradeChange,
    GraderToken,
    RegradeRequest,
    Submission,
    SubmissionComment,
    TaskStart,
)
from learnplat.submissions.permissions import IsGrader, IsOwner
from learnplat.submissions.querysets import grader_progress, submittable_tasks
from learnplat.submissions.serializers import (
    ClaimSerializer,
    GradeChangeSerializer,
    GraderJobSerializer,
    GraderProgressSerializer,
    GraderResultResponseSerializer,
    GraderResultSerializer,
    GradeSerializer,
    GradingAssignResultSerializer,
    GradingAssignSerializer,
    MyAllowancesSerializer,
    RegradeRequestCreateSerializer,
    RegradeRequestResolveSerializer,
    RegradeRequestSerializer,
    RegradeSerializer,
    SubmissionCommentCreateSerializer,
    SubmissionCommentSerializer,
    SubmissionSerializer,
    SubmitSerializer,
    TaskRegradeResultSerializer,
    TaskRegradeSerializer,
    TaskStartRecordSerializer,
    TaskStartSerializer,
    released_to_owner,
)
from learnplat.submissions.throttling import SubmitRateThrottle

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=f"Up to {IDEMPOTENCY_KEY_MAX_LENGTH} characters. Sending the same key again "
    "returns the original submission (200) instead of creating another; the same key with a "
    "different task or answer is 409 `idempotency_key_reused`.",
)


def submission_output(submission: Submission, *, viewer: Any) -> dict[str, Any]:
    """The response body of a submission (``LEARNPLAT["SERIALIZERS"]["submission_retrieve"]``)
    as ``viewer`` may see it (a student's own unreleased score is hidden)."""
    serializer_class = settings.serializer_class("submission_retrieve", SubmissionSerializer)
    data: dict[str, Any] = serializer_class(submission, context={"viewer": viewer}).data
    return data


@extend_schema_view(
    list=extend_schema(
        summary="List submissions",
        description="Students see their own submissions and their groups' (a group's "
        "submission is every member's); course staff those of their courses; platform admins "
        "every one. An assistant who is staff of one or more sections of a course sees only "
        "those sections' students' submissions of that course (a group's, by its submitter). "
        "`course` filters by course slug, `section` by the student's section.",
        responses={200: SubmissionSerializer(many=True), **error_responses(401)},
    ),
    retrieve=extend_schema(
        summary="Read a submission",
        description="The owner (and, on a group task, every member of its group), the "
        "course's staff and platform admins; anyone else gets 404.",
        responses={200: SubmissionSerializer, **error_responses(401, 404)},
    ),
)
class SubmissionViewSet(
    LearnplatViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Submission],
):
    permission_resource = "submission"
    action_permissions = {
        "list": [IsAuthenticated],
        "retrieve": [IsAuthenticated, IsOwnerOrCourseStaff],
        "regrade": [IsAuthenticated, IsCourseStaff],
        "grade": [IsAuthenticated, IsCourseStaff],
        "history": [IsAuthenticated, IsCourseStaff],
        "claim": [IsAuthenticated, IsCourseStaff],
        "unclaim": [IsAuthenticated, IsCourseStaff],
    }
    action_serializers = {
        "list": SubmissionSerializer,
        "retrieve": SubmissionSerializer,
        "regrade": RegradeSerializer,
        "grade": GradeSerializer,
        "history": GradeChangeSerializer,
        "claim": ClaimSerializer,
    }
    serializer_class = SubmissionSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = SubmissionFilter
    ordering_fields = ("submitted_at", "evaluated_at", "score", "attempt", "id")
    ordering = ("-submitted_at", "-id")

    def get_queryset(self) -> QuerySet[Submission]:
        # The course is also what object permissions read.
        rows = Submission.objects.visible_to(self.request.user)
        if self.action == "list":
            rows = within_sections(rows, self.request.user)
        return rows.with_summaries().with_release_dates()

    @extend_schema(
        summary="Regrade a submission",
        description="Course staff: evaluate the submission again with the task's current "
        "config and deadlines. Answers at once with the submission; the new result lands "
        "asynchronously (at once with the immediate backend).",
        request=None,
        responses={202: SubmissionSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def regrade(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        grading_flow.regrade(submission_ids=[submission.pk], by=request.user)
        submission.refresh_from_db()
        return Response(
            submission_output(submission, viewer=request.user), status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        summary="Grade a submission by hand",
        description="Course staff: set the final score (0 to `max_score`, no late deduction) "
        "and feedback, with an optional reason kept in the grade history. Overrides any "
        "automatic grade; bulk regrades leave it alone. Clears any claim on the submission; "
        "refused while another grader holds an unexpired one. A task with a rubric takes "
        "`rubric: [{criterion, level, comment?}]` instead of `score` (400 on `score` if "
        "sent): one level for every criterion of the task's rubric; the score is the "
        "levels' points plus, for a kind that grades automatically, the automatic part. An "
        "unknown, repeated or missing criterion or a level of another criterion is a 400 "
        "on `rubric`, nothing written.",
        request=GradeSerializer,
        responses={
            200: SubmissionSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                descriptions={
                    409: "`already_claimed`: another grader holds an unexpired claim on it."
                },
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def grade(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        serializer = self.get_serializer(
            data=request.data,
            context={**self.get_serializer_context(), "submission": submission},
        )
        serializer.is_valid(raise_exception=True)
        rubric = "rubric" in serializer.validated_data
        flow = grading_flow.grade_with_rubric if rubric else grading_flow.grade
        graded = call_flow(flow, serializer.validated_data, submission=submission, by=request.user)
        fresh = self.get_queryset().get(pk=graded.pk)
        return Response(submission_output(fresh, viewer=request.user))

    @extend_schema(
        summary="Read a submission's grade history",
        description="Course staff and platform admins: every change of the submission's "
        "counted score, oldest first, as a plain list (not paginated). `kind` says what "
        "changed it; `actor` is null for automatic changes. The owner gets 403, like for "
        "grading; anyone else 404.",
        responses={200: GradeChangeSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        entries = (
            GradeChange.objects.filter(submission=submission)
            .select_related("actor")
            .order_by("at", "id")
        )
        context = dict(self.get_serializer_context())
        if masks_student(submission, request.user):
            context["masked_student"] = (submission.user_id, pseudonym_json(submission))
        serializer_class = self.get_serializer_class()
        return Response(serializer_class(entries, many=True, context=context).data)

    @extend_schema(
        summary="Claim a submission for grading",
        description="Course staff: say you are grading it now, so no other grader does. "
        "Claiming again renews your claim. A claim lasts `GRADING.CLAIM_TTL_SECONDS` "
        "(1800 s by default), ends when the submission is graded or the claim released. "
        "Exact under concurrency: of graders claiming at once, one wins. The owner gets "
        "403; anyone else 404.",
        request=None,
        responses={
            200: SubmissionSerializer,
            **error_responses(
                401,
                403,
                404,
                409,
                descriptions={
                    409: "`already_claimed`: another grader holds an unexpired claim on it."
                },
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        claims_flow.claim(submission=submission, by=request.user)
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(submission_output(fresh, viewer=request.user))

    @extend_schema(
        summary="Release a claim",
        description="Course staff: drop your claim on the submission. Instructors and "
        "platform admins may also break another grader's claim; an assistant trying to is "
        "409. Nothing claimed (or the claim expired): 204 all the same.",
        request=None,
        responses={
            204: OpenApiResponse(description="Released."),
            **error_responses(
                401,
                403,
                404,
                409,
                descriptions={
                    409: "`already_claimed`: another grader holds the claim, and only the "
                    "course's instructors may break it."
                },
            ),
        },
    )
    @claim.mapping.delete
    def unclaim(self, request: Request, pk: str | None = None) -> Response:
        submission = self.get_object()
        claims_flow.release(submission=submission, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GradingQueueView(LearnplatViewMixin, generics.ListAPIView[Submission]):
    """``GET grading/queue/``: the caller's grading queue across their courses."""

    permission_resource = "grading"
    action = "queue"
    action_permissions = {"queue": [IsAuthenticated]}
    action_serializers = {"queue": SubmissionSerializer}
    serializer_class = SubmissionSerializer
    filter_backends = [FilterBackend]
    filterset_class = GradingQueueFilter

    def get_queryset(self) -> QuerySet[Submission]:
        rows = Submission.objects.grading_queue(self.request.user)
        return within_sections(rows, self.request.user).with_summaries().with_release_dates()

    @extend_schema(
        summary="List the grading queue",
        description="The submissions waiting for review (`needs_review`) of every course "
        "the caller is an instructor or assistant of (platform admins: every course), "
        "never the caller's own, oldest first. An assistant who is staff of one or more "
        "sections of a course sees only those sections' students' submissions of that course. "
        "`assigned=me` lists those assigned to the caller, `none` the unassigned ones, `any` "
        "(the default) all; `section` keeps one section's students. Students get an "
        "empty list.",
        responses={200: SubmissionSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


class CourseGradingView(LearnplatViewMixin, generics.GenericAPIView[Course]):
    """A view under ``courses/{slug}/grading/``: 404 unless the caller may see the course,
    then the action's object permissions against it."""

    permission_resource = "grading"
    _course: Course | None = None

    def get_course(self) -> Course:
        if self._course is None:
            course = Course.objects.visible_one(self.request.user, self.kwargs["slug"])
            if course is None:
                raise not_found()
            self.check_object_permissions(self.request, course)
            self._course = course
        return self._course


class GradingAssignView(CourseGradingView):
    """``POST courses/{slug}/grading/assign/``: round-robin assignment."""

    action = "assign"
    action_permissions = {"assign": [IsAuthenticated, IsCourseInstructor]}
    action_serializers = {"assign": GradingAssignSerializer}

    @extend_schema(
        summary="Assign grading",
        description="Course instructors and platform admins: hand the course's unassigned "
        "submissions waiting for review (of `task`, or of every task) to `graders` in "
        "turn, oldest first. Each grader who got any is notified once "
        "(`grading_assigned`). Two assigns at once never assign a submission twice.",
        request=GradingAssignSerializer,
        responses={
            200: GradingAssignResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={
                    400: "`graders` empty or naming someone who is not active staff of the "
                    "course; `task` of another course.",
                    403: "The caller can see the course but is not its instructor.",
                    404: "No such course visible to the caller.",
                },
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_course()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = claims_flow.assign(
            course=course, by=request.user, graders=data["graders"], task=data["task"]
        )
        body = {
            "assigned": result.assigned,
            "graders": [{"grader": pk, "assigned": n} for pk, n in result.graders],
        }
        return Response(GradingAssignResultSerializer(body).data)


class GradingProgressView(CourseGradingView):
    """``GET courses/{slug}/grading/progress/``: assigned and graded per grader."""

    action = "progress"
    action_permissions = {"progress": [IsAuthenticated, IsCourseStaff]}
    action_serializers = {"progress": GraderProgressSerializer}
    pagination_class = None

    @extend_schema(
        summary="Read grading progress per grader",
        description="Course staff: for everyone with submissions of the course assigned to "
        "them, how many (`assigned`) and how many of those no longer wait for review "
        "(`graded`), by username. A plain list (not paginated).",
        responses={
            200: GraderProgressSerializer(many=True),
            **error_responses(
                401,
                403,
                404,
                descriptions={
                    403: "The caller can see the course but is not its staff.",
                    404: "No such course visible to the caller.",
                },
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_course()
        rows = grader_progress(course)
        return Response(self.get_serializer(rows, many=True).data)


class TaskSubmissionViewSet(LearnplatViewMixin, viewsets.GenericViewSet[Task]):
    """``tasks/{id}/submissions/`` and ``tasks/{id}/regrade/``."""

    permission_resource = "submission"
    action_permissions = {
        "create": [IsAuthenticated],
        "task_regrade": [IsAuthenticated, IsCourseStaff],
        "start": [IsAuthenticated],
    }
    action_serializers = {
        "create": SubmitSerializer,
        "task_regrade": TaskRegradeSerializer,
        "start": TaskStartSerializer,
    }
    serializer_class = SubmitSerializer

    def get_queryset(self) -> QuerySet[Task]:
        return submittable_tasks(self.request.user)

    def get_throttles(self) -> list[Any]:
        if self._current_action() == "create":
            return [SubmitRateThrottle()]
        return []

    def get_task(self) -> Task:
        task = (
            self.get_queryset().select_related("course").filter(pk=self.kwargs["task_pk"]).first()
        )
        if task is None:
            raise not_found()
        self.check_object_permissions(self.request, task)
        return task

    @extend_schema(
        summary="Submit an answer",
        description="Enrolled students (course staff are not students: 403 `not_enrolled`). "
        "The answer's shape depends on the task's kind; a wrong shape or an answer over "
        "`MAX_ANSWER_BYTES` is 400 and uses no attempt. 201 with the new submission "
        "(already graded when the immediate backend evaluates in process); 200 with the "
        "original one when an `Idempotency-Key` is replayed.",
        parameters=[IDEMPOTENCY_HEADER],
        request=SubmitSerializer,
        responses={
            201: OpenApiResponse(SubmissionSerializer, "Created."),
            200: OpenApiResponse(SubmissionSerializer, "An Idempotency-Key replay."),
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                429,
                descriptions={
                    403: "`not_enrolled`: not an active student of the course.",
                    409: "`attempts_exhausted`, `task_closed`, `task_not_open`, "
                    "`prerequisites_unmet`, `idempotency_key_reused`, `kind_unavailable`, "
                    "`task_misconfigured`, `not_started` / `time_expired` (a timed task) or "
                    "`daily_limit_reached` (with `Retry-After`: seconds to the next "
                    "midnight in the course's time zone).",
                    429: "Throttled (`learnplat_submit`).",
                },
            ),
        },
    )
    def create(self, request: Request, task_pk: int) -> Response:
        task = self.get_task()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = call_flow(
            submit_flow.submit,
            serializer.validated_data,
            user=request.user,
            task=task,
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        submission = result.submission
        # The immediate backend evaluated it on commit: answer with the fresh state.
        submission.refresh_from_db()
        return Response(
            submission_output(submission, viewer=request.user),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Start a timed task",
        description="Enrolled students of the task's course (course staff are not students: "
        "403 `not_enrolled`; anyone who cannot see the task: 404). Fixes the deadline once: "
        "`started_at` + `time_limit_minutes` * the student's accommodation `time_multiplier`, "
        "but never after the student's effective `closes_at` (extensions and section dates "
        "applied). Submissions are then accepted up to and including the deadline.",
        request=None,
        responses={
            201: TaskStartSerializer,
            **error_responses(
                401,
                403,
                404,
                409,
                descriptions={
                    403: "`not_enrolled`: not an active student of the course.",
                    404: "No such task visible to the caller.",
                    409: "`not_timed` (no time limit), `task_not_open`, `task_closed`, "
                    "`prerequisites_unmet` or `already_started`.",
                },
            ),
        },
    )
    def start(self, request: Request, task_pk: int) -> Response:
        # Outsiders get 404 here (not the submit's 403): only a course member can start.
        task = (
            Task.objects.visible_to(request.user)
            .select_related("course")
            .filter(pk=task_pk)
            .first()
        )
        if task is None:
            raise not_found()
        start = timed_flow.start_task(task=task, user=request.user)
        return Response(self.get_serializer(start).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Regrade a task's submissions",
        description="Course staff: evaluate again each student's `latest` or `best` "
        "submission, or `all` of them. Submissions graded by hand are skipped unless "
        "`include_manual`. For large tasks prefer `manage.py learnplat_regrade`.",
        request=TaskRegradeSerializer,
        responses={202: TaskRegradeResultSerializer, **error_responses(400, 401, 403, 404)},
    )
    def task_regrade(self, request: Request, task_pk: int) -> Response:
        task = self.get_task()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        count = grading_flow.regrade_task(
            task=task,
            scope=data["scope"],
            by=request.user,
            user=data.get("user"),
            include_manual=data["include_manual"],
        )
        body = {"task": task.pk, "scope": data["scope"], "count": count}
        return Response(TaskRegradeResultSerializer(body).data, status=status.HTTP_202_ACCEPTED)


QUEUE_PARAMETER = OpenApiParameter(
    "queue", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, description="Grader queue."
)


class GraderViewSet(LearnplatViewMixin, viewsets.GenericViewSet[Submission]):
    """The pull protocol of external graders (``Authorization: Grader <secret>``)."""

    permission_resource = "grader"
    action_permissions = {"next": [IsGrader], "results": [IsGrader]}
    action_serializers = {"next": GraderJobSerializer, "results": GraderResultSerializer}
    serializer_class = GraderResultSerializer
    queryset = Submission.objects.none()

    def get_authenticators(self) -> list[Any]:
        return [GraderTokenAuthentication()]

    @property
    def grader(self) -> GraderToken:
        assert isinstance(self.request.auth, GraderToken)
        return self.request.auth

    @extend_schema(
        summary="Fetch the next submission to grade",
        description="Claims the oldest waiting submission of `queue` for "
        "`GRADER_LEASE_SECONDS`; post its result before the lease ends, or it goes back to "
        "the queue. 204 when nothing is waiting.",
        parameters=[QUEUE_PARAMETER],
        responses={
            200: GraderJobSerializer,
            204: OpenApiResponse(description="Nothing to grade."),
            **error_responses(
                400,
                401,
                403,
                descriptions={403: "`queue_not_allowed`: the token does not serve this queue."},
            ),
        },
    )
    @action(detail=False, methods=["get"])
    def next(self, request: Request) -> Response:
        queue = request.query_params.get("queue", "")
        if not queue:
            raise InvalidInput({"queue": ["This query parameter is required."]})
        if not QUEUE_NAME.fullmatch(queue):
            # No submission waits in such a queue, and a NUL byte would reach PostgreSQL.
            raise InvalidInput({"queue": ["Not a queue name: letters, digits, _ . - only."]})
        if not self.grader.serves(queue):
            raise Forbidden(
                f"This grader token does not serve {queue!r}.", code="queue_not_allowed"
            )
        claimed = pipeline.claim_for_grader(queue)
        if claimed is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        claim, submission = claimed
        job = {
            "submission_key": claim.key,
            "task": submission.task_id,
            "answer": submission.answer,
            "config": submission.task.config,
        }
        return Response(GraderJobSerializer(job).data)

    @extend_schema(
        summary="Post a grading result",
        description="Idempotent per `submission_key`: the same result again answers 200 with "
        "the first outcome. `score` may be on any scale up to `max_score`; it is rescaled to "
        "the task's, and the late policy applies.",
        request=GraderResultSerializer,
        responses={
            200: GraderResultResponseSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                descriptions={
                    404: "`unknown_submission_key`: no submission of your queues has this key.",
                    409: "`already_graded`: another result was recorded; `lease_expired`: the "
                    "lease ended and the submission went back to the queue.",
                },
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def results(self, request: Request) -> Response:
        serializer: BaseSerializer[Any] = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = graders_flow.record_grader_result(
            grader=self.grader,
            submission_key=data["submission_key"],
            score=data["score"],
            max_score=data["max_score"],
            feedback=data["feedback"],
            tests=data["tests"],
        )
        evaluation = outcome.evaluation
        body = {
            "submission_key": data["submission_key"],
            "submission": outcome.submission.pk,
            "score": evaluation.score,
            "max_score": evaluation.max_score,
            "feedback": evaluation.feedback,
        }
        return Response(GraderResultResponseSerializer(body).data)


def regrade_request_output(request: RegradeRequest) -> dict[str, Any]:
    """The body of a regrade request (``LEARNPLAT["SERIALIZERS"]["regrade_request_retrieve"]``)."""
    serializer_class = settings.serializer_class(
        "regrade_request_retrieve", RegradeRequestSerializer
    )
    data: dict[str, Any] = serializer_class(request).data
    return data


class SubmissionRegradeRequestViewSet(LearnplatViewMixin, viewsets.GenericViewSet[Submission]):
    """``submissions/{id}/regrade-requests/``: the owner files a regrade request."""

    permission_resource = "regrade_request"
    action_permissions = {"create": [IsAuthenticated, IsOwner]}
    action_serializers = {"create": RegradeRequestCreateSerializer}
    serializer_class = RegradeRequestCreateSerializer

    def get_queryset(self) -> QuerySet[Submission]:
        return Submission.objects.visible_to(self.request.user).select_related("course")

    @extend_schema(
        summary="Ask for a regrade",
        description="The submission's owner only (its course's staff and platform admins: "
        "403), once its grade is released, with a `reason`. One open request per "
        "submission. Staff of the course are notified (`regrade_request_created`).",
        request=RegradeRequestCreateSerializer,
        responses={
            201: RegradeRequestSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                descriptions={
                    409: "`not_graded`: the submission has no standing grade (queued, "
                    "evaluating, needs review or failed); `not_released`: its task's grades "
                    "are not released to you yet; `regrade_request_open`: a request of this "
                    "submission is open.",
                },
            ),
        },
    )
    def create(self, request: Request, submission_pk: int) -> Response:
        submission = self.get_queryset().filter(pk=submission_pk).first()
        if submission is None:
            raise not_found()
        self.check_object_permissions(request, submission)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        filed = call_flow(
            regrade_requests_flow.file_request,
            serializer.validated_data,
            submission=submission,
            user=request.user,
        )
        filed = RegradeRequest.objects.with_summaries().get(pk=filed.pk)
        return Response(regrade_request_output(filed), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List regrade requests",
        description="Students see their own requests; course staff those of their courses; "
        "platform admins every one. Newest first. `course` filters by course slug.",
        responses={200: RegradeRequestSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="Read a regrade request",
        description="The student who filed it, the course's staff and platform admins; "
        "anyone else gets 404.",
        responses={200: RegradeRequestSerializer, **error_responses(401, 404)},
    ),
)
class RegradeRequestViewSet(
    LearnplatViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[RegradeRequest],
):
    permission_resource = "regrade_request"
    action_permissions = {
        "list": [IsAuthenticated],
        "retrieve": [IsAuthenticated, IsOwnerOrCourseStaff],
        "resolve": [IsAuthenticated, IsCourseStaff],
    }
    action_serializers = {
        "list": RegradeRequestSerializer,
        "retrieve": RegradeRequestSerializer,
        "resolve": RegradeRequestResolveSerializer,
    }
    serializer_class = RegradeRequestSerializer
    filter_backends = [FilterBackend]
    filterset_class = RegradeRequestFilter

    def get_queryset(self) -> QuerySet[RegradeRequest]:
        rows = RegradeRequest.objects.visible_to(self.request.user)
        if self.action == "list":
            # The same rule as the grading queue: a section's assistant lists its students'.
            rows = within_sections(rows, self.request.user)
        return rows.with_summaries().order_by("-created", "-id")

    @extend_schema(
        summary="Answer a regrade request",
        description="Course staff: `accept` true, optionally with a new `score` (0 to the "
        "submission's `max_score`), recorded as a manual grade whose reason is the "
        "request's; without `score` the grade stays. `accept` false rejects the request and "
        "needs a `response`. The student is notified (`regrade_request_resolved`).",
        request=RegradeRequestResolveSerializer,
        responses={
            200: RegradeRequestSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                descriptions={
                    409: "`regrade_request_closed`: the request was already answered.",
                },
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        regrade_request = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resolved = call_flow(
            regrade_requests_flow.resolve_request,
            serializer.validated_data,
            regrade_request=regrade_request,
            by=request.user,
        )
        resolved = RegradeRequest.objects.with_summaries().get(pk=resolved.pk)
        return Response(regrade_request_output(resolved))


@extend_schema_view(
    list=extend_schema(
        summary="List a submission's comments",
        description="The thread between the submission's owner and its course's staff, "
        "oldest first. Staff and platform admins read every comment (with "
        "`visible_before_release`); the owner reads their own, and staff comments once the "
        "grade is released to them or when staff marked them `visible_before_release`. "
        "Anyone else gets 404.",
        responses={200: SubmissionCommentSerializer(many=True), **error_responses(401, 404)},
    ),
    create=extend_schema(
        summary="Comment on a submission",
        description="The owner, the course's staff and platform admins add a `body` (trimmed, "
        "at most 10,000 characters). Only staff may set `visible_before_release` (the owner "
        "sending true gets 400). The owner's comment notifies the submission's assigned "
        "grader, else the course's instructors and assistants; a staff comment notifies the "
        "owner when they can read it now (`comment_created`).",
        request=SubmissionCommentCreateSerializer,
        responses={201: SubmissionCommentSerializer, **error_responses(400, 401, 404)},
    ),
)
class SubmissionCommentViewSet(LearnplatViewMixin, viewsets.GenericViewSet[SubmissionComment]):
    """``submissions/{id}/comments/``: read and add to a submission's thread."""

    permission_resource = "submission_comment"
    action_permissions = {
        "list": [IsAuthenticated, IsOwnerOrCourseStaff],
        "create": [IsAuthenticated, IsOwnerOrCourseStaff],
    }
    action_serializers = {
        "list": SubmissionCommentSerializer,
        "create": SubmissionCommentCreateSerializer,
    }
    serializer_class = SubmissionCommentSerializer
    queryset = SubmissionComment.objects.none()

    def get_submission(self) -> Submission:
        submission = (
            Submission.objects.visible_to(self.request.user)
            .with_summaries()
            .with_release_dates()
            .filter(pk=self.kwargs["submission_pk"])
            .first()
        )
        if submission is None:
            raise not_found()
        self.check_object_permissions(self.request, submission)
        return submission

    def comment_output(self, comments: Any, *, submission: Submission, many: bool) -> Any:
        serializer_class = settings.serializer_class(
            "submission_comment_list", SubmissionCommentSerializer
        )
        context = {**self.get_serializer_context(), "submission": submission}
        return serializer_class(comments, many=many, context=context).data

    def list(self, request: Request, submission_pk: int) -> Response:
        submission = self.get_submission()
        comments = SubmissionComment.objects.thread_of(
            submission,
            viewer=request.user,
            released=released_to_owner(submission),
        )
        page = self.paginate_queryset(comments)
        if page is not None:
            return self.get_paginated_response(
                self.comment_output(page, submission=submission, many=True)
            )
        return Response(self.comment_output(comments, submission=submission, many=True))

    def create(self, request: Request, submission_pk: int) -> Response:
        submission = self.get_submission()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = call_flow(
            comments_flow.post_comment,
            serializer.validated_data,
            submission=submission,
            author=request.user,
        )
        comment = SubmissionComment.objects.select_related("author").get(pk=comment.pk)
        return Response(
            self.comment_output(comment, submission=submission, many=False),
            status=status.HTTP_201_CREATED,
        )


TASK_ID_PARAMETER = OpenApiParameter(
    "task_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The task's id."
)
_STARTS_404 = "No such task visible to the caller, or the caller is not its course's staff."


@extend_schema_view(
    list=extend_schema(
        summary="List a timed task's starts",
        description="Course staff (instructors, assistants) and platform admins: who started "
        "the task, when, and their deadline, oldest first; a start the staff restarted "
        "stays listed with `restarted_at` and `restarted_by`. `user` keeps one student's "
        "starts, `current=true` only those that count now. Students and outsiders get 404.",
        parameters=[TASK_ID_PARAMETER],
        responses={
            200: TaskStartRecordSerializer(many=True),
            **error_responses(401, 404, descriptions={404: _STARTS_404}),
        },
    ),
    destroy=extend_schema(
        summary="Restart a student's timed attempt",
        description="Course staff (instructors, assistants) and platform admins: end the "
        "student's current start so that they may `POST tasks/{id}/start/` again (a crashed "
        "browser, an accommodation granted after the start). Their submissions stay; the "
        "start stays in the list as history. On a group task the timer, and so the "
        "restart, is the member's own. A submission racing the restart is checked either "
        "against the old deadline or, after it, refused with `not_started`.",
        parameters=[
            TASK_ID_PARAMETER,
            OpenApiParameter(
                "user_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The student's id."
            ),
        ],
        request=None,
        responses={
            204: OpenApiResponse(description="Restarted: the student may start again."),
            **error_responses(
                401,
                404,
                409,
                descriptions={
                    404: f"{_STARTS_404} Or the student has no current start of the task.",
                    409: "`not_timed`: the task has no time limit.",
                },
            ),
        },
    ),
)
class TaskStartViewSet(
    LearnplatViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet[TaskStart]
):
    """``tasks/{id}/starts/`` and ``tasks/{id}/starts/{user_id}/``: course staff see a timed
    task's starts and restart one (decision 0034). Anyone else who is signed in gets 404:
    like accommodations, a student's timer is theirs and the staff's."""

    permission_resource = "task_start"
    action_aliases = {"destroy": "restart"}
    action_permissions = {
        "list": [IsAuthenticated, IsCourseStaff],
        "restart": [IsAuthenticated, IsCourseStaff],
    }
    action_serializers = {"list": TaskStartRecordSerializer}
    serializer_class = TaskStartRecordSerializer
    filter_backends = [FilterBackend]
    filterset_class = TaskStartFilter

    def permission_denied(
        self, request: Request, message: Any = None, code: Any = None
    ) -> NoReturn:
        if request.user.is_authenticated:
            raise Http404
        super().permission_denied(request, message=message, code=code)

    def get_task(self) -> Task:
        task = (
            Task.objects.visible_to(self.request.user)
            .select_related("course")
            .filter(pk=self.kwargs["task_pk"])
            .first()
        )
        if task is None:
            raise not_found()
        self.check_object_permissions(self.request, task)
        return task

    def get_queryset(self) -> QuerySet[TaskStart]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no task
            return TaskStart.objects.none()
        return (
            TaskStart.objects.filter(task=self.get_task())
            .select_related("user", "restarted_by")
            .order_by("started_at", "id")
        )

    def destroy(self, request: Request, task_pk: int, user_id: int) -> Response:
        task = self.get_task()
        timed_flow.restart_start(task=task, user_id=user_id, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAccommodationsView(LearnplatViewMixin, generics.GenericAPIView):
    """``GET courses/{slug}/accommodations/me/``: what applies to the calling student."""

    permission_resource = "accommodation"
    action = "me"
    action_permissions = {"me": [IsAuthenticated]}
    action_serializers = {"me": MyAllowancesSerializer}

    @extend_schema(
        summary="What applies to me in a course",
        description="Active students of the course: their time multiplier, late-day bank, "
        "bonus submissions, extensions, and for each published task with a daily limit or "
        "a time limit the submissions left in the current course-local day and the timed "
        "attempt. Course staff are not students: 403 `not_enrolled`; anyone not in the "
        "course: 404.",
        responses={
            200: MyAllowancesSerializer,
            **error_responses(
                401,
                403,
                404,
                descriptions={
                    403: "`not_enrolled`: course staff, not a student of the course.",
                    404: "No such course visible to the caller, or the caller is not in it.",
                },
            ),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        course = Course.objects.visible_one(request.user, slug)
        role = Enrollment.objects.role_of(request.user, course) if course is not None else None
        if course is None or role is None:
            raise not_found()
        if role != CourseRole.STUDENT:
            raise Forbidden("Only students of the course have accommodations.", code="not_enrolled")
        data = my_allowances(course=course, user=request.user, now=timezone.now())
        return Response(self.get_serializer(data).data)
