"""Moving students between sections: one at a time (``PATCH courses/{slug}/enrollments/{id}/``)
and from a ``username,section`` CSV (``POST courses/{slug}/sections/assign/``); every role,
bad input and bad files, nothing half-written, a query count that does not grow with the
rows, and the lateness recompute (decision 0033)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learnplat.courses.models import Enrollment, Section, SectionDate
from learnplat.flows import sections as sections_flow
from learnplat.submissions.models import Submission
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 10, 12, tzinfo=UTC)


def enrollment_of(world: World, user: Any) -> Enrollment:
    return Enrollment.objects.get(course=world.course, user=user)


def patch_url(enrollment: Enrollment, slug: str = "intro") -> str:
    return url("course-enrollment-detail", slug, enrollment.pk)


def make_section(world: World, name: str = "Tuesday", **kwargs: Any) -> Section:
    return sections_flow.create_section(course=world.course, name=name, **kwargs)


def sections_of(world: World) -> dict[str, str | None]:
    return {
        e.user.username: (e.section.name if e.section else None)
        for e in Enrollment.objects.filter(course=world.course).select_related("user", "section")
    }


# -- PATCH courses/{slug}/enrollments/{id}/ -------------------------------------------------

MOVERS = {
    "anonymous": 401,
    "outsider": 404,
    "student": 404,
    "assistant": 403,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


@matrix(**MOVERS)
def test_who_moves_a_student(world: World, role: str, code: int) -> None:
    section = make_section(world)
    target = enrollment_of(world, world.other_student)
    response = world.client(role).patch(patch_url(target), {"section": section.pk}, format="json")
    assert response.status_code == code, response.json()
    target.refresh_from_db()
    assert target.section_id == (section.pk if code == 200 else None)
    if code == 200:
        body = response.json()
        assert body["section"] == section.pk
        assert body["id"] == target.pk
        assert body["user"]["username"] == "other_student"
        assert set(body) == {
            "id",
            "user",
            "course",
            "role",
            "status",
            "section",
            "created",
            "modified",
        }
    else:
        assert set(response.json()) == {"detail", "code"}


def test_null_takes_a_student_out_of_their_section(world: World) -> None:
    section = make_section(world)
    target = enrollment_of(world, world.student)
    sections_flow.assign_section(enrollment=target, section=section)
    response = world.client("instructor").patch(patch_url(target), {"section": None}, format="json")
    assert response.status_code == 200
    assert response.json()["section"] is None
    target.refresh_from_db()
    assert target.section_id is None


def test_a_section_of_another_course_or_no_such_id_is_a_400_on_section(world: World) -> None:
    other = sections_flow.create_section(course=world.other_course, name="Elsewhere")
    target = enrollment_of(world, world.student)
    client = world.client("instructor")
    for value in (other.pk, 999_999, "x"):
        response = client.patch(patch_url(target), {"section": value}, format="json")
        assert response.status_code == 400, value
        assert "section" in response.json()
    target.refresh_from_db()
    assert target.section_id is None


def test_read_only_fields_are_ignored_and_unknown_ones_refused(world: World) -> None:
    section = make_section(world)
    target = enrollment_of(world, world.student)
    client = world.client("instructor")
    sent_back = {"section": section.pk, "role": "instructor", "status": "dropped", "id": 1}
    response = client.patch(patch_url(target), sent_back, format="json")
    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert (target.role, target.status, target.section_id) == ("student", "active", section.pk)
    response = client.patch(patch_url(target), {"section": None, "sektion": 1}, format="json")
    assert response.status_code == 400
    assert response.json() == {"sektion": ["Unknown field."]}
    target.refresh_from_db()
    assert target.section_id == section.pk


def test_an_empty_patch_changes_nothing(world: World) -> None:
    target = enrollment_of(world, world.student)
    response = world.client("instructor").patch(patch_url(target), {}, format="json")
    assert response.status_code == 200
    assert response.json()["section"] is None


def test_put_get_and_delete_are_not_offered(world: World) -> None:
    target = enrollment_of(world, world.student)
    client = world.client("instructor")
    assert client.put(patch_url(target), {"section": None}, format="json").status_code == 405
    assert client.get(patch_url(target)).status_code == 405
    assert client.delete(patch_url(target)).status_code == 405


def test_an_enrollment_of_another_course_is_a_404(world: World) -> None:
    elsewhere = enroll(make_user(username="far"), world.other_course)
    response = world.client("instructor").patch(
        patch_url(elsewhere), {"section": None}, format="json"
    )
    assert response.status_code == 404


def test_staff_are_not_put_in_sections(world: World) -> None:
    section = make_section(world)
    target = enrollment_of(world, world.assistant)
    client = world.client("instructor")
    response = client.patch(patch_url(target), {"section": section.pk}, format="json")
    assert response.status_code == 400
    assert "Only students" in response.json()["section"][0]
    assert client.patch(patch_url(target), {"section": None}, format="json").status_code == 200


def test_a_dropped_student_may_be_moved_and_keeps_the_section_on_return(world: World) -> None:
    from learnplat.flows import enrollment as enrollment_flow

    section = make_section(world)
    target = enrollment_of(world, world.student)
    enrollment_flow.drop(enrollment=target)
    response = world.client("instructor").patch(
        patch_url(target), {"section": section.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "dropped"
    enrollment_flow.enroll(user=world.student, course=world.course)
    target.refresh_from_db()
    assert (target.status, target.section_id) == ("active", section.pk)


def late_submission(world: World, task: Any, user: Any) -> Submission:
    return Submission.objects.create(
        task=task,
        course=world.course,
        user=user,
        attempt=1,
        answer="x",
        max_score=10,
        raw_score=10,
        score=0,
        is_late=True,
        status="graded",
        submitted_at=T0 + timedelta(hours=30),
    )


def dated_task(world: World) -> Any:
    return TaskFactory(
        course=world.course,
        opens_at=T0 - timedelta(days=5),
        due_at=T0,
        closes_at=T0 + timedelta(days=5),
        late_policy={"deduction_percent": 50, "per": "day", "floor_percent": 0},
    )


def test_moving_a_student_recomputes_their_lateness(world: World) -> None:
    task = dated_task(world)
    later = make_section(world, dates=[{"task": task.pk, "due_at": T0 + timedelta(days=2)}])
    submission = late_submission(world, task, world.student)
    target = enrollment_of(world, world.student)
    client = world.client("instructor")
    assert client.patch(patch_url(target), {"section": later.pk}, format="json").status_code == 200
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (False, 10)
    assert client.patch(patch_url(target), {"section": None}, format="json").status_code == 200
    submission.refresh_from_db()
    assert (submission.is_late, submission.score) == (True, 0)


# -- POST courses/{slug}/sections/assign/ ----------------------------------------------------


def assign_url(slug: str = "intro") -> str:
    return url("course-sections-assign", slug)


def csv_file(text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile("sections.csv", data, "text/csv")


def upload(world: World, text: str | bytes, role: str = "instructor", **fields: Any) -> Any:
    body = {"file": csv_file(text), **fields}
    return world.client(role).post(assign_url(), body, format="multipart")


@matrix(**MOVERS)
def test_who_assigns_from_a_csv(world: World, role: str, code: int) -> None:
    make_section(world, "Lab A")
    response = upload(world, "username,section\nstudent,Lab A\n", role, dry_run="false")
    assert response.status_code == code
    assert sections_of(world)["student"] == ("Lab A" if code == 200 else None)
    if code == 200:
        assert response.json()["applied"] is True
    else:
        assert set(response.json()) == {"detail", "code"}


def test_a_dry_run_answers_the_moves_and_writes_nothing(world: World) -> None:
    lab_a, _lab_b = make_section(world, "Lab A"), make_section(world, "Lab B")
    sections_flow.assign_section(enrollment=enrollment_of(world, world.student), section=lab_a)
    text = "Username,Section\nSTUDENT,lab b\nother_student,Lab A\n"
    before = sections_of(world)
    response = upload(world, text)  # dry_run defaults to true
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["errors"] == []
    assert body["applied"] is False
    moves = {
        c["user"]["username"]: (
            c["row"],
            c["old_section"] and c["old_section"]["name"],
            c["new_section"]["name"],
        )
        for c in body["changes"]
    }
    assert moves == {"student": (2, "Lab A", "Lab B"), "other_student": (3, None, "Lab A")}
    assert sections_of(world) == before
    response = upload(world, text, dry_run="false")
    assert response.json()["applied"] is True
    after = sections_of(world)
    assert (after["student"], after["other_student"]) == ("Lab B", "Lab A")


def test_an_empty_section_removes_and_an_unchanged_row_is_no_move(world: World) -> None:
    lab = make_section(world, "Lab A")
    for user in (world.student, world.other_student):
        sections_flow.assign_section(enrollment=enrollment_of(world, user), section=lab)
    body = upload(world, "username,section\nstudent,\nother_student,Lab A\n", dry_run="false")
    body = body.json()
    assert [(c["user"]["username"], c["new_section"]) for c in body["changes"]] == [
        ("student", None)
    ]
    assert sections_of(world)["student"] is None
    assert sections_of(world)["other_student"] == "Lab A"


def test_every_bad_row_is_an_error_and_nothing_is_written(world: World) -> None:
    make_section(world, "Lab A")
    make_user(username="nobody_here")
    text = (
        "username,section\n"
        "student,Lab A\n"  # fine on its own
        "ghost,Lab A\n"  # no such user
        "nobody_here,Lab A\n"  # a user not in the course
        "assistant,Lab A\n"  # staff
        "other_student,Lab Z\n"  # no such section
        "Student,Lab A\n"  # twice (any case)
        "other_student\n"  # one cell
        ",Lab A\n"  # no username
    )
    response = upload(world, text, dry_run="false")
    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False
    details = {e["row"]: e["detail"] for e in body["errors"]}
    assert sorted(details) == [3, 4, 5, 6, 7, 8, 9]
    assert "No user" in details[3]
    assert "not enrolled" in details[4]
    assert "an assistant" in details[5]
    assert "no section 'Lab Z'" in details[6]
    assert "already on row 2" in details[7]
    assert "2" in details[8]
    assert "empty" in details[9]
    assert [c["row"] for c in body["changes"]] == [2]
    assert sections_of(world)["student"] is None


def test_a_dropped_student_can_be_assigned(world: World) -> None:
    from learnplat.flows import enrollment as enrollment_flow

    make_section(world, "Lab A")
    enrollment_flow.drop(enrollment=enrollment_of(world, world.student))
    body = upload(world, "username,section\nstudent,Lab A\n", dry_run="false").json()
    assert body["errors"] == []
    assert body["applied"] is True
    assert sections_of(world)["student"] == "Lab A"


def test_a_utf8_bom_and_crlf_are_accepted(world: World) -> None:
    make_section(world, "Lab A")
    body = upload(world, b"\xef\xbb\xbfusername,section\r\nstudent,Lab A\r\n").json()
    assert body["errors"] == []
    assert len(body["changes"]) == 1


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"\xff\xfe\x00u", "UTF-8"),
        (b"username,section\nstu\x00dent,A\n", "NUL"),
        (b"user,section\nstudent,A\n", "header"),
        (b"username,section,extra\nstudent,A,1\n", "header"),
        (b"section,username\nA,student\n", "header"),
    ],
)
def test_a_bad_file_is_a_400_invalid_file(world: World, data: bytes, text: str) -> None:
    make_section(world, "A")
    response = upload(world, data, dry_run="false")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "invalid_file"
    assert text in body["detail"]
    assert sections_of(world)["student"] is None


def test_no_file_is_a_400_on_file(world: World) -> None:
    response = world.client("instructor").post(
        assign_url(), {"dry_run": "true"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_file_over_the_limit_is_413(world: World, learnplat_settings: Any) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_BYTES": 30})
    response = upload(world, "username,section\n" + "student,A\n" * 10, dry_run="false")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The file is larger than 30 bytes.",
        "code": "file_too_large",
    }


def test_a_body_far_over_the_limit_is_refused_before_it_is_parsed(
    world: World, learnplat_settings: Any
) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_BYTES": 10})
    response = upload(world, b"x" * 200_000)
    assert response.status_code == 413


def test_more_rows_than_the_limit_is_400(world: World, learnplat_settings: Any) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_ROWS": 1})
    make_section(world, "A")
    response = upload(world, "username,section\nstudent,A\nother_student,A\n")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows"


def test_one_lateness_recompute_for_every_moved_student(world: World) -> None:
    task = dated_task(world)
    make_section(world, "Later", dates=[{"task": task.pk, "due_at": T0 + timedelta(days=2)}])
    late = [late_submission(world, task, u) for u in (world.student, world.other_student)]
    real = sections_flow.recompute_students_lateness
    with mock.patch.object(
        sections_flow, "recompute_students_lateness", side_effect=real
    ) as recompute:
        body = upload(
            world, "username,section\nstudent,Later\nother_student,Later\n", dry_run="false"
        ).json()
    assert body["applied"] is True
    assert recompute.call_count == 1
    assert sorted(recompute.call_args.kwargs["user_ids"]) == sorted(
        [world.student.pk, world.other_student.pk]
    )
    for submission in late:
        submission.refresh_from_db()
        assert (submission.is_late, submission.score) == (False, 10)


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_the_queries_do_not_grow_with_the_rows(
    world: World, django_assert_num_queries: Any, dry_run: str
) -> None:
    make_section(world, "A")
    make_section(world, "B")
    students = [make_user(username=f"s{n:02}") for n in range(12)]
    for student in students:
        enroll(student, world.course)
    client = world.client("instructor")

    def rows(names: list[str], section: str) -> str:
        return "username,section\n" + "".join(f"{n},{section}\n" for n in names)

    # A dry run with an unknown user on each side (the user lookup runs in both); a real
    # run without errors, so both apply their moves.
    ghost = ["ghost"] if dry_run == "true" else []

    def send(text: str) -> Any:
        response = client.post(
            assign_url(), {"file": csv_file(text), "dry_run": dry_run}, format="multipart"
        )
        assert response.status_code == 200
        body = response.json()
        assert len(body["errors"]) == len(ghost)
        assert body["changes"]
        assert body["applied"] is (dry_run == "false")
        return body

    assert_same_query_count(
        django_assert_num_queries,
        lambda: send(rows(["s00", "s01", *ghost], "A")),
        lambda: send(rows([s.username for s in students[2:]] + ghost, "B")),
    )
    assert SectionDate.objects.count() == 0
