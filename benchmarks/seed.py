"""Seed a benchmark database at a scale: ``python -m benchmarks.seed --scale 10``.

Each scale gets a database of its own (``<name>_<scale>x`` beside ``DATABASE_URL``'s name),
kept between runs: it is seeded again only when the scale, the seed plan or any migration
changed (a fingerprint in the database's comment), or with ``--reseed``. Rows go in with
PostgreSQL ``COPY`` from model instances, so every default the models declare is applied.

At scale *k* (see :class:`Plan`): 50·k courses with 5 tasks and 2 instructors each, 300·k
students in 3 courses each with 2 graded submissions per enrollment; beside them, the same
fixed scenario data at every scale: the gradebook course (30 tasks, 200 students, every
student graded on every task; the benchmark student has k attempts per task), a course to
submit to, and a course for the pipeline benchmark.

Prints (or writes, ``--manifest PATH``) a JSON manifest: the slugs, ids and fresh access
tokens the scenarios use.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SEED_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PASSWORD = "bench-password-not-secret"

# The fixed scenario data, the same at every scale.
GRADEBOOK_STUDENTS = 200
GRADEBOOK_TASKS = 30
PIPELINE_STUDENTS = 100
PIPELINE_TASKS = 5


@dataclass(frozen=True)
class Plan:
    scale: int

    @property
    def courses(self) -> int:
        return 50 * self.scale

    @property
    def students(self) -> int:
        return max(300 * self.scale, GRADEBOOK_STUDENTS)

    @property
    def instructors(self) -> int:
        return 10 * self.scale

    tasks_per_course: int = 5
    courses_per_student: int = 3
    submissions_per_enrollment: int = 2
    draft_every: int = 10  # every 10th course is a draft

    @property
    def bench_student_attempts(self) -> int:
        return self.scale


# -- the database ------------------------------------------------------------------------


def database_url_for(base_url: str, scale: int) -> str:
    """``postgres://…/learnplat_bench`` → ``postgres://…/learnplat_bench_10x`` for scale 10."""
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "learnplat_bench"
    return urlunsplit(parts._replace(path=f"/{name}_{scale}x"))


