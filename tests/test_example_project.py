"""The example host (example_project/) under the environments it documents.

Each case runs ``manage.py`` in a subprocess with its own environment, so the example's
settings module never meets the test settings of this process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_ROOT / "example_project"
# Variables the example reads; the caller's values must not leak into a case.
EXAMPLE_VARIABLES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CORS_ALLOWED_ORIGINS",
    "CSRF_TRUSTED_ORIGINS",
    "TASKS_BACKEND",
    "REDIS_URL",
    "CACHE_URL",
    "JWT_SIGNING_KEY",
    "NUM_PROXIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "SECURE_PROXY_SSL_HEADER",
    "XAPI_ENDPOINT",
    "XAPI_USERNAME",
    "XAPI_PASSWORD",
    "XAPI_SITE_URL",
    "DJANGO_SETTINGS_MODULE",
)

pytestmark = [
    pytest.mark.slow,
    # The example project has one fixed user model; running it once per test host shape
    # would repeat the same subprocesses.
    pytest.mark.skipif(
        getattr(settings, "LEARNPLAT_HOST_SHAPE", "") != "learnplat_user",
        reason="the example project does not depend on the test host shape",
    ),
]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in EXAMPLE_VARIABLES}
    # The suite runs from a checkout without installing learnplat: give the child src/.
    clean["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    clean.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "learnplat.example.com",
        **extra,
    }


def shell(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return manage("shell", "--no-imports", "-c", code, **env)


def test_production_settings_pass_check_deploy_with_no_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_xapi_is_installed_from_the_environment_and_passes_check_deploy() -> None:
    code = (
        "from django.apps import apps; from learnplat.conf import settings as s;"
        "print(apps.is_installed('learnplat.xapi'), s.XAPI['ENDPOINT'], s.XAPI['ACTIVITY_BASE'])"
    )
    without = shell(code, **production_env())
    assert without.returncode == 0, without.stderr
    assert without.stdout.split()[0] == "False"

    xapi = {
        "XAPI_ENDPOINT": "https://lrs.example.com/xAPI/",
        "XAPI_USERNAME": "learnplat",
        "XAPI_PASSWORD": secrets.token_urlsafe(16),
        "XAPI_SITE_URL": "https://learnplat.example.com",
    }
    installed = shell(code, **production_env(**xapi))
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.split() == [
        "True",
        "https://lrs.example.com/xAPI/",
        "https://learnplat.example.com/xapi",
    ]
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(**xapi))
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_relaxed_for_local_http_still_load() -> None:
    result = shell(
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        **production_env(SECURE_SSL_REDIRECT="0", SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "0"]


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is off" in result.stderr


def test_a_malformed_boolean_is_refused() -> None:
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("backend", "backend_class", "app"),
    [
        ("immediate", "ImmediateBackend", None),
        ("db", "DatabaseBackend", "django_tasks_db"),
        ("rq", "RQBackend", "django_rq"),
    ],
)
def test_tasks_backend_selects_a_working_backend(
    backend: str, backend_class: str, app: str | None
) -> None:
    result = shell(
        "import json;"
        "from django.conf import settings as s;"
        "from django.core.management import call_command;"
        "from learnplat.compat import task_backends;"
        "call_command('check', fail_level='WARNING');"
        "print(json.dumps({'class': type(task_backends['default']).__name__,"
        " 'apps': s.INSTALLED_APPS}))",
        TASKS_BACKEND=backend,
        REDIS_URL="redis://127.0.0.1:6379/5",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class"] == backend_class
    if app is not None:
        assert app in found["apps"]


def test_an_unknown_tasks_backend_is_refused() -> None:
    result = manage("check", TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND='celery'" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [("", "LocMemCache"), ("redis://127.0.0.1:6379/5", "RedisCache")],
)
def test_cache_url_selects_the_cache_backend(cache_url: str, backend: str) -> None:
    result = shell(
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        CACHE_URL=cache_url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend]


def test_an_unknown_cache_url_is_refused() -> None:
    result = manage("check", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211'" in result.stderr


def test_schema_generates_and_validates_with_zero_warnings(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yml"
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    assert result.returncode == 0, result.stderr
    assert "openapi: 3" in schema.read_text()


PAGES = (
    "from django.test import Client;"
    "c = Client();"
    "print(*[c.get(p).status_code for p in ('/', '/api/docs/', '/api/redoc/', '/api/schema/')]);"
    "docs = c.get('/api/docs/').content.decode() + c.get('/api/redoc/').content.decode();"
    "print('sidecar' if '/static/drf_spectacular_sidecar/' in docs else 'no-sidecar');"
    "print('cdn' if 'cdn.jsdelivr' in docs else 'offline')"
)


def test_landing_page_and_api_docs_are_served_offline() -> None:
    result = shell(PAGES, ALLOWED_HOSTS="testserver")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "200", "200", "sidecar", "offline"]


def test_site_root_serves_the_built_front_end_when_present(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>learnplat react app</html>")
    result = shell(
        "from pathlib import Path;"
        "from django.test import Client, override_settings;"
        f"o = override_settings(FRONTEND_DIST=Path({str(tmp_path)!r})); o.enable();"
        "c = Client();"
        "r1, r2, r3 = c.get('/'), c.get('/courses/intro'), c.get('/api/nope/');"
        "print(r1.status_code, r2.status_code, r3.status_code);"
        "print(b''.join(r2.streaming_content).decode())",
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["200", "200", "404"]
    assert lines[1] == "<html>learnplat react app</html>"


def test_api_errors_outside_drf_are_json_with_debug_off() -> None:
    result = shell(
        "from django.test import Client;"
        "r1, r2 = Client().get('/api/tasks/1.5/'), Client().get('/admin/nowhere/');"
        "print(r1.status_code, r1['Content-Type'], r2.status_code, r2['Content-Type'])",
        **production_env(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["404", "application/json"]
    assert result.stdout.split()[3].startswith("text/html")


def test_client_side_routes_are_404_without_a_built_front_end(tmp_path: Path) -> None:
    # An empty dist/, whatever a developer's or CI's earlier `npm run build` left in the real one.
    result = shell(
        "from pathlib import Path;"
        "from django.test import Client, override_settings;"
        f"o = override_settings(FRONTEND_DIST=Path({str(tmp_path)!r})); o.enable();"
        "print(Client().get('/courses/intro').status_code)",
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404"]


# Every row of learnplat's tables and of the users', so two snapshots differ if a re-run
# changed, added or removed anything.
SNAPSHOT = """
import json
from django.apps import apps
from django.contrib.auth import get_user_model
models = [m for m in apps.get_models() if m.__module__.startswith("learnplat.")]
models.append(get_user_model())
print(json.dumps({
    m._meta.label: sorted(m._default_manager.values(), key=lambda r: r["id"])
    for m in set(models)
}, default=str, sort_keys=True))
"""


@dataclass(frozen=True)
class Seeded:
    database: dict[str, str]
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    #: SNAPSHOT output after the first run and after the second.
    snapshots: tuple[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """A fresh database seeded twice, with a snapshot of its rows after each run."""
    path = tmp_path_factory.mktemp("seed") / "demo.sqlite3"
    database = {"DATABASE_URL": f"sqlite:///{path}"}
    migrated = manage("migrate", "--noinput", **database)
    assert migrated.returncode == 0, migrated.stderr
    first = manage("seed_demo", **database)
    after_first = shell(SNAPSHOT, **database)
    second = manage("seed_demo", **database)
    after_second = shell(SNAPSHOT, **database)
    for result in (first, after_first, second, after_second):
        assert result.returncode == 0, result.stderr
    return Seeded(database, first, second, (after_first.stdout, after_second.stdout))


def test_seed_demo_is_idempotent_and_its_passwords_work(seeded: Seeded) -> None:
    assert "alice-demo-pass" in seeded.second.stdout
    result = shell(
        "from django.contrib.auth import authenticate, get_user_model;"
        "print(get_user_model().objects.count());"
        "print(*[(u.username, u.role, u.is_superuser) for u in"
        " [authenticate(username=n, password=n + '-demo-pass')"
        "  for n in ('admin', 'instructor', 'tom', 'alice', 'bob')]])",
        **seeded.database,
    )
    assert result.returncode == 0, result.stderr
    count, users = result.stdout.strip().splitlines()
    assert count == "7"
    assert users == (
        "('admin', 'admin', True) ('instructor', 'instructor', False) "
        "('tom', 'student', False) ('alice', 'student', False) ('bob', 'student', False)"
    )


def test_seed_demo_run_again_changes_no_row(seeded: Seeded) -> None:
    first, second = (json.loads(s) for s in seeded.snapshots)
    assert first == second
    assert len(first["learnplat_courses.Course"]) == 5
    drills = [t for t in first["learnplat_courses.Task"] if "Timed quiz" in t["title"]]
    assert [t["time_limit_minutes"] for t in drills] == [20]
    assert len(first["learnplat_submissions.Submission"]) == 4 + 5
    assert "Kept published course 'python-foundations'" in seeded.second.stdout
    assert "Submitted 0 new answer(s)" in seeded.second.stdout
    assert "Kept the due date of 'Square roots'" in seeded.second.stdout


SEEDED_COURSES = """
import json
from django.test import Client
from learnplat.courses.models import Course
from learnplat.progress.models import CourseProgress
from learnplat.submissions.models import Submission

