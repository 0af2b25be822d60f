"""Mass assignment: fields a caller may not set (``role``, ``user``, ``score``, ``status``,
``instructors``, ...) are ignored or refused when sent, never applied.

Each test sends the forbidden field with an otherwise valid body and asserts both the answer
and the stored rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from learnplat.courses.models import Course, Enrollment, Task
from learnplat.roles import Role, get_role
from learnplat.submissions.models import Submission
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user


def fresh(user: Any) -> Any:
    return get_user_model()._default_manager.get(pk=user.pk)


@pytest.fixture
def course(instructor: Any) -> Course:
    course = CourseFactory(slug="course", status="published")
    enroll(instructor, course, "instructor")
    return course


@pytest.fixture
def task(course: Course) -> Task:
    return TaskFactory(course=course, kind="exact", config={"answers": ["4"]}, max_score=10.0)


# -- accounts -----------------------------------------------------------------------------------


def test_registration_cannot_choose_a_privileged_role(db: None) -> None:
    response = APIClient().post(
        reverse("learnplat:auth-register"),
        {
            "username": "mallory",
            "email": "mallory@example.com",
            "password": "a-long-and-unusual-password-42",
            "role": "admin",
            "is_staff": True,
            "is_superuser": True,
        },
        format="json",
    )

    assert response.status_code in {201, 400}
    user = get_user_model()._default_manager.filter(username="mallory").first()
    if user is not None:
        assert get_role(fresh(user)) == Role.STUDENT
        assert not user.is_staff
        assert not user.is_superuser


@pytest.mark.parametrize(
    "field",
    [
        {"role": "admin"},
        {"is_active": False},
        {"username": "renamed"},
        {"is_staff": True},
        {"is_superuser": True},
    ],
    ids=lambda f: next(iter(f)),
)
def test_me_cannot_change_role_username_or_status(student: Any, field: dict[str, Any]) -> None:
    response = client_for(student).patch(reverse("learnplat:auth-me"), field, format="json")

    assert response.status_code in {200, 400}
    after = fresh(student)
    assert get_role(after) == Role.STUDENT
    assert after.is_active
    assert after.username == student.username
    assert not after.is_staff
    assert not after.is_superuser


def test_only_admins_change_roles(student: Any, instructor: Any) -> None:
    url = reverse("learnplat:user-detail", kwargs={"pk": student.pk})

    response = client_for(instructor).patch(url, {"role": "admin"}, format="json")

    assert response.status_code == 403
    assert get_role(fresh(student)) == Role.STUDENT


# -- courses ------------------------------------------------------------------------------------


def test_course_create_ignores_status_and_instructors(instructor: Any, student: Any) -> None:
    response = client_for(instructor).post(
        reverse("learnplat:course-list"),
        {"title": "Mine", "status": "published", "instructors": [{"id": student.pk}]},
        format="json",
    )

    assert response.status_code in {201, 400}
    course = Course.objects.filter(title="Mine").first()
    if course is not None:
        assert course.status == "draft"
        staff = set(Enrollment.objects.filter(course=course).values_list("user_id", "role"))
        assert staff == {(instructor.pk, "instructor")}


def test_course_update_ignores_status_slug_and_instructors(
    course: Course, instructor: Any, student: Any
) -> None:
    response = client_for(instructor).patch(
        reverse("learnplat:course-detail", kwargs={"slug": course.slug}),
        {"status": "archived", "slug": "stolen", "instructors": [{"id": student.pk}]},
        format="json",
    )

    assert response.status_code in {200, 400}
    course.refresh_from_db()
    assert (course.status, course.slug) == ("published", "course")
    assert not Enrollment.objects.filter(course=course, user=student).exists()


def test_enrolling_cannot_choose_a_course_role(course: Course, student: Any) -> None:
    response = client_for(student).post(
        reverse("learnplat:course-enroll", kwargs={"slug": course.slug}),
        {"role": "instructor", "status": "completed"},
        format="json",
    )

    assert response.status_code in {201, 400}
    enrollment = Enrollment.objects.filter(course=course, user=student).first()
    if enrollment is not None:
        assert (enrollment.role, enrollment.status) == ("student", "active")


def test_assistants_cannot_make_instructors(course: Course, student: Any) -> None:
    assistant = make_user(Role.STUDENT, username="assistant")
    enroll(assistant, course, "assistant")

    response = client_for(assistant).post(
        reverse("learnplat:course-enrollments", kwargs={"slug": course.slug}),
        {"user": student.pk, "role": "instructor"},
        format="json",
    )

    assert response.status_code == 403
    assert not Enrollment.objects.filter(course=course, user=student, role="instructor").exists()


def test_a_task_cannot_move_to_another_course(task: Task, instructor: Any) -> None:
    elsewhere = CourseFactory(slug="elsewhere")
    enroll(instructor, elsewhere, "instructor")

    response = client_for(instructor).patch(
        reverse("learnplat:task-detail", kwargs={"pk": task.pk}),
        {"course": elsewhere.slug},
        format="json",
    )

    assert response.status_code in {200, 400}
    task.refresh_from_db()
    assert task.course_id != elsewhere.pk


# -- submissions --------------------------------------------------------------------------------


def test_a_submission_is_the_submitters_and_graded_by_the_evaluator(
    course: Course, task: Task, student: Any
) -> None:
    victim = make_user(Role.STUDENT, username="victim")
    enroll(student, course)
    enroll(victim, course)

    response = client_for(student).post(
        reverse("learnplat:task-submissions", kwargs={"task_pk": task.pk}),
        {
            "answer": "5",  # wrong
            "user": victim.pk,
            "score": 10,
            "status": "graded",
            "attempt": 99,
            "is_late": False,
            "feedback": "perfect",
        },
        format="json",
    )

    assert response.status_code in {201, 400}
    assert not Submission.objects.filter(user=victim).exists()
    for submission in Submission.objects.filter(user=student):
        assert submission.attempt == 1
        assert submission.score in {None, 0.0}
        assert submission.feedback != "perfect"


def test_students_cannot_grade_their_own_submission(
    course: Course, task: Task, student: Any
) -> None:
    enroll(student, course)
    submitted = client_for(student).post(
        reverse("learnplat:task-submissions", kwargs={"task_pk": task.pk}),
        {"answer": "5"},
        format="json",
    )
    submission = Submission.objects.get(pk=submitted.json()["id"])

    response = client_for(student).post(
        reverse("learnplat:submission-grade", kwargs={"pk": submission.pk}),
        {"score": 10, "feedback": "I deserve it"},
        format="json",
    )

    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.score != 10
    assert submission.feedback != "I deserve it"
    assert not submission.manually_graded
