from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from learnplat.progress.views import CourseProgressView, GradebookView, ProgressListView

urlpatterns: list[URLPattern | URLResolver] = [
    path("progress/", ProgressListView.as_view(), name="progress-list"),
    path("courses/<slug:slug>/progress/", CourseProgressView.as_view(), name="course-progress"),
    path("courses/<slug:slug>/gradebook/", GradebookView.as_view(), name="course-gradebook"),
]
