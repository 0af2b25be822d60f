"""System checks learnplat.E030 and E031: the EVALUATION settings and the tasks API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import django
import pytest

from learnplat.checks import check_evaluation, tasks_settings_hint
from learnplat.compat import TASKS_MODULE
from tests.overrides import LearnplatSettings


def messages(learnplat_settings: LearnplatSettings, **evaluation: Any) -> list[str]:
    learnplat_settings(EVALUATION=evaluation)
    return [e.msg for e in check_evaluation() if e.id == "learnplat.E030"]


def test_defaults_pass(learnplat_settings: LearnplatSettings) -> None:
    assert messages(learnplat_settings) == []


@pytest.mark.parametrize(
    ("evaluation", "fragment"),
    [
        ({"LEASE_SECOND": 5}, "Unknown key EVALUATION['LEASE_SECOND']"),
        ({"LEASE_SECONDS": 0}, "'LEASE_SECONDS'] must be a number greater than 0"),
        ({"TIME_LIMIT_SECONDS": "10"}, "'TIME_LIMIT_SECONDS'] must be a number"),
        ({"RETRY_BACKOFF_SECONDS": -1}, "'RETRY_BACKOFF_SECONDS'] must be a number at least 0"),
        ({"MAX_TRIES": 0}, "'MAX_TRIES'] must be a positive integer"),
        ({"LEASE_SECONDS": 10, "TIME_LIMIT_SECONDS": 10}, "must be longer than TIME_LIMIT_SECONDS"),
        ({"TASK_BACKEND": "nope"}, "'nope' is not an alias in TASKS"),
    ],
)
def test_bad_values(
    learnplat_settings: LearnplatSettings, evaluation: dict[str, Any], fragment: str
) -> None:
    found = messages(learnplat_settings, **evaluation)
    assert any(fragment in m for m in found), found


def test_queue_must_belong_to_the_backend(
    learnplat_settings: LearnplatSettings, settings: Any
) -> None:
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "evaluation"]},
    }
    assert messages(learnplat_settings, QUEUE_NAME="evaluation") == []
    assert any(
        "'grading' is not a queue" in m for m in messages(learnplat_settings, QUEUE_NAME="grading")
    )


def test_backoff_may_be_zero_and_times_fractional(learnplat_settings: LearnplatSettings) -> None:
    assert messages(learnplat_settings, RETRY_BACKOFF_SECONDS=0, TIME_LIMIT_SECONDS=0.5) == []


# -- learnplat.E031 and the hints: the tasks API of the Django line that runs ---------------

#: The backend path of the other Django line than the one running the tests.
OTHER_LINE_BACKEND = (
    "django_tasks.backends.immediate.ImmediateBackend"
    if TASKS_MODULE == "django.tasks"
    else "django.tasks.backends.immediate.ImmediateBackend"
)


def readme_block(name: str) -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- install-block: {name} -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert found is not None, name
    return [line for line in found.group(1).splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("major", "block", "wrong_module"),
    [(5, "tasks-django52", '"django.tasks.'), (6, "tasks-django6", '"django_tasks')],
)
def test_hint_gives_the_readme_settings_of_the_django_line(
    major: int, block: str, wrong_module: str
) -> None:
    hint = tasks_settings_hint(major)
    for line in readme_block(block):
        assert line in hint
    assert wrong_module not in hint


def e031() -> list[Any]:
    return [e for e in check_evaluation() if e.id == "learnplat.E031"]


def test_backend_of_the_other_django_line_names_this_lines_fix(
    learnplat_settings: LearnplatSettings, settings: Any
) -> None:
    learnplat_settings(EVALUATION={})
    settings.TASKS = {"default": {"BACKEND": OTHER_LINE_BACKEND}}
    (error,) = e031()
    assert OTHER_LINE_BACKEND in error.msg
    assert f"this is Django {django.get_version()}" in error.msg
    assert error.hint == tasks_settings_hint(django.VERSION[0])
    # The alias exists but its backend would fail to load: E031 says why, alone.
    assert [e.id for e in check_evaluation()] == ["learnplat.E031"]


def test_queue_backends_of_either_line_are_not_the_other_lines_module(
    learnplat_settings: LearnplatSettings, settings: Any
) -> None:
    learnplat_settings(EVALUATION={})
    settings.TASKS = {
        **settings.TASKS,
        "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    assert e031() == []


def test_backport_app_is_needed_on_django_52_only(
    learnplat_settings: LearnplatSettings, settings: Any
) -> None:
    learnplat_settings(EVALUATION={})
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "django_tasks"]
    found = e031()
    if django.VERSION >= (6, 0):
        assert found == []
    else:
        (error,) = found
        assert "not in INSTALLED_APPS" in error.msg
        assert error.hint == tasks_settings_hint(django.VERSION[0])


def test_unknown_alias_hint_gives_this_lines_settings(
    learnplat_settings: LearnplatSettings,
) -> None:
    learnplat_settings(EVALUATION={"TASK_BACKEND": "nope"})
    (error,) = [e for e in check_evaluation() if e.id == "learnplat.E030"]
    assert "known aliases: ['default']" in error.msg
    assert error.hint == tasks_settings_hint(django.VERSION[0])
