"""POST courses/{slug}/gradebook/import/: the gradebook CSV back, as grades."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from learnplat.courses.models import Rubric
from learnplat.flows import grading
from learnplat.flows.progress import recompute_progress
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Evaluation, GradeChange, Submission
from tests.conftest import client_for
from tests.factories import TaskFactory, enroll, make_user
from tests.progress.conftest import World
from tests.progress.factories import graded, task_row

pytestmark = pytest.mark.django_db

URL = reverse("learnplat:course-gradebook-import", kwargs={"slug": "intro"})
EXPORT = reverse("learnplat:course-gradebook", kwargs={"slug": "intro"})


def export(world: World) -> list[list[str]]:
    response = client_for(world.instructor).get(EXPORT, {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def as_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(who: Any, data: bytes, dry_run: Any = None, url: str = URL) -> Any:
    body: dict[str, Any] = {"file": SimpleUploadedFile("g.csv", data, "text/csv")}
    if dry_run is not None:
        body["dry_run"] = dry_run
    return client_for(who).post(url, body, format="multipart")


def edit(rows: list[list[str]], username: str, column: int, value: str) -> list[list[str]]:
    for row in rows:
        if row[1] == username:
            row[column] = value
    return rows


def snapshot() -> dict[str, Any]:
    """Everything an import may write, to compare before and after."""
    return {
        "submissions": list(
            Submission.objects.order_by("pk").values_list("pk", "status", "score", "feedback")
        ),
        "evaluations": Evaluation.objects.count(),
        "changes": GradeChange.objects.count(),
        "task_rows": list(TaskProgress.objects.order_by("pk").values_list("pk", "score")),
        "course_rows": list(CourseProgress.objects.order_by("pk").values_list("pk", "score")),
    }


# -- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("outsider", 403),
        ("other_instructor", 403),
        ("assistant", 200),
        ("instructor", 200),
        ("admin", 200),
    ],
)
def test_roles(world: World, who: str, status: int) -> None:
    data = as_bytes(export(world))
    user = None if who == "anonymous" else world.user(who)
    response = upload(user, data)
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"changes": [], "errors": [], "applied": False}
    else:
        assert set(response.json()) == {"detail", "code"}


def test_a_draft_is_404_to_those_who_cannot_see_it(world: World) -> None:
    url = reverse("learnplat:course-gradebook-import", kwargs={"slug": "secret"})
    for who in ("outsider", "other_instructor", "student"):
        response = upload(world.user(who), b"user_id\n", url=url)
        assert response.status_code == 404, who
        assert response.json()["code"] == "not_found"


# -- round trip ------------------------------------------------------------------------------


def test_round_trip_dry_run_then_apply(world: World) -> None:
    first, second = world.tasks
    rows = export(world)
    edit(rows, "student", 5, "7.5")  # second task: 4 → 7.5
    edit(rows, "other_student", 4, "3")  # first task: no submission → 3
    data = as_bytes(rows)
    before = snapshot()

    dry = upload(world.instructor, data)
    assert dry.status_code == 200
    body = dry.json()
    assert body["errors"] == []
    assert body["applied"] is False
    changes = {(c["user"]["username"], c["task"]["id"]): c for c in body["changes"]}
    assert set(changes) == {("student", second.pk), ("other_student", first.pk)}
    assert changes["student", second.pk]["old_score"] == 4.0
    assert changes["student", second.pk]["new_score"] == 7.5
    assert changes["student", second.pk]["creates_submission"] is False
    assert changes["other_student", first.pk]["old_score"] is None
    assert changes["other_student", first.pk]["creates_submission"] is True
    assert snapshot() == before

    applied = upload(world.instructor, data, dry_run="false")
    assert applied.status_code == 200
    assert applied.json()["applied"] is True
    assert task_row(world.student, second).score == 7.5
    assert task_row(world.other_student, first).score == 3.0
    made = Submission.objects.get(user=world.other_student, task=first)
    assert (made.status, made.score, made.attempt, made.manually_graded) == ("graded", 3, 1, True)

    history = GradeChange.objects.filter(kind="import").order_by("pk")
    assert [(h.submission.user, h.old_score, h.new_score) for h in history] == [
        (world.other_student, None, 3.0),  # the CSV's order: by username
        (world.student, 4.0, 7.5),
    ]
    assert {h.actor for h in history} == {world.instructor}
    assert {h.reason for h in history} == {"gradebook import"}

    # The gradebook shows the new scores, and importing the new export changes nothing.
    again = export(world)
    student = next(row for row in again if row[1] == "student")
    assert student[4:6] == ["10.0", "7.5"]
    assert upload(world.instructor, as_bytes(again), dry_run="false").json() == {
        "changes": [],
        "errors": [],
        "applied": False,
    }


def test_import_keeps_feedback(world: World) -> None:
    second = world.tasks[1]
    Submission.objects.filter(user=world.student, task=second).update(feedback="Nice")
    rows = edit(export(world), "student", 5, "6")
    assert upload(world.instructor, as_bytes(rows), dry_run="false").json()["applied"]
    assert Submission.objects.get(user=world.student, task=second).feedback == "Nice"


def test_dry_run_is_the_default_and_the_empty_form_value_is_true(world: World) -> None:
    rows = edit(export(world), "student", 5, "6")
    before = snapshot()
    assert upload(world.instructor, as_bytes(rows)).json()["applied"] is False
    assert upload(world.instructor, as_bytes(rows), dry_run="true").json()["applied"] is False
    assert snapshot() == before


def test_empty_cells_and_unchanged_scores_are_no_change(world: World) -> None:
    rows = export(world)
    edit(rows, "student", 4, "")
    edit(rows, "student", 5, "4")  # as it is (exported as 4.0)
    assert upload(world.instructor, as_bytes(rows)).json()["changes"] == []


def test_the_change_lands_on_the_counted_attempt(world: World) -> None:
    world.course.grading_policy = "latest"
    world.course.save(update_fields=["grading_policy"])
    second = world.tasks[1]
    later = graded(world.student, second, 2)  # latest policy: attempt 2 (2) counts
    rows = edit(export(world), "student", 5, "9")
    body = upload(world.instructor, as_bytes(rows), dry_run="false").json()
    assert body["changes"][0]["old_score"] == 2.0
    later.refresh_from_db()
    assert later.score == 9
    assert Submission.objects.get(user=world.student, task=second, attempt=1).score == 4
    assert task_row(world.student, second).score == 9
    # The incremental progress path left nothing for a full recompute to fix.
    assert recompute_progress(course=world.course).updated == 0


def test_best_policy_refuses_a_score_another_attempt_beats(world: World) -> None:
    world.course.grading_policy = "best"
    world.course.save(update_fields=["grading_policy"])
    second = world.tasks[1]
    graded(world.student, second, 8)
    recompute_progress(course=world.course)
    rows = edit(export(world), "student", 5, "3")  # best is 8, attempt 1 has 4
    body = upload(world.instructor, as_bytes(rows)).json()
    assert body["changes"] == []
    assert "another attempt scores 4" in body["errors"][0]["detail"]


# -- bad rows --------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing(world: World) -> None:
    rows = export(world)
    edit(rows, "student", 5, "6")
    edit(rows, "other_student", 4, "ten")
    before = snapshot()
    response = upload(world.instructor, as_bytes(rows), dry_run="false")
    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False
    assert len(body["changes"]) == 1
    row = next(i for i, r in enumerate(rows, start=1) if r[1] == "other_student")
    assert body["errors"] == [
        {"row": row, "detail": f"{world.tasks[0].title}: 'ten' is not a number."}
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten", "is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("8,5", "is not a number"),
        ("-1", "is not between 0 and 10"),
        ("10.5", "is not between 0 and 10"),
    ],
)
def test_bad_scores_are_row_errors(world: World, value: str, message: str) -> None:
    rows = edit(export(world), "student", 5, value)
    body = upload(world.instructor, as_bytes(rows), dry_run="false").json()
    assert message in body["errors"][0]["detail"]
    assert body["applied"] is False


def test_unknown_duplicate_and_renamed_students_are_row_errors(world: World) -> None:
    rows = export(world)
    width = len(rows[0])
    stranger = make_user(username="stranger")
    rows.append([str(stranger.pk), "stranger", *[""] * (width - 2)])
    rows.append([str(world.dropped.pk), "dropped", *[""] * (width - 2)])
    rows.append(["abc", "x", *[""] * (width - 2)])
    rows.append(next(list(r) for r in rows if r[1] == "student"))
    renamed = next(list(r) for r in rows if r[1] == "other_student")
    renamed[1] = "someone"
    rows.append(renamed)
    rows.append(["1", "short"])
    body = upload(world.instructor, as_bytes(rows)).json()
    details = [e["detail"] for e in body["errors"]]
    assert [e["row"] for e in body["errors"]] == [4, 5, 6, 7, 8, 9]
    assert "No student of this course has user_id" in details[0]
    assert "No student of this course has user_id" in details[1]
    assert "No student of this course has user_id 'abc'" in details[2]
    assert "already on row" in details[3]
    assert "not 'someone'" in details[4]
    assert "columns" in details[5]


def test_a_different_header_is_an_error_and_nothing_else_is_read(world: World) -> None:
    rows = export(world)
    rows[0][4] = "Some other task"
    edit(rows, "student", 5, "6")
    body = upload(world.instructor, as_bytes(rows), dry_run="false").json()
    assert body["changes"] == []
    assert len(body["errors"]) == 1
    assert body["errors"][0]["row"] == 1
    assert "column 5 is 'Some other task'" in body["errors"][0]["detail"]


def test_a_header_of_other_tasks_is_an_error(world: World) -> None:
    rows = export(world)
    TaskFactory(course=world.course, position=9)  # published since the export
    body = upload(world.instructor, as_bytes(rows)).json()
    assert body["errors"][0]["row"] == 1


def test_a_rubric_task_cell_is_a_row_error(world: World) -> None:
    second = world.tasks[1]
    second.rubric = Rubric.objects.create(course=world.course, title="Style")
    second.save(update_fields=["rubric"])
    rows = edit(export(world), "student", 5, "6")
    body = upload(world.instructor, as_bytes(rows)).json()
    assert "rubric" in body["errors"][0]["detail"]
    # An unchanged rubric cell is no change and no error.
    assert upload(world.instructor, as_bytes(export(world))).json()["errors"] == []


def test_an_unreleased_anonymous_task_cell_is_a_row_error(world: World) -> None:
    second = world.tasks[1]
    second.anonymous_grading = True
    second.release = "manual"
    second.save(update_fields=["anonymous_grading", "release"])
    rows = edit(export(world), "student", 5, "6")
    body = upload(world.instructor, as_bytes(rows)).json()
    assert "anonymously" in body["errors"][0]["detail"]
    assert body["changes"] == []


def test_a_released_anonymous_task_imports(world: World) -> None:
    second = world.tasks[1]
    second.anonymous_grading = True
    second.save(update_fields=["anonymous_grading"])  # release immediate: released
    rows = edit(export(world), "student", 5, "6")
    assert upload(world.instructor, as_bytes(rows)).json()["errors"] == []


# -- bad files -------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_413(world: World, learnplat_settings: Any) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_BYTES": 100})
    data = as_bytes(export(world)) + b"\n" * 200
    before = snapshot()
    response = upload(world.instructor, data, dry_run="false")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The file is larger than 100 bytes.",
        "code": "file_too_large",
    }
    assert snapshot() == before


def test_a_body_far_over_the_limit_is_refused_before_it_is_parsed(
    world: World, learnplat_settings: Any
) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_BYTES": 10})
    response = upload(world.instructor, b"x" * 200_000)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_more_rows_than_the_limit_is_400(world: World, learnplat_settings: Any) -> None:
    learnplat_settings(GRADING={"IMPORT_MAX_ROWS": 1})
    response = upload(world.instructor, as_bytes(export(world)))
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows"


def test_a_utf8_bom_is_accepted(world: World) -> None:
    response = upload(world.instructor, b"\xef\xbb\xbf" + as_bytes(export(world)))
    assert response.json()["errors"] == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "invalid_file"),
        (b"\n\n", "invalid_file"),
        (b"\xff\xfe\x00\x01", "invalid_file"),
        (b"user_id,\x00\n", "invalid_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "invalid_file"),
        (b'"unterminated\n', None),
    ],
)
def test_files_that_are_not_utf8_csv_are_400(world: World, data: bytes, code: str | None) -> None:
    response = upload(world.instructor, data)
    if code is None:  # csv reads it as one odd cell: a header error
        assert response.status_code == 200
        assert response.json()["errors"][0]["row"] == 1
    else:
        assert response.status_code == 400
        assert response.json()["code"] == code


def test_a_missing_file_is_400(world: World) -> None:
    response = client_for(world.instructor).post(URL, {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    response = client_for(world.instructor).post(URL, {}, format="json")
    assert response.status_code == 400


def test_a_bad_dry_run_is_400(world: World) -> None:
    response = upload(world.instructor, as_bytes(export(world)), dry_run="maybe")
    assert response.status_code == 400
    assert "dry_run" in response.json()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_never_500_and_never_write(world: World, data: bytes) -> None:
    before = snapshot()
    response = upload(world.instructor, data, dry_run="false")
    assert response.status_code in (200, 400)
    assert snapshot() == before


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cell=st.text(max_size=30), column=st.integers(min_value=0, max_value=16))
# '²' and '٣' are digits to str.isdigit(); only the second is a number to int().
@example(cell="²", column=0)
@example(cell="٣", column=0)
def test_arbitrary_cells_never_500(world: World, cell: str, column: int) -> None:
    rows = export(world)
    for row in rows[1:]:
        if column < len(row):
            row[column] = cell
    response = upload(world.instructor, as_bytes(rows))
    assert response.status_code in (200, 400)


# -- cost ------------------------------------------------------------------------------------


def apply_queries(world: World, students: int) -> int:
    first = world.tasks[0]
    names = []
    for n in range(students):
        user = make_user(username=f"s{students}-{n}")
        enroll(user, world.course)
        graded(user, first, 1)
        names.append(user.get_username())
    rows = export(world)
    for name in names:
        edit(rows, name, 4, "5")
    data = as_bytes(rows)
    with CaptureQueriesContext(connection) as ctx:
        response = upload(world.instructor, data, dry_run="false")
    assert response.json()["applied"] is True
    GradeChange.objects.all().delete()
    return len(ctx.captured_queries)


def test_apply_costs_a_fixed_number_of_queries_per_change(world: World) -> None:
    """The read is a fixed number of queries; each change costs what grade() does."""
    two, four, six = (apply_queries(world, n) for n in (2, 4, 6))
    assert four - two == six - four
    per_change = (four - two) // 2
    # ... exactly what one grade() costs on its own.
    submission = Submission.objects.filter(task=world.tasks[0]).first()
    assert submission is not None
    with CaptureQueriesContext(connection) as ctx:
        grading.grade(
            submission=submission,
            by=world.instructor,
            score=6,
            feedback=None,
            reason="gradebook import",
            history_kind="import",
        )
    assert per_change == len(ctx.captured_queries)
    print(f"gradebook import apply: {two} queries for 2 changes, {per_change} per change")


def test_a_dry_run_costs_the_same_whatever_the_size(world: World) -> None:
    counts = []
    for size in (2, 6):
        for n in range(size):
            user = make_user(username=f"d{size}-{n}")
            enroll(user, world.course)
            graded(user, world.tasks[0], 1)
        rows = export(world)
        for row in rows[1:]:
            row[4] = "5"
        data = as_bytes(rows)
        with CaptureQueriesContext(connection) as ctx:
            body = upload(world.instructor, data).json()
        assert len(body["changes"]) > size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
