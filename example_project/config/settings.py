"""Settings of the learnplat example host, read from the environment.

One module runs the demo, CI and production; docs/demo.md lists every variable::

    DATABASE_URL          default: SQLite file db.sqlite3 beside manage.py
    SECRET_KEY            required when DEBUG is off
    DEBUG                 default on (the demo); off = production settings (check --deploy clean)
    ALLOWED_HOSTS         comma-separated; default 127.0.0.1,localhost,[::1]
    CORS_ALLOWED_ORIGINS  comma-separated; default the Vite dev server when DEBUG is on
    CSRF_TRUSTED_ORIGINS  comma-separated; default none
    TASKS_BACKEND         immediate (default) | db (django-tasks-db workers) | rq (RQ on Redis)
    REDIS_URL             default redis://127.0.0.1:6379/0 (TASKS_BACKEND=rq)
    CACHE_URL             locmem:// (default) | redis://host:port/db (shared throttle counts)
    JWT_SIGNING_KEY       default SECRET_KEY
    NUM_PROXIES           reverse proxies in front (client addresses for throttles)

Production switches (all default to the safe value when DEBUG is off), for running the
production settings locally over plain HTTP: SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS,
SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD, SECURE_COOKIES, SECURE_PROXY_SSL_HEADER.
"""

from __future__ import annotations

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

import learnplat
from learnplat.spectacular import ENUM_NAME_OVERRIDES

BASE_DIR = Path(__file__).resolve().parent.parent
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "django-insecure-learnplat-demo-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The Vite dev server of example_project/frontend calls the API cross-origin.
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS",
    ["http://localhost:5173", "http://127.0.0.1:5173"] if DEBUG else [],
)

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "learnplat",
    "learnplat.accounts",
    "learnplat.courses",
    "learnplat.submissions",
    "learnplat.progress",
    "learnplat.notifications",
    "learnplat.events",
    # The LTI 1.3 tool (learnplat[lti]): Canvas, Moodle and other platforms launch into it.
    "lti_tool",
    "learnplat.lti",
    "demo",
]
AUTH_USER_MODEL = "learnplat_accounts.User"

# -- tasks: django.tasks on Django 6, the django-tasks backport on 5.2 ----------------------
TASKS_MODULE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
if TASKS_MODULE == "django_tasks":
    INSTALLED_APPS.append("django_tasks")
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "db":
    # Workers: python manage.py db_worker
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    # Workers: python manage.py rqworker default --job-class django_tasks_rq.Job
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: use 'immediate', 'db' or 'rq' (docs/demo.md)."
    )

# Throttle counts live in the cache: several server processes need a shared one (Redis).
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use locmem:// or redis://host:port/db.")

# -- e-mail (notifications): the demo prints it unless EMAIL_HOST is set; production is SMTP --
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "learnplat@localhost")
EMAIL_SMTP = {
    "host": env_str("EMAIL_HOST", ""),
    "port": env_int("EMAIL_PORT", 587),
    "username": env_str("EMAIL_HOST_USER", ""),
    "password": env_str("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", True),
    "timeout": 10,
}
_email_backend = "console" if DEBUG and not EMAIL_SMTP["host"] else "smtp"
EMAIL_SMTP["host"] = EMAIL_SMTP["host"] or "localhost"
if django.VERSION >= (6, 1):
    # Django 6.1's mailers; the EMAIL_* settings are deprecated there.
    MAILERS = {
        "default": {
            "BACKEND": f"django.core.mail.backends.{_email_backend}.EmailBackend",
            "OPTIONS": EMAIL_SMTP if _email_backend == "smtp" else {},
        }
    }
else:
    EMAIL_BACKEND = f"django.core.mail.backends.{_email_backend}.EmailBackend"
    EMAIL_HOST = EMAIL_SMTP["host"]
    EMAIL_PORT = EMAIL_SMTP["port"]
    EMAIL_HOST_USER = EMAIL_SMTP["username"]
    EMAIL_HOST_PASSWORD = EMAIL_SMTP["password"]
    EMAIL_USE_TLS = EMAIL_SMTP["use_tls"]
    EMAIL_TIMEOUT = EMAIL_SMTP["timeout"]

