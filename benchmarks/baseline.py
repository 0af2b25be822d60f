"""The baselines: hand-written plain-Django views that answer what learnplat's endpoints
answer, from the same rows, with ``.values()`` and ``JsonResponse``. Mounted under
``/bench/`` by ``benchmarks.urls`` only.

They do the same work a fair hand-written view would: the same JWT authentication, the same
visibility and membership checks, the same pagination envelope with a ``COUNT``, and no
more queries than needed. ``python benchmarks/run.py`` checks before every measurement that
each baseline answers exactly the JSON its learnplat endpoint answers (links aside).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from learnplat.authentication import JWTAuthentication
from learnplat.courses.models import Course, Enrollment, GroupMembership, Task
from learnplat.evaluation.registry import get_evaluator
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.submissions.models import Evaluation, Submission

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
USER_FIELDS = ("id", "username", "first_name", "last_name")
STAFF = ("instructor", "assistant")

View = Callable[..., HttpResponse]


def error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def authenticated(view: View) -> View:
    """The same bearer-token authentication learnplat's views run."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            found = JWTAuthentication().authenticate(request)  # type: ignore[arg-type]
        except Exception:
            return error(401, "Given token not valid for any token type")
        if found is None:
            return error(401, "Authentication credentials were not provided.")
        request.user = found[0]
        return view(request, *args, **kwargs)

    return wrapper


