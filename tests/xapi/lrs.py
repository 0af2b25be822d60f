"""Ralph, a real Learning Record Store, run as a process for the xAPI tests.

Ralph lives in a virtualenv of its own (``scripts/ralph-venv`` makes ``.venv-ralph``;
``RALPH_VENV`` points elsewhere). Without it the tests that need it are skipped, unless
``LEARNPLAT_REQUIRE_RALPH=1`` (CI's ``xapi`` step), where they fail instead.

Each server gets its own directory: a credentials file written by ``ralph auth`` and the
filesystem backend's statement file. It runs uvicorn on ``tests/xapi/ralph_app.py`` (Ralph's app
with its file backend set to append, see there) rather than ``ralph runserver``, which adds
uvicorn's reloader process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = Path(os.environ.get("RALPH_VENV", REPO_ROOT / ".venv-ralph"))
USERNAME = "learnplat"
PASSWORD = "ralph-test-password"
#: Polls of the heartbeat before a start counts as failed (a bound, not a timing assertion).
START_POLLS = 300


def require_ralph() -> Path:
    """The Ralph virtualenv's bin directory, or skip (fail under LEARNPLAT_REQUIRE_RALPH)."""
    bin_dir = RALPH_VENV / "bin"
    if (bin_dir / "uvicorn").exists() and (bin_dir / "ralph").exists():
        return bin_dir
    reason = f"Ralph is not installed in {RALPH_VENV}: run scripts/ralph-venv"
    if os.environ.get("LEARNPLAT_REQUIRE_RALPH") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RalphServer:
    """One Ralph LRS on 127.0.0.1:``port`` with the filesystem backend under ``root``."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.bin_dir = require_ralph()
        self.root = root
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        (root / "data").mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(root / "app"),
            "RALPH_AUTH_FILE": str(root / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "data"),
        }
        auth = ["-u", USERNAME, "-p", PASSWORD, "-s", "all", "-M", "mailto:lp-tests@example.com"]
        subprocess.run(  # noqa: S603 - Ralph's own command, our arguments
            [str(self.bin_dir / "ralph"), "auth", *auth, "-w"],
            env=self.env,
            cwd=root,
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """What ``XAPI["ENDPOINT"]`` is set to."""
        return f"{self.url}/xAPI/"

    def start(self) -> None:
        with (self.root / "ralph.log").open("ab") as log:
            where = ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
            app = ["--app-dir", str(Path(__file__).parent), "ralph_app:app"]
            self.process = subprocess.Popen(  # noqa: S603 - Ralph's uvicorn, our arguments
                [str(self.bin_dir / "uvicorn"), *app, *where],
                env=self.env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for _ in range(START_POLLS):
            if self.process.poll() is not None:
                break
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Ralph did not start; see {self.root / 'ralph.log'}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def statement(self, statement_id: str) -> dict[str, Any] | None:
        """``GET /xAPI/statements?statementId=...``: the stored statement, or ``None``."""
        response = requests.get(
            f"{self.url}/xAPI/statements",
            params={"statementId": statement_id},
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        body = response.json()
        found = body.get("statements", [body]) if "statements" in body else [body]
        return found[0] if found else None

    def stored_copies(self, statement_id: str) -> int:
        """How many times the statement is in Ralph's store (its JSON lines file)."""
        return self.stored_ids().count(statement_id)

    def stored_ids(self) -> list[str]:
        """The id of every statement in Ralph's store, in the order written, repeats kept;
        a last line Ralph is still writing is left out."""
        store = self.root / "data" / "fs_lrs.jsonl"
        if not store.exists():
            return []
        ids = []
        for line in store.read_text(encoding="utf-8").splitlines():
            try:
                ids.append(str(json.loads(line)["id"]))
            except ValueError:
                continue  # a partial line, being appended now
        return ids

    def statements(self, **params: str) -> list[dict[str, Any]]:
        """``GET /xAPI/statements`` with filters (``verb``, ``activity``, ``agent``, ...)."""
        response = requests.get(
            f"{self.url}/xAPI/statements",
            params={"limit": "500", **params},
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        response.raise_for_status()
        return list(response.json()["statements"])

    def xapi_settings(self, **extra: Any) -> dict[str, Any]:
        """``LEARNPLAT["XAPI"]`` pointing at this server."""
        return {
            "ENDPOINT": self.endpoint,
            "USERNAME": USERNAME,
            "PASSWORD": PASSWORD,
            "ACTOR_HOMEPAGE": "https://learn.example.com",
            "ACTIVITY_BASE": "https://learn.example.com/xapi",
            **extra,
        }
