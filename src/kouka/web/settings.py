"""Django settings, all overridable from the environment (see docs/production.md).

``KOUKA_DATA_DIR`` is the data folder (SQLite database, secret key); ``DATABASE_URL`` switches
to PostgreSQL (``postgresql://user:pass@host:5432/name``). ``KOUKA_TEST_POSTGRES_URL`` adds a second
database alias ``postgres`` that the test suite runs the same tests against.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url

DATA_DIR = Path(os.environ.get("KOUKA_DATA_DIR", "data")).resolve()
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "kouka-insecure-development-key-set-DJANGO_SECRET_KEY")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kouka.web.apps.KoukaWebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kouka.web.urls"
WSGI_APPLICATION = "kouka.web.wsgi.application"

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
                "kouka.web.permissions.context",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    default = (dj_database_url.parse(url, conn_max_age=60) if url
               else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "kouka.sqlite3")})
    databases: dict[str, Any] = {"default": default}
    test_pg = os.environ.get("KOUKA_TEST_POSTGRES_URL")
    if test_pg:
        databases["postgres"] = dj_database_url.parse(test_pg)
        # Several test runs can share one server (KOUKA_TEST_POSTGRES_NAME keeps their databases apart).
        databases["postgres"]["TEST"] = {"NAME": os.environ.get("KOUKA_TEST_POSTGRES_NAME", "kouka_web_test")}
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["kouka.web.dbrouter.SelectedDatabaseRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target (production); kouka serve creates DATA_DIR/static so WhiteNoise finds a folder.
STATIC_ROOT = Path(os.environ["KOUKA_STATIC_ROOT"]) if os.environ.get("KOUKA_STATIC_ROOT") else (
    DATA_DIR / "static" if (DATA_DIR / "static").is_dir() else None)
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic (kouka serve)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if os.environ.get("DJANGO_BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SSL_REDIRECT", "") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0") or 0)
