"""Benchmark host: the example project's production settings (DEBUG off), plus the baseline
views under ``/bench/`` and the ``X-Query-Count`` header.

``python benchmarks/run.py`` sets the environment; by hand::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplat_bench \\
    PYTHONPATH=.:src:example_project DJANGO_SETTINGS_MODULE=benchmarks.settings \\
    gunicorn --chdir example_project config.wsgi
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from benchmarks.server import DEFAULT_DATABASE_URL

os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DEBUG", "0")
# Loopback only; the key signs the benchmark's own tokens and nothing else.
os.environ.setdefault("SECRET_KEY", "learnplat-benchmarks-" + "x" * 50)
# Plain HTTP on 127.0.0.1: the production switches that need TLS are off, the rest stay.
for switch in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_PRELOAD"):
    os.environ.setdefault(switch, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

# Only after the environment above: the example's settings read it at import.
from config import settings as example  # noqa: E402
from config.settings import *  # noqa: E402, F403

if example.DEBUG:
    raise ImproperlyConfigured(
        "Benchmarks and hardening runs use production settings: unset DEBUG, and import "
        "benchmarks.settings before config.settings."
    )

ROOT_URLCONF = "benchmarks.urls"
# Cached reads are on, as in production; BENCH_CACHE=0 measures learnplat without them.
LEARNPLAT = {
    **example.LEARNPLAT,
    "CACHE": {"ENABLED": os.environ.get("BENCH_CACHE", "1") != "0"},
}
MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *example.MIDDLEWARE]
# One run mints its tokens once; they must outlive it.
SIMPLE_JWT = {**example.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(hours=6)}
# The submit scenario sends thousands of submissions a minute from one student.
LEARNPLAT = {
    **LEARNPLAT,
    "THROTTLE_RATES": {"learnplat_submit": None, "learnplat_token": None},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
