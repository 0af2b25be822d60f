"""Progress follows changes to what a course's tasks are worth, made through the API or the
admin (``learnplat.flows.authoring`` → ``learnplat.flows.progress.refresh_course_totals``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import CheckboxInput
from django.test import Client
from django.urls import reverse

from learnplat.courses.models import Task
from learnplat.flows import progress as progress_flow
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.roles import Role
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import course_row, graded

pytestmark = pytest.mark.django_db


class Setup:
    """A published course with one task the learner completed (10/10), taught by ``teacher``."""

    def __init__(self) -> None:
        self.course = CourseFactory(slug="geometry", grading_policy="best")
        self.task = TaskFactory(course=self.course, max_score=10)
        self.learner = make_user(username="learner")
        self.teacher = make_user(Role.INSTRUCTOR, username="teacher")
        enroll(self.learner, self.course)
        enroll(self.teacher, self.course, role="instructor")
        graded(self.learner, self.task, 10)
        self.api = client_for(self.teacher)

    def row(self) -> CourseProgress:
        return course_row(self.learner, self.course)

    def add_task(self, **fields: Any) -> Task:
        """A published task added through the API, as staff would."""
        response = self.api.post(
            reverse("learnplat:course-tasks", args=["geometry"]),
            {"title": "Added", "kind": "exact", "config": {"answers": ["4"]}, "max_score": 10}
            | {"is_published": True, **fields},
        )
        assert response.status_code == 201, response.json()
        return Task.objects.get(pk=response.json()["id"])


@pytest.fixture
def s() -> Setup:
    setup = Setup()
    row = setup.row()
    assert (row.tasks_total, row.tasks_completed, row.percent) == (1, 1, 100.0)
    assert row.completed_at is not None
    return setup


def task_url(task: Any) -> str:
    return reverse("learnplat:task-detail", args=[task.pk])


@pytest.fixture
def announcements(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Courses whose progress the authoring flows rebuilt, in order."""
    sent: list[Any] = []
    refresh = progress_flow.refresh_course_totals

    def listen(*, course: Any) -> None:
        sent.append(course.pk)
        refresh(course=course)

    monkeypatch.setattr(progress_flow, "refresh_course_totals", listen)
    return sent


def test_adding_a_published_task_lowers_percent_and_uncompletes_the_course(s: Setup) -> None:
    s.add_task()
    row = s.row()
    assert (row.tasks_total, row.tasks_completed, row.max_score, row.percent) == (2, 1, 20.0, 50.0)
    assert row.completed_at is None


def test_publishing_a_draft_task_lowers_percent_and_uncompletes_the_course(s: Setup) -> None:
    draft = TaskFactory(course=s.course, max_score=10, is_published=False)
    assert s.row().percent == 100.0
    assert s.api.patch(task_url(draft), {"is_published": True}).status_code == 200
    row = s.row()
    assert (row.tasks_total, row.percent, row.completed_at) == (2, 50.0, None)
    # Unpublishing it again gives the completion back.
    assert s.api.patch(task_url(draft), {"is_published": False}).status_code == 200
    row = s.row()
    assert (row.tasks_total, row.percent) == (1, 100.0)
    assert row.completed_at is not None


def test_raising_max_score_changes_percent_and_completion(s: Setup) -> None:
    assert s.api.patch(task_url(s.task), {"max_score": 20}).status_code == 200
    task_row = TaskProgress.objects.get(user=s.learner, task=s.task)
    assert (task_row.score, task_row.completed) == (10, False)
    row = s.row()
    assert (row.tasks_completed, row.percent, row.completed_at) == (0, 50.0, None)


def test_changing_a_weight_changes_the_course_score(s: Setup) -> None:
    other = s.add_task()
    graded(s.learner, other, 0)
    assert s.row().percent == 50.0
    assert s.api.patch(task_url(s.task), {"weight": 3}).status_code == 200
    row = s.row()
    # (3 * 10 + 1 * 0) / (3 * 10 + 1 * 10)
    assert (row.max_score, row.score, row.percent) == (40.0, 30.0, 75.0)


def test_switching_grading_policy_changes_the_counted_score(s: Setup) -> None:
    graded(s.learner, s.task, 4)
    assert TaskProgress.objects.get(user=s.learner, task=s.task).score == 10
    response = s.api.patch(
        reverse("learnplat:course-detail", args=["geometry"]), {"grading_policy": "latest"}
    )
    assert response.status_code == 200, response.json()
    task_row = TaskProgress.objects.get(user=s.learner, task=s.task)
    # The score is the latest attempt's; completion stays, as the first attempt passed.
    assert (task_row.score, task_row.latest_attempt, task_row.completed) == (4, 2, True)
    assert (s.row().score, s.row().percent) == (4.0, 40.0)


