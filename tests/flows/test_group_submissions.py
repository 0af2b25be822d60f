"""A group's submission counts for every member (decision 0030): who submits for whom, the
pooled attempts, every member's progress, and what members see of the group's work."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learnplat.courses.models import Enrollment, GroupMembership, GroupSet, StudentGroup
from learnplat.exceptions import Conflict, LearnplatError
from learnplat.flows import grading
from learnplat.flows import groups as groups_flow
from learnplat.flows import submit as submit_flow
from learnplat.flows.groups import submitter_for
from learnplat.flows.progress import recompute_progress, record_result
from learnplat.flows.submit import submit
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Submission
from tests.factories import enroll, make_user
from tests.race import Outcome, race
from tests.submissions.conftest import World, submit_url


def make_group(
    world: World, *members: Any, min_size: int = 1, name: str = "Team A", task: Any = None
) -> StudentGroup:
    task = task or world.task
    group_set = task.group_set or GroupSet.objects.create(
        course=world.course, name="Projects", min_size=min_size, max_size=5
    )
    if task.group_set_id is None:
        task.group_set = group_set
        task.save(update_fields=["group_set"])
    group = StudentGroup.objects.create(group_set=group_set, name=name)
    for member in members:
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)
    return group


def third(world: World, name: str = "third") -> Any:
    user = make_user(username=name)
    enroll(user, world.course)
    return user


def post(world: World, who: Any, answer: Any = "4") -> Any:
    return world.client(who).post(submit_url(world.task), {"answer": answer}, format="json")


@pytest.fixture
def graded(on_commit: Any) -> Any:
    """``graded(user, task, answer)``: submit and evaluate at once (the immediate backend
    runs on commit)."""

    def run(user: Any, task: Any, answer: Any = "4") -> Submission:
        with on_commit():
            submission = submit(user=user, task=task, answer=answer).submission
        submission.refresh_from_db()
        return submission

    return run


def code_of(result: Outcome) -> str:
    if isinstance(result.error, LearnplatError):
        return result.error.code
    result.get()  # any other exception fails the test
    return "created"


# -- who submits for whom ----------------------------------------------------------------


def test_a_task_without_a_group_set_is_solo(world: World) -> None:
    enrollment = Enrollment.objects.get(user=world.student, course=world.course)
    submitter = submitter_for(task=world.task, user=world.student, enrollment=enrollment)
    assert (submitter.group, submitter.user_ids) == (None, (world.student.pk,))


def test_no_group_is_409_group_required(world: World) -> None:
    make_group(world, world.other_student)
    response = post(world, "student")
    assert (response.status_code, response.json()["code"]) == (409, "group_required")
    assert not Submission.objects.exists()


def test_a_group_below_min_size_is_409_group_required(world: World) -> None:
    group = make_group(world, world.student, min_size=2)
    response = post(world, "student")
    assert (response.status_code, response.json()["code"]) == (409, "group_required")
    group.refresh_from_db()
    assert group.locked_at is None


def test_members_who_left_the_course_stop_sharing(world: World) -> None:
    group = make_group(world, world.student, world.other_student, min_size=2)
    Enrollment.objects.filter(user=world.other_student, course=world.course).update(
        status="dropped"
    )
    # One active member left: below min_size.
    assert post(world, "student").json()["code"] == "group_required"
    group.group_set.min_size = 1
    group.group_set.save()
    with transaction.atomic():
        enrollment = Enrollment.objects.get(user=world.student, course=world.course)
        submitter = submitter_for(task=world.task, user=world.student, enrollment=enrollment)
    assert submitter.user_ids == (world.student.pk,)


def test_first_submission_locks_the_group_and_attempts_are_the_groups(world: World) -> None:
    world.task.max_attempts = 2
    world.task.save()
    group = make_group(world, world.student, world.other_student)
    first = submit(user=world.student, task=world.task, answer="4").submission
    group.refresh_from_db()
    assert group.locked_at is not None
    locked_at = group.locked_at
    second = submit(user=world.other_student, task=world.task, answer="3").submission
    assert (first.attempt, first.group_id, first.user_id) == (1, group.pk, world.student.pk)
    assert (second.attempt, second.group_id, second.user_id) == (
        2,
        group.pk,
        world.other_student.pk,
    )
    group.refresh_from_db()
    assert group.locked_at == locked_at
    with pytest.raises(Conflict) as refused:
        submit(user=world.student, task=world.task, answer="4")
    assert refused.value.code == "attempts_exhausted"


# -- every member's progress -------------------------------------------------------------


def progress_of(user: Any, world: World) -> tuple[Any, ...]:
    row = TaskProgress.objects.get(user=user, task=world.task)
    course = CourseProgress.objects.get(user=user, course=world.course)
    return (row.attempts, row.last_attempt, row.score, row.status, course.score)


def test_every_member_gets_the_groups_grade_and_its_changes(world: World, graded: Any) -> None:
    make_group(world, world.student, world.other_student)
    submission = graded(world.student, world.task)
    expected = (1, 1, 10.0, "completed", 10.0)
    assert progress_of(world.student, world) == expected
    assert progress_of(world.other_student, world) == expected

    grading.grade(submission=submission, by=world.instructor, score=4, reason="typo")
    lowered = (1, 1, 4.0, "attempted", 4.0)
    assert progress_of(world.student, world) == lowered
    assert progress_of(world.other_student, world) == lowered

    graded(world.other_student, world.task)
    both = (2, 2, 10.0, "completed", 10.0)
    assert progress_of(world.student, world) == both
    assert progress_of(world.other_student, world) == both

    # The recompute folds the same: nothing to change, and the same from nothing.
    assert recompute_progress(course=world.course).updated == 0
    TaskProgress.objects.all().delete()
    CourseProgress.objects.all().delete()
    recompute_progress(course=world.course)
    assert progress_of(world.other_student, world) == both


def test_every_member_hears_of_the_groups_grade_and_its_change(world: World, graded: Any) -> None:
    from learnplat.notifications.models import Notification

    make_group(world, world.student, world.other_student)
    submission = graded(world.student, world.task)
    grading.grade(submission=submission, by=world.instructor, score=4, reason="typo")

    def kinds(user: Any) -> list[str]:
        return list(
            Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
        )

    assert kinds(world.student) == ["submission_graded", "grade_changed"]
    assert kinds(world.other_student) == ["submission_graded", "grade_changed"]
    assert kinds(world.instructor) == []
    changed = Notification.objects.get(user=world.other_student, kind="grade_changed")
    assert changed.data["submission"] == submission.pk
    assert (changed.data["score"], changed.data["previous_score"]) == (4.0, 10.0)


def notify_queries(world: World, members: int) -> int:
    from learnplat.flows import notify

    users = [world.student, *(third(world, f"n{members}-{n}") for n in range(members - 1))]
    make_group(world, *users, name=f"Team {members}")
    submission = submit(user=world.student, task=world.task, answer="3").submission
    submission.refresh_from_db()
    submission.status, submission.score = "graded", 10.0
    evaluation = submission.evaluations.create(score=10.0, max_score=10, raw_score=10.0)
    with CaptureQueriesContext(connection) as ctx:
        notify.grade_recorded(submission=submission, evaluation=evaluation, previous_score=None)
    from learnplat.notifications.models import Notification

    assert Notification.objects.filter(kind="submission_graded").count() == members
    return len(ctx.captured_queries)


@pytest.mark.parametrize("members", [2, 5])
def test_telling_a_group_of_its_grade_costs_the_same_for_any_size(
    world: World, members: int
) -> None:
    # The same count for 2 and 5 members: one query for the members, one for their
    # preferences, one insert; none per member.
    assert notify_queries(world, members) == 5


def test_a_member_sees_the_pooled_attempts_left(world: World) -> None:
    world.task.max_attempts = 3
    world.task.due_at = timezone.now() + timezone.timedelta(days=1)
    world.task.save()
    make_group(world, world.student, world.other_student)
    submit(user=world.student, task=world.task, answer="3")
    response = world.client("other_student").get("/api/progress/upcoming/")
    assert response.status_code == 200, response.content
    [entry] = [e for e in response.json()["results"] if e["task"]["id"] == world.task.pk]
    assert entry["attempts_left"] == 2


def grade_queries(world: World, members: int) -> int:
    users = [world.student, *(third(world, f"m{world.task.pk}-{n}") for n in range(members - 1))]
    make_group(world, *users, name=f"Team {members}")
    submission = submit(user=world.student, task=world.task, answer="3").submission
    submission.refresh_from_db()
    submission.score = submission.raw_score = 10.0
    submission.save()
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        record_result(submission=submission)
    assert {row.score for row in TaskProgress.objects.filter(task=world.task)} == {10.0}
    return len(ctx.captured_queries)


@pytest.mark.parametrize("members", [2, 5])
def test_recording_a_groups_grade_costs_the_same_for_any_size(world: World, members: int) -> None:
    # Two sizes against one baseline (a group of three): the same queries for any size. The
    # members complete the course (its only task) and the baseline's do not: the outbox's
    # one insert of their course.completed events, however many they are.
    assert grade_queries(world, members) == grade_queries_baseline(world) + 1


def grade_queries_baseline(world: World) -> int:
    """The queries of a group of three on a second task of the same course, for comparison."""
    from tests.factories import TaskFactory

    task = TaskFactory(course=world.course, config={"answers": ["4"]}, max_score=10)
    group_set = GroupSet.objects.create(course=world.course, name="Other set")
    task.group_set = group_set
    task.save()
    group = StudentGroup.objects.create(group_set=group_set, name="Baseline")
    users = [world.student, third(world, "b1"), third(world, "b2")]
    for user in users:
        GroupMembership.objects.create(group=group, group_set=group_set, user=user)
    submission = submit(user=world.student, task=task, answer="3").submission
    submission.refresh_from_db()
    submission.score = submission.raw_score = 10.0
    submission.save()
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        record_result(submission=submission)
    return len(ctx.captured_queries)


# -- what members see ----------------------------------------------------------------------


def test_members_list_and_open_the_groups_submissions_outsiders_do_not(
    world: World, graded: Any
) -> None:
    group = make_group(world, world.student, world.other_student)
    outsider_in_course = third(world)
    submission = graded(world.student, world.task)
    mine = world.client("other_student").get("/api/submissions/", {"mine": "own"}).json()
    assert [row["id"] for row in mine["results"]] == [submission.pk]
    assert mine["results"][0]["group"] == {"id": group.pk, "name": "Team A"}
    by_task = world.client("other_student").get("/api/submissions/", {"task": world.task.pk})
    assert [row["id"] for row in by_task.json()["results"]] == [submission.pk]
    detail = world.client("other_student").get(f"/api/submissions/{submission.pk}/")
    assert detail.status_code == 200
    assert (detail.json()["score"], detail.json()["released"]) == (10.0, True)
    assert detail.json()["assigned_to"] is None
    assert world.client(outsider_in_course).get("/api/submissions/").json()["results"] == []
    assert (
        world.client(outsider_in_course).get(f"/api/submissions/{submission.pk}/").status_code
        == 404
    )
    assert world.client("outsider").get(f"/api/submissions/{submission.pk}/").status_code == 404
    staff = world.client("instructor").get("/api/submissions/", {"user": world.other_student.pk})
    assert [row["id"] for row in staff.json()["results"]] == [submission.pk]


def test_a_member_who_moved_groups_numbers_past_their_own_attempts(world: World) -> None:
    first = make_group(world, world.student, name="First")
    submit(user=world.student, task=world.task, answer="3")
    GroupMembership.objects.filter(group=first).delete()
    second = make_group(world, world.student, world.other_student, name="Second")
    submit(user=world.other_student, task=world.task, answer="3")
    moved = submit(user=world.student, task=world.task, answer="3").submission
    assert (moved.group_id, moved.attempt) == (second.pk, 2)
    again = submit(user=world.other_student, task=world.task, answer="3").submission
    assert again.attempt == 3


def test_a_solo_submission_has_no_group(world: World) -> None:
    response = post(world, "student")
    assert response.status_code == 201
    assert response.json()["group"] is None


def test_members_comment_and_ask_for_a_regrade(world: World, graded: Any) -> None:
    make_group(world, world.student, world.other_student)
    submission = graded(world.student, world.task, "3")
    url = f"/api/submissions/{submission.pk}/comments/"
    posted = world.client("other_student").post(url, {"body": "Why?"}, format="json")
    assert posted.status_code == 201, posted.content
    thread = world.client("student").get(url).json()
    assert [c["body"] for c in thread["results"]] == ["Why?"]
    assert world.client(third(world)).get(url).status_code == 404
    filed = world.client("other_student").post(
        f"/api/submissions/{submission.pk}/regrade-requests/", {"reason": "4 is 3"}, format="json"
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["student"]["id"] == world.other_student.pk
    listed = world.client("other_student").get("/api/regrade-requests/").json()
    assert len(listed["results"]) == 1


# -- the gradebook -------------------------------------------------------------------------


def gradebook_queries(world: World, students: int) -> int:
    group = make_group(world, world.student, world.other_student)
    for n in range(students):
        extra = third(world, f"g{students}-{n}")
        GroupMembership.objects.create(group=group, group_set=group.group_set, user=extra)
    client = world.client("instructor")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/courses/{world.course.slug}/gradebook/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_gradebook_names_each_members_group_at_constant_cost(world: World, graded: Any) -> None:
    group = make_group(world, world.student, world.other_student)
    graded(world.student, world.task)
    body = world.client("instructor").get(f"/api/courses/{world.course.slug}/gradebook/").json()
    [column] = [t for t in body["tasks"] if t["id"] == world.task.pk]
    assert column["group_set"] == group.group_set_id
    rows = {row["user"]["username"]: row for row in body["results"]}
    for name in ("student", "other_student"):
        assert rows[name]["student_groups"] == [
            {"group_set": group.group_set_id, "id": group.pk, "name": "Team A"}
        ]
        [cell] = [c for c in rows[name]["cells"] if c["task"] == world.task.pk]
        assert cell["score"] == 10.0
    csv = world.client("instructor").get(
        f"/api/courses/{world.course.slug}/gradebook/", {"format": "csv"}
    )
    lines = b"".join(csv.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert lines[0].endswith(",Projects group")
    assert all(line.endswith(",Team A") for line in lines[1:])


def test_gradebook_queries_do_not_grow_with_group_members(world: World) -> None:
    small = gradebook_queries(world, 1)
    GroupMembership.objects.all().delete()
    StudentGroup.objects.all().delete()
    assert gradebook_queries(world, 6) == small


# -- races (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_at_once_share_one_attempt(world: World) -> None:
    """Two members submit at once against ``max_attempts = 1``: exactly one is accepted,
    and neither waits forever.

    Checked without the lock: with ``flows.groups.lock_group_of`` returning None at once
    (no group row lock before the enrollment rows, the order the submit flow had), each
    transaction holds its own enrollment row and waits for the other's in
    ``submitter_for``: PostgreSQL aborts one with ``DeadlockDetected`` and ``code_of``
    fails the test.
    """
    world.task.max_attempts = 1
    world.task.save()
    make_group(world, world.student, world.other_student)
    outcomes = race(
        lambda: submit(user=world.student, task=world.task, answer="4"),
        lambda: submit(user=world.other_student, task=world.task, answer="4"),
    )
    assert sorted(code_of(result) for result in outcomes) == ["attempts_exhausted", "created"]
    assert Submission.objects.filter(task=world.task).count() == 1
    assert {row.attempts for row in TaskProgress.objects.filter(task=world.task)} == {1}


#: Rounds of the join race: each is one chance for a join to slip in between.
ROUNDS = 20


def join(group: StudentGroup, user: Any) -> str:
    """What the join flow does (flows/group_formation.py): lock the group row, refuse a
    locked group, insert the membership."""
    with transaction.atomic():
        locked = StudentGroup.objects.select_for_update().get(pk=group.pk)
        if locked.locked_at is not None:
            return "group_locked"
        GroupMembership.objects.create(group=locked, group_set_id=locked.group_set_id, user=user)
        return "joined"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_join_racing_the_first_submission_shares_it_or_is_refused(world: World) -> None:
    """A join at the moment of the group's first submission either comes first (the joiner
    is one of the members it counts for, and has it in their progress) or is refused with
    ``group_locked``.

    Checked without the lock: with ``select_for_update()`` dropped from the group reads of
    flows/groups.py and ``lock_group_of`` returning None at once, the submission reads the
    members, the join commits, and only then is ``locked_at`` written: the joiner is in the
    group but not among the members the submission counted for (its late days, its locked
    rows), and the ``member_ids`` assertion fails within the rounds below.
    """
    joiner = third(world, "joiner")
    counted: list[tuple[int, ...]] = []

    original = groups_flow.submitter_for

    def recording(**kwargs: Any) -> Any:
        submitter = original(**kwargs)
        counted.append(submitter.user_ids)
        return submitter

    seen = set()
    with mock.patch.object(submit_flow.groups, "submitter_for", side_effect=recording):
        for round_ in range(ROUNDS):
            counted.clear()
            group = make_group(world, world.student, name=f"Round {round_}")
            _, joined = race(
                lambda: submit(user=world.student, task=world.task, answer="4"),
                lambda group=group: join(group, joiner),
            ).values()
            seen.add(joined)
            assert counted[0] == (
                (world.student.pk, joiner.pk) if joined == "joined" else (world.student.pk,)
            )
            shares = TaskProgress.objects.filter(user=joiner, task=world.task).exists()
            assert shares == (joined == "joined")
            TaskProgress.objects.filter(user=joiner).delete()
            GroupMembership.objects.all().delete()
    assert seen <= {"joined", "group_locked"}
