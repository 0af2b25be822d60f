"""Release control: POST tasks/{id}/release/, the task's ``release`` fields, and what a
student sees of an unreleased grade on every submission endpoint (decision 0017)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from learnplat.courses.models import Extension, Task
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows.release import release_task
from learnplat.notifications.models import Notification, NotificationPreference
from learnplat.submissions.choices import GradeChangeKind
from learnplat.submissions.models import GradeChange, Submission
from learnplat.submissions.serializers import SubmissionSerializer, released_to_owner
from tests.factories import TaskFactory, enroll, make_user
from tests.submissions.conftest import World, queued, submit_url

pytestmark = pytest.mark.django_db

HIDDEN = {"score": None, "feedback": None}


def release_url(task: Any) -> str:
    return f"/api/tasks/{task.pk}/release/"


def graded(world: World, *, user: Any = None, answer: str = "4") -> Submission:
    submission = queued(world, answer, user=user)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    assert submission.status == "graded"
    return submission


def set_release(task: Any, mode: str, **fields: Any) -> Any:
    Task.objects.filter(pk=task.pk).update(release=mode, **fields)
    task.refresh_from_db()
    return task


# -- the endpoint ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", 401),
        ("outsider", 404),  # a student of another course
        ("other_instructor", 404),
        ("student", 403),  # sees the task, is not its staff
        ("other_student", 403),
        ("assistant", 200),
        ("instructor", 200),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_release_matrix(world: World, role: str, code: int) -> None:
    set_release(world.task, "manual")
    response = world.client(role).post(release_url(world.task))
    assert response.status_code == code, response.content
    world.task.refresh_from_db()
    assert (world.task.released_at is not None) is (code == 200)
    if code == 200:
        body = response.json()
        assert body["id"] == world.task.pk
        assert body["release"] == "manual"
        assert body["released_at"] is not None
        assert "config" in body  # the staff's view of the task


def test_a_released_task_is_409_already_released(world: World) -> None:
    set_release(world.task, "manual")
    client = world.client("instructor")
    assert client.post(release_url(world.task)).status_code == 200
    first = Task.objects.get(pk=world.task.pk).released_at
    again = client.post(release_url(world.task))
    assert again.status_code == 409
    assert again.json()["code"] == "already_released"
    assert Task.objects.get(pk=world.task.pk).released_at == first


def test_an_immediate_task_is_already_released(world: World) -> None:
    response = world.client("instructor").post(release_url(world.task))
    assert response.status_code == 409
    assert response.json()["code"] == "already_released"
    assert Task.objects.get(pk=world.task.pk).released_at is None


def test_an_after_due_task_past_its_due_date_can_still_be_released(world: World) -> None:
    set_release(world.task, "after_due", due_at=timezone.now() - timedelta(days=1))
    response = world.client("instructor").post(release_url(world.task))
    assert response.status_code == 200
    assert response.json()["released_at"] is not None


def test_unknown_task_is_404(world: World) -> None:
    assert world.client("instructor").post("/api/tasks/999999/release/").status_code == 404


# -- the task's fields -----------------------------------------------------------------------


def test_release_is_read_by_students_and_written_by_staff(world: World) -> None:
    url = f"/api/tasks/{world.task.pk}/"
    staff = world.client("instructor")
    changed = staff.patch(url, {"release": "after_due"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["release"], changed.json()["released_at"]) == ("after_due", None)
    seen = world.client("student").get(url).json()
    assert (seen["release"], seen["released_at"]) == ("after_due", None)
    # released_at is read-only (ignored, as `id` is): the endpoint is the one way to set it.
    staff.patch(url, {"released_at": "2030-01-01T00:00:00Z"}, format="json")
    assert staff.patch(url, {"release": "later"}, format="json").status_code == 400
    assert Task.objects.get(pk=world.task.pk).released_at is None


def test_release_is_set_on_create(world: World) -> None:
    body = {"title": "Quiz", "kind": "exact", "config": {"answers": ["4"]}, "release": "manual"}
    response = world.client("instructor").post(
        f"/api/courses/{world.course.slug}/tasks/", body, format="json"
    )
    assert response.status_code == 201, response.content
    assert Task.objects.get(pk=response.json()["id"]).release == "manual"
    assert (
        world.client("instructor")
        .post(f"/api/courses/{world.course.slug}/tasks/", {**body, "release": "x"}, format="json")
        .status_code
        == 400
    )


# -- the flow ----------------------------------------------------------------------------------


def test_release_records_history_and_notifies_each_student_once(
    world: World, on_commit: Any
) -> None:
    set_release(world.task, "manual")
    first = graded(world)
    second = graded(world, answer="5")  # a second attempt of the same student, score 0
    theirs = graded(world, user=world.other_student)
    waiting = queued(world, user=world.other_student)  # not graded: no history entry
    NotificationPreference.objects.create(
        user=world.other_student, kind="grades_released", in_app=True, email=False
    )
    Notification.objects.all().delete()
    mail.outbox.clear()
    with on_commit():
        release_task(task=world.task, by=world.instructor)
    changes = GradeChange.objects.filter(kind=GradeChangeKind.RELEASE).order_by("submission_id")
    assert [(c.submission_id, c.old_score, c.new_score, c.actor) for c in changes] == [
        (first.pk, 10.0, 10.0, world.instructor),
        (second.pk, 0.0, 0.0, world.instructor),
        (theirs.pk, 10.0, 10.0, world.instructor),
    ]
    assert not GradeChange.objects.filter(submission=waiting).exists()
    notes = Notification.objects.order_by("user_id")
    assert [(n.user_id, n.kind) for n in notes] == sorted(
        [(world.student.pk, "grades_released"), (world.other_student.pk, "grades_released")]
    )
    assert notes[0].data == {
        "task": {"id": world.task.pk, "title": world.task.title},
        "course": {"slug": "intro", "title": "Intro"},
    }
    # E-mail on commit, and only to those who want it.
    assert [m.to for m in mail.outbox] == [[world.student.email]]
    assert world.task.title in mail.outbox[0].subject


def test_a_failed_release_writes_nothing(world: World) -> None:
    graded(world)
    before = (GradeChange.objects.count(), Notification.objects.count())
    response = world.client("instructor").post(release_url(world.task))
    assert response.status_code == 409
    assert (GradeChange.objects.count(), Notification.objects.count()) == before


def test_release_query_count_does_not_grow_with_students(
    world: World, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def course_with(students: int) -> Any:
        task = TaskFactory(course=world.course, release="manual", is_published=True)
        for n in range(students):
            user = make_user(username=f"r{task.pk}-{n}")
            enroll(user, world.course)
            submission = queued(world, "4", user=user, task=task)
            evaluate_flow.run_evaluation(submission.pk)
        return task

    small, large = course_with(2), course_with(12)
    with CaptureQueriesContext(connection) as captured:
        release_task(task=small, by=world.instructor)
    with django_assert_max_num_queries(len(captured)):
        release_task(task=large, by=world.instructor)
    assert GradeChange.objects.filter(submission__task=large, kind="release").count() == 12


# -- what the owner sees -------------------------------------------------------------------


def masked(row: dict[str, Any]) -> bool:
    return row["released"] is False and row["score"] is None and row["feedback"] is None


def test_every_submission_endpoint_hides_an_unreleased_grade_from_its_owner(
    world: World, on_commit: Any
) -> None:
    set_release(world.task, "manual")
    student = world.client("student")
    with on_commit():  # the evaluation runs once the test's transaction "commits"
        created = student.post(submit_url(world.task), {"answer": "4"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    detail = student.get(f"/api/submissions/{pk}/").json()
    assert detail["status"] == "graded"  # the status still shows
    assert masked(detail)
    rows = student.get("/api/submissions/").json()["results"]
    assert rows
    assert all(masked(row) for row in rows)
    assert masked(
        student.get(f"/api/submissions/?task={world.task.pk}&mine=own").json()["results"][0]
    )
    # Staff see everything, and `released` tells them the student's view.
    for who in ("instructor", "assistant", "admin"):
        seen = world.client(who).get(f"/api/submissions/{pk}/").json()
        assert (seen["released"], seen["score"]) == (False, 10.0), who
        listed = world.client(who).get(f"/api/submissions/?task={world.task.pk}").json()
        assert listed["results"][0]["score"] == 10.0
    graded_by_hand = world.client("instructor").post(
        f"/api/submissions/{pk}/grade/", {"score": 7, "feedback": "Fine"}, format="json"
    )
    assert (graded_by_hand.json()["score"], graded_by_hand.json()["feedback"]) == (7.0, "Fine")
    with on_commit():
        regraded = world.client("instructor").post(f"/api/submissions/{pk}/regrade/")
    assert regraded.status_code == 202
    assert regraded.json()["released"] is False
    assert masked(student.get(f"/api/submissions/{pk}/").json())
    # Released: the owner sees score and feedback everywhere.
    assert world.client("instructor").post(release_url(world.task)).status_code == 200
    shown = student.get(f"/api/submissions/{pk}/").json()
    # (the regrade evaluated the answer again)
    assert (shown["released"], shown["score"], shown["feedback"]) == (True, 10.0, "Correct.")
    assert student.get("/api/submissions/").json()["results"][0]["released"] is True


def test_an_idempotent_replay_hides_the_grade_too(world: World, on_commit: Any) -> None:
    set_release(world.task, "manual")
    student = world.client("student")
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    with on_commit():
        student.post(submit_url(world.task), {"answer": "4"}, format="json", **headers)
    replay = student.post(submit_url(world.task), {"answer": "4"}, format="json", **headers)
    assert replay.status_code == 200
    assert replay.json()["status"] == "graded"
    assert masked(replay.json())


def test_an_immediate_task_shows_the_score(world: World) -> None:
    graded(world)
    row = world.client("student").get("/api/submissions/").json()["results"][0]
    assert (row["released"], row["score"]) == (True, 10.0)


def test_after_due_releases_at_each_students_effective_due_date(world: World) -> None:
    due = timezone.now() - timedelta(hours=1)
    first = graded(world)
    theirs = graded(world, user=world.other_student)
    set_release(world.task, "after_due", due_at=due)
    Extension.objects.create(
        user=world.other_student,
        course=world.course,
        task=world.task,
        due_at=timezone.now() + timedelta(days=2),
    )
    # Past the task's due date for the student; the extension holds the other one's back.
    assert world.client("student").get(f"/api/submissions/{first.pk}/").json()["score"] == 10.0
    assert masked(world.client("other_student").get(f"/api/submissions/{theirs.pk}/").json())
    rows = world.client("other_student").get("/api/submissions/").json()["results"]
    assert all(masked(row) for row in rows)
    # The staff list says which students see their score.
    listed = world.client("instructor").get(f"/api/submissions/?task={world.task.pk}").json()
    assert {row["user"]: row["released"] for row in listed["results"]} == {
        world.student.pk: True,
        world.other_student.pk: False,
    }
    # The one rule, at explicit moments: released at the extended due date, not before.
    theirs = Submission.objects.with_release_dates().select_related("task").get(pk=theirs.pk)
    from learnplat.courses.release import is_released

    extended = Extension.objects.get(user=world.other_student).due_at
    assert theirs.release_due_at == extended
    assert not is_released(
        theirs.task, effective_due_at=extended, now=extended - timedelta(seconds=1)
    )
    assert is_released(theirs.task, effective_due_at=extended, now=extended)
    # The single-row path (no annotation) agrees with the list's.
    plain = Submission.objects.select_related("task").get(pk=theirs.pk)
    assert released_to_owner(plain) is released_to_owner(theirs) is False


def test_a_course_wide_extension_delays_the_release_too(world: World) -> None:
    submission = graded(world)
    set_release(world.task, "after_due", due_at=timezone.now() - timedelta(hours=1))
    Extension.objects.create(
        user=world.student, course=world.course, due_at=timezone.now() + timedelta(days=1)
    )
    assert masked(world.client("student").get(f"/api/submissions/{submission.pk}/").json())


def test_after_due_without_a_due_date_waits_for_a_manual_release(world: World) -> None:
    submission = graded(world)
    set_release(world.task, "after_due")
    assert masked(world.client("student").get(f"/api/submissions/{submission.pk}/").json())
    assert world.client("instructor").post(release_url(world.task)).status_code == 200
    assert world.client("student").get(f"/api/submissions/{submission.pk}/").json()["score"] == 10.0


def test_a_host_serializer_subclass_hides_the_grade_too(world: World) -> None:
    class Mine(SubmissionSerializer):
        class Meta(SubmissionSerializer.Meta):
            fields = tuple(f for f in SubmissionSerializer.Meta.fields if f != "released")

    submission = graded(world)
    set_release(world.task, "manual")
    data = Mine(submission, context={"viewer": world.student}).data
    assert (data["score"], data["feedback"]) == (None, None)
    assert Mine(submission, context={"viewer": world.instructor}).data["score"] == 10.0


# -- notifications of unreleased grades ------------------------------------------------------


def test_an_unreleased_grade_notifies_without_the_score(world: World, on_commit: Any) -> None:
    set_release(world.task, "manual")
    world.task.kind, world.task.config = "manual", {}
    world.task.save()
    submission = queued(world, {"essay": "Hi"})
    evaluate_flow.run_evaluation(submission.pk)
    with on_commit():
        grading_flow.grade(submission=submission, by=world.assistant, score=7.5, feedback="ok")
    note = Notification.objects.get(user=world.student)
    assert note.kind == "submission_graded"
    assert (note.data["released"], note.data["score"]) == (False, None)
    assert "7.5" not in mail.outbox[-1].body
    assert "not released" in mail.outbox[-1].body
    # A change of a grade the student never saw sends nothing.
    grading_flow.grade(submission=submission, by=world.assistant, score=5, feedback="less")
    assert Notification.objects.filter(user=world.student).count() == 1


# -- a list stays a constant number of queries -----------------------------------------------


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_list_query_count_is_constant_with_release_modes(
    world: World, role: str, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            task = TaskFactory(
                course=world.course,
                is_published=True,
                release=("manual", "after_due", "immediate")[n % 3],
                due_at=timezone.now() - timedelta(hours=n % 2),
            )
            Extension.objects.update_or_create(
                user=world.student,
                course=world.course,
                task=task,
                defaults={"due_at": timezone.now() + timedelta(days=1)},
            )
            for user in (world.student, world.other_student):
                evaluate_flow.run_evaluation(queued(world, "4", user=user, task=task).pk)

    add(3, 0)
    client = world.client(role)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/submissions/").status_code == 200
    add(9, 3)
    with django_assert_num_queries(len(captured)):
        response = client.get("/api/submissions/")
    rows = response.json()["results"]
    assert len(rows) >= 12
    if role == "student":
        assert any(masked(row) for row in rows)
        assert any(row["released"] for row in rows)