def _admin_conninfo(url: str) -> tuple[str, str]:
    """(conninfo of the maintenance database ``postgres``, name of the database of ``url``)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def fingerprint(plan: Any, label: str | None = None) -> str:
    """Changes with the seed plan (a dataclass) and with any migration of any installed app."""
    digest = hashlib.sha256(f"{SEED_VERSION}:{asdict(plan)}".encode())
    for path in sorted((ROOT / "src").glob("learnplat/*/migrations/*.py")):
        digest.update(path.read_bytes())
    return f"learnplat-bench {label or f'{plan.scale}x'} {digest.hexdigest()[:16]}"


def database_fingerprint(url: str) -> str | None:
    """The fingerprint a seeded database carries, None if it does not exist."""
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
            "FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    return None if row is None else str(row[0])


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def mark_seeded(url: str, mark: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(mark))
        )


# -- bulk insertion ----------------------------------------------------------------------


def copy_rows(model: Any, objs: Iterable[Any]) -> list[int]:
    """Insert ``objs`` (unsaved instances of ``model``) with COPY; return their new ids in order.

    The primary key comes from its sequence; the instances' own field values and defaults
    (``pre_save`` included, so auto timestamps are set) fill every other column.
    """
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
                count += 1
        pk = connection.ops.quote_name(model._meta.pk.column)
        cursor.execute(f"SELECT {pk} FROM {table} ORDER BY {pk} DESC LIMIT %s", [count])
        ids = [row[0] for row in cursor.fetchall()]
    return ids[::-1]


# -- the data ----------------------------------------------------------------------------


@dataclass
class Seeded:
    """Ids of what the scenarios use."""

    bench_course: int
    bench_tasks: list[int]
    bench_student: int
    bench_instructor: int
    submit_course: int
    submit_task: int
    submitter: int
    pipeline_course: int
    pipeline_tasks: list[int]
    pipeline_students: list[int]
    admin: int


def make_user(user_model: Any, password: str, username: str, role: str, **extra: Any) -> Any:
    """An unsaved benchmark user (``password`` already hashed), ``role`` where the user model
    has one."""
    fields = {f.name for f in user_model._meta.get_fields()}
    data: dict[str, Any] = {
        "username": username,
        "email": f"{username}@bench.learnplat.invalid",
        "first_name": username.split("-")[0].title(),
        "last_name": f"Bench {username[-4:]}",
        "password": password,
        "date_joined": EPOCH,
        **extra,
    }
    if "role" in fields:
        data["role"] = role
    return user_model(**data)


def make_task(course_id: int, position: int) -> Any:
    """An unsaved published exact-answer task ("4" is right) worth 10 points."""
    from learnplat.courses.models import Task

    return Task(
        course_id=course_id,
        title=f"Task {position + 1}",
        description="What is 2 + 2?",
        kind="exact",
        config={"answers": ["4", "four"], "case_sensitive": False},
        position=position,
        max_score=10.0,
        is_published=True,
        created=EPOCH,
        modified=EPOCH,
    )


def _answer(rng: random.Random) -> tuple[str, float]:
    right = rng.random() < 0.6
    return ("4", 10.0) if right else ("5", 0.0)


def make_submission(
    rng: random.Random, user_id: int, course_id: int, task_id: int, attempt: int, when: datetime
) -> Any:
    """An unsaved graded submission to a :func:`make_task` task, right 60 % of the time."""
    from learnplat.submissions.models import Submission

    answer, score = _answer(rng)
    return Submission(
        user_id=user_id,
        course_id=course_id,
        task_id=task_id,
        attempt=attempt,
        answer=answer,
        status="graded",
        submitted_at=when,
        queued_at=when,
        raw_score=score,
        score=score,
        max_score=10.0,
        feedback="Correct." if score else "Not quite.",
        evaluated_at=when + timedelta(seconds=1),
    )


def seed(plan: Plan, *, log: Any = print) -> Seeded:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from learnplat.courses.models import Course, Enrollment, Task
    from learnplat.flows.progress import recompute_progress
    from learnplat.submissions.models import Submission

    rng = random.Random(plan.scale)
    user_model = get_user_model()
    password = make_password(PASSWORD)
    started = time.monotonic()

    def step(message: str) -> None:
        log(f"  [{time.monotonic() - started:6.1f}s] {message}")

    def user(username: str, role: str, **extra: Any) -> Any:
        return make_user(user_model, password, username, role, **extra)

    # -- users
    special = [
        user("bench-admin", "admin", is_superuser=True, is_staff=True),
        user("bench-instructor", "instructor"),
        user("bench-submitter", "student"),
    ]
    instructors = [user(f"instructor-{i:06d}", "instructor") for i in range(plan.instructors)]
    students = [user(f"student-{i:07d}", "student") for i in range(plan.students)]
    pipeline_students = [user(f"pipeline-{i:04d}", "student") for i in range(PIPELINE_STUDENTS)]
    ids = copy_rows(user_model, [*special, *instructors, *students, *pipeline_students])
    admin_id, bench_instructor_id, submitter_id = ids[:3]
    instructor_ids = ids[3 : 3 + len(instructors)]
    student_ids = ids[3 + len(instructors) : 3 + len(instructors) + len(students)]
    pipeline_student_ids = ids[-PIPELINE_STUDENTS:]
    step(f"{len(ids)} users")

    # -- courses: the catalog, then the three scenario courses
    courses = []
    for i in range(plan.courses):
        published = i % plan.draft_every != plan.draft_every - 1
        created = EPOCH + timedelta(minutes=i)
        courses.append(
            Course(
                slug=f"course-{i:06d}",
                title=f"Course {i}: {rng.choice(['Algebra', 'Biology', 'Chemistry', 'Drawing'])}",
                description="A course of the benchmark catalog. " * 4,
                status="published" if published else "draft",
                published_at=created if published else None,
                capacity=None if i % 3 else 500,
                created=created,
                modified=created,
            )
        )
    scenario_courses = [
        Course(slug=slug, title=title, status="published", published_at=EPOCH, created=EPOCH)
        for slug, title in (
            ("bench-gradebook", "Gradebook course"),
            ("bench-submit", "Submit course"),
            ("bench-pipeline", "Pipeline course"),
        )
    ]
    course_ids = copy_rows(Course, [*courses, *scenario_courses])
    bench_course_id, submit_course_id, pipeline_course_id = course_ids[-3:]
    catalog_ids = course_ids[:-3]
    published_ids = [
        cid for cid, c in zip(catalog_ids, courses, strict=True) if c.status == "published"
    ]
    step(f"{len(course_ids)} courses")

    # -- tasks
    task = make_task
    tasks = [task(cid, p) for cid in catalog_ids for p in range(plan.tasks_per_course)]
    tasks += [task(bench_course_id, p) for p in range(GRADEBOOK_TASKS)]
    tasks += [task(submit_course_id, 0)]
    tasks += [task(pipeline_course_id, p) for p in range(PIPELINE_TASKS)]
    task_ids = copy_rows(Task, tasks)
    tasks_of: dict[int, list[int]] = {}
    for task_id, obj in zip(task_ids, tasks, strict=True):
        tasks_of.setdefault(obj.course_id, []).append(task_id)
    step(f"{len(task_ids)} tasks")

    # -- the gradebook course grades by weighted groups, one dropping each student's lowest
    from learnplat.courses.models import AssignmentGroup

    Course.objects.filter(pk=bench_course_id).update(
        grading_scheme="weighted",
        letter_grades=[
            {"letter": "A", "min_percent": 90},
            {"letter": "B", "min_percent": 75},
            {"letter": "C", "min_percent": 50},
            {"letter": "F", "min_percent": 0},
        ],
    )
    homework, exams = AssignmentGroup.objects.bulk_create(
        [
            AssignmentGroup(course_id=bench_course_id, name="Homework", weight=40, drop_lowest=2),
            AssignmentGroup(course_id=bench_course_id, name="Exams", weight=50, position=1),
        ]
    )
    bench_tasks = tasks_of[bench_course_id]
    Task.objects.filter(pk__in=bench_tasks[: GRADEBOOK_TASKS // 2]).update(group=homework)
    Task.objects.filter(pk__in=bench_tasks[GRADEBOOK_TASKS // 2 : -2]).update(group=exams)

    # -- enrollments
    enrollments: list[Enrollment] = []
    pairs: list[tuple[int, int]] = []

    def enroll(user_id: int, course_id: int, role: str = "student") -> None:
        enrollments.append(
            Enrollment(
                user_id=user_id, course_id=course_id, role=role, created=EPOCH, modified=EPOCH
            )
        )
        if role == "student":
            pairs.append((user_id, course_id))

    for n, course_id in enumerate(catalog_ids):
        for k in range(2):
            enroll(instructor_ids[(2 * n + k) % len(instructor_ids)], course_id, "instructor")
    for student_id in student_ids:
        for course_id in rng.sample(published_ids, plan.courses_per_student):
            enroll(student_id, course_id)
    catalog_pairs = list(pairs)
    enroll(bench_instructor_id, bench_course_id, "instructor")
    enroll(bench_instructor_id, submit_course_id, "instructor")
    enroll(bench_instructor_id, pipeline_course_id, "instructor")
    for student_id in student_ids[:GRADEBOOK_STUDENTS]:
        enroll(student_id, bench_course_id)
    enroll(submitter_id, submit_course_id)
    for student_id in pipeline_student_ids:
        enroll(student_id, pipeline_course_id)
    copy_rows(Enrollment, enrollments)
    step(f"{len(enrollments)} enrollments")

    # -- submissions, all graded
    submissions: list[Submission] = []
    attempts: dict[tuple[int, int], int] = {}

    def submission(user_id: int, course_id: int, task_id: int, when: datetime) -> None:
        attempt = attempts[user_id, task_id] = attempts.get((user_id, task_id), 0) + 1
        submissions.append(make_submission(rng, user_id, course_id, task_id, attempt, when))

    for n, (user_id, course_id) in enumerate(catalog_pairs):
        for _ in range(plan.submissions_per_enrollment):
            task_id = rng.choice(tasks_of[course_id])
            submission(user_id, course_id, task_id, EPOCH + timedelta(seconds=n))
    bench_student_id = student_ids[0]
    for n, student_id in enumerate(student_ids[:GRADEBOOK_STUDENTS]):
        repeats = plan.bench_student_attempts if student_id == bench_student_id else 1
        for p, task_id in enumerate(tasks_of[bench_course_id]):
            for r in range(repeats):
                when = EPOCH + timedelta(hours=1 + p, seconds=n * 10 + r)
                submission(student_id, bench_course_id, task_id, when)
    copy_rows(Submission, submissions)
    step(f"{len(submissions)} submissions")

    recompute_progress(course=None, user_id=None)
    step("progress recomputed")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    step("analyzed")

    return Seeded(
        bench_course=bench_course_id,
        bench_tasks=tasks_of[bench_course_id],
        bench_student=bench_student_id,
        bench_instructor=bench_instructor_id,
        submit_course=submit_course_id,
        submit_task=tasks_of[submit_course_id][0],
        submitter=submitter_id,
        pipeline_course=pipeline_course_id,
        pipeline_tasks=tasks_of[pipeline_course_id],
        pipeline_students=pipeline_student_ids,
        admin=admin_id,
    )


# -- the manifest -------------------------------------------------------------------------


def access_token(user_id: int) -> str:
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    user = get_user_model()._default_manager.get(pk=user_id)
    return str(AccessToken.for_user(user))


def manifest(plan: Plan) -> dict[str, Any]:
    """What the scenarios need, read back from a seeded database, with fresh tokens."""
    from django.contrib.auth import get_user_model

    from learnplat.courses.models import Course, Task

    users = get_user_model()._default_manager
    by_name = dict(
        users.filter(
            username__in=["bench-admin", "bench-instructor", "bench-submitter"]
        ).values_list("username", "pk")
    )
    bench_student = users.get(username="student-0000000").pk
    slugs = ("bench-gradebook", "bench-submit", "bench-pipeline")
    course_ids = dict(Course.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return {
        "scale": plan.scale,
        "plan": asdict(plan) | {"courses": plan.courses, "students": plan.students},
        "counts": counts(),
        "gradebook_course": "bench-gradebook",
        "submit_task": Task.objects.filter(course_id=course_ids["bench-submit"]).get().pk,
        "pipeline_course": "bench-pipeline",
        "users": {
            "bench_student": bench_student,
            "bench_instructor": by_name["bench-instructor"],
            "submitter": by_name["bench-submitter"],
            "admin": by_name["bench-admin"],
        },
        "tokens": {
            "bench_student": access_token(bench_student),
            "bench_instructor": access_token(by_name["bench-instructor"]),
            "submitter": access_token(by_name["bench-submitter"]),
            "admin": access_token(by_name["bench-admin"]),
        },
    }


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from learnplat.courses.models import Course, Enrollment, Task
    from learnplat.progress.models import TaskProgress
    from learnplat.submissions.models import Submission

    return {
        "users": get_user_model()._default_manager.count(),
        "courses": Course.objects.count(),
        "tasks": Task.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "submissions": Submission.objects.count(),
        "task_progress": TaskProgress.objects.count(),
    }


def ensure_seeded(scale: int, *, reseed: bool = False, log: Any = print) -> dict[str, Any]:
    """Seed this process's database (``DATABASE_URL``, already the per-scale one) if needed,
    migrate it, and return the manifest. Call before ``django.setup()``."""
    plan = Plan(scale)
    prepare_database(fingerprint(plan), lambda: seed(plan, log=log), reseed=reseed, log=log)
    return manifest(plan)


def prepare_database(
    mark: str, seed_data: Callable[[], Any], *, reseed: bool, log: Any = print
) -> bool:
    """Recreate, migrate and seed (``seed_data()``) this process's database (``DATABASE_URL``)
    unless it already carries ``mark``; True when it was seeded. Call before ``django.setup()``."""
    import os

    import django
    from django.core.management import call_command

    url = os.environ["DATABASE_URL"]
    fresh = reseed or database_fingerprint(url) != mark
    if fresh:
        log(f"seeding {urlsplit(url).path.lstrip('/')} ({mark.split()[1]})")
        recreate_database(url)
    django.setup()
    call_command("migrate", verbosity=0)
    if fresh:
        seed_data()
        mark_seeded(url, mark)
    return fresh


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--manifest", type=Path, help="write the manifest here (default: stdout)")
    args = parser.parse_args(argv)
    data = ensure_seeded(args.scale, reseed=args.reseed, log=lambda m: print(m, file=sys.stderr))
    text = json.dumps(data, indent=2)
    if args.manifest:
        args.manifest.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
