"""Grade history: each kind written by the real flows, and a task's date changes re-applied."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learnplat.courses.models import Extension
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import history as history_flow
from learnplat.progress.models import TaskProgress
from learnplat.submissions.models import Evaluation, GradeChange, Submission
from tests.factories import enroll, make_user
from tests.submissions.conftest import World, queued, set_kind


def entries(submission: Submission) -> list[tuple[Any, ...]]:
    return list(
        GradeChange.objects.filter(submission=submission)
        .order_by("at", "id")
        .values_list("kind", "actor__username", "old_score", "new_score", "reason")
    )


def graded(world: World, answer: str = "4", *, user: Any = None) -> Submission:
    submission = queued(world, answer, user=user)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def test_an_evaluator_result_is_auto_with_no_actor(world: World) -> None:
    submission = graded(world)
    assert entries(submission) == [("auto", None, None, 10.0, "")]
    change = GradeChange.objects.get(submission=submission)
    assert change.evaluation == Evaluation.objects.get(submission=submission)


def test_a_result_waiting_for_review_is_no_change_then_the_grade_is_manual(
    world: World,
) -> None:
    set_kind(world.task, "manual", {})
    submission = queued(world, {"essay": "Cats."})
    evaluate_flow.run_evaluation(submission.pk)
    # The provisional 0 of needs_review never counted: nothing to record yet.
    assert entries(submission) == []
    grading_flow.grade(submission=submission, by=world.assistant, score=7.5, reason="Read it")
    assert entries(submission) == [("manual", "assistant", None, 7.5, "Read it")]


def test_a_grade_over_a_counted_score_is_an_override_even_when_unchanged(world: World) -> None:
    submission = graded(world)
    grading_flow.grade(submission=submission, by=world.instructor, score=2, reason="Copied")
    grading_flow.grade(submission=submission, by=world.instructor, score=2, reason="Checked again")
    assert entries(submission) == [
        ("auto", None, None, 10.0, ""),
        ("override", "instructor", 10.0, 2.0, "Copied"),
        ("override", "instructor", 2.0, 2.0, "Checked again"),
    ]


def test_a_regrade_that_changes_the_score_names_who_asked(world: World) -> None:
    submission = graded(world)
    set_kind(world.task, "exact", {"answers": ["5"]})
    grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor)
    evaluate_flow.run_evaluation(submission.pk)
    assert entries(submission)[1:] == [("regrade", "instructor", 10.0, 0.0, "")]


def test_a_regrade_with_the_same_score_is_not_history(world: World) -> None:
    submission = graded(world)
    grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor)
    evaluate_flow.run_evaluation(submission.pk)
    assert [kind for kind, *_ in entries(submission)] == ["auto"]
    assert Evaluation.objects.filter(submission=submission).count() == 2


def late_task(world: World, *, hours_late: int = 1) -> None:
    world.task.due_at = timezone.now() - timedelta(hours=hours_late)
    world.task.late_policy = {"deduction_percent": 40, "per": "day"}
    world.task.save()


def test_granting_and_revoking_an_extension_is_extension_history(world: World) -> None:
    late_task(world)
    submission = graded(world)
    extension = deadlines_flow.grant_extension(
        granted_by=world.instructor,
        course=world.course,
        user=world.student,
        task=world.task,
        due_at=timezone.now() + timedelta(days=1),
    )
    deadlines_flow.revoke_extension(extension=extension, by=world.assistant)
    assert [row[:4] for row in entries(submission)] == [
        ("auto", None, None, 6.0),
        ("extension", "instructor", 6.0, 10.0),
        ("extension", "assistant", 10.0, 6.0),
    ]


def test_record_change_writes_what_it_is_given(world: World) -> None:
    submission = graded(world)
    change = history_flow.record_change(
        submission=submission,
        kind="release",
        actor=world.instructor,
        old_score=None,
        new_score=10.0,
    )
    assert (change.kind, change.actor, change.reason, change.evaluation) == (
        "release",
        world.instructor,
        "",
        None,
    )
    with pytest.raises(ValueError, match="bogus"):
        history_flow.record_change(
            submission=submission, kind="bogus", actor=None, old_score=1, new_score=2
        )


def test_a_rolled_back_grade_leaves_no_history(world: World) -> None:
    submission = graded(world)
    with pytest.raises(Exception, match="score"):
        grading_flow.grade(submission=submission, by=world.instructor, score=99)
    assert [kind for kind, *_ in entries(submission)] == ["auto"]


# -- a task's due date, close date or late policy changed ----------------------------------


@pytest.fixture
def late_course(world: World) -> dict[str, Any]:
    """Four students' late work on ``task`` (an hour late, 40 % a day off): one with an
    extension covering it, one graded by hand; plus ``other_student``'s on another task."""
    late_task(world)
    third = make_user(username="third")
    enroll(third, world.course)
    plain = graded(world)
    other = graded(world, user=world.other_student)
    extended = graded(world, user=third)
    Extension.objects.create(
        user=third, course=world.course, due_at=timezone.now() + timedelta(days=2)
    )
    fourth = make_user(username="fourth")
    enroll(fourth, world.course)
    manual = graded(world, user=fourth)
    grading_flow.grade(submission=manual, by=world.instructor, score=3.0)
    return {"plain": plain, "other": other, "extended": extended, "manual": manual}