def test_deleting_a_task_updates_tasks_total(s: Setup) -> None:
    other = s.add_task()
    graded(s.learner, other, 5)
    row = s.row()
    assert (row.tasks_total, row.percent, row.completed_at) == (2, 75.0, None)
    assert s.api.delete(task_url(other)).status_code == 204
    row = s.row()
    assert (row.tasks_total, row.tasks_completed, row.percent) == (1, 1, 100.0)
    assert row.completed_at is not None
    assert not TaskProgress.objects.filter(task_id=other.pk).exists()


def test_changes_progress_cannot_see_announce_nothing(s: Setup, announcements: list[Any]) -> None:
    assert s.api.patch(task_url(s.task), {"title": "Renamed", "max_score": 10}).status_code == 200
    draft = s.add_task(is_published=False)
    assert s.api.delete(task_url(draft)).status_code == 204
    assert (
        s.api.patch(
            reverse("learnplat:course-detail", args=["geometry"]), {"grading_policy": "best"}
        ).status_code
        == 200
    )
    assert announcements == []
    response = s.api.patch(task_url(s.task), {"kind": "manual", "config": {}})
    assert response.status_code == 200, response.json()
    assert announcements == [s.course.pk]


def test_a_failing_refresh_undoes_the_change(s: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*, course: Any) -> None:
        raise RuntimeError("progress is down")

    monkeypatch.setattr(progress_flow, "refresh_course_totals", explode)
    with pytest.raises(RuntimeError):
        s.api.patch(task_url(s.task), {"max_score": 20})
    s.task.refresh_from_db()
    assert s.task.max_score == 10
    assert s.row().percent == 100.0


# -- the admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_site(s: Setup) -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    return client


def _task_form(task: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "course": task.course_id,
        "title": task.title,
        "description": "",
        "kind": task.kind,
        "config": '{"answers": ["4"]}',
        "position": task.position,
        "max_score": task.max_score,
        "weight": task.weight,
        "late_policy": "{}",
        "is_published": "on" if task.is_published else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_task_change_refreshes_progress(s: Setup, admin_site: Client) -> None:
    response = admin_site.post(
        reverse("admin:learnplat_courses_task_change", args=[s.task.pk]),
        _task_form(s.task, max_score=40),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = s.row()
    assert (row.percent, row.completed_at) == (25.0, None)


def test_admin_task_delete_refreshes_progress(s: Setup, admin_site: Client) -> None:
    other = s.add_task()
    assert s.row().tasks_total == 2
    response = admin_site.post(
        reverse("admin:learnplat_courses_task_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Task.objects.filter(pk=other.pk).exists()
    row = s.row()
    assert (row.tasks_total, row.percent) == (1, 100.0)
    assert row.completed_at is not None


def _posted(form: Any) -> dict[str, Any]:
    """What a browser posts for ``form`` left as rendered."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, CheckboxInput):
            value = "on" if value else None
        if value is not None:
            data[field.html_name] = value
    return data


def _course_change(admin_site: Client, course: Any, **changes: Any) -> Any:
    """Post the course's admin change page as rendered, with ``changes``."""
    change_url = reverse("admin:learnplat_courses_course_change", args=[course.pk])
    page = admin_site.get(change_url)
    data = _posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _posted(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _posted(form)
    return admin_site.post(change_url, data | changes)


def test_admin_task_inline_change_refreshes_progress(s: Setup, admin_site: Client) -> None:
    response = _course_change(admin_site, s.course, **{"tasks-0-max_score": 40})
    assert response.status_code == 302
    s.task.refresh_from_db()
    assert s.task.max_score == 40
    assert (s.row().percent, s.row().completed_at) == (25.0, None)


def test_admin_course_policy_change_refreshes_progress(s: Setup, admin_site: Client) -> None:
    graded(s.learner, s.task, 4)
    response = _course_change(admin_site, s.course, grading_policy="latest")
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for fs in response.context["inline_admin_formsets"] for f in fs.formset.forms],
    )
    s.course.refresh_from_db()
    assert s.course.grading_policy == "latest"
    assert TaskProgress.objects.get(user=s.learner, task=s.task).score == 4
    assert s.row().percent == 40.0
