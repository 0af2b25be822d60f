"""Move every course to the ``points`` scheme without moving any student's percent.

Wave 1 added a course up as sum(weight * score / max_score) out of sum(weight); a task is now
worth weight * max_score (decision 0015). Where a course's published tasks have weights
proportional to their max scores (the default data: every weight 1, every max score 1), the
weights are divided by that ratio times max_score, so published tasks get weight 1 and the
course shows plain points; otherwise each weight becomes weight / max_score, so every task
keeps its old worth. Either way the percentages are the same numbers, and the stored
figures are rewritten as ``learnplat.progress.rules`` computes them, so a recompute after
the upgrade changes nothing (tests/progress/test_migration_points_scheme.py).

Not reversible: the original weights of proportional courses are not kept.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import migrations

POINTS_PER_WEIGHT = 1_000_000
OTHER_TASKS = "Other tasks"


def _percent(points: int, max_points: int) -> float:
    return round(100.0 * points / max_points, 2) if max_points else 0.0


def _new_weights(tasks: list[Any]) -> dict[int, float]:
    scored = [t for t in tasks if t.max_score > 0]
    ratios = [t.weight / t.max_score for t in scored if t.is_published]
    common = ratios[0] if ratios else None
    if common and all(math.isclose(r, common, rel_tol=1e-9) for r in ratios):
        scale = common
    else:
        scale = 1.0
    return {t.pk: t.weight / (scale * t.max_score) for t in scored}


def forwards(apps: Any, schema_editor: Any) -> None:
    Course = apps.get_model("learnplat_courses", "Course")
    Task = apps.get_model("learnplat_courses", "Task")
    TaskProgress = apps.get_model("learnplat_progress", "TaskProgress")
    CourseProgress = apps.get_model("learnplat_progress", "CourseProgress")
    for course in Course.objects.order_by("pk").iterator():
        tasks = list(Task.objects.filter(course=course))
        weights = _new_weights(tasks)
        changed = [t for t in tasks if t.pk in weights and t.weight != weights[t.pk]]
        for task in changed:
            task.weight = weights[task.pk]
        Task.objects.bulk_update(changed, ["weight"], batch_size=500)
        course.grading_scheme = "points"
        course.save(update_fields=["grading_scheme"])

        by_id = {t.pk: t for t in tasks}
        published = [t for t in tasks if t.is_published]
        max_points = sum(
            round(t.weight * t.max_score * POINTS_PER_WEIGHT) for t in published if t.max_score > 0
        )
        points_of: dict[int, int] = {}
        rows = list(TaskProgress.objects.filter(course=course))
        for row in rows:
            task = by_id[row.task_id]
            points = 0
            if row.score is not None and task.max_score > 0:
                kept = min(max(row.score, 0.0), task.max_score)
                points = round(task.weight * kept * POINTS_PER_WEIGHT)
            row.points = points
            if task.is_published:
                points_of[row.user_id] = points_of.get(row.user_id, 0) + points
        TaskProgress.objects.bulk_update(rows, ["points"], batch_size=1000)
        course_rows = list(CourseProgress.objects.filter(course=course))
        for row in course_rows:
            points = points_of.get(row.user_id, 0)
            percent = _percent(points, max_points)
            row.points, row.max_points = points, max_points
            row.score, row.max_score = points / POINTS_PER_WEIGHT, max_points / POINTS_PER_WEIGHT
            row.percent, row.letter = percent, ""
            row.groups = (
                [
                    {
                        "group": None,
                        "name": OTHER_TASKS,
                        "weight": None,
                        "score": row.score,
                        "max_score": row.max_score,
                        "percent": percent,
                        "dropped": [],
                    }
                ]
                if published
                else []
            )
        CourseProgress.objects.bulk_update(
            course_rows,
            ["points", "max_points", "score", "max_score", "percent", "letter", "groups"],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("learnplat_courses", "0002_grading_model"),
        ("learnplat_progress", "0002_grading_model"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
