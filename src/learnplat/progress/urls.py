from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from learnplat.progress.views import (
    CourseProgressView,
    GradebookImportView,
    GradebookView,
    GradingPreviewView,
    ProgressListView,
    RecomputeJobDetailView,
    RecomputeJobListView,
    UpcomingView,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("progress/", ProgressListView.as_view(), name="progress-list"),
    path("progress/upcoming/", UpcomingView.as_view(), name="progress-upcoming"),
    path("courses/<slug:slug>/progress/", CourseProgressView.as_view(), name="course-progress"),
    path("courses/<slug:slug>/gradebook/", GradebookView.as_view(), name="course-gradebook"),
    path(
        "courses/<slug:slug>/gradebook/import/",
        GradebookImportView.as_view(),
        name="course-gradebook-import",
    ),
    path(
        "courses/<slug:slug>/grading/preview/",
        GradingPreviewView.as_view(),
        name="course-grading-preview",
    ),
    path(
        "courses/<slug:slug>/grading/jobs/",
        RecomputeJobListView.as_view(),
        name="course-grading-jobs",
    ),
    path(
        "courses/<slug:slug>/grading/jobs/<int:pk>/",
        RecomputeJobDetailView.as_view(),
        name="course-grading-job",
    ),
]
