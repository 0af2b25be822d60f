"""learnplat.courses.deadlines: windows with extensions, lateness and the late deduction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.deadlines import (
    LatePolicy,
    effective_window,
    late_policy_of,
    late_score,
    window_for,
)
from learnplat.courses.models import Extension, Task
from learnplat.exceptions import InvalidInput
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.roles import Role
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.world import World

T0 = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def make_task(**fields: Any) -> Task:
    return Task(
        opens_at=fields.get("opens_at"),
        due_at=fields.get("due_at"),
        closes_at=fields.get("closes_at"),
        late_policy=fields.get("late_policy", {}),
        max_score=10,
    )


def test_boundaries_are_inclusive() -> None:
    window = window_for(
        make_task(opens_at=T0, due_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=2)),
        None,
    )
    assert window.not_open_at(T0 - US)
    assert not window.not_open_at(T0)
    assert not window.is_late(T0 + timedelta(days=1))
    assert window.is_late(T0 + timedelta(days=1) + US)
    assert not window.closed_at(T0 + timedelta(days=2))
    assert window.closed_at(T0 + timedelta(days=2) + US)


def test_no_dates_is_always_open_and_never_late() -> None:
    window = window_for(make_task(), None)
    assert not window.not_open_at(T0)
    assert not window.closed_at(T0 + timedelta(days=9999))
    assert not window.is_late(T0 + timedelta(days=9999))


def test_extension_moves_due_and_pushes_close_out() -> None:
    task = make_task(due_at=T0, closes_at=T0 + timedelta(days=1))
    extension = Extension(due_at=T0 + timedelta(days=3))
    window = window_for(task, extension)
    assert window.due_at == T0 + timedelta(days=3)
    assert window.closes_at == T0 + timedelta(days=3)
    assert not window.closed_at(T0 + timedelta(days=3))
    assert window.closed_at(T0 + timedelta(days=3) + US)


def test_extension_inside_the_close_leaves_it() -> None:
    task = make_task(due_at=T0, closes_at=T0 + timedelta(days=5))
    window = window_for(task, Extension(due_at=T0 + timedelta(days=1)))
    assert window.closes_at == T0 + timedelta(days=5)
    assert window.is_late(T0 + timedelta(days=1, seconds=1))


def test_task_extension_beats_course_extension(world: Any) -> None:
    task = world.task
    task.due_at = T0
    task.save()
    Extension.objects.create(user=world.student, course=world.course, due_at=T0 + timedelta(days=2))
    assert effective_window(task, world.student).due_at == T0 + timedelta(days=2)
    Extension.objects.create(
        user=world.student, course=world.course, task=task, due_at=T0 + timedelta(days=1)
    )
    assert effective_window(task, world.student).due_at == T0 + timedelta(days=1)
    # Someone else's extension never applies.
    assert effective_window(task, world.other_student).due_at == T0


def test_other_tasks_extension_does_not_apply(world: Any) -> None:
    from tests.factories import TaskFactory

    other = TaskFactory(course=world.course, due_at=T0)
    world.task.due_at = T0
    world.task.save()
    Extension.objects.create(
        user=world.student, course=world.course, task=other, due_at=T0 + timedelta(days=4)
    )
    assert effective_window(world.task, world.student).due_at == T0


@pytest.mark.parametrize(
    ("late_by", "kept"),
    [
        (timedelta(0), 100),
        (US, 90),  # one microsecond late is one whole day
        (timedelta(days=1), 90),
        (timedelta(days=1) + US, 80),
        (timedelta(days=4), 60),
        (timedelta(days=5), 50),
        (timedelta(days=30), 50),  # the floor
    ],
)
def test_deduction_per_day_with_floor(late_by: timedelta, kept: float) -> None:
    policy = LatePolicy(deduction_percent=10, per="day", floor_percent=50)
    assert policy.kept_percent(late_by) == kept


def test_deduction_per_hour_without_floor_stops_at_zero() -> None:
    policy = LatePolicy(deduction_percent=25, per="hour")
    assert policy.kept_percent(timedelta(minutes=61)) == 50
    assert policy.kept_percent(timedelta(hours=10)) == 0


def test_late_score_uses_the_effective_window() -> None:
    task = make_task(
        due_at=T0, late_policy={"deduction_percent": 10, "per": "day", "floor_percent": 50}
    )
    window = window_for(task, None)
    assert late_score(
        8.0, task=task, window=window, submitted_at=T0 + timedelta(hours=26)
    ) == pytest.approx(6.4)
    assert late_score(8.0, task=task, window=window, submitted_at=T0) == 8.0
    extended = window_for(task, Extension(due_at=T0 + timedelta(days=2)))
    assert late_score(8.0, task=task, window=extended, submitted_at=T0 + timedelta(hours=26)) == 8.0


def test_empty_policy_deducts_nothing() -> None:
    assert late_policy_of(make_task(late_policy={})) == LatePolicy()
    assert LatePolicy().kept_percent(timedelta(days=100)) == 100


def test_a_stored_policy_is_read_through_the_validator() -> None:
    task = make_task(late_policy={"deduction_percent": 10, "per": "hour"})
    assert late_policy_of(task) == LatePolicy(deduction_percent=10, per="hour", floor_percent=0)


def test_a_malformed_stored_policy_deducts_nothing() -> None:
    task = make_task(due_at=T0, late_policy={"per": "fortnight"})
    window = window_for(task, None)
    assert late_score(5.0, task=task, window=window, submitted_at=T0 + timedelta(days=3)) == 5.0


# -- recompute_lateness: extensions change grades already given ------------------------


def late_graded(world: Any, user: Any = None) -> Any:
    from django.utils import timezone

    from tests.submissions.conftest import queued

    world.task.due_at = timezone.now() - timedelta(hours=1)
    world.task.late_policy = {"deduction_percent": 40, "per": "day"}
    world.task.save()
    submission = queued(world, "4", user=user)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def test_an_extension_recomputes_lateness_and_score(world: Any) -> None:
    from django.utils import timezone

    from learnplat.flows.deadlines import recompute_lateness
    from learnplat.submissions.models import Evaluation

    submission = late_graded(world)
    untouched = late_graded(world, user=world.other_student)
    assert (submission.is_late, submission.score) == (True, 6.0)
    extension = Extension.objects.create(
        user=world.student, course=world.course, due_at=timezone.now() + timedelta(days=1)
    )
    assert recompute_lateness(user=world.student, course=world.course) == 1
    submission.refresh_from_db()
    assert (submission.is_late, submission.score, submission.raw_score) == (False, 10.0, 10.0)
    last = Evaluation.objects.filter(submission=submission).last()
    assert last is not None
    assert (last.trigger, last.score) == ("deadline", 10.0)
    # Nothing changes a second time.
    assert recompute_lateness(user=world.student, course=world.course) == 0
    extension.delete()
    assert recompute_lateness(user=world.student, course=world.course, task=world.task) == 1
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (True, 6.0)
    untouched.refresh_from_db()
    assert untouched.score == 6.0


def test_an_extension_flags_manual_grades_on_time_but_keeps_their_score(world: Any) -> None:
    from django.utils import timezone

    from learnplat.flows.deadlines import recompute_lateness
    from learnplat.flows.grading import grade

    submission = late_graded(world)
    grade(submission=submission, by=world.instructor, score=4.0)
    Extension.objects.create(
        user=world.student, course=world.course, task=world.task, due_at=timezone.now()
    )
    assert recompute_lateness(user=world.student, course=world.course) == 0
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 4.0)


def test_an_extension_granted_through_the_api_regrades_and_moves_progress(world: Any) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from learnplat.progress.models import CourseProgress, TaskProgress
    from learnplat.roles import Role
    from tests.factories import make_user

    def progress() -> tuple[Any, ...]:
        task_row = TaskProgress.objects.get(user=world.student, task=world.task)
        course_row = CourseProgress.objects.get(user=world.student, course=world.course)
        # Completion reads the raw score, so a late full-marks answer completes the course.
        assert task_row.completed
        assert course_row.completed_at is not None
        return (task_row.score, task_row.points, course_row.score, course_row.percent)

    submission = late_graded(world)
    assert (submission.is_late, submission.score) == (True, 6.0)
    late = progress()
    assert (late[0], late[3]) == (6.0, 60.0)

    response = world.client(world.instructor).post(
        reverse("learnplat:course-extensions", args=[world.course.slug]),
        {
            "user": world.student.pk,
            "task": world.task.pk,
            "due_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.json()
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 10.0)
    on_time = progress()
    assert (on_time[0], on_time[2], on_time[3]) == (10.0, 10.0, 100.0)

    # Revoking it in the admin judges the submission by the task's own due date again.
    admin = Client()
    admin.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    extension = Extension.objects.get(user=world.student, task=world.task)
    response = admin.post(
        reverse("admin:learnplat_courses_extension_delete", args=[extension.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Extension.objects.filter(pk=extension.pk).exists()
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (True, 6.0)
    assert progress() == late


def test_a_course_wide_extension_changed_in_the_admin_regrades(world: Any) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from learnplat.progress.models import CourseProgress
    from learnplat.roles import Role
    from tests.factories import make_user

    submission = late_graded(world)
    extension = Extension.objects.create(
        user=world.student, course=world.course, due_at=world.task.due_at
    )
    admin = Client()
    admin.force_login(make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True))
    later = timezone.localtime(timezone.now() + timedelta(days=1))
    response = admin.post(
        reverse("admin:learnplat_courses_extension_change", args=[extension.pk]),
        {
            "user": world.student.pk,
            "course": world.course.pk,
            "due_at_0": later.strftime("%Y-%m-%d"),
            "due_at_1": later.strftime("%H:%M:%S"),
            "reason": "ill",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 10.0)
    assert CourseProgress.objects.get(user=world.student, course=world.course).percent == 100.0


# -- learnplat.flows.deadlines.grant_extension --------------------------------------------------


@pytest.mark.django_db
def test_grant_extension_upserts(world: World) -> None:
    due = timezone.now() + timedelta(days=3)
    first = deadlines_flow.grant_extension(
        granted_by=world.users["assistant"],
        course=world.course,
        user=world.users["student"],
        task=world.task,
        due_at=due,
    )
    second = deadlines_flow.grant_extension(
        granted_by=world.users["instructor"],
        course=world.course,
        user=world.users["student"],
        task=world.task,
        due_at=due + timedelta(days=1),
        reason="again",
    )
    assert first.pk == second.pk
    stored = Extension.objects.get()
    assert (stored.granted_by, stored.reason) == (world.users["instructor"], "again")


@pytest.mark.django_db
def test_grant_extension_rules(world: World) -> None:
    due = timezone.now()
    with pytest.raises(InvalidInput) as info:
        deadlines_flow.grant_extension(
            granted_by=None, course=world.course, user=world.users["outsider"], due_at=due
        )
    assert "user" in info.value.errors
    other_task = TaskFactory(course=CourseFactory())
    with pytest.raises(InvalidInput) as info:
        deadlines_flow.grant_extension(
            granted_by=None,
            course=world.course,
            user=world.users["student"],
            task=other_task,
            due_at=due,
        )
    assert "task" in info.value.errors
    dropped = make_user(Role.STUDENT)
    enroll(dropped, world.course).__class__.objects.filter(user=dropped).update(status="dropped")
    with pytest.raises(InvalidInput):
        deadlines_flow.grant_extension(
            granted_by=None, course=world.course, user=dropped, due_at=due
        )


# -- learnplat.flows.deadlines.revoke_extension ------------------------------------------------


def extend_a_day(world: Any, *, task: Task | None) -> Extension:
    """``world.student``'s extension of ``task`` (None: the whole course) until tomorrow."""
    return deadlines_flow.grant_extension(
        granted_by=world.instructor,
        course=world.course,
        user=world.student,
        task=task,
        due_at=timezone.now() + timedelta(days=1),
    )


