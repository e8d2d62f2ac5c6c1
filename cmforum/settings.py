"""Settings for cmforum, read from the environment with safe local defaults (see .env.example)."""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DEBUG")
# The fallback key is public: fine for local use and tests, and cmforum.wsgi refuses to
# serve with it (or any weak key) when DEBUG is off (cmforum.security).
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or "cmforum-local-only-insecure-key"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

TESTING = "pytest" in sys.modules or "test" in sys.argv[1:2]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "mptt",
    "django_filters",
    "people",
    "threads",
    "importers",
    "cmforum.apps.CmforumConfig",  # connects the page cache's invalidation (cmforum.cache)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cmforum.security.CSPMiddleware",  # django-csp's, the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, so that a POST to a public page is a 405, not a CSRF failure.
    "cmforum.security.PublicRequestGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (anonymous requests only) and locale (the language is in the key).
    "cmforum.cache.PageCacheMiddleware",
    "cmforum.db_router.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cmforum.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cmforum.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two imports (or an import and a curator) at once on SQLite: a transaction takes the
    # write lock when it begins and a second one waits for it instead of failing with
    # "database is locked"; WAL lets pages be read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 60,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Read replicas of the primary (docs/scaling.md): comma-separated URLs, one alias each
# (replica1, replica2, …). Anonymous reads of public pages go to a replica, everything else
# to the primary (cmforum.db_router). Tests get a "replica" alias mirroring the primary,
# unused unless a test lists it in DATABASE_REPLICAS.
DATABASE_REPLICAS: list[str] = []
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(_url, conn_max_age=60)
    DATABASE_REPLICAS.append(f"replica{_n}")
if TESTING:
    DATABASES = {
        "default": DATABASES["default"],
        "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}},
    }
    DATABASE_REPLICAS = []
DATABASE_ROUTERS = ["cmforum.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------------------------
# Anonymous public pages are cached whole (cmforum.cache), keyed by an archive version that
# imports and curations replace on commit; PAGE_CACHE_SECONDS only bounds how long an
# unreachable old entry stays (0 turns the page cache off). REDIS_URL: Django's Redis
# backend, shared by every application server. Otherwise a file cache (CACHE_DIR), which
# needs no service and is shared by the processes of one machine: an import_dump run in a
# shell invalidates what the server cached (a per-process LocMem cache could not see it).
# Off in tests, which count a view's queries on repeated requests; tests/caching turns it on.
PAGE_CACHE_SECONDS = 0 if TESTING else env_int("PAGE_CACHE_SECONDS", 3600)
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if TESTING:
    # Per test process; tests/conftest.py clears it around every test.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cmforum"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "cmforum.cache.FileCache",  # FileBasedCache without zlib
            "LOCATION": os.environ.get("CACHE_DIR") or str(BASE_DIR / ".cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Tests and DEBUG serve files as they are; otherwise compressed, hashed names.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- security -------------------------------------------------------------------------------
# The admin's URL prefix: a deployment may move it away from the well-known "admin/".
ADMIN_URL = os.environ.get("ADMIN_URL", "admin").strip().strip("/") + "/"
if ADMIN_URL == "/":
    ADMIN_URL = "admin/"

# HTTPS=1 when the site is served over TLS (by a reverse proxy, see README "Deploying"):
# it turns on the redirect, secure cookies and HSTS, each of which can be set on its own.
# All off by default, so that `make run` and `make serve` work on http://127.0.0.1.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Only behind a proxy that sets X-Forwarded-Proto itself: otherwise any client could
# claim to be on HTTPS.
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every asset is self-hosted and no page has inline script or style (nor style
# attributes): anything injected into a page stays inert.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}

# Query strings longer than this are refused (414; cmforum.security), which also bounds
# how many parameters a GET can carry.
MAX_QUERY_STRING = 2048

# Source files shipped with the project: the five texts and their manifest.
FIXTURES_DIR = BASE_DIR / "fixtures"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