def scores(subs: dict[str, Submission]) -> dict[str, tuple[bool, float | None]]:
    for submission in subs.values():
        submission.refresh_from_db()
    return {name: (s.is_late, s.score) for name, s in subs.items()}


def test_dropping_the_late_policy_gives_late_points_back(
    world: World, late_course: dict[str, Submission]
) -> None:
    # The extension was created after the grade, without the flow: its owner still holds
    # the deducted score, and the recompute puts that right too.
    assert scores(late_course) == {
        "plain": (True, 6.0),
        "other": (True, 6.0),
        "extended": (True, 6.0),
        "manual": (True, 3.0),
    }
    authoring_flow.update_task(task=world.task, late_policy={}, by=world.instructor)
    assert scores(late_course) == {
        "plain": (True, 10.0),
        "other": (True, 10.0),
        "extended": (False, 10.0),
        "manual": (True, 3.0),
    }
    for name in ("plain", "other", "extended"):
        last = entries(late_course[name])[-1]
        assert last[:4] == ("late_policy", "instructor", 6.0, 10.0), name
    assert [kind for kind, *_ in entries(late_course["manual"])] == ["auto", "override"]
    rows = TaskProgress.objects.filter(task=world.task).values_list("user__username", "score")
    assert dict(rows) == {"student": 10.0, "other_student": 10.0, "third": 10.0, "fourth": 3.0}


def test_moving_the_due_date_later_makes_work_on_time_but_not_extended_work_late(
    world: World, late_course: dict[str, Submission]
) -> None:
    deadlines_flow.recompute_task_lateness(task=world.task)  # the extension applies now
    assert scores(late_course)["extended"] == (False, 10.0)
    changed = authoring_flow.update_task(task=world.task, due_at=timezone.now() + timedelta(days=1))
    assert changed.due_at is not None
    assert scores(late_course) == {
        "plain": (False, 10.0),
        "other": (False, 10.0),
        "extended": (False, 10.0),
        "manual": (False, 3.0),
    }
    plain = entries(late_course["plain"])[-1]
    assert plain[:4] == ("late_policy", None, 6.0, 10.0)
    # The extended student's grade did not move again: one late_policy entry only.
    assert [kind for kind, *_ in entries(late_course["extended"])] == ["auto", "late_policy"]
    progress = TaskProgress.objects.get(user=world.student, task=world.task)
    assert progress.score == 10.0


def test_an_earlier_due_date_deducts_more(world: World, late_course: dict[str, Submission]) -> None:
    authoring_flow.update_task(task=world.task, due_at=timezone.now() - timedelta(days=1, hours=1))
    result = scores(late_course)
    assert result["plain"] == (True, 2.0)  # two days late: 80 % off
    assert result["manual"] == (True, 3.0)
    assert entries(late_course["plain"])[-1][:4] == ("late_policy", None, 6.0, 2.0)


def test_other_changes_recompute_nothing(world: World, late_course: dict[str, Submission]) -> None:
    before = GradeChange.objects.count()
    authoring_flow.update_task(task=world.task, title="Renamed", max_attempts=9)
    assert GradeChange.objects.count() == before
    assert deadlines_flow.recompute_task_lateness(task=world.task) == 1  # the extension's
    assert deadlines_flow.recompute_task_lateness(task=world.task) == 0


def test_the_task_recompute_reads_the_submissions_once(world: World) -> None:
    late_task(world)
    for n in range(6):
        user = make_user(username=f"late{n}")
        enroll(user, world.course)
        graded(world, user=user)
    world.task.late_policy = {"deduction_percent": 40, "per": "day"}
    with CaptureQueriesContext(connection) as context:
        assert deadlines_flow.recompute_task_lateness(task=world.task) == 0
    reads = [
        q["sql"] for q in context.captured_queries if "learnplat_submissions_submission" in q["sql"]
    ]
    assert len(reads) == 1, reads


def test_the_admin_task_form_goes_through_the_same_recompute(
    world: World, late_course: dict[str, Submission], client: Any
) -> None:
    from django.urls import reverse

    from tests.courses.test_admin_flows import _posted

    client.force_login(world.superuser)
    url = reverse("admin:learnplat_courses_task_change", args=[world.task.pk])
    due_at = world.task.due_at
    data = _posted(client.get(url).context["adminform"].form) | {
        "late_policy": "{}",
        # The admin's split date-time widget.
        "due_at_0": due_at.strftime("%Y-%m-%d"),
        "due_at_1": due_at.strftime("%H:%M:%S"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert scores(late_course)["plain"] == (True, 10.0)
    assert entries(late_course["plain"])[-1][:2] == ("late_policy", "superuser")
