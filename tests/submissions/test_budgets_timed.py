"""Daily submission budgets (course-local days, DST, Retry-After, bonus submissions), timed
attempts (POST tasks/{id}/start/, the timer in submit) and GET courses/{slug}/accommodations/me/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learnplat.courses.models import Accommodation, Course, Extension
from learnplat.exceptions import Conflict
from learnplat.flows.submit import submit
from learnplat.submissions.allowances import course_zone, local_day_bounds
from learnplat.submissions.models import Submission, TaskStart
from tests.factories import TaskFactory
from tests.race import race
from tests.submissions.conftest import World, submit_url

NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Clock:
    """``django.utils.timezone.now`` answering ``at`` (every caller reads the same instant)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], Clock]:
    def set_clock(at: datetime) -> Clock:
        clock = Clock(at)
        monkeypatch.setattr(timezone, "now", clock)
        return clock

    return set_clock


@pytest.fixture
def limited(world: World) -> Any:
    """``world.task`` with 2 submissions a day, in a New York course."""
    world.course.timezone = "America/New_York"
    world.course.save(update_fields=["timezone"])
    world.task.daily_submission_limit = 2
    world.task.save(update_fields=["daily_submission_limit"])
    return world.task


def post(world: World, who: str = "student", task: Any = None) -> Any:
    return world.client(who).post(submit_url(task or world.task), {"answer": "4"}, format="json")


def start_url(task: Any) -> str:
    return f"/api/tasks/{task.pk}/start/"


def me_url(world: World) -> str:
    return f"/api/courses/{world.course.slug}/accommodations/me/"


# -- the course-local day -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "start", "end", "hours"),
    [
        # Spring forward: 02:00 EST becomes 03:00 EDT, a 23-hour day.
        (utc(2026, 3, 8, 12), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23),
        # Fall back: 02:00 EDT becomes 01:00 EST, a 25-hour day.
        (utc(2026, 11, 1, 12), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25),
        # An ordinary day; exactly local midnight opens its day.
        (utc(2026, 3, 10, 4), utc(2026, 3, 10, 4), utc(2026, 3, 11, 4), 24),
        # One microsecond before local midnight is still the day before.
        (utc(2026, 3, 10, 3, 59, 59, 999999), utc(2026, 3, 9, 4), utc(2026, 3, 10, 4), 24),
    ],
)
def test_local_day_bounds_follow_the_zone(
    at: datetime, start: datetime, end: datetime, hours: int
) -> None:
    bounds = local_day_bounds(NEW_YORK, at)
    assert bounds == (start, end)
    assert bounds[1] - bounds[0] == timedelta(hours=hours)


def test_course_zone_falls_back_to_utc_for_a_name_no_longer_known(world: World) -> None:
    world.course.timezone = "Mars/Olympus_Mons"
    assert course_zone(world.course) == ZoneInfo("UTC")
    world.course.timezone = "America/New_York"
    assert course_zone(world.course) == NEW_YORK


# -- daily budgets ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_budget_refuses_with_retry_after_until_local_midnight(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    # Noon of the 23-hour spring-forward day, plus half a second: Retry-After rounds up.
    clock(utc(2026, 3, 8, 16, 0, 0, 500000))
    assert post(world).status_code == 201
    assert post(world).status_code == 201
    refused = post(world)
    assert refused.status_code == 409
    assert refused.json() == {"detail": refused.json()["detail"], "code": "daily_limit_reached"}
    # To 2026-03-09 00:00 EDT = 04:00 UTC: 11 h 59 min 59.5 s, rounded up.
    assert refused["Retry-After"] == str(12 * 3600)
    assert Submission.objects.filter(user=world.student).count() == 2
    # The other student has a budget of their own.
    assert post(world, "other_student").status_code == 201


