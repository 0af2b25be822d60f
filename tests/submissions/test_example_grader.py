"""The example grader of docs/external-graders.md, run for real against a live server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from learnplat.flows.graders import create_grader_token
from learnplat.flows.submit import submit
from learnplat.submissions.models import Submission
from tests.submissions.conftest import World, set_kind

DOC = Path(__file__).resolve().parents[2] / "docs" / "external-graders.md"


def example_grader() -> str:
    text = DOC.read_text()
    match = re.search(r"<!-- example-grader -->\n```python\n(.*?)\n```", text, re.S)
    assert match is not None, "the example grader block is missing from the docs"
    return match.group(1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_documented_grader_grades(world: World, live_server: Any, tmp_path: Path) -> None:
    set_kind(
        world.task,
        "external",
        {
            "queue": "python",
            "options": {
                "tests": [
                    {"name": "adds", "call": "add(2, 3)", "expect": 5},
                    {"name": "negatives", "call": "add(-2, -3)", "expect": -5},
                    {"name": "strings", "call": "add('a', 'b')", "expect": "ab"},
                    {"name": "floats", "call": "add(0.5, 0.5)", "expect": 1.0},
                ]
            },
        },
    )
    good = submit(
        user=world.student, task=world.task, answer={"code": "def add(a, b):\n    return a + b"}
    ).submission
    bad = submit(
        user=world.other_student,
        task=world.task,
        answer={"code": "def add(a, b):\n    return abs(a) + abs(b)"},
    ).submission
    _, secret = create_grader_token(name="docs", queues=["python"])
    script = tmp_path / "grader.py"
    script.write_text(example_grader())
    env = {
        **os.environ,
        "LEARNPLAT_URL": f"{live_server.url}/api",
        "LEARNPLAT_GRADER_SECRET": secret,
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and the documented script
        [sys.executable, str(script), "--queue", "python", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.score, good.feedback) == ("graded", 10.0, "4 of 4 tests passed.")
    assert (bad.status, bad.score) == ("graded", 5.0)  # the two negative/strings tests fail
    tests = bad.evaluations.get().result["tests"]
    assert [t["passed"] for t in tests] == [True, False, False, True]
    assert "Expected -5, got 5." in tests[1]["message"]
    assert Submission.objects.filter(status="queued").count() == 0
