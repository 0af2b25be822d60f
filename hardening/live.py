"""What every live hardening run needs: a freshly seeded database of its own, the
:mod:`hardening.world` objects in it, and access tokens obtained the way clients get them
(``POST auth/token/``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from benchmarks.seed import PASSWORD, database_url_for
from benchmarks.server import ROOT, Server, django_env

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/learnplat_hardening"

#: Who the runs act as: role -> username (all seeded with benchmarks.seed.PASSWORD).
ACCOUNTS = {
    "student": "student-0000000",
    "instructor": "bench-instructor",
    "admin": "bench-admin",
}


def database_url(name: str = "") -> str:
    """The run's database: ``learnplat_hardening[_name]_1x`` beside ``DATABASE_URL``'s."""
    base = os.environ.get("HARDENING_DATABASE_URL", DEFAULT_DATABASE_URL)
    if name:
        base = f"{base}_{name}"
    return database_url_for(base, 1)


def prepare(url: str, *, settings: str = "hardening.settings", **env: str) -> dict[str, Any]:
    """Seed ``url`` again from scratch (scale 1) and add the world; return the world.

    Seeding runs with ``TASKS_BACKEND=db`` whatever the run uses: migrate then creates the
    django-tasks-db tables, and the world's own submission needs no broker."""
    seed_env = django_env(url, settings, **{**env, "TASKS_BACKEND": "db"})
    subprocess.run(
        [sys.executable, "-m", "benchmarks.seed", "--scale=1", "--reseed", "--manifest=/dev/null"],
        env=seed_env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [sys.executable, "-m", "hardening.world"],
        env=seed_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("WORLD "))
    return dict(json.loads(line.removeprefix("WORLD ")))


@dataclass
class Login:
    access: str
    refresh: str


def login(server: Server, username: str) -> Login:
    status, _, body = server.request(
        "POST", "/api/auth/token/", body={"username": username, "password": PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"login of {username} failed: {status} {body[:200]!r}")
    data = json.loads(body)
    return Login(data["access"], data["refresh"])


def tokens(server: Server) -> dict[str, str]:
    """An access token per role of :data:`ACCOUNTS`."""
    return {role: login(server, username).access for role, username in ACCOUNTS.items()}