@pytest.mark.django_db
def test_budget_resets_exactly_at_local_midnight(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    now = clock(utc(2026, 3, 8, 23))
    assert post(world).status_code == 201
    assert post(world).status_code == 201
    now.at = utc(2026, 3, 9, 3, 59, 59, 999999)  # 23:59:59.999999 EDT
    refused = post(world)
    assert refused.json()["code"] == "daily_limit_reached"
    assert refused["Retry-After"] == "1"
    now.at = utc(2026, 3, 9, 4)  # midnight EDT: a new day
    assert post(world).status_code == 201


@pytest.mark.django_db
def test_a_25_hour_day_keeps_its_budget_for_25_hours(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    now = clock(utc(2026, 11, 1, 4, 30))  # 00:30 EDT on the fall-back day
    assert post(world).status_code == 201
    assert post(world).status_code == 201
    now.at = utc(2026, 11, 2, 4, 30)  # 23:30 EST, 24 h later and still the same day
    refused = post(world)
    assert refused.json()["code"] == "daily_limit_reached"
    assert refused["Retry-After"] == str(30 * 60)
    now.at = utc(2026, 11, 2, 5)  # midnight EST
    assert post(world).status_code == 201


@pytest.mark.django_db
def test_utc_course_resets_at_utc_midnight(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    world.course.timezone = "UTC"
    world.course.save(update_fields=["timezone"])
    now = clock(utc(2026, 3, 8, 23, 0))
    post(world), post(world)
    assert post(world)["Retry-After"] == "3600"
    now.at = utc(2026, 3, 9, 0, 0)
    assert post(world).status_code == 201


@pytest.mark.django_db
def test_bonus_submissions_add_to_the_limit(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    Accommodation.objects.create(course=world.course, user=world.student, bonus_submissions=1)
    assert [post(world).status_code for _ in range(4)] == [201, 201, 201, 409]
    assert [post(world, "other_student").status_code for _ in range(3)] == [201, 201, 409]


@pytest.mark.django_db
def test_no_daily_limit_means_no_budget(world: World, clock: Callable[[datetime], Clock]) -> None:
    clock(utc(2026, 3, 10, 15))
    assert [post(world).status_code for _ in range(4)] == [201] * 4


@pytest.mark.django_db
def test_daily_limit_reached_keeps_the_error_shape_in_the_flow(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    for _ in range(2):
        submit(user=world.student, task=limited, answer="4")
    with pytest.raises(Conflict) as caught:
        submit(user=world.student, task=limited, answer="4")
    assert caught.value.code == "daily_limit_reached"
    assert caught.value.wait == 13 * 3600  # 11:00 EDT to midnight


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd", 5])
def test_unknown_timezone_on_patch_course_is_400(world: World, name: Any) -> None:
    response = world.client("instructor").patch(
        f"/api/courses/{world.course.slug}/", {"timezone": name}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["timezone"]
    assert Course.objects.get(pk=world.course.pk).timezone == "UTC"


@pytest.mark.django_db
def test_known_timezone_on_patch_course_is_kept(world: World) -> None:
    response = world.client("instructor").patch(
        f"/api/courses/{world.course.slug}/", {"timezone": "Asia/Kathmandu"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["timezone"] == "Asia/Kathmandu"


# -- timed attempts ---------------------------------------------------------------------------


@pytest.fixture
def timed(world: World) -> Any:
    world.task.time_limit_minutes = 20
    world.task.save(update_fields=["time_limit_minutes"])
    return world.task


@pytest.mark.django_db
def test_start_fixes_the_deadline_once(
    world: World, timed: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    response = world.client("student").post(start_url(timed))
    assert response.status_code == 201, response.content
    assert response.json() == {
        "started_at": "2026-03-10T15:00:00Z",
        "deadline": "2026-03-10T15:20:00Z",
    }
    again = world.client("student").post(start_url(timed))
    assert again.status_code == 409
    assert again.json()["code"] == "already_started"
    assert TaskStart.objects.filter(task=timed).count() == 1


@pytest.mark.django_db
def test_time_multiplier_stretches_the_limit(
    world: World, timed: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    Accommodation.objects.create(course=world.course, user=world.student, time_multiplier=1.5)
    body = world.client("student").post(start_url(timed)).json()
    assert body["deadline"] == "2026-03-10T15:30:00Z"


@pytest.mark.django_db
def test_deadline_never_passes_the_effective_close(
    world: World, timed: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    timed.closes_at = utc(2026, 3, 10, 15, 5)
    timed.due_at = utc(2026, 3, 10, 15, 5)
    timed.save()
    assert world.client("student").post(start_url(timed)).json()["deadline"] == (
        "2026-03-10T15:05:00Z"
    )
    # An extension past the close moves the close out for its student: the full limit.
    Extension.objects.create(
        course=world.course, task=timed, user=world.other_student, due_at=utc(2026, 3, 11)
    )
    body = world.client("other_student").post(start_url(timed)).json()
    assert body["deadline"] == "2026-03-10T15:20:00Z"


@pytest.mark.django_db
def test_start_refusals(world: World, timed: Any, clock: Callable[[datetime], Clock]) -> None:
    now = clock(utc(2026, 3, 10, 15))
    untimed = TaskFactory(course=world.course, position=3, is_published=True)
    assert world.client("student").post(start_url(untimed)).json()["code"] == "not_timed"
    timed.opens_at = utc(2026, 3, 11)
    timed.save()
    assert world.client("student").post(start_url(timed)).json()["code"] == "task_not_open"
    timed.opens_at, timed.closes_at = None, utc(2026, 3, 9)
    timed.save()
    assert world.client("student").post(start_url(timed)).json()["code"] == "task_closed"
    now.at = utc(2026, 3, 8)
    assert world.client("student").post(start_url(timed)).status_code == 201
    assert not TaskStart.objects.filter(task=untimed).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("student", 201, None),
        ("other_student", 201, None),
        ("instructor", 403, "not_enrolled"),
        ("assistant", 403, "not_enrolled"),
        ("admin", 403, "not_enrolled"),
        ("other_instructor", 404, "not_found"),
        ("outsider", 404, "not_found"),
        ("anonymous", 401, None),
    ],
)
def test_who_may_start(world: World, timed: Any, who: str, status: int, code: str | None) -> None:
    response = world.client(who).post(start_url(timed))
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    # Students do not learn that an unpublished task exists; staff see it but are no students.
    hidden = world.client(who).post(start_url(world.hidden_task)).status_code
    expected = {"instructor": 403, "assistant": 403, "admin": 403, "anonymous": 401}
    assert hidden == expected.get(who, 404)


@pytest.mark.django_db
def test_timer_guards_submissions_inclusively(
    world: World, timed: Any, clock: Callable[[datetime], Clock]
) -> None:
    now = clock(utc(2026, 3, 10, 15))
    assert post(world).json()["code"] == "not_started"
    world.client("student").post(start_url(timed))
    assert post(world).status_code == 201
    now.at = utc(2026, 3, 10, 15, 20)  # exactly the deadline: accepted
    assert post(world).status_code == 201
    now.at = utc(2026, 3, 10, 15, 20, 0, 1)
    assert post(world).json()["code"] == "time_expired"
    assert Submission.objects.filter(user=world.student).count() == 2
    # Untimed again: the timer no longer applies.
    timed.time_limit_minutes = None
    timed.save()
    assert post(world).status_code == 201


# -- accommodations/me ------------------------------------------------------------------------


@pytest.mark.django_db
def test_me_shows_what_applies(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    clock(utc(2026, 3, 10, 15))
    limited.time_limit_minutes = 30
    limited.save()
    untimed = TaskFactory(course=world.course, position=3, is_published=True)
    unpublished = TaskFactory(
        course=world.course, position=4, is_published=False, daily_submission_limit=1
    )
    world.course.late_days = 3
    world.course.save()
    Accommodation.objects.create(
        course=world.course,
        user=world.student,
        time_multiplier=2,
        extra_late_days=2,
        bonus_submissions=1,
        note="staff only",
    )
    extension = Extension.objects.create(
        course=world.course, task=limited, user=world.student, due_at=utc(2026, 4, 1)
    )
    Extension.objects.create(
        course=world.course, task=limited, user=world.other_student, due_at=utc(2026, 4, 2)
    )
    world.client("student").post(start_url(limited))
    post(world)
    response = world.client("student").get(me_url(world))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "time_multiplier": 2.0,
        "late_days_total": 5,
        "late_days_used": 0,
        "late_days_left": 5,
        "bonus_submissions": 1,
        "extensions": [body["extensions"][0]],
        "tasks": [
            {
                "task": limited.pk,
                "submissions_left_today": 2,
                "started_at": "2026-03-10T15:00:00Z",
                "deadline": "2026-03-10T16:00:00Z",
            }
        ],
    }
    assert body["extensions"][0]["id"] == extension.pk
    assert body["extensions"][0]["due_at"] == "2026-04-01T00:00:00Z"
    assert "note" not in body
    assert untimed.pk not in {t["task"] for t in body["tasks"]}
    assert unpublished.pk not in {t["task"] for t in body["tasks"]}


@pytest.mark.django_db
def test_me_without_accommodation(world: World, timed: Any) -> None:
    body = world.client("other_student").get(me_url(world)).json()
    assert body == {
        "time_multiplier": 1.0,
        "late_days_total": 0,
        "late_days_used": 0,
        "late_days_left": 0,
        "bonus_submissions": 0,
        "extensions": [],
        "tasks": [
            {"task": timed.pk, "submissions_left_today": None, "started_at": None, "deadline": None}
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("student", 200),
        ("other_student", 200),
        ("instructor", 403),
        ("assistant", 403),
        ("admin", 404),
        ("other_instructor", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_read_me(world: World, who: str, status: int) -> None:
    response = world.client(who).get(me_url(world))
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "not_enrolled"
    # A course the caller cannot see is a 404 for everyone signed in.
    hidden = world.client(who).get(f"/api/courses/{world.draft.slug}/accommodations/me/")
    if who in ("other_instructor", "outsider", "other_student"):
        assert hidden.status_code == 404


def build_limited_tasks(world: World, count: int) -> None:
    for n in range(count):
        task = TaskFactory(
            course=world.course,
            position=10 + n,
            is_published=True,
            daily_submission_limit=3,
            time_limit_minutes=60,
        )
        TaskStart.objects.create(
            task=task, user=world.student, deadline=timezone.now() + timedelta(hours=1)
        )
        Submission.objects.create(
            user=world.student,
            task=task,
            course=world.course,
            attempt=1,
            answer="4",
            submitted_at=timezone.now(),
            max_score=task.max_score,
        )
        Extension.objects.create(
            course=world.course, task=task, user=world.student, due_at=utc(2030, 1, 1)
        )


@pytest.mark.django_db
def test_me_queries_do_not_grow_with_tasks(world: World) -> None:
    Accommodation.objects.create(course=world.course, user=world.student, bonus_submissions=1)
    counts = []
    for size in (1, 6):
        build_limited_tasks(world, size)
        client = world.client("student")
        with CaptureQueriesContext(connection) as captured:
            body = client.get(me_url(world)).json()
        counts.append(len(captured))
        assert all(t["submissions_left_today"] == 3 for t in body["tasks"])
    assert counts[0] == counts[1]
    assert len(body["tasks"]) == 7
    assert len(body["extensions"]) == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_submits_keep_a_limit_of_three(
    world: World, learnplat_settings: Any
) -> None:
    """Exactly 3 of 20 parallel submits pass a daily limit of 3; 17 get 409 with Retry-After.

    Checked to fail without the lock: with ``select_for_update()`` removed from the
    enrollment query in ``flows.submit._create_submission`` (two runs), the racing submits
    counted today's submissions before any other had committed, took the same attempt
    numbers and the test failed with an IntegrityError on ``lp_submission_unique_attempt``
    (server errors instead of the 17 clean 409s).
    """
    learnplat_settings(THROTTLE_RATES={"learnplat_submit": None})
    world.task.daily_submission_limit = 3
    world.task.save(update_fields=["daily_submission_limit"])
    clients = [world.client("student") for _ in range(20)]

    def call(client: Any) -> Callable[[], Any]:
        return lambda: client.post(submit_url(world.task), {"answer": "4"}, format="json")

    responses = race(*[call(c) for c in clients]).values()

    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 17
    refused = [r for r in responses if r.status_code == 409]
    assert {r.json()["code"] for r in refused} == {"daily_limit_reached"}
    assert all(int(r["Retry-After"]) > 0 for r in refused)
    assert Submission.objects.filter(user=world.student, task=world.task).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_starts_make_one(world: World) -> None:
    """The unique (task, user) constraint backs the exists() check: one start, the rest 409
    ``already_started`` (never a 500 from the IntegrityError)."""
    world.task.time_limit_minutes = 20
    world.task.save(update_fields=["time_limit_minutes"])
    clients = [world.client("student") for _ in range(6)]
    responses = race(*[(lambda c=c: c.post(start_url(world.task))) for c in clients]).values()
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_started"}
    assert TaskStart.objects.filter(task=world.task).count() == 1


@pytest.mark.django_db
def test_group_budget_is_pooled_and_takes_the_submitters_bonus(
    world: World, limited: Any, clock: Callable[[datetime], Clock]
) -> None:
    """Until the group helper's submitter_for lands, the Submitter is built here as it will
    build it: the group's submissions count for every member; the bonus is the submitter's."""
    from learnplat.courses.models import Enrollment, GroupMembership, GroupSet, StudentGroup
    from learnplat.flows.budgets import check_daily_limit
    from learnplat.flows.groups import Submitter

    now = clock(utc(2026, 3, 10, 15)).at
    group_set = GroupSet.objects.create(course=world.course, name="Pairs")
    group = StudentGroup.objects.create(group_set=group_set, name="A")
    for member in (world.student, world.other_student):
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)
    limited.group_set = group_set
    limited.save(update_fields=["group_set"])
    Accommodation.objects.create(course=world.course, user=world.other_student, bonus_submissions=1)
    for attempt in (1, 2):
        Submission.objects.create(
            user=world.student,
            task=limited,
            course=world.course,
            group=group,
            attempt=attempt,
            answer="4",
            submitted_at=now,
            max_score=limited.max_score,
        )

    def submitter(user: Any) -> Submitter:
        enrollment = Enrollment.objects.get(user=user, course=world.course)
        ids = (world.student.pk, world.other_student.pk)
        return Submitter(user=user, enrollment=enrollment, group=group, member_ids=ids)

    with pytest.raises(Conflict) as caught:
        check_daily_limit(task=limited, submitter=submitter(world.student), now=now)
    assert caught.value.code == "daily_limit_reached"
    check_daily_limit(task=limited, submitter=submitter(world.other_student), now=now)
    # accommodations/me counts the group's submissions for each member, with their own bonus.
    rows = {
        who: world.client(who).get(me_url(world)).json()["tasks"][0]["submissions_left_today"]
        for who in ("student", "other_student")
    }
    assert rows == {"student": 0, "other_student": 1}