def iso(value: datetime | None) -> str | None:
    """A datetime as DRF writes it (microseconds kept, UTC as ``Z``)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def user_summary(row: dict[str, Any], prefix: str = "user__") -> dict[str, Any]:
    return {
        "id": row[f"{prefix}id"],
        "username": row[f"{prefix}username"],
        "first_name": row[f"{prefix}first_name"],
        "last_name": row[f"{prefix}last_name"],
    }


def _page_link(request: HttpRequest, page: int | None) -> str:
    parts = urlsplit(request.build_absolute_uri())
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if page is None:
        query.pop("page", None)
    else:
        query["page"] = str(page)
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def paginate(request: HttpRequest, count: int) -> tuple[int, int, dict[str, Any]]:
    """(offset, limit, envelope without results) for ``?page=`` and ``?page_size=``."""
    try:
        size = min(int(request.GET.get("page_size", PAGE_SIZE)), MAX_PAGE_SIZE)
        size = size if size > 0 else PAGE_SIZE
    except ValueError:
        size = PAGE_SIZE
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    pages = max((count + size - 1) // size, 1)
    previous = None if page == 1 else _page_link(request, None if page == 2 else page - 1)
    envelope = {
        "count": count,
        "next": _page_link(request, page + 1) if page < pages else None,
        "previous": previous,
    }
    return (page - 1) * size, size, envelope


# -- GET courses/ (anonymous) -------------------------------------------------------------


def course_list(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.filter(status="published").order_by("-created", "pk")
    offset, limit, envelope = paginate(request, courses.count())
    rows = list(
        courses.values(
            "id",
            "slug",
            "title",
            "description",
            "status",
            "enrollment_open",
            "capacity",
            "grading_policy",
            "grading_scheme",
            "letter_grades",
            "timezone",
            "late_days",
            "max_late_days_per_task",
            "published_at",
            "created",
            "modified",
        )[offset : offset + limit]
    )
    ids = [row["id"] for row in rows]
    task_counts = dict(
        Task.objects.filter(course_id__in=ids, is_published=True)
        .order_by()
        .values("course_id")
        .annotate(n=Count("id"))
        .values_list("course_id", "n")
    )
    instructors: dict[int, list[dict[str, Any]]] = {}
    for row in (
        Enrollment.objects.filter(course_id__in=ids, role="instructor", status="active")
        .order_by("created", "id")
        .values("course_id", *(f"user__{f}" for f in USER_FIELDS))
    ):
        instructors.setdefault(row["course_id"], []).append(user_summary(row))
    envelope["results"] = [
        {
            "slug": row["slug"],
            "title": row["title"],
            "description": row["description"],
            "status": row["status"],
            "enrollment_open": row["enrollment_open"],
            "capacity": row["capacity"],
            "grading_policy": row["grading_policy"],
            "grading_scheme": row["grading_scheme"],
            "letter_grades": row["letter_grades"],
            "timezone": row["timezone"],
            "late_days": row["late_days"],
            "max_late_days_per_task": row["max_late_days_per_task"],
            "published_at": iso(row["published_at"]),
            "instructors": instructors.get(row["id"], []),
            "task_count": task_counts.get(row["id"], 0),
            "is_enrolled": False,
            "my_role": None,
            "created": iso(row["created"]),
            "modified": iso(row["modified"]),
        }
        for row in rows
    ]
    return JsonResponse(envelope)


# -- GET courses/{slug}/tasks/ (a member) ---------------------------------------------------


def _visible_course(user: Any, slug: str) -> dict[str, Any] | None:
    mine = Enrollment.objects.filter(course=OuterRef("pk"), user=user, status="active")
    return (
        Course.objects.filter(slug=slug)
        .filter(
            Q(status="published")
            | Exists(mine.filter(role__in=STAFF))
            | (Q(status="archived") & Exists(mine.filter(role="student")))
        )
        .values("id", "slug", "title", "status", "grading_policy", "grading_scheme")
        .first()
    )


def _role(user: Any, course_id: int) -> str | None:
    return (
        Enrollment.objects.filter(user=user, course_id=course_id, status="active")
        .values_list("role", flat=True)
        .first()
    )


@authenticated
def course_tasks(request: HttpRequest, slug: str) -> HttpResponse:
    course = _visible_course(request.user, slug)
    if course is None:
        return error(404, "No Course matches the given query.")
    role = _role(request.user, course["id"])
    if role is None:
        return error(403, "You do not have permission to perform this action.")
    staff = role in STAFF
    tasks = Task.objects.filter(course_id=course["id"]).order_by("position", "id")
    if not staff:
        tasks = tasks.filter(is_published=True)
    offset, limit, envelope = paginate(request, tasks.count())
    rows = list(
        tasks.values(
            "id",
            "title",
            "description",
            "kind",
            "position",
            "max_score",
            "weight",
            "opens_at",
            "due_at",
            "closes_at",
            "max_attempts",
            "late_policy",
            "is_published",
            "config",
            "group",
            "release",
            "anonymous_grading",
            "rubric",
            "daily_submission_limit",
            "time_limit_minutes",
            "late_days_allowed",
            "group_set",
            "released_at",
        )[offset : offset + limit]
    )
    prerequisites: dict[int, list[int]] = {}
    through = Task.prerequisites.through.objects.filter(
        from_task_id__in=[row["id"] for row in rows]
    )
    if not staff:
        through = through.filter(to_task__is_published=True)
    for source, target in through.order_by("to_task__position", "to_task_id").values_list(
        "from_task_id", "to_task_id"
    ):
        prerequisites.setdefault(source, []).append(target)
    results = []
    for row in rows:
        task = {
            "id": row["id"],
            "course": course["slug"],
            "title": row["title"],
            "description": row["description"],
            "kind": row["kind"],
            "position": row["position"],
            "max_score": row["max_score"],
            "weight": row["weight"],
            "opens_at": iso(row["opens_at"]),
            "due_at": iso(row["due_at"]),
            "closes_at": iso(row["closes_at"]),
            "max_attempts": row["max_attempts"],
            "late_policy": row["late_policy"],
            "prerequisites": prerequisites.get(row["id"], []),
            "is_published": row["is_published"],
            "group": row["group"],
            "release": row["release"],
            "anonymous_grading": row["anonymous_grading"],
            "rubric": row["rubric"],
            "daily_submission_limit": row["daily_submission_limit"],
            "time_limit_minutes": row["time_limit_minutes"],
            "late_days_allowed": row["late_days_allowed"],
            "group_set": row["group_set"],
            "released_at": iso(row["released_at"]),
            "public_config": get_evaluator(row["kind"]).public_config(row["config"]),
        }
        if staff:
            task["config"] = row["config"]
        results.append(task)
    envelope["results"] = results
    return JsonResponse(envelope)


# -- GET submissions/ (a student) ----------------------------------------------------------

SUBMISSION_FIELDS = (
    "id",
    "task",
    "task__title",
    "course__slug",
    "course__title",
    "user",
    "user__username",
    "user__first_name",
    "user__last_name",
    "group",
    "group__name",
    "attempt",
    "answer",
    "status",
    "submitted_at",
    "is_late",
    "late_days_used",
    "score",
    "max_score",
    "feedback",
    "evaluated_at",
)


def submission_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "task": row["task"],
        "task_title": row["task__title"],
        "course": {"slug": row["course__slug"], "title": row["course__title"]},
        "user": row["user"],
        "student": {
            "id": row["user"],
            "username": row["user__username"],
            "first_name": row["user__first_name"],
            "last_name": row["user__last_name"],
        },
        "group": None if row["group"] is None else {"id": row["group"], "name": row["group__name"]},
        **{key: row[key] for key in SUBMISSION_FIELDS[11:]},
        "submitted_at": iso(row["submitted_at"]),
        "evaluated_at": iso(row["evaluated_at"]),
        # The benchmark's tasks release their scores at once ("immediate"), so no student
        # is ever shown under a pseudonym (anonymous grading needs a release that waits).
        "released": True,
        # Grader assignment and claims are staff business: null for the student.
        "assigned_to": None,
        "claimed_by": None,
        "claimed_at": None,
        # ... and have no rubric.
        "parts": None,
    }


@authenticated
def submission_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    teaching = list(
        Enrollment.objects.filter(user=user, status="active", role__in=STAFF).values_list(
            "course_id", flat=True
        )
    )
    # A group's submissions are every member's.
    groups = list(GroupMembership.objects.filter(user=user).values_list("group_id", flat=True))
    own = Q(user=user) | Q(group_id__in=groups) if groups else Q(user=user)
    mine = own | Q(course_id__in=teaching) if teaching else own
    submissions = Submission.objects.filter(mine).order_by("-submitted_at", "-id")
    offset, limit, envelope = paginate(request, submissions.count())
    rows = submissions.values(*SUBMISSION_FIELDS)[offset : offset + limit]
    envelope["results"] = [submission_json(row) for row in rows]
    return JsonResponse(envelope)


# -- GET courses/{slug}/progress/ (the student) ----------------------------------------------

FIGURES = (
    "score", "max_score", "percent", "tasks_completed", "tasks_total", "completed_at", "letter",
    "groups",
)  # fmt: skip


def _published_tasks(course_id: int) -> list[dict[str, Any]]:
    return list(
        Task.objects.filter(course_id=course_id, is_published=True)
        .order_by("position", "id")
        .values(
            "id", "title", "kind", "position", "max_score", "weight", "group", "group_set",
            "release", "released_at", "anonymous_grading",
        )
    )  # fmt: skip


def _figures(row: dict[str, Any] | None, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The stored figures (the benchmark's students all have a row once seeded)."""
    if row is None:
        return {"error": "the baseline expects every student to have a progress row"}
    return {
        **{name: row[name] for name in FIGURES},
        "completed_at": iso(row["completed_at"]),
        "letter": row["letter"] or None,
    }


