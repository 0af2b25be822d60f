"""Routes of the submissions API (included by ``learnplat.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from learnplat.submissions.views import (
    GraderViewSet,
    GradingAssignView,
    GradingProgressView,
    GradingQueueView,
    MyAccommodationsView,
    RegradeRequestViewSet,
    SubmissionCommentViewSet,
    SubmissionRegradeRequestViewSet,
    SubmissionViewSet,
    TaskStartViewSet,
    TaskSubmissionViewSet,
)

router = SimpleRouter()
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("grader", GraderViewSet, basename="grader")
router.register("regrade-requests", RegradeRequestViewSet, basename="regrade-request")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "tasks/<int:task_pk>/submissions/",
        TaskSubmissionViewSet.as_view({"post": "create"}),
        name="task-submissions",
    ),
    path(
        "tasks/<int:task_pk>/regrade/",
        TaskSubmissionViewSet.as_view({"post": "task_regrade"}),
        name="task-regrade",
    ),
    path(
        "tasks/<int:task_pk>/start/",
        TaskSubmissionViewSet.as_view({"post": "start"}),
        name="task-start",
    ),
    path(
        "tasks/<int:task_pk>/starts/",
        TaskStartViewSet.as_view({"get": "list"}),
        name="task-starts",
    ),
    path(
        "tasks/<int:task_pk>/starts/<int:user_id>/",
        TaskStartViewSet.as_view({"delete": "destroy"}),
        name="task-start-restart",
    ),
    # Beside the staff's courses/{slug}/accommodations/<int:pk>/: "me" is no int, so neither
    # route shadows the other whichever URLconf comes first.
    path(
        "courses/<slug:slug>/accommodations/me/",
        MyAccommodationsView.as_view(),
        name="course-accommodations-me",
    ),
    path(
        "submissions/<int:submission_pk>/regrade-requests/",
        SubmissionRegradeRequestViewSet.as_view({"post": "create"}),
        name="submission-regrade-requests",
    ),
    path(
        "submissions/<int:submission_pk>/comments/",
        SubmissionCommentViewSet.as_view({"get": "list", "post": "create"}),
        name="submission-comments",
    ),
    path("grading/queue/", GradingQueueView.as_view(), name="grading-queue"),
    path(
        "courses/<slug:slug>/grading/assign/",
        GradingAssignView.as_view(),
        name="course-grading-assign",
    ),
    path(
        "courses/<slug:slug>/grading/progress/",
        GradingProgressView.as_view(),
        name="course-grading-progress",
    ),
    *router.urls,
]
