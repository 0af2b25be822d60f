"""Grading changes on large courses: a recompute job, 202 with its address, one transaction."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from learnplat.flows import progress as progress_flow
from learnplat.flows import recompute
from learnplat.progress.models import CourseProgress, RecomputeJob
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings
from tests.progress.factories import graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(learnplat_settings: LearnplatSettings) -> None:
    """Every course counts as large."""
    learnplat_settings(GRADING={"SYNC_RECOMPUTE_MAX_STUDENTS": 0})


@pytest.fixture
def setup(db: None) -> Any:
    course = CourseFactory(slug="big")
    instructor = make_user("instructor", username="teacher")
    enroll(instructor, course, role="instructor")
    first = TaskFactory(course=course, max_score=10)
    second = TaskFactory(course=course, max_score=10)
    students = [make_user(username=f"s{n}") for n in range(2)]
    for student, score in zip(students, (10, 5), strict=True):
        enroll(student, course)
        graded(student, first, score)
        graded(student, second, 0)
    return course, instructor, first, second, students


def percents(course: Any) -> list[float]:
    return list(
        CourseProgress.objects.filter(course=course)
        .order_by("user__username")
        .values_list("percent", flat=True)
    )


def task_url(task: Any) -> str:
    return reverse("learnplat:task-detail", kwargs={"pk": task.pk})


def test_a_small_course_recomputes_in_the_request(setup: Any) -> None:
    course, instructor, first, *_ = setup
    response = client_for(instructor).patch(task_url(first), {"weight": 3}, format="json")
    assert response.status_code == 200
    assert "Location" not in response
    assert RecomputeJob.objects.count() == 0
    assert percents(course) == [75.0, 37.5]


def test_a_large_course_answers_202_and_the_job_recomputes_on_commit(
    big: None, setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    course, instructor, first, *_ = setup
    client = client_for(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(task_url(first), {"weight": 3}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["weight"] == 3.0  # the task as changed
    job = RecomputeJob.objects.get()
    assert response["Location"].endswith(f"/courses/big/grading/jobs/{job.pk}/")
    body = client.get(response["Location"]).json()
    assert (body["state"], body["kind"], body["students_done"]) == ("done", "grading", 2)
    assert body["requested_by"]["username"] == "teacher"
    assert body["started_at"] is not None
    assert body["finished_at"] is not None
    assert percents(course) == [75.0, 37.5]
    listed = client.get(reverse("learnplat:course-grading-jobs", kwargs={"slug": "big"}))
    assert [j["id"] for j in listed.json()["results"]] == [job.pk]


def test_until_the_job_runs_the_gradebook_keeps_the_old_figures_and_students_see_new(
    big: None, setup: Any
) -> None:
    course, instructor, first, _, students = setup
    response = client_for(instructor).patch(task_url(first), {"weight": 3}, format="json")
    assert response.status_code == 202
    assert RecomputeJob.objects.get().state == "queued"  # on_commit did not run
    assert percents(course) == [50.0, 25.0]
    own = client_for(students[0]).get(reverse("learnplat:course-progress", kwargs={"slug": "big"}))
    assert own.json()["percent"] == 75.0  # computed on read from the course's rules
    out = io.StringIO()
    call_command("learnplat_recompute_progress", "--jobs", stdout=out)
    assert "Ran 1 queued recompute job(s)." in out.getvalue()
    assert percents(course) == [75.0, 37.5]
    assert RecomputeJob.objects.get().state == "done"


def test_changes_before_a_job_starts_share_it(big: None, setup: Any) -> None:
    course, instructor, first, second, _ = setup
    client = client_for(instructor)
    assert client.patch(task_url(first), {"weight": 3}, format="json").status_code == 202
    assert client.patch(task_url(second), {"max_score": 20}, format="json").status_code == 202
    assert RecomputeJob.objects.count() == 1
    recompute.run_pending_jobs()
    assert recompute.run_job(job_id=RecomputeJob.objects.get().pk) == "skipped"
    # (3 x 10 + 0) / (30 + 20)
    assert percents(course)[0] == 60.0


def test_a_failing_job_keeps_its_error_and_the_old_rows(
    big: None, setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    course, instructor, first, *_ = setup
    assert (
        client_for(instructor).patch(task_url(first), {"weight": 3}, format="json").status_code
        == 202
    )

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(progress_flow, "recompute_progress", broken)
    assert recompute.run_pending_jobs() == 1
    job = RecomputeJob.objects.get()
    assert (job.state, "disk full" in job.error) == ("failed", True)
    assert percents(course) == [50.0, 25.0]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("student", 403), ("outsider", 404), ("assistant", 200), ("admin", 200)],
)
def test_jobs_are_for_course_staff(setup: Any, who: str, status: int) -> None:
    course = setup[0]
    job = RecomputeJob.objects.create(course=course, kind="grading")
    users = {
        "anonymous": None,
        "student": setup[4][0],
        "outsider": make_user(username="nobody"),
        "assistant": make_user(username="helper"),
        "admin": make_user("admin", username="root"),
    }
    if who == "assistant":
        enroll(users[who], course, role="assistant")
    if who == "outsider":
        course.status = "draft"
        course.save()
    detail = reverse("learnplat:course-grading-job", kwargs={"slug": "big", "pk": job.pk})
    listing = reverse("learnplat:course-grading-jobs", kwargs={"slug": "big"})
    client = client_for(users[who])
    assert client.get(detail).status_code == status
    assert client.get(listing).status_code == status


def test_another_courses_job_is_404(setup: Any) -> None:
    _, instructor, *_ = setup
    other = CourseFactory(slug="other")
    job = RecomputeJob.objects.create(course=other, kind="grading")
    url = reverse("learnplat:course-grading-job", kwargs={"slug": "big", "pk": job.pk})
    assert client_for(instructor).get(url).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readers_never_see_a_half_done_recompute(
    big: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of one student: without the job's single transaction the reader below would
    see the first student recomputed and the second not."""
    course = CourseFactory(slug="race")
    task = TaskFactory(course=course, max_score=10)
    other = TaskFactory(course=course, max_score=10)
    students = [make_user(username=f"r{n}") for n in range(2)]
    for student in students:
        enroll(student, course)
        graded(student, task, 10)
        graded(student, other, 0)
    monkeypatch.setattr(progress_flow, "RECOMPUTE_CHUNK", 1)
    # The worker below runs the job, not the immediate backend at commit.
    monkeypatch.setattr(recompute, "_enqueue_on_commit", lambda job_id: None)
    task.weight = 3
    task.save()
    progress_flow.refresh_course_totals(course=course)
    job = RecomputeJob.objects.get()
    halfway, go_on = threading.Event(), threading.Event()
    real = progress_flow._recompute_chunk
    calls = []

    def paused(*args: Any, **kwargs: Any) -> Any:
        # Pause as the second chunk starts: the first one's savepoint is released by then.
        calls.append(1)
        if len(calls) == 2:
            halfway.set()
            assert go_on.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(progress_flow, "_recompute_chunk", paused)

    def work() -> None:
        try:
            recompute.run_job(job_id=job.pk)
        finally:
            connections.close_all()  # this thread's connection, before the test database goes

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert halfway.wait(30)
        assert percents(course) == [50.0, 50.0]
        assert RecomputeJob.objects.get().state == "running"
    finally:
        go_on.set()
        worker.join(30)
    assert percents(course) == [75.0, 75.0]
    assert RecomputeJob.objects.get().state == "done"
