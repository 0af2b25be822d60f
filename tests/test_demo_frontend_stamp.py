"""scripts/_frontend.sh: scripts/demo rebuilds the front end only when its inputs changed."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parent.parent / "scripts" / "_frontend.sh"


def helper(function: str, frontend: Path) -> subprocess.CompletedProcess[str]:
    """Run one function of the helper as scripts/demo does (set -euo pipefail)."""
    return subprocess.run(  # noqa: S603
        ["bash", "-c", f'set -euo pipefail; source "$0"; {function} "$1"', HELPERS, frontend],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )


def needs_build(frontend: Path) -> str | None:
    """The reason to rebuild, or None when the build is current."""
    result = helper("frontend_needs_build", frontend)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.strip() if result.returncode == 0 else None


def build(frontend: Path) -> None:
    """What a successful build leaves: dist/ and the stamp of its inputs."""
    (frontend / "dist").mkdir(exist_ok=True)
    (frontend / "dist" / "index.html").write_text("<!doctype html>")
    result = helper("write_frontend_stamp", frontend)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def frontend(tmp_path: Path) -> Path:
    files = {
        "src/main.tsx": "render()",
        "src/components/Nav.tsx": "export {}",
        "index.html": "<div id=root>",
        "package.json": "{}",
        "package-lock.json": '{"lockfileVersion": 3}',
        "vite.config.ts": "export default {}",
        "tsconfig.json": "{}",
        "tsconfig.app.json": "{}",
        "node_modules/react/index.js": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_builds_when_dist_is_missing_then_not_again(frontend: Path) -> None:
    assert needs_build(frontend) == "dist/ has no build"
    build(frontend)
    assert needs_build(frontend) is None
    assert needs_build(frontend) is None


def test_builds_a_dist_that_scripts_demo_did_not_stamp(frontend: Path) -> None:
    build(frontend)
    (frontend / ".build-stamp").unlink()
    assert needs_build(frontend) == "dist/ was not built by scripts/demo"


@pytest.mark.parametrize(
    "change",
    [
        lambda f: (f / "src/main.tsx").write_text("render(<App />)"),
        lambda f: (f / "src/components/Bell.tsx").write_text("export {}"),
        lambda f: (f / "src/components/Nav.tsx").unlink(),
        lambda f: (f / "src/components/Nav.tsx").rename(f / "src/components/Menu.tsx"),
        lambda f: (f / "package-lock.json").write_text('{"lockfileVersion": 3, "x": 1}'),
        lambda f: (f / "index.html").write_text("<div id=app>"),
        lambda f: (f / "vite.config.ts").write_text("export default {base: '/'}"),
        lambda f: (f / "tsconfig.app.json").write_text('{"strict": true}'),
    ],
    ids=["edit", "add", "delete", "rename", "lockfile", "index", "vite", "tsconfig"],
)
def test_rebuilds_when_an_input_changes(frontend: Path, change: Callable[[Path], object]) -> None:
    build(frontend)
    change(frontend)
    assert needs_build(frontend) == "the sources or the lockfile changed since the last build"
    build(frontend)
    assert needs_build(frontend) is None


def test_node_modules_and_dist_are_not_inputs(frontend: Path) -> None:
    build(frontend)
    (frontend / "node_modules/react/index.js").write_text("changed")
    (frontend / "dist/assets.js").write_text("changed")
    assert needs_build(frontend) is None
