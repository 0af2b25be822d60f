#!/usr/bin/env python3
"""Install smoke test: do README.md's install blocks work, as written, on both Django lines?

README.md marks its install instructions with ``<!-- install-block: NAME -->`` before each
code block; this script runs exactly those blocks, so a README edit that breaks them fails CI.

1. Build the sdist and, from it, the wheel (``python -m build``); check the wheel's contents.
2. For each Django line (5.2 on Python 3.11, 6.1 on Python 3.13): a new virtual environment
   with only that Django (the host's), then the ``pip`` block's commands in a shell with the
   environment first on PATH. Its ``git clone`` line is the one command not run as written:
   without a network, ``./learnplat`` is a copy of this checkout's files instead.
3. ``django-admin startproject`` a new host; append the ``settings`` block and the line's
   ``tasks-*`` block to its settings.py and the ``urls`` block to its urls.py.
4. ``check --fail-level WARNING``, ``migrate``, start ``runserver`` on a free loopback port,
   then register, log in and read ``auth/me/`` through HTTP; a wrong password must get 401.

    python .ci/smoke_install.py [--only django52] [--keep]

Needs ``build`` in the running interpreter, and python3.11 / python3.13 (pyenv's, found from the
repository root like tox finds them). Exits non-zero at the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXPECTED_IN_WHEEL = (
    "learnplat/py.typed",
    "learnplat/conf.py",
    "learnplat/accounts/migrations/0001_initial.py",
    "learnplat/courses/migrations/0001_initial.py",
)
# README.md's clone line: the one command of the pip block that the script does itself.
CLONE_LINE = "git clone https://github.com/learnplat/learnplat"


@dataclass(frozen=True)
class DjangoLine:
    name: str
    python: str
    django: str  # what the host had installed before learnplat
    settings_blocks: tuple[str, ...]


LINES = (
    DjangoLine("django52", "python3.11", "Django>=5.2,<6.0", ("settings", "tasks-django52")),
    DjangoLine("django61", "python3.13", "Django>=6.1,<6.2", ("settings", "tasks-django6")),
)


class SmokeFailure(Exception):
    pass


@contextmanager
def stage(title: str) -> Iterator[None]:
    print(f"\n--- smoke: {title}", flush=True)
    started = time.monotonic()
    yield
    print(f"--- smoke: {title}: ok ({time.monotonic() - started:.1f}s)", flush=True)


def run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=True)  # noqa: S603


def readme_block(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    marker = f"<!-- install-block: {re.escape(name)} -->"
    found = re.search(rf"{marker}\s*```(?:python|console)\n(.*?)```", text, re.DOTALL)
    if found is None:
        raise SmokeFailure(f"README.md has no code block after '<!-- install-block: {name} -->'")
    return found.group(1)


def interpreter(name: str) -> str:
    """The absolute path of ``name`` as the repository root sees it (pyenv's .python-version)."""
    found = subprocess.run(  # noqa: S603
        [name, "-c", "import sys; print(sys.executable)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise SmokeFailure(f"{name} is not available: {found.stderr.strip()}")
    return found.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, body: dict[str, Any] | None = None, token: str = "") -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace")[:500]


def expect(what: str, status: int, body: Any, wanted: int, *keys: str) -> dict[str, Any]:
    print(f"{what}: {status}", flush=True)
    if status != wanted:
        raise SmokeFailure(f"{what}: expected {wanted}, got {status}: {body!r}")
    if keys and (not isinstance(body, dict) or any(not body.get(k) for k in keys)):
        raise SmokeFailure(f"{what}: expected keys {keys} in {body!r}")
    return body if isinstance(body, dict) else {}


def build(workdir: Path) -> Path:
    with stage("build the sdist and the wheel"):
        run(sys.executable, "-m", "build", "--outdir", workdir / "dist", REPO)
        wheels = list((workdir / "dist").glob("learnplat-*.whl"))
        if len(wheels) != 1:
            raise SmokeFailure(f"expected one wheel, found {wheels}")
        names = set(zipfile.ZipFile(wheels[0]).namelist())
        missing = [name for name in EXPECTED_IN_WHEEL if name not in names]
        if missing:
            raise SmokeFailure(f"the wheel lacks {missing}")
        if any(name.startswith(("tests/", "example_project/")) for name in names):
            raise SmokeFailure("the wheel ships tests/ or example_project/")
        return wheels[0]


def checkout_copy(target: Path) -> None:
    """What ``git clone`` of this repository gives: its tracked and new, unignored files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    for name in listed.stdout.decode().split("\0"):
        source = REPO / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def install(workdir: Path, line: DjangoLine) -> Path:
    with stage(f"{line.name}: README.md's pip block in a fresh {line.python} environment"):
        venv = workdir / "venv"
        run(interpreter(line.python), "-m", "venv", venv)
        venv_python = venv / "bin" / "python"
        run(venv_python, "-m", "pip", "install", "--quiet", line.django)
        # As in a shell where the host's virtual environment is active.
        path = f"{venv / 'bin'}:{os.environ['PATH']}"
        env = {**os.environ, "PATH": path, "VIRTUAL_ENV": str(venv)}
        commands = [c for c in readme_block("pip").splitlines() if c.strip()]
        if CLONE_LINE not in commands:
            raise SmokeFailure(f"the pip block lost its line {CLONE_LINE!r}: update CLONE_LINE")
        for command in commands:
            if command == CLONE_LINE:
                print(f"$ {command}    # no network: a copy of this checkout", flush=True)
                checkout_copy(workdir / "learnplat")
            else:
                run("bash", "-c", command, cwd=workdir, env=env)
        run(venv_python, "-m", "pip", "list")
        return venv_python


def make_host(workdir: Path, venv_python: Path, line: DjangoLine) -> Path:
    with stage(f"{line.name}: startproject a new host and add learnplat as README.md says"):
        host = workdir / "host"
        host.mkdir()
        run(venv_python, "-m", "django", "startproject", "smokehost", host)
        with (host / "smokehost" / "settings.py").open("a", encoding="utf-8") as settings:
            for name in line.settings_blocks:
                settings.write(f"\n# learnplat, README.md's {name} block\n" + readme_block(name))
        with (host / "smokehost" / "urls.py").open("a", encoding="utf-8") as urls:
            urls.write("\n# learnplat, README.md's urls block\n" + readme_block("urls"))
        run(venv_python, "manage.py", "check", "--fail-level", "WARNING", cwd=host)
        run(venv_python, "manage.py", "migrate", "--noinput", cwd=host)
        return host


@contextmanager
def server(venv_python: Path, host: Path, workdir: Path) -> Iterator[str]:
    port = free_port()
    log_path = workdir / "runserver.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            [str(venv_python), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=host,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SmokeFailure(f"runserver exited with {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SmokeFailure("runserver did not listen within 60s") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    except BaseException:
        print("runserver log:\n" + log_path.read_text(errors="replace"), flush=True)
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def exercise_api(base: str, name: str) -> None:
    with stage(f"{name}: register, log in and read auth/me/ over HTTP"):
        username = f"smoke_{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(16)
        status, body = call(
            f"{base}/api/auth/register/",
            {"username": username, "email": f"{username}@example.com", "password": password},
        )
        registered = expect("POST auth/register/", status, body, 201, "access", "refresh", "user")
        if registered["user"].get("username") != username:
            raise SmokeFailure(f"register returned another user: {registered['user']!r}")
        if registered["user"].get("role") != "student":
            raise SmokeFailure(f"self-registration gave role {registered['user'].get('role')!r}")
        status, body = call(f"{base}/api/auth/token/", {"username": username, "password": password})
        tokens = expect("POST auth/token/", status, body, 200, "access", "refresh")
        status, body = call(f"{base}/api/auth/me/", token=tokens["access"])
        me = expect("GET auth/me/", status, body, 200, "username")
        if me["username"] != username:
            raise SmokeFailure(f"auth/me/ returned {me!r}")
        status, body = call(
            f"{base}/api/auth/token/", {"username": username, "password": password + "x"}
        )
        expect("POST auth/token/ with a wrong password", status, body, 401)


def smoke_line(workdir: Path, line: DjangoLine) -> None:
    workdir.mkdir()
    venv_python = install(workdir, line)
    host = make_host(workdir, venv_python, line)
    with server(venv_python, host, workdir) as base:
        exercise_api(base, line.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [line.name for line in LINES]
    parser.add_argument("--only", choices=names, action="append", help="one Django line")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="learnplat-smoke-"))
    print(f"work directory: {workdir}")
    try:
        build(workdir)
        for line in LINES:
            if not args.only or line.name in args.only:
                smoke_line(workdir / line.name, line)
    except (SmokeFailure, subprocess.CalledProcessError) as failure:
        print(f"\nsmoke test FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\nsmoke test passed: README.md's install blocks work on every Django line.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
