"""Settings shared by every test host project (tests/projects/<shape>/settings.py).

``DATABASE_URL`` selects the database: SQLite in memory by default, PostgreSQL with e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplat``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from importlib.util import find_spec

import dj_database_url

from learnplat.spectacular import ENUM_NAME_OVERRIDES

# At least 32 bytes: PyJWT warns (an error here) about shorter HMAC keys.
SECRET_KEY = "learnplat-tests-not-secret-but-long-enough-for-hs256"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.projects.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "sqlite://:memory:"), conn_max_age=0
    )
}

LEARNPLAT_APPS = [
    "learnplat",
    "learnplat.accounts",
    "learnplat.courses",
    "learnplat.submissions",
    "learnplat.progress",
    "learnplat.notifications",
    "learnplat.events",
    # The optional LTI tool (learnplat[lti]) with django-lti's models under it.
    "lti_tool",
    "learnplat.lti",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *LEARNPLAT_APPS,
    # A host app of its own, used by the adapter example (tests/core/example_adapter.py).
    "tests.projects.departments",
]
# Django 5.2 gets the tasks API from the django-tasks backport.
HAS_DJANGO_TASKS = find_spec("django.tasks") is not None
TASKS_PREFIX = "django.tasks" if HAS_DJANGO_TASKS else "django_tasks"
TASKS = {"default": {"BACKEND": f"{TASKS_PREFIX}.backends.immediate.ImmediateBackend"}}
if not HAS_DJANGO_TASKS:
    INSTALLED_APPS.append("django_tasks")

MIDDLEWARE = [
    "learnplat.middleware.RequestIDMiddleware",
    "learnplat.metrics.MetricsMiddleware",
    "learnplat.tracing.TracingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "learnplat API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a "role" or "status" with different choices (platform and course
    # roles, course and enrollment statuses): learnplat names each choice set.
    "ENUM_NAME_OVERRIDES": {**ENUM_NAME_OVERRIDES},
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
}
LEARNPLAT: dict[str, object] = {}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Django 6.1's mailers (earlier versions ignore the setting); the test runner makes every
# alias the locmem backend, and tests/notifications/smtp.py points one at a real server.
MAILERS: dict[str, object] = {"default": {}}
