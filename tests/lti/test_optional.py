"""The core runs without the LTI app and without its packages installed: a fresh process
where importing lti_tool, pylti1p3 or learnplat.lti fails sets Django up, loads every URL
and passes the system checks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETTINGS = """
from tests.projects.learnplat_user.settings import *  # noqa: F403
from tests.projects.learnplat_user.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("lti_tool", "learnplat.lti")]
"""

SCRIPT = """
import importlib.abc, sys

class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("lti_tool", "pylti1p3") or name.startswith("learnplat.lti"):
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, Missing())
import django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
get_resolver().url_patterns
import learnplat.urls, learnplat.flows.enrollment, learnplat.flows.submit
call_command("check")
assert not any(p.name and p.name.startswith("lti") for p in learnplat.urls.urlpatterns)
print("core ok")
"""


def test_the_core_runs_without_the_lti_app(tmp_path: Path) -> None:
    (tmp_path / "no_lti_settings.py").write_text(textwrap.dedent(SETTINGS))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), str(ROOT / "src")]),
        "DJANGO_SETTINGS_MODULE": "no_lti_settings",
    }

    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )

    assert run.returncode == 0, run.stderr
    assert "core ok" in run.stdout