course = Course.objects.get(slug="python-foundations")
tasks = list(course.tasks.order_by("position"))
found = {
    "status": course.status,
    "description": course.description,
    "staff": sorted(
        (e.user.username, e.role, e.status) for e in course.enrollments.select_related("user")
    ),
    "tasks": [
        {
            "title": t.title,
            "kind": t.kind,
            "published": t.is_published,
            "multiple": t.config.get("multiple", False),
            "partial_credit": t.config.get("partial_credit", False),
            "prerequisites": [p.title for p in t.prerequisites.all()],
            "due": t.due_at is not None,
            "late_policy": t.late_policy,
        }
        for t in tasks
    ],
    "draft": [
        (c.status, [e.user.username for e in c.enrollments.all()], c.tasks.count())
        for c in Course.objects.filter(slug="data-structures-in-practice")
    ],
    "alice": [
        (s.task.title, s.attempt, s.status, s.score)
        for s in Submission.objects.filter(user__username="alice", course=course).order_by(
            "task__position"
        )
    ],
    "progress": [
        (p.score, p.tasks_completed, p.tasks_total)
        for p in CourseProgress.objects.filter(user__username="alice", course=course)
    ],
}

client = Client()
access = client.post(
    "/api/auth/token/",
    {"username": "bob", "password": "bob-demo-pass"},
    content_type="application/json",
).json()["access"]
auth = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
catalog = client.get("/api/courses/", **auth).json()["results"]
found["bob"] = {
    "catalog": [c["slug"] for c in catalog],
    "draft": client.get("/api/courses/data-structures-in-practice/", **auth).status_code,
    "tasks_before": client.get("/api/courses/python-foundations/tasks/", **auth).status_code,
    "enroll": client.post("/api/courses/python-foundations/enroll/", **auth).status_code,
    "tasks_after": client.get("/api/courses/python-foundations/tasks/", **auth).json()["count"],
}
print(json.dumps(found))
"""


def test_seed_demo_sets_up_a_working_course(seeded: Seeded) -> None:
    result = shell(SEEDED_COURSES, ALLOWED_HOSTS="testserver", **seeded.database)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["status"] == "published"
    assert "| Say hello | exact text" in found["description"]
    assert found["staff"] == [
        ["alice", "student", "active"],
        ["instructor", "instructor", "active"],
    ]
    tasks = found["tasks"]
    assert all(t["published"] for t in tasks)
    assert [[t["kind"], t["multiple"], t["partial_credit"]] for t in tasks] == [
        ["exact", False, False],
        ["choice", False, False],
        ["choice", True, True],
        ["numeric", False, False],
        ["regex", False, False],
        ["manual", False, False],
    ]
    assert tasks[4]["prerequisites"] == ["Say hello"]
    assert [t["title"] for t in tasks if t["due"]] == ["Square roots", "Mutable or immutable?"]
    assert tasks[5]["late_policy"] == {"deduction_percent": 10, "per": "day", "floor_percent": 50}
    assert found["draft"] == [["draft", ["instructor"], 2]]
    assert found["alice"] == [
        ["Say hello", 1, "graded", 1.0],
        ["Pick the immutable type", 1, "graded", 0.0],
        ["Spot the falsy values", 1, "graded", 0.75],
        ["Mutable or immutable?", 1, "needs_review", 0.0],
    ]
    # Points (docs/grading.md): 1 + 0 + 0.75; the manual answer awaits its grade.
    assert found["progress"] == [[1.75, 1, 6]]
    assert found["bob"] == {
        "catalog": ["arithmetic-drills", "team-project", "readable-code", "python-foundations"],
        "draft": 404,
        "tasks_before": 403,
        "enroll": 201,
        "tasks_after": 6,
    }


SEEDED_GRADING = """
import json
from django.test import Client

