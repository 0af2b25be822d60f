"""Routes of the courses API (included by ``learnplat.urls`` under the ``learnplat`` namespace).

| name | path |
| --- | --- |
| ``course-list`` / ``course-detail`` | ``courses/``, ``courses/{slug}/`` |
| ``course-publish``, ``course-archive``, ``course-enroll`` | ``courses/{slug}/<action>/`` |
| ``course-enrollments``, ``course-tasks``, ``course-extensions`` | ``courses/{slug}/<list>/`` |
| ``course-tasks-reorder`` | ``courses/{slug}/tasks/reorder/`` |
| ``course-groups`` / ``course-group-detail`` | ``courses/{slug}/groups/``, ``.../groups/{id}/`` |
| ``course-rubrics`` / ``course-rubric-detail`` | ``courses/{slug}/rubrics/``, ``.../{id}/`` |
| ``course-rubric-copy`` | ``courses/{slug}/rubrics/{id}/copy/`` |
| ``course-enrollment-detail`` | ``courses/{slug}/enrollments/{id}/`` (PATCH only) |
| ``course-sections`` / ``course-section-detail`` | ``courses/{slug}/sections/``, ``.../{id}/`` |
| ``course-sections-assign`` | ``courses/{slug}/sections/assign/`` |
| ``course-accommodations``, ``...-detail`` | ``courses/{slug}/accommodations/[{id}/]`` |
| ``course-group-sets`` / ``course-group-set-detail`` | ``courses/{slug}/group-sets/[{id}/]`` |
| ``group-set-groups`` | ``group-sets/{id}/groups/`` |
| ``group-detail``, ``group-<action>`` | ``groups/{id}/``, ``groups/{id}/<action>/`` |
| ``task-detail`` | ``tasks/{id}/`` |
| ``extension-detail`` | ``extensions/{id}/`` (DELETE only) |
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from learnplat.courses.views import (
    AccommodationViewSet,
    AssignmentGroupViewSet,
    CourseTaskViewSet,
    CourseViewSet,
    EnrollmentViewSet,
    ExtensionDetailViewSet,
    ExtensionViewSet,
    GroupSetViewSet,
    RubricViewSet,
    SectionViewSet,
    StudentGroupViewSet,
    TaskViewSet,
)

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("tasks", TaskViewSet, basename="task")
router.register("extensions", ExtensionDetailViewSet, basename="extension")

_LIST_CREATE: Any = {"get": "list", "post": "create"}

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path(
        "courses/<slug:slug>/enrollments/",
        EnrollmentViewSet.as_view(_LIST_CREATE),
        name="course-enrollments",
    ),
    path(
        "courses/<slug:slug>/tasks/", CourseTaskViewSet.as_view(_LIST_CREATE), name="course-tasks"
    ),
    path(
        "courses/<slug:slug>/tasks/reorder/",
        CourseTaskViewSet.as_view({"post": "reorder"}),
        name="course-tasks-reorder",
    ),
    path(
        "courses/<slug:slug>/groups/",
        AssignmentGroupViewSet.as_view(_LIST_CREATE),
        name="course-groups",
    ),
    path(
        "courses/<slug:slug>/groups/<int:pk>/",
        AssignmentGroupViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="course-group-detail",
    ),
    path(
        "courses/<slug:slug>/sections/",
        SectionViewSet.as_view(_LIST_CREATE),
        name="course-sections",
    ),
    path(
        "courses/<slug:slug>/enrollments/<int:pk>/",
        EnrollmentViewSet.as_view({"patch": "partial_update"}),
        name="course-enrollment-detail",
    ),
    path(
        "courses/<slug:slug>/sections/assign/",
        SectionViewSet.as_view({"post": "assign"}),
        name="course-sections-assign",
    ),
    path(
        "courses/<slug:slug>/sections/<int:pk>/",
        SectionViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="course-section-detail",
    ),
    path(
        "courses/<slug:slug>/rubrics/",
        RubricViewSet.as_view(_LIST_CREATE),
        name="course-rubrics",
    ),
    path(
        "courses/<slug:slug>/rubrics/<int:pk>/",
        RubricViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="course-rubric-detail",
    ),
    path(
        "courses/<slug:slug>/rubrics/<int:pk>/copy/",
        RubricViewSet.as_view({"post": "copy"}),
        name="course-rubric-copy",
    ),
    path(
        "courses/<slug:slug>/extensions/",
        ExtensionViewSet.as_view(_LIST_CREATE),
        name="course-extensions",
    ),
    # An int id, so that ``accommodations/me/`` can sit beside it.
    path(
        "courses/<slug:slug>/accommodations/",
        AccommodationViewSet.as_view(_LIST_CREATE),
        name="course-accommodations",
    ),
    path(
        "courses/<slug:slug>/accommodations/<int:pk>/",
        AccommodationViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="course-accommodation-detail",
    ),
    path(
        "courses/<slug:slug>/group-sets/",
        GroupSetViewSet.as_view(_LIST_CREATE),
        name="course-group-sets",
    ),
    path(
        "courses/<slug:slug>/group-sets/<int:pk>/",
        GroupSetViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="course-group-set-detail",
    ),
    path(
        "group-sets/<int:set_pk>/groups/",
        StudentGroupViewSet.as_view(_LIST_CREATE),
        name="group-set-groups",
    ),
    path(
        "groups/<int:pk>/",
        StudentGroupViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="group-detail",
    ),
    *(
        path(
            f"groups/<int:pk>/{name}/",
            StudentGroupViewSet.as_view({"post": name}),
            name=f"group-{name}",
        )
        for name in ("invite", "accept", "decline", "leave")
    ),
]
