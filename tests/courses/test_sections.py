"""Sections through the API (``courses/{slug}/sections/``): every role, the nested writes of
``staff`` and ``dates`` and their rules, a list whose query count does not grow, the date
resolution order (extension > section date > task date) and the lateness recompute when a
section's dates or a student's section change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from learnplat.courses.deadlines import effective_window, window_for
from learnplat.courses.models import Enrollment, Extension, Section, SectionDate
from learnplat.flows import sections as sections_flow
from learnplat.submissions.choices import GradeChangeKind
from learnplat.submissions.models import Submission
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 10, 12, tzinfo=UTC)


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def list_url(slug: str = "intro") -> str:
    return url("course-sections", slug)


def detail_url(pk: int, slug: str = "intro") -> str:
    return url("course-section-detail", slug, pk)


def dated_task(world: World, **dates: Any) -> Any:
    defaults = {
        "opens_at": T0 - timedelta(days=5),
        "due_at": T0,
        "closes_at": T0 + timedelta(days=5),
    }
    return TaskFactory(course=world.course, **{**defaults, **dates})


def make_section(world: World, name: str = "Tuesday", **kwargs: Any) -> Section:
    return sections_flow.create_section(course=world.course, name=name, **kwargs)


def put_in(section: Section | None, user: Any, world: World) -> None:
    enrollment = Enrollment.objects.get(course=world.course, user=user)
    sections_flow.assign_section(enrollment=enrollment, section=section)


READERS = {
    "anonymous": 401,
    "outsider": 404,
    "student": 404,
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}
WRITERS = {**READERS, "assistant": 403}


@matrix(**READERS)
def test_who_lists_sections(world: World, role: str, code: int) -> None:
    task = dated_task(world)
    make_section(
        world,
        staff=[world.assistant.pk],
        dates=[{"task": task.pk, "due_at": T0 + timedelta(days=1)}],
    )
    response = world.client(role).get(list_url())
    assert response.status_code == code
    if code == 200:
        [section] = response.json()
        assert section == {
            "id": section["id"],
            "name": "Tuesday",
            "staff": [world.assistant.pk],
            "dates": [
                {
                    "task": task.pk,
                    "opens_at": None,
                    "due_at": iso(T0 + timedelta(days=1)),
                    "closes_at": None,
                }
            ],
        }
    else:
        assert set(response.json()) == {"detail", "code"}


@matrix(**READERS)
def test_who_reads_a_section(world: World, role: str, code: int) -> None:
    section = make_section(world)
    assert world.client(role).get(detail_url(section.pk)).status_code == code


@matrix(**{**WRITERS, "instructor": 201, "admin": 201})
def test_who_creates_a_section(world: World, role: str, code: int) -> None:
    task = dated_task(world)
    body = {
        "name": "Lab A",
        "staff": [world.assistant.pk, world.instructor.pk],
        "dates": [{"task": task.pk, "due_at": iso(T0 + timedelta(days=2))}],
    }
    response = world.client(role).post(list_url(), body, format="json")
    assert response.status_code == code, response.json()
    assert Section.objects.count() == (1 if code == 201 else 0)
    if code == 201:
        assert sorted(response.json()["staff"]) == sorted([world.assistant.pk, world.instructor.pk])
        assert SectionDate.objects.get().due_at == T0 + timedelta(days=2)


@matrix(**WRITERS)
def test_who_changes_a_section(world: World, role: str, code: int) -> None:
    section = make_section(world)
    response = world.client(role).patch(detail_url(section.pk), {"name": "Wed"}, format="json")
    assert response.status_code == code
    section.refresh_from_db()
    assert section.name == ("Wed" if code == 200 else "Tuesday")


@matrix(**{**WRITERS, "instructor": 204, "admin": 204})
def test_who_deletes_a_section(world: World, role: str, code: int) -> None:
    section = make_section(world)
    assert world.client(role).delete(detail_url(section.pk)).status_code == code
    assert Section.objects.filter(pk=section.pk).exists() == (code != 204)


def test_staff_must_be_staff_of_the_course(world: World) -> None:
    client = world.client("instructor")
    for who in (world.student, world.outsider, world.other_instructor):
        response = client.post(list_url(), {"name": "A", "staff": [who.pk]}, format="json")
        assert response.status_code == 400
        assert "staff" in str(response.json())
    assert not Section.objects.exists()


def test_a_duplicate_name_is_a_400_on_name(world: World) -> None:
    make_section(world, name="A")
    response = world.client("instructor").post(list_url(), {"name": "A"}, format="json")
    assert response.status_code == 400
    assert "name" in str(response.json())


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"due_at": T0 + timedelta(days=6)}, "due_at"),  # after the task's close
        ({"closes_at": T0 + timedelta(days=6)}, "closes_at"),
        ({"opens_at": T0 - timedelta(days=6)}, "opens_at"),  # before the task opens
        ({"due_at": T0 - timedelta(days=3), "opens_at": T0 - timedelta(days=2)}, "due_at"),
        ({"closes_at": T0 - timedelta(days=1)}, "closes_at"),  # before the task's own due
    ],
)
def test_a_section_date_outside_the_task_window_or_out_of_order_is_a_400(
    world: World, dates: dict[str, datetime], field: str
) -> None:
    task = dated_task(world)
    body = {"name": "A", "dates": [{"task": task.pk, **{k: iso(v) for k, v in dates.items()}}]}
    response = world.client("instructor").post(list_url(), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not Section.objects.exists()
    assert not SectionDate.objects.exists()


def test_a_later_due_inside_the_window_is_accepted_and_a_task_of_another_course_is_not(
    world: World,
) -> None:
    task = dated_task(world)
    other = TaskFactory(course=world.other_course)
    client = world.client("instructor")
    ok = {"name": "A", "dates": [{"task": task.pk, "due_at": iso(T0 + timedelta(days=4))}]}
    assert client.post(list_url(), ok, format="json").status_code == 201
    bad = {"name": "B", "dates": [{"task": other.pk, "due_at": iso(T0)}]}
    response = client.post(list_url(), bad, format="json")
    assert response.status_code == 400
    assert "task" in str(response.json())


def test_dates_are_replaced_whole(world: World) -> None:
    first, second = dated_task(world), dated_task(world)
    section = make_section(world, dates=[{"task": first.pk, "due_at": T0 + timedelta(days=1)}])
    response = world.client("instructor").patch(
        detail_url(section.pk),
        {"dates": [{"task": second.pk, "due_at": iso(T0 + timedelta(days=2))}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [d["task"] for d in response.json()["dates"]] == [second.pk]


def test_the_list_runs_the_same_queries_for_more_sections(
    world: World, django_assert_num_queries: Any
) -> None:
    task = dated_task(world)
    client = world.client("instructor")
    make_section(world, name="A", staff=[world.assistant.pk], dates=[{"task": task.pk}])

    def more() -> None:
        for n in range(4):
            make_section(
                world,
                name=f"More {n}",
                staff=[world.assistant.pk, world.instructor.pk],
                dates=[{"task": task.pk, "due_at": T0 + timedelta(days=1)}],
            )

    assert_same_query_count(
        django_assert_num_queries,
        lambda: client.get(list_url()),
        lambda: client.get(list_url()),
        between=more,
    )


def test_the_enrollment_shows_its_section(world: World) -> None:
    section = make_section(world)
    put_in(section, world.student, world)
    rows = world.client("instructor").get(url("course-enrollments", "intro")).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    by_user = {row["user"]["id"]: row["section"] for row in rows}
    assert by_user[world.student.pk] == section.pk
    assert by_user[world.instructor.pk] is None


def test_a_section_of_another_course_cannot_be_assigned(world: World) -> None:
    other = sections_flow.create_section(course=world.other_course, name="X")
    enrollment = Enrollment.objects.get(course=world.course, user=world.student)
    with pytest.raises(Exception, match="section"):
        sections_flow.assign_section(enrollment=enrollment, section=other)


# -- which date applies ------------------------------------------------------------------------


class _Dates:
    def __init__(self, **dates: Any) -> None:
        self.opens_at = dates.get("opens_at")
        self.due_at = dates.get("due_at")
        self.closes_at = dates.get("closes_at")


def test_resolution_order_in_every_combination(world: World) -> None:
    task = dated_task(world)
    section = _Dates(due_at=T0 + timedelta(days=2))
    extension = Extension(due_at=T0 + timedelta(days=3))
    # task only
    assert window_for(task, None).due_at == T0
    # section only
    assert window_for(task, None, section).due_at == T0 + timedelta(days=2)  # type: ignore[arg-type]
    # extension + section + task: the extension wins
    assert window_for(task, extension, section).due_at == T0 + timedelta(days=3)  # type: ignore[arg-type]
    # extension + task
    assert window_for(task, extension).due_at == T0 + timedelta(days=3)
    # a section date with null fields keeps the task's own for those fields
    partial = _Dates(closes_at=T0 + timedelta(days=1))
    window = window_for(task, None, partial)  # type: ignore[arg-type]
    assert (window.opens_at, window.due_at, window.closes_at) == (
        task.opens_at,
        T0,
        T0 + timedelta(days=1),
    )
    # an extension past the section's close moves the close out to it
    window = window_for(task, Extension(due_at=T0 + timedelta(days=9)), partial)  # type: ignore[arg-type]
    assert window.closes_at == T0 + timedelta(days=9)


def test_effective_window_reads_the_students_own_section(world: World) -> None:
    task = dated_task(world)
    later = make_section(world, dates=[{"task": task.pk, "due_at": T0 + timedelta(days=2)}])
    make_section(world, name="Other", dates=[{"task": task.pk, "due_at": T0 + timedelta(days=1)}])
    assert effective_window(task, world.student).due_at == T0
    put_in(later, world.student, world)
    assert effective_window(task, world.student).due_at == T0 + timedelta(days=2)
    assert effective_window(task, world.other_student).due_at == T0


# -- lateness recompute ------------------------------------------------------------------------


def late_submission(world: World, task: Any, user: Any) -> Submission:
    return Submission.objects.create(
        task=task,
        course=world.course,
        user=user,
        attempt=1,
        answer="x",
        max_score=10,
        raw_score=10,
        score=10,
        is_late=True,
        submitted_at=T0 + timedelta(hours=30),
    )


def test_new_section_dates_and_moves_recompute_lateness_with_history(world: World) -> None:
    task = dated_task(world, late_policy={"deduction_percent": 10, "per": "day"})
    submission = late_submission(world, task, world.student)
    section = make_section(world)
    put_in(section, world.student, world)
    submission.refresh_from_db()
    assert submission.is_late is True

    response = world.client("instructor").patch(
        detail_url(section.pk),
        {"dates": [{"task": task.pk, "due_at": iso(T0 + timedelta(days=2))}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    submission.refresh_from_db()
    assert submission.is_late is False
    assert submission.grade_changes.filter(kind=GradeChangeKind.LATE_POLICY).exists()

    put_in(None, world.student, world)
    submission.refresh_from_db()
    assert submission.is_late is True

    put_in(section, world.student, world)
    submission.refresh_from_db()
    assert submission.is_late is False
    world.client("instructor").delete(detail_url(section.pk))
    submission.refresh_from_db()
    assert submission.is_late is True
    assert Enrollment.objects.get(course=world.course, user=world.student).section is None


def test_an_assistant_as_section_staff_needs_to_be_active_staff(world: World) -> None:
    newcomer = make_user()
    enroll(newcomer, world.course, role="assistant")
    section = make_section(world, staff=[newcomer.pk])
    assert list(section.staff.all()) == [newcomer]