client = Client()
access = client.post(
    "/api/auth/token/",
    {"username": "tom", "password": "tom-demo-pass"},
    content_type="application/json",
).json()["access"]
auth = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
course = client.get("/api/courses/readable-code/", **auth).json()
queue = client.get(
    "/api/submissions/?status=needs_review&ordering=submitted_at", **auth
).json()
print(json.dumps({
    "course": [course["status"], course["my_role"], [t["kind"] for t in course["tasks"]]],
    "teaching": [
        c["slug"] for c in client.get("/api/courses/?mine=teaching", **auth).json()["results"]
    ],
    "queue": [
        [s["student"]["first_name"], s["task_title"], s["course"]["title"]]
        for s in queue["results"]
    ],
}))
"""


def test_seed_demo_gives_the_assistant_a_grading_queue_with_names(seeded: Seeded) -> None:
    result = shell(SEEDED_GRADING, ALLOWED_HOSTS="testserver", **seeded.database)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["course"] == ["published", "assistant", ["manual", "manual", "choice"]]
    assert found["teaching"] == ["readable-code"]
    assert sorted(found["queue"]) == [
        ["Alice", "Explain a review comment", "Writing Readable Code"],
        ["Alice", "Name the function", "Writing Readable Code"],
        ["Bob", "Explain a review comment", "Writing Readable Code"],
        ["Bob", "Name the function", "Writing Readable Code"],
    ]


def test_seed_demo_refuses_to_run_with_debug_off(tmp_path: Path) -> None:
    result = manage(
        "seed_demo", **production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    )
    assert result.returncode != 0
    assert "--allow-production" in result.stderr


SEEDED_SECTIONS = """
import json
from django.test import Client

