#!/usr/bin/env python3
"""Packaging smoke test: does a fresh Django site work with nothing but the built package?

1. Build the sdist and, from it, the wheel (``python -m build``); check the wheel's contents.
2. Install the wheel into a new virtual environment (dependencies from the package index).
3. ``django-admin startproject`` a new host and add learnplat with the settings and URL
   lines of README.md (the blocks after ``<!-- smoke-test: settings -->`` and
   ``<!-- smoke-test: urls -->``), so the README's instructions are what is tested.
4. ``migrate``, start ``runserver`` on a free loopback port, then register, log in and read
   ``auth/me/`` through HTTP; a wrong password must get 401.

    python .ci/smoke_package.py [--python python3.12] [--pip-arg 'Django<6.1'] [--keep]

Needs ``build`` in the running interpreter. Exits non-zero at the first failure.
"""

from __future__ import annotations

import argparse
import json
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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXPECTED_IN_WHEEL = (
    "learnplat/py.typed",
    "learnplat/conf.py",
    "learnplat/accounts/migrations/0001_initial.py",
    "learnplat/courses/migrations/0001_initial.py",
)


class SmokeFailure(Exception):
    pass


@contextmanager
def stage(title: str) -> Iterator[None]:
    print(f"\n--- smoke: {title}", flush=True)
    started = time.monotonic()
    yield
    print(f"--- smoke: {title}: ok ({time.monotonic() - started:.1f}s)", flush=True)


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)  # noqa: S603


def readme_block(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- smoke-test: {name} -->\s*```python\n(.*?)```", text, re.DOTALL)
    if found is None:
        raise SmokeFailure(f"README.md has no python block after '<!-- smoke-test: {name} -->'")
    return found.group(1)


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


def install(workdir: Path, wheel: Path, python: str, pip_args: list[str]) -> Path:
    with stage("install the wheel into a fresh virtual environment"):
        run(python, "-m", "venv", workdir / "venv")
        venv_python = workdir / "venv" / "bin" / "python"
        run(venv_python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(venv_python, "-m", "pip", "install", "--quiet", wheel, *pip_args)
        run(venv_python, "-m", "pip", "list")
        return venv_python


def make_host(workdir: Path, venv_python: Path) -> Path:
    with stage("startproject a new host and add learnplat as README.md says"):
        host = workdir / "host"
        host.mkdir()
        run(venv_python, "-m", "django", "startproject", "smokehost", host)
        with (host / "smokehost" / "settings.py").open("a", encoding="utf-8") as settings:
            settings.write("\n# learnplat, from README.md\n" + readme_block("settings"))
        with (host / "smokehost" / "urls.py").open("a", encoding="utf-8") as urls:
            urls.write("\n# learnplat, from README.md\n" + readme_block("urls"))
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


def exercise_api(base: str) -> None:
    with stage("register, log in and read auth/me/ over HTTP"):
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter of the new venv")
    parser.add_argument("--pip-arg", action="append", default=[], help="extra pip install argument")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="learnplat-smoke-"))
    print(f"work directory: {workdir}")
    try:
        wheel = build(workdir)
        venv_python = install(workdir, wheel, args.python, args.pip_arg)
        host = make_host(workdir, venv_python)
        with server(venv_python, host, workdir) as base:
            exercise_api(base)
    except (SmokeFailure, subprocess.CalledProcessError) as failure:
        print(f"\nsmoke test FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\nsmoke test passed: built, installed, migrated, registered and logged in.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
