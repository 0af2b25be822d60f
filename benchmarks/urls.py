"""The example project's URLs, plus the baselines under ``/bench/`` (benchmarks only)."""

from django.urls import path

from benchmarks import baseline
from config.urls import urlpatterns as example_urlpatterns

urlpatterns = [
    path("bench/courses/", baseline.course_list),
    path("bench/courses/<slug:slug>/tasks/", baseline.course_tasks),
    path("bench/courses/<slug:slug>/progress/", baseline.course_progress),
    path("bench/courses/<slug:slug>/gradebook/", baseline.gradebook),
    path("bench/submissions/", baseline.submission_list),
    path("bench/tasks/<int:task_id>/submissions/", baseline.submit),
    *example_urlpatterns,
]
