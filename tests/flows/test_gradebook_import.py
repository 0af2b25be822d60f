"""learnplat.flows.gradebook_import, called directly: reading the file and the plan."""

from __future__ import annotations

import io
from typing import Any

import pytest

from learnplat.exceptions import BadRequest, PayloadTooLarge
from learnplat.flows import gradebook_import
from learnplat.progress.exports import gradebook_header
from learnplat.submissions.models import GradeChange, Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import graded, task_row


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def test_reading_stops_after_the_limit() -> None:
    upload = CountingReader(b"x" * 1_000_000)
    with pytest.raises(PayloadTooLarge) as raised:
        gradebook_import.read_csv(upload, max_bytes=1000)
    assert raised.value.status_code == 413
    assert raised.value.code == "file_too_large"
    assert upload.taken <= 1000 + 64 * 1024


def test_rows_skip_blank_lines_and_the_bom() -> None:
    rows = gradebook_import.read_csv(b'\xef\xbb\xbfa,b\r\n\r\n1,"x, y"\n,\n', max_rows=5)
    assert rows == [["a", "b"], ["1", "x, y"]]


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"a\n1\n2\n3\n", "too_many_rows"), (b"\xc3\x28", "invalid_file"), (b"a\x00", "invalid_file")],
)
def test_bad_files(data: bytes, code: str) -> None:
    with pytest.raises(BadRequest) as raised:
        gradebook_import.read_csv(data, max_rows=2)
    assert raised.value.code == code


@pytest.fixture
def course(db: None) -> Any:
    return CourseFactory(slug="flows-import", status="published")


def header(course: Any, tasks: list[Any]) -> list[str]:
    return gradebook_header(tasks, [])


def test_apply_grades_through_grade_with_kind_import(course: Any) -> None:
    task = TaskFactory(course=course, title="=SUM(A1)", max_score=5)  # a formula-like title
    teacher = make_user(username="teacher")
    enroll(teacher, course, "instructor")
    learner = make_user(username="learner")
    enroll(learner, course)
    graded(learner, task, 2)
    row = [str(learner.pk), "learner", "", "", "4", "", "", "", "", "", "", ""]
    rows = [header(course, [task]), row]
    assert rows[0][4] == "'=SUM(A1)"

    planned = gradebook_import.import_gradebook(course=course, by=teacher, rows=rows)
    assert [(c.old_score, c.new_score) for c in planned.changes] == [(2.0, 4.0)]
    assert not planned.applied
    assert not GradeChange.objects.filter(kind="import").exists()

    done = gradebook_import.import_gradebook(course=course, by=teacher, rows=rows, dry_run=False)
    assert done.applied
    change = GradeChange.objects.get(kind="import")
    assert (change.actor, change.old_score, change.new_score, change.reason) == (
        teacher,
        2.0,
        4.0,
        "gradebook import",
    )
    assert change.evaluation is not None
    assert change.evaluation.triggered_by == teacher
    assert task_row(learner, task).score == 4.0
    assert Submission.objects.get(user=learner).manually_graded
