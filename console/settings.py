"""Settings, all read from the environment (django-environ).

With nothing set, the console runs in development mode on an SQLite file in `var/`.
`DATABASE_URL=postgres://...` switches to PostgreSQL; `DJANGO_ENV=production` turns on the
production hardening and requires `SECRET_KEY`.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

PRODUCTION = env.str("DJANGO_ENV", default="development") == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode lets a presenter move the clock and switch persona; `manage.py demo` turns it on.
DEMO_MODE = env.bool("DEMO_MODE", default=False) and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "console",
    "refunds",
    "tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.core.middleware.ClockMiddleware",
    "console.core.http.ServiceErrorMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

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
                "console.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'console.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so concurrent writers queue
    # instead of failing half-way; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so the live server of browser tests and threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_{Path(DATABASES['default']['NAME']).name}")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "packages"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Pages show times in Beijing time, as the real console does.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# The zone whose calendar days billing and the refund deadline are counted in.
BILLING_TIME_ZONE = env.str("BILLING_TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Ticket attachments live outside the web root and are only served through a view that checks
# who is asking.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "uploads")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CSS Console <noreply@css-console.example>")

# Self-service refunds one account may make over a rolling 365 days before further requests go
# to a ticket as suspected refund abuse. See the README for why 3.
REFUND_SELF_SERVICE_ALLOWANCE = env.int("REFUND_SELF_SERVICE_ALLOWANCE", default=3)

# Rate-limit counters live in the cache: with several gunicorn workers, point CACHE_URL at a shared
# cache (e.g. redis://...) so the limit holds across them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Tickets (tickets app) ------------------------------------------------------------------
# Attachments: images and PDF only, checked by content; each at most this size, this many a ticket.
TICKET_ATTACHMENT_MAX_BYTES = env.int("TICKET_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
TICKET_ATTACHMENT_MAX_COUNT = env.int("TICKET_ATTACHMENT_MAX_COUNT", default=3)
# A resolved ticket may be reopened by its customer for this many days.
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=7)

# --- Tencent Cloud API 3.0 (console.api) ------------------------------------------------------
# API keys' SecretKeys are stored encrypted (Fernet) under a key derived from this string; empty
# means derived from SECRET_KEY. Set it in production so rotating SECRET_KEY keeps the API keys;
# old values go in API_KEY_ENCRYPTION_KEY_FALLBACKS (comma-separated) while keys are re-encrypted.
API_KEY_ENCRYPTION_KEY = env.str("API_KEY_ENCRYPTION_KEY", default="")
API_KEY_ENCRYPTION_KEY_FALLBACKS = env.list("API_KEY_ENCRYPTION_KEY_FALLBACKS", default=[])
# Requests per SecretId and action (django-ratelimit's "N/s", "N/m"); Tencent allows 20/s.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="20/s")