def login(name):
    client = Client()
    access = client.post(
        "/api/auth/token/",
        {"username": name, "password": name + "-demo-pass"},
        content_type="application/json",
    ).json()["access"]
    return client, {"HTTP_AUTHORIZATION": f"Bearer {access}"}

client, auth = login("instructor")
sections = client.get("/api/courses/readable-code/sections/", **auth).json()
members = client.get("/api/courses/readable-code/enrollments/?page_size=50", **auth).json()
by_id = {s["id"]: s["name"] for s in sections}
client, auth = login("bob")
todo = client.get("/api/progress/upcoming/", **auth).json()["results"]
print(json.dumps({
    "sections": sorted([s["name"], len(s["staff"]), len(s["dates"])] for s in sections),
    "placed": sorted(
        [m["user"]["username"], by_id.get(m["section"])] for m in members["results"]
        if m["role"] == "student"
    ),
    "bob_todo": [
        [t["task"]["title"], t["due_at"], t["effective_due_at"] is not None] for t in todo
        if t["course"]["slug"] == "readable-code"
    ],
}))
"""


def test_seed_demo_puts_the_grading_course_in_two_sections(seeded: Seeded) -> None:
    result = shell(SEEDED_SECTIONS, ALLOWED_HOSTS="testserver", **seeded.database)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["sections"] == [["Monday lab", 1, 1], ["Thursday lab", 1, 0]]
    assert found["placed"] == [["alice", "Monday lab"], ["bob", "Monday lab"]]
    # The task has no date of its own: Bob's comes from his section.
    assert found["bob_todo"] == [["Pick the clearest name", None, True]]
