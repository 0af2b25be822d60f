"""The worked example in docs/evaluators.md is the code this suite runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The docs place the example in a host project; the suite keeps it next to this file.
HOST_MODULE, SUITE_MODULE = "myproject.evaluators", "tests.evaluation.example_evaluators"


def _code_block(title: str) -> str:
    text = (ROOT / "docs" / "evaluators.md").read_text()
    match = re.search(rf'```python title="{re.escape(title)}"\n(.*?)```', text, re.DOTALL)
    assert match, f"no code block titled {title!r}"
    return match.group(1)


@pytest.mark.parametrize(
    ("title", "source"),
    [
        ("myproject/evaluators.py", "example_evaluators.py"),
        ("myproject/tests/test_evaluators.py", "test_example_evaluator.py"),
    ],
)
def test_documented_example_matches_the_tested_code(title: str, source: str) -> None:
    tested = (HERE / source).read_text().replace(SUITE_MODULE, HOST_MODULE)
    assert _code_block(title) == tested
