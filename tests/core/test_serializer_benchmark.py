"""The serializer benchmark (benchmarks/serializers.py) refuses to time two paths that
answer differently: its check must catch other JSON and other query counts.

No timing is asserted: the figures depend on the machine."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.serializers import Case, OutputMismatch, Timing, check_identical
from learnplat.roles import Role
from learnplat.submissions.models import Submission
from learnplat.submissions.serializers import SubmissionSerializer
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import set_result, submit


class SameAsDRF(SubmissionSerializer):
    pass


class OtherScore(SubmissionSerializer):
    def to_representation(self, instance: Submission) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["score"] = 0.5
        return data


class OtherKeyOrder(SubmissionSerializer):
    def to_representation(self, instance: Submission) -> dict[str, Any]:
        data = super().to_representation(instance)
        return {"task": data.pop("task"), **data}


class ExtraQuery(SubmissionSerializer):
    def to_representation(self, instance: Submission) -> dict[str, Any]:
        instance.refresh_from_db(fields=["score"])
        return super().to_representation(instance)


@pytest.fixture
def submissions(db: None) -> tuple[Any, Any]:
    student = make_user(Role.STUDENT, username="bench-s")
    course = CourseFactory()
    enroll(student, course)
    task = TaskFactory(course=course)
    for answer in ("1", "2"):
        set_result(submit(student, task, answer=answer), status="graded", score=0.25)

    def fetch() -> list[Submission]:
        return list(Submission.objects.with_summaries().filter(user=student).order_by("id"))

    return student, fetch


def case(plain: type[Any], submissions: tuple[Any, Any]) -> Case:
    student, fetch = submissions
    return Case("submissions", "Submissions", SubmissionSerializer, plain, fetch, student)


def test_the_same_answer_passes(submissions: tuple[Any, Any]) -> None:
    compared = check_identical(case(SameAsDRF, submissions))
    # The page's query and the prefetch of its rubric assessments (``parts``).
    assert compared["queries"] == 2
    assert compared["bytes"] > 0


@pytest.mark.parametrize("plain", [OtherScore, OtherKeyOrder])
def test_other_json_is_refused(submissions: tuple[Any, Any], plain: type[Any]) -> None:
    with pytest.raises(OutputMismatch, match="different JSON; first difference at byte"):
        check_identical(case(plain, submissions))


def test_other_query_counts_are_refused(submissions: tuple[Any, Any]) -> None:
    with pytest.raises(OutputMismatch, match="runs 2 queries, DRF's way 4"):
        check_identical(case(ExtraQuery, submissions))


def test_speedups_are_medians_of_each_rounds_ratio() -> None:
    timing = Timing()
    for fetch, lean, plain in ((1.0, 1.0, 3.0), (9.0, 2.0, 2.0), (1.0, 1.0, 2.0)):
        timing.add("fetch", fetch)
        timing.add("serialize_lean", lean)
        timing.add("serialize_plain", plain)
        timing.add("render_lean", 0.0)
        timing.add("render_plain", 0.0)
    assert timing.speedups() == {"serialize": 2.0, "read": 1.5}
