"""The import-linter contracts in pyproject.toml hold, and they catch a back-edge.

``lint-imports`` runs in ``tox -e lint`` and CI; these tests prove the contracts are not
vacuous: a copy of the package with one import running the wrong way must fail them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(src: Path, config: Path) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter whose only learnplat is the one under ``src``.
    code = (
        "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", code, str(config), "--no-cache"],
        cwd=src,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "learnplat",
        src / "learnplat",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return src


def test_the_package_keeps_its_layers(package_copy: Path) -> None:
    result = lint_imports(package_copy, package_copy.parent / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # An app's models reaching up to the app above it.
        ("courses/models.py", "import learnplat.progress.models", "learnplat.courses"),
        # The core importing an app.
        ("conf.py", "import learnplat.courses.querysets", "learnplat.conf"),
        # An app below the flows calling a flow outside its entry points.
        ("submissions/querysets.py", "import learnplat.flows.submit", "learnplat.submissions"),
        # A flow importing an entry point.
        ("flows/submit.py", "import learnplat.submissions.views", "learnplat.flows"),
    ],
)
def test_a_back_edge_breaks_a_contract(
    package_copy: Path, module: str, line: str, broken: str
) -> None:
    path = package_copy / "learnplat" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(package_copy, package_copy.parent / "pyproject.toml")
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert broken in result.stdout