def test_revoking_through_the_api_regrades_and_moves_progress(world: Any) -> None:
    from django.urls import reverse

    from learnplat.progress.models import CourseProgress
    from learnplat.submissions.models import Evaluation

    submission = late_graded(world)
    extension = extend_a_day(world, task=world.task)
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 10.0)
    assert CourseProgress.objects.get(user=world.student, course=world.course).percent == 100.0

    response = world.client(world.assistant).delete(
        reverse("learnplat:extension-detail", args=[extension.pk])
    )
    assert response.status_code == 204
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (True, 6.0)
    assert CourseProgress.objects.get(user=world.student, course=world.course).percent == 60.0
    last = Evaluation.objects.filter(submission=submission).last()
    assert last is not None
    assert (last.trigger, last.score) == ("deadline", 6.0)


def test_revoking_a_task_extension_falls_back_to_the_course_wide_one(world: Any) -> None:
    submission = late_graded(world)
    extend_a_day(world, task=None)
    own = extend_a_day(world, task=world.task)
    deadlines_flow.revoke_extension(extension=own)
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 10.0)
    assert Extension.objects.filter(user=world.student).count() == 1


def test_revoking_a_revoked_extension_is_not_found(world: World) -> None:
    from learnplat.exceptions import NotFound

    extension = Extension.objects.create(
        user=world.student, course=world.course, due_at=timezone.now()
    )
    stale = Extension.objects.get(pk=extension.pk)
    deadlines_flow.revoke_extension(extension=extension)
    with pytest.raises(NotFound):
        deadlines_flow.revoke_extension(extension=stale)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_revokes_of_one_extension_delete_it_once(world: World) -> None:
    from learnplat.exceptions import NotFound
    from tests.race import race

    submission = late_graded(world)
    extension = extend_a_day(world, task=world.task)
    copies = [Extension.objects.get(pk=extension.pk) for _ in range(4)]
    outcomes = race(*[lambda e=e: deadlines_flow.revoke_extension(extension=e) for e in copies])
    assert sorted(type(o.error).__name__ for o in outcomes) == ["NoneType"] + ["NotFound"] * 3
    assert all(o.error is None or isinstance(o.error, NotFound) for o in outcomes)
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (True, 6.0)
