"""Django settings, all overridable from the environment (see docs/production.md).

``KOUKA_DATA_DIR`` is the data folder (SQLite database, secret key); ``DATABASE_URL`` switches
to PostgreSQL (``postgresql://user:pass@host:5432/name``). ``KOUKA_TEST_POSTGRES_URL`` adds a second
database alias ``postgres`` that the test suite runs the same tests against.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from kouka.domain import i18n

DATA_DIR = Path(os.environ.get("KOUKA_DATA_DIR", "data")).resolve()
# The fallback is for development only; its "django-insecure-" prefix makes `check --deploy` refuse it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-kouka-development-key-set-DJANGO_SECRET_KEY")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "kouka.web.security.csrf_failure"  # the refusal explained in Japanese

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # the API docs' Swagger UI served from the site itself, not a CDN
    "axes",  # login throttling
    "kouka.web.apps.KoukaWebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kouka.web.security.SecurityHeadersMiddleware",
    "kouka.web.security.NulBytesMiddleware",  # a 400, not a database error, for a NUL in the path or parameters
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kouka.web.language.CoreLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "kouka.web.views.errors.ErrorPageMiddleware",  # a bare 405 gets the site's error page (innermost: headers apply)
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


# Each transaction takes SQLite's write lock when it begins: concurrent saves wait for each other (up to the
# timeout) and the second then sees the first's version, so optimistic locking refuses it with a message
# instead of SQLite failing it with "database is locked".
SQLITE_OPTIONS: dict[str, Any] = {"transaction_mode": "IMMEDIATE", "timeout": 20}


CONN_MAX_AGE = 600  # seconds a database connection is kept between requests


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    # Connections are kept between requests (opening one costs more than a cached page's whole answer), checked
    # before reuse so that a restarted PostgreSQL or a connection left broken costs one retry, not an error.
    default = (dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True) if url
               else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "kouka.sqlite3"),
                     "OPTIONS": SQLITE_OPTIONS, "CONN_MAX_AGE": CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True})
    databases: dict[str, Any] = {"default": default}
    test_pg = os.environ.get("KOUKA_TEST_POSTGRES_URL")
    if test_pg:
        databases["postgres"] = dj_database_url.parse(test_pg)
        # Several test runs can share one server (KOUKA_TEST_POSTGRES_NAME keeps their databases apart).
        databases["postgres"]["TEST"] = {"NAME": os.environ.get("KOUKA_TEST_POSTGRES_NAME", "kouka_web_test")}
    return databases


DATABASES = _databases()

# Backups (kouka.web.ops.backup): the key they are signed with and checked against at restore (else one derived
# from SECRET_KEY), and the most a backup may inflate to when it is restored.
KOUKA_BACKUP_KEY = os.environ.get("KOUKA_BACKUP_KEY", "")
KOUKA_RESTORE_MAX_BYTES = int(os.environ.get("KOUKA_RESTORE_MAX_BYTES", str(8 * 1024 ** 3)))


def logging_config(log_file: str, level: str) -> dict[str, Any]:
    """Records of ``level`` and above (errors with their tracebacks: a 500's comes from ``django.request``) to
    the console (standard error, which gunicorn and systemd's journal keep) and to ``log_file`` (rotated at
    10 MB, five old files kept; "" for none)."""
    handlers: dict[str, Any] = {"console": {"class": "logging.StreamHandler", "formatter": "plain"}}
    if log_file:
        handlers["file"] = {"class": "kouka.web.logfile.LogFileHandler", "filename": log_file,
                            "maxBytes": 10_000_000, "backupCount": 5, "formatter": "plain"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}},
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": level},
        # Django's own loggers otherwise send errors to mail_admins only (no ADMINS: nowhere)
        "loggers": {"django": {"handlers": list(handlers), "level": level, "propagate": False}},
    }


# KOUKA_LOG_FILE: where errors are written besides the console ("" for the console only);
# KOUKA_LOG_LEVEL: WARNING by default (errors, and refused requests such as 404s); ERROR for errors only.
LOG_FILE = os.environ.get("KOUKA_LOG_FILE", str(DATA_DIR / "kouka.log"))
LOGGING = logging_config(LOG_FILE, os.environ.get("KOUKA_LOG_LEVEL", "WARNING").upper())
DATABASE_ROUTERS = ["kouka.web.dbrouter.SelectedDatabaseRouter"]

# Rendered pages of frozen publications (kouka.web.pagecache): a file cache shared by every server process,
# in front of it a small one in each process. KOUKA_CACHE_DIR moves the shared one out of the data folder.
CACHE_DIR = Path(os.environ["KOUKA_CACHE_DIR"]) if os.environ.get("KOUKA_CACHE_DIR") else DATA_DIR / "cache"
CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(CACHE_DIR / "pages"),
              "TIMEOUT": 7 * 24 * 3600, "OPTIONS": {"MAX_ENTRIES": 50_000}},
    "pages_local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kouka-pages",
                    "TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 200}},
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a throttled sign-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords: Django's default hasher (PBKDF2-SHA256); PASSWORD_HASHERS is deliberately not set.

# Every door that sets a password checks it with these (the password change page, the administrator's
# one-time passwords, ``kouka adduser``, Django's admin): at least 8 characters, not a common password, not
# close to the user's name or e-mail address, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [str(i18n.LOCALE_DIR)]  # one catalogue for the site and the core (kouka.domain.i18n)
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target (production); kouka serve creates DATA_DIR/static so WhiteNoise finds a folder.
STATIC_ROOT = Path(os.environ["KOUKA_STATIC_ROOT"]) if os.environ.get("KOUKA_STATIC_ROOT") else (
    DATA_DIR / "static" if (DATA_DIR / "static").is_dir() else None)
# Photos of the まとめ (kouka.web.figures) go through Django's default storage: files under MEDIA_ROOT
# (KOUKA_MEDIA_ROOT, else DATA_DIR/media) unless KOUKA_STORAGE_BACKEND names another backend (e.g.
# storages.backends.s3.S3Storage) with KOUKA_STORAGE_OPTIONS as its JSON options. Pages show them as data URIs,
# so MEDIA_URL is never served.
MEDIA_ROOT = Path(os.environ.get("KOUKA_MEDIA_ROOT", "") or DATA_DIR / "media").resolve()
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": os.environ.get("KOUKA_STORAGE_BACKEND", "")
                or "django.core.files.storage.FileSystemStorage",
                "OPTIONS": json.loads(os.environ.get("KOUKA_STORAGE_OPTIONS", "") or "{}")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic (kouka serve)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# An upload larger than kouka.web.uploads.MAX_UPLOAD_BYTES is dropped as it streams in, never stored whole.
FILE_UPLOAD_HANDLERS = ["kouka.web.uploads.LimitedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", "") or 8 * 3600)  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token, Swagger UI reads it from the page
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if os.environ.get("DJANGO_BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SSL_REDIRECT", "") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "") == "1"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
KOUKA_BEHIND_PROXY = bool(SECURE_PROXY_SSL_HEADER)
# Content-Security-Policy of every page (kouka.web.security): nothing inline, nothing from elsewhere.
KOUKA_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'none'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}
KOUKA_CSP_PATHS: dict[str, dict[str, str]] = {}

# Login throttling (django-axes): after KOUKA_LOGIN_FAILURE_LIMIT failed sign-ins of one user name from one
# address, that pair is refused for KOUKA_LOGIN_COOLOFF_MINUTES (a correct sign-in resets the count).
AXES_FAILURE_LIMIT = int(os.environ.get("KOUKA_LOGIN_FAILURE_LIMIT", "") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KOUKA_LOGIN_COOLOFF_MINUTES", "") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kouka.web.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "kouka.web.security.client_ip"

# The task queue that reads uploads (kouka.web.queue): "" = SQLite in DATA_DIR, redis://…, or "immediate".
KOUKA_QUEUE_URL = os.environ.get("KOUKA_QUEUE_URL", "")
# After how many seconds an upload still waiting or being read is given up on its status page.
KOUKA_UPLOAD_PATIENCE = int(os.environ.get("KOUKA_UPLOAD_PATIENCE", "") or 900)
# Notices by e-mail (kouka.web.services.notices): the console in development and the demo, SMTP in production
# (docs/production.md): KOUKA_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST …
EMAIL_BACKEND = os.environ.get("KOUKA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("KOUKA_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("KOUKA_FROM_EMAIL", "kouka@localhost")
SITE_URL = os.environ.get("KOUKA_SITE_URL", "http://127.0.0.1:8000")  # the address written in notices
# The contact address of the open-data catalogue (/catalog.json): the planning division's open-data desk.
KOUKA_CATALOG_EMAIL = os.environ.get("KOUKA_CATALOG_EMAIL", "") or DEFAULT_FROM_EMAIL