def _dropped(row: dict[str, Any] | None) -> set[int]:
    return {task for group in (row or {}).get("groups", ()) for task in group["dropped"]}


def _cell(task_id: int, row: dict[str, Any] | None, dropped: set[int]) -> dict[str, Any]:
    if row is None:
        return {
            "task": task_id,
            "score": None,
            "attempts": 0,
            "status": "not_started",
            "completed": False,
            "dropped": task_id in dropped,
        }
    return {
        "task": task_id,
        "score": row["score"],
        "attempts": row["attempts"],
        "status": row["status"],
        "completed": row["completed"],
        "dropped": task_id in dropped,
    }


@authenticated
def course_progress(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    course = _visible_course(user, slug)
    if course is None:
        return error(404, "No Course matches the given query.")
    if _role(user, course["id"]) != "student":
        return JsonResponse(
            {"detail": "You are not enrolled in this course.", "code": "not_enrolled"}, status=403
        )
    tasks = _published_tasks(course["id"])
    course_row = (
        CourseProgress.objects.filter(user=user, course_id=course["id"]).values(*FIGURES).first()
    )
    task_rows = {
        row["task_id"]: row
        for row in TaskProgress.objects.filter(
            user=user, course_id=course["id"], task__is_published=True
        ).values("task_id", "score", "best_score", "attempts", "status", "completed")
    }
    cells = []
    dropped = _dropped(course_row)
    for task in tasks:
        row = task_rows.get(task["id"])
        cells.append(
            {
                **_cell(task["id"], row, dropped),
                "title": task["title"],
                "max_score": task["max_score"],
                "weight": task["weight"],
                "group": task["group"],
                "best_score": row["best_score"] if row else None,
                # The benchmark's tasks release at once (release "immediate").
                "released": True,
            }
        )
    return JsonResponse(
        {
            **_figures(course_row, tasks),
            "course": {"slug": course["slug"], "title": course["title"]},
            "user": {
                "id": user.pk,
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
            },
            "grading_scheme": course["grading_scheme"],
            "tasks": cells,
        }
    )


# -- GET courses/{slug}/gradebook/ (course staff) ----------------------------------------------


@authenticated
def gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    course = _visible_course(request.user, slug)
    if course is None:
        return error(404, "No Course matches the given query.")
    if _role(request.user, course["id"]) not in STAFF:
        return error(403, "You do not have permission to perform this action.")
    tasks = _published_tasks(course["id"])
    students = Enrollment.objects.filter(
        course_id=course["id"], role="student", status__in=("active", "completed")
    ).order_by("user__username", "user_id")
    offset, limit, envelope = paginate(request, students.count())
    users = list(students.values(*(f"user__{f}" for f in USER_FIELDS))[offset : offset + limit])
    user_ids = [row["user__id"] for row in users]
    figures = {
        row["user_id"]: row
        for row in CourseProgress.objects.filter(
            course_id=course["id"], user_id__in=user_ids
        ).values("user_id", *FIGURES)
    }
    cells: dict[int, dict[int, dict[str, Any]]] = {}
    for row in TaskProgress.objects.filter(
        course_id=course["id"], user_id__in=user_ids, task__is_published=True
    ).values("user_id", "task_id", "score", "attempts", "status", "completed"):
        cells.setdefault(row["user_id"], {})[row["task_id"]] = row
    groups: dict[int, list[dict[str, Any]]] = {}
    for membership in (
        GroupMembership.objects.filter(group_set__course_id=course["id"], user_id__in=user_ids)
        .order_by("group_set_id")
        .values("user_id", "group_set_id", "group_id", "group__name")
    ):
        groups.setdefault(membership["user_id"], []).append(
            {
                "group_set": membership["group_set_id"],
                "id": membership["group_id"],
                "name": membership["group__name"],
            }
        )
    envelope["results"] = [
        {
            **_figures(figures.get(row["user__id"]), tasks),
            "user": user_summary(row),
            "cells": [
                _cell(
                    t["id"],
                    cells.get(row["user__id"], {}).get(t["id"]),
                    _dropped(figures.get(row["user__id"])),
                )
                for t in tasks
            ],
            "student_groups": groups.get(row["user__id"], []),
        }
        for row in users
    ]
    # The benchmark's tasks are released at once: none hides its scores (anonymous grading).
    envelope["tasks"] = [
        {
            **{k: v for k, v in t.items() if k != "anonymous_grading"},
            "released_at": iso(t["released_at"]),
            "anonymous_grading": t["anonymous_grading"],
            "scores_hidden": False,
        }
        for t in tasks
    ]
    return JsonResponse(envelope)


# -- POST tasks/{id}/submissions/ (an enrolled student, immediate evaluation) -----------------


def _latest_attempt(user: Any, task_id: int) -> int:
    found = Submission.objects.filter(user=user, task_id=task_id).aggregate(n=Max("attempt"))
    return int(found["n"] or 0)


def _update_progress(user: Any, task: Task, score: float, now: datetime) -> None:
    """The progress rows of one graded attempt: best score counts, completed at full marks."""
    progress, _ = TaskProgress.objects.select_for_update().get_or_create(
        user=user, task=task, defaults={"course_id": task.course_id}
    )
    progress.attempts += 1
    progress.best_score = max(progress.best_score or 0.0, score)
    progress.latest_score = progress.score = progress.best_score
    progress.completed = progress.best_score >= task.max_score
    progress.status = "completed" if progress.completed else "attempted"
    progress.completed_at = progress.completed_at or (now if progress.completed else None)
    progress.save()
    totals = TaskProgress.objects.filter(user=user, course_id=task.course_id).aggregate(
        completed=Count("id", filter=Q(completed=True))
    )
    CourseProgress.objects.update_or_create(
        user=user,
        course_id=task.course_id,
        defaults={"tasks_completed": totals["completed"]},
    )


@csrf_exempt
@authenticated
def submit(request: HttpRequest, task_id: int) -> HttpResponse:
    if request.method != "POST":
        return error(405, f'Method "{request.method}" not allowed.')
    try:
        answer = json.loads(request.body)["answer"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"answer": ["This field is required."]}, status=400)
    user = request.user
    task = (
        Task.objects.filter(pk=task_id, is_published=True, course__status="published")
        .select_related("course")
        .first()
    )
    if task is None:
        return error(404, "No Task matches the given query.")
    evaluator = get_evaluator(task.kind)
    with transaction.atomic():
        enrolled = (
            Enrollment.objects.select_for_update()
            .filter(user=user, course_id=task.course_id, status="active", role="student")
            .exists()
        )
        if not enrolled:
            return JsonResponse({"detail": "Not enrolled.", "code": "not_enrolled"}, status=403)
        now = timezone.now()
        submission = Submission.objects.create(
            user=user,
            task=task,
            course_id=task.course_id,
            attempt=_latest_attempt(user, task.pk) + 1,
            answer=answer,
            max_score=task.max_score,
            submitted_at=now,
        )
    with transaction.atomic():
        answer = evaluator.validate_answer(answer, task.config)
        result = evaluator.evaluate(answer, task.config, max_score=task.max_score)
        score = float(result.score)
        submission.status = "graded"
        submission.raw_score = submission.score = score
        submission.feedback = result.feedback
        submission.evaluated_at = timezone.now()
        submission.save(update_fields=["status", "raw_score", "score", "feedback", "evaluated_at"])
        Evaluation.objects.create(
            submission=submission,
            trigger="submit",
            evaluator=task.kind,
            raw_score=score,
            score=score,
            max_score=task.max_score,
            feedback=result.feedback,
            finished_at=submission.evaluated_at,
        )
        _update_progress(user, task, score, now)
    row = {field: getattr(submission, field) for field in SUBMISSION_FIELDS if "__" not in field}
    row.update(
        task=task.pk,
        task__title=task.title,
        course__slug=task.course.slug,
        course__title=task.course.title,
        user=user.pk,
        user__username=user.username,
        user__first_name=user.first_name,
        user__last_name=user.last_name,
    )
    return JsonResponse(submission_json(row), status=201)
