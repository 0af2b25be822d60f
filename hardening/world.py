"""The objects the live hardening runs aim at, added to a database seeded by
``benchmarks.seed`` (whose users all have the password ``benchmarks.seed.PASSWORD``):
``python -m hardening.world`` prints them as JSON.

- ``hard-main``: a published course taught by ``bench-instructor`` with one task of every
  built-in kind, ``student-0000000`` enrolled with a submission, ``student-0000001`` not;
- ``hard-doomed`` and one task of ``hard-main``: what the DELETE operations are pointed at,
  so that fuzzing them does not remove what the other operations need;
- an archived course, an extension, a grader token serving every queue, and a spare user
  for the user-admin endpoints.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

TASKS = {
    "exact": {"answers": ["4", "four"], "case_sensitive": False},
    "choice": {"choices": ["2", "3", "4"], "correct": [2], "multiple": False},
    "numeric": {"value": 3.14, "abs_tol": 0.01},
    "regex": {"pattern": "^x=\\d+$"},
    "manual": {},
    "external": {"queue": "python"},
}


def build() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learnplat.courses.models import Course
    from learnplat.flows import authoring, deadlines, enrollment, graders, submit

    users = get_user_model()._default_manager
    instructor = users.get(username="bench-instructor")
    student = users.get(username="student-0000000")
    spare = users.get(username="student-0000299")

    main = authoring.create_course(
        creator=instructor,
        slug="hard-main",
        title="Hardening course",
        tasks=[
            {"title": f"A {kind} task", "kind": kind, "config": config, "is_published": True}
            for kind, config in TASKS.items()
        ],
    )
    authoring.publish(course=main)
    doomed = authoring.create_course(creator=instructor, slug="hard-doomed", title="Doomed")
    # Publishing needs a published task (409 course_empty otherwise).
    archived = authoring.create_course(
        creator=instructor,
        slug="hard-archived",
        title="Old",
        tasks=[
            {
                "title": "An old task",
                "kind": "exact",
                "config": TASKS["exact"],
                "is_published": True,
            }
        ],
    )
    authoring.publish(course=archived)
    authoring.archive(course=archived)
    enrollment.enroll(user=student, course=Course.objects.get(pk=main.pk))
    tasks = {task.kind: task for task in main.tasks.all()}
    doomed_task = authoring.create_task(
        course=main, title="Doomed task", kind="exact", config=TASKS["exact"]
    )
    submission = submit.submit(user=student, task=tasks["exact"], answer="4").submission
    deadlines.grant_extension(
        granted_by=instructor,
        course=main,
        user=student,
        task=tasks["exact"],
        due_at=timezone.now() + timedelta(days=7),
    )
    _, grader_secret = graders.create_grader_token(name="hardening", queues=["*"])
    return {
        **traffic(),
        "course": main.slug,
        "doomed_course": doomed.slug,
        "archived_course": archived.slug,
        "tasks": {kind: task.pk for kind, task in tasks.items()},
        "doomed_task": doomed_task.pk,
        "submission": submission.pk,
        "spare_user": spare.pk,
        "grader_secret": grader_secret,
    }


def traffic(enroll_pairs: int = 5000) -> dict[str, Any]:
    """Access tokens and targets for load: the gradebook course's students (they submit and
    read their progress), its instructor, and student/course pairs not enrolled yet."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from learnplat.courses.models import Course, Enrollment, Task

    users = get_user_model()._default_manager
    gradebook = Course.objects.get(slug="bench-gradebook")
    takers = list(
        users.filter(
            learnplat_enrollments__course=gradebook, learnplat_enrollments__role="student"
        ).order_by("pk")
    )
    others = users.filter(username__startswith="student-").exclude(pk__in=[u.pk for u in takers])
    published = list(
        Course.objects.filter(status="published", slug__startswith="course-").values_list(
            "pk", "slug"
        )
    )
    taken = set(Enrollment.objects.values_list("user_id", "course_id"))
    pairs: list[list[str]] = []
    for user in others.order_by("pk"):
        token = str(AccessToken.for_user(user))
        pairs += [[token, slug] for pk, slug in published if (user.pk, pk) not in taken]
        if len(pairs) >= enroll_pairs:
            break
    return {
        "gradebook_course": gradebook.slug,
        "gradebook_tasks": list(
            Task.objects.filter(course=gradebook).order_by("position").values_list("pk", flat=True)
        ),
        "taker_tokens": [str(AccessToken.for_user(u)) for u in takers],
        "instructor_token": str(AccessToken.for_user(users.get(username="bench-instructor"))),
        "enroll_pairs": pairs[:enroll_pairs],
    }


def main() -> None:
    from benchmarks.server import ensure_import_path

    ensure_import_path()
    import django

    django.setup()
    print("WORLD " + json.dumps(build()))


if __name__ == "__main__":
    main()