MIDDLEWARE = [
    # First, so every later middleware's logs carry the request's id.
    "learnplat.middleware.RequestIDMiddleware",
    # Times every request for /metrics (by URL pattern, method and status).
    "learnplat.metrics.MetricsMiddleware",
    # A span per request (learnplat[otel]; a no-op until the host configures the SDK).
    "learnplat.tracing.TracingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- static files: whitenoise serves them in production (after collectstatic) -------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The built React app's root files (index.html, assets/) are served at the site root.
if FRONTEND_DIST.is_dir():
    WHITENOISE_ROOT = FRONTEND_DIST

# -- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "learnplat.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "learnplat API",
    "DESCRIPTION": "The REST API of the learnplat example project.",
    "VERSION": learnplat.__version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a "role" or "status" with different choices: learnplat names each.
    "ENUM_NAME_OVERRIDES": {**ENUM_NAME_OVERRIDES},
    # Swagger UI and Redoc from drf-spectacular-sidecar, and no request leaves the site (e2e
    # offline-docs.spec.ts): no validator badge from validator.swagger.io, and system fonts in
    # Redoc, whose page (demo/redoc.html) drops drf-spectacular's Google Fonts link.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif"},
                "code": {"fontFamily": "ui-monospace, 'DejaVu Sans Mono', monospace"},
            }
        }
    },
}
if os.environ.get("NUM_PROXIES"):
    # Behind N reverse proxies: throttles count the client's address, not the proxy's.
    REST_FRAMEWORK["NUM_PROXIES"] = env_int("NUM_PROXIES", 0)
# docs/auth.md explains each key.
SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    # A key of its own rotates every JWT without touching sessions; default SECRET_KEY.
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY", SECRET_KEY),
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}
# Every key: docs/settings.md.
LEARNPLAT: dict[str, object] = {
    "REGISTRATION_ROLES": ["student"],
    # The end-to-end run registers a few dozen users from one address within minutes.
    "THROTTLE_RATES": {"learnplat_register": env_str("REGISTER_RATE", "20/hour")},
    # learnplat imports no queue library: on RQ the readiness check pings its Redis here.
    "HEALTH": {"READINESS_CHECKS": {"tasks": "config.health.check_tasks"}},
    # /metrics wants "Authorization: Bearer $METRICS_TOKEN"; without a token it answers only
    # with DEBUG on (404 in production).
    "METRICS": {"TOKEN": env_str("METRICS_TOKEN", "")},
    # The React app's route that trades the launch code for tokens (docs/lti.md).
    # An LMS instructor's first deep-linking request may create their course (decision 0041).
    "LTI": {
        "LAUNCH_REDIRECT": env_str("LTI_LAUNCH_REDIRECT", "/lti/launch"),
        "PROMOTE_INSTRUCTORS": env_bool("LTI_PROMOTE_INSTRUCTORS", True),
    },
    # Webhook receivers on loopback or a private network: allowed in the demo (a receiver on
    # the developer's machine), refused in production unless the environment says so.
    "WEBHOOKS": {"ALLOW_PRIVATE_URLS": env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", DEBUG)},
}

# xAPI statements to a Learning Record Store (learnplat[xapi], docs/xapi.md): installed only
# when XAPI_ENDPOINT names one, since the app without an endpoint is inert and says so
# (learnplat_xapi.W001), which `check --deploy` would report.
XAPI_ENDPOINT = env_str("XAPI_ENDPOINT", "")
if XAPI_ENDPOINT:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("learnplat.events") + 1, "learnplat.xapi")
    LEARNPLAT["XAPI"] = {
        "ENDPOINT": XAPI_ENDPOINT,
        "USERNAME": env_str("XAPI_USERNAME", ""),
        "PASSWORD": env_str("XAPI_PASSWORD", ""),
        # Actors are accounts on this site, and courses and tasks activities under it.
        "ACTOR_HOMEPAGE": env_str("XAPI_SITE_URL", "http://localhost:8000"),
        "ACTIVITY_BASE": env_str("XAPI_SITE_URL", "http://localhost:8000").rstrip("/") + "/xapi",
    }

# -- production hardening (DEBUG off); each switch can be relaxed for local HTTP runs ------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes from the load balancer and Prometheus come over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        # Only behind a proxy that sets X-Forwarded-Proto itself.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Structured logs: one JSON object per line in production, a readable line in development;
# every record names its request (X-Request-ID), user, course and submission when known.
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "learnplat.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "learnplat.logs.JSONFormatter"},
        "console": {"()": "learnplat.logs.ConsoleFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "console") else "json",
        }
    },
    # Django's request errors and learnplat's own go through the same handler.
    "loggers": {
        "learnplat": {
            "handlers": ["console"],
            "level": env_str("LEARNPLAT_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
