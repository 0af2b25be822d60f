"""The grading recompute benchmark: ``python -m benchmarks.recompute [--students 2000]``.

Runs in a benchmark database (``DATABASE_URL``, PostgreSQL). Builds (once, reused) a course
of ``--students`` students x ``--tasks`` tasks in two weighted assignment groups, one
dropping each student's two lowest, with one or two graded attempts per pair, then times:

1. **learnplat**: ``learnplat.flows.recompute.run_job`` of a recompute job, what a worker
   does after a grading change on a large course: every student's task and course rows
   rebuilt from the submissions in one transaction (it writes every row, as the change
   under test moves every figure: a task's weight toggles between 1 and 2 each round).
2. **baseline**: the plain-Django equivalent a project would write by hand: one aggregate
   query for each pair's best score, the course sum per student in Python (no groups, no
   drops, no letters, no completion), one bulk update, in one transaction.

Prints one JSON object: seconds per run (median of ``--rounds``) and rows written.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.server import ensure_import_path

SLUG = "bench-recompute"


def _setup() -> None:
    ensure_import_path()
    import django

    django.setup()


def build(students: int, tasks: int) -> Any:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learnplat.courses.models import AssignmentGroup, Course, Enrollment, Task
    from learnplat.flows.progress import recompute_progress
    from learnplat.submissions.models import Submission

    course = Course.objects.filter(slug=SLUG).first()
    if course is not None and course.tasks.count() == tasks:
        if Enrollment.objects.filter(course=course).count() == students:
            return course
        course.delete()
    user_model = get_user_model()
    course = Course.objects.create(
        slug=SLUG,
        title="Recompute",
        status="published",
        grading_scheme="weighted",
        letter_grades=[{"letter": "P", "min_percent": 50}, {"letter": "F", "min_percent": 0}],
    )
    homework = AssignmentGroup.objects.create(
        course=course, name="Homework", weight=40, drop_lowest=2
    )
    exams = AssignmentGroup.objects.create(course=course, name="Exams", weight=60, position=1)
    task_rows = Task.objects.bulk_create(
        [
            Task(
                course=course, title=f"T{n}", kind="exact", position=n, max_score=10,
                is_published=True, group=homework if n % 3 else exams,
                config={"answers": ["4"]},
            )
            for n in range(tasks)
        ]
    )  # fmt: skip
    existing = {
        u.username: u for u in user_model._default_manager.filter(username__startswith="recompute-")
    }
    missing = [f"recompute-{n}" for n in range(students) if f"recompute-{n}" not in existing]
    user_model._default_manager.bulk_create([user_model(username=name) for name in missing])
    users = list(
        user_model._default_manager.filter(username__startswith="recompute-").order_by("pk")
    )[:students]
    Enrollment.objects.bulk_create([Enrollment(user=u, course=course) for u in users])
    now = timezone.now()
    submissions = []
    for i, user in enumerate(users):
        for j, task in enumerate(task_rows):
            for attempt in range(1, 2 + (i + j) % 2):
                score = float((i * 7 + j * 3 + attempt) % 11)
                submissions.append(
                    Submission(
                        user=user, task=task, course=course, attempt=attempt, answer="4",
                        status="graded", score=score, raw_score=score, max_score=10,
                        submitted_at=now, evaluated_at=now,
                    )
                )  # fmt: skip
    Submission.objects.bulk_create(submissions, batch_size=5000)
    recompute_progress(course=course)
    return course


def _toggle_weight(course: Any) -> None:
    from learnplat.courses.models import Task

    task = Task.objects.filter(course=course).order_by("position").first()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(weight=2.0 if task.weight == 1.0 else 1.0)


def learnplat_round(course: Any) -> tuple[float, int]:
    from learnplat.flows import recompute
    from learnplat.progress.models import RecomputeJob

    _toggle_weight(course)
    job = RecomputeJob.objects.create(course=course, kind="benchmark")
    start = time.perf_counter()
    assert recompute.run_job(job_id=job.pk) == "done"
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    return elapsed, job.students_done


def baseline_round(course: Any) -> tuple[float, int]:
    """Best score per pair, weighted by the task's weight, summed per student."""
    from django.db import transaction
    from django.db.models import Max

    from learnplat.courses.models import Task
    from learnplat.progress.models import CourseProgress
    from learnplat.submissions.models import Submission

    _toggle_weight(course)
    start = time.perf_counter()
    with transaction.atomic():
        tasks = {t.pk: t for t in Task.objects.filter(course=course, is_published=True)}
        worth = sum(t.weight * t.max_score for t in tasks.values())
        totals: dict[int, float] = {}
        best = (
            Submission.objects.filter(course=course, status="graded")
            .values("user_id", "task_id")
            .annotate(best=Max("score"))
        )
        for row in best:
            task = tasks[row["task_id"]]
            totals[row["user_id"]] = totals.get(row["user_id"], 0.0) + task.weight * min(
                row["best"], task.max_score
            )
        rows = list(CourseProgress.objects.select_for_update().filter(course=course))
        for row in rows:
            row.score = totals.get(row.user_id, 0.0)
            row.percent = round(100 * row.score / worth, 2) if worth else 0.0
        CourseProgress.objects.bulk_update(rows, ["score", "percent"], batch_size=1000)
    return time.perf_counter() - start, len(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    _setup()
    start = time.perf_counter()
    course = build(args.students, args.tasks)
    built = time.perf_counter() - start
    ours = [learnplat_round(course) for _ in range(args.rounds)]
    theirs = [baseline_round(course) for _ in range(args.rounds)]
    learnplat_s = statistics.median(t for t, _ in ours)
    baseline_s = statistics.median(t for t, _ in theirs)
    print(
        json.dumps(
            {
                "students": args.students,
                "tasks": args.tasks,
                "setup_seconds": round(built, 1),
                "learnplat_seconds": round(learnplat_s, 2),
                "learnplat_students": ours[-1][1],
                "baseline_seconds": round(baseline_s, 2),
                "baseline_rows": theirs[-1][1],
                "learnplat_per_student_ms": round(1000 * learnplat_s / args.students, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
