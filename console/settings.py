"""Settings, all read from the environment (django-environ).

With nothing set, the console runs in development mode on an SQLite file in `var/`.
`DATABASE_URL=postgres://...` switches to PostgreSQL; `DJANGO_ENV=production` turns on the
production hardening and requires `SECRET_KEY`.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

PRODUCTION = env.str("DJANGO_ENV", default="development") == "production"
# Production never shows debug pages, whatever DEBUG says: a stray DEBUG=1 in a production
# environment must not turn tracebacks and settings back on for the world.
DEBUG = False if PRODUCTION else env.bool("DEBUG", default=True)
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
    "axes",
    "csp",
    "console",
    "refunds",
    "tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body, the session or the database: a request too large for its
    # address (413), or with a NUL character anywhere (400), is answered without being read.
    "console.core.middleware.RequestGuardMiddleware",
    "console.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages answered to GET are gzipped (a phone's first load); console.core.compression says why
    # that gives BREACH nothing to guess. Below WhiteNoise, which sends static files' own gzip copies.
    "console.core.compression.PageGZipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "console.core.middleware.ClockMiddleware",
    # The API (console.api) leaves here: what follows is the console's, for people with a session.
    "console.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # i18n: Django's LocaleMiddleware, the person's stored choice first; see console/i18n.py.
    "console.i18n.ConsoleLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.middleware.HtmxLoginRedirectMiddleware",
    "console.middleware.NoStoreMiddleware",
    # Admin list actions with a selection that is not an ID (400, not a 500 from the query).
    "console.core.middleware.AdminSelectionMiddleware",
    "console.core.http.ServiceErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a login while its user name or address is locked out, before
# the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    # Only for a partial that the measurements say the Django engine draws too slowly (the package
    # table's rows); asked for by name with `using="jinja2"`, never found by the Django engine.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "console.jinja2.environment"},
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
# Django's default, stated because console.core.compression relies on it: a request another site
# sends from an image or script tag carries no session.
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "packages"
LOGOUT_REDIRECT_URL = "login"

# === Languages ================================================================================
# English and Simplified Chinese: the person's choice (top bar; stored on the user), else the
# browser's Accept-Language, else English (console/i18n.py). Catalogues in locale/: the .po and
# the .mo compiled from it are both committed (`manage.py compile_catalogue`; a test checks they agree).
LANGUAGE_CODE = "en"
# Each language named in itself, as the switch shows it.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
# === end of the Languages block ===================================================================
USE_TZ = True
# Pages show times in Beijing time, as the real console does.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# The zone whose calendar days billing and the refund deadline are counted in.
BILLING_TIME_ZONE = env.str("BILLING_TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Served static files, in production and by `manage.py demo` alike: `collectstatic` names each file
# by its content (console.1a2b3c4d5e6f.css) and writes a gzip copy beside it; whitenoise sends the
# gzip copy to browsers that accept it and marks content-named files immutable for a year
# (Cache-Control: max-age=315360000, public, immutable), so a second visit fetches no CSS or JS.
# Development and the tests keep plain names, read from static/ as they are edited.
SERVED_STATICFILES_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": SERVED_STATICFILES_STORAGE
    if PRODUCTION
    else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
# The SMTP server receipts and reminders go to (through the outbox): the separate EMAIL_* variables,
# or one EMAIL_URL as django-environ reads it (smtp+tls://user:password@host:587 for STARTTLS,
# smtp+ssl://...:465, consolemail://); what the URL names wins over the separate variables.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds; well under the outbox's five-minute claim, so a hung server fails the attempt (retried
# later) before another sender may take the message, instead of holding a worker indefinitely.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
if env.str("EMAIL_URL", default=""):
    globals().update(
        (name, value) for name, value in env.email_url("EMAIL_URL").items()
        if name.startswith("EMAIL_") and value not in (None, "")
    )

# Self-service refunds one account may make over a rolling 365 days before further requests go
# to a ticket as suspected refund abuse. See docs/refund-policy.md for why 3.
REFUND_SELF_SERVICE_ALLOWANCE = env.int("REFUND_SELF_SERVICE_ALLOWANCE", default=3)

# Rate-limit counters live in the cache, which every worker must share or each one counts on
# its own. Production: CACHE_URL=redis://host:6379/0 (Django's Redis backend; its increments are
# atomic). Without CACHE_URL: a table in the console's own database (created by `migrate`, see
# console.core.cache), whose increments take a row lock, so the embedded setup needs nothing else
# and still counts right across workers.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "console.core.cache.DatabaseCache", "LOCATION": "console_cache"}}
# API reads (Describe* actions) write nothing, their rate-limit counters included: with CACHE_URL
# they count in Redis like the rest; without it, in this process's memory (exact for the demo's
# one process; N embedded workers would each allow the limit, which production avoids by setting
# CACHE_URL). Refunds, purchases and API writes keep counting in the shared cache above.
CACHES["api_reads"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-reads"}
API_READ_RATE_LIMIT_CACHE = "default" if env.str("CACHE_URL", default="") else "api_reads"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# A counter the cache could not give back lets the request through (console.core.rate_limits):
# a rate limit never decides money.
RATELIMIT_FAIL_OPEN = True

# --- Login throttling (django-axes; console.core.lockout) -------------------------------------
# Wrong passwords are counted for one user name at one address (AXES_FAILURE_LIMIT), for one user
# name from any address and for one address under any name (the two wider limits, set high so that
# one person's typing never locks out colleagues behind the same address). A login over any of
# them is refused (429, the lockout page, Retry-After) until AXES_COOLOFF_MINUTES have passed since
# the failures that locked it, or staff lift it: `manage.py axes_reset_username <name>`,
# `axes_reset_ip <address>`, `axes_reset` (everything); the attempts are listed in the admin.
# Customers and staff alike: /login/ and /admin/login/ both authenticate through the backends above.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_USERNAME = env.int("LOGIN_FAILURE_LIMIT_PER_USERNAME", default=20)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "console.core.lockout.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "console.core.lockout.lockout_response"
# Behind a reverse proxy, REMOTE_ADDR is the proxy: TRUSTED_PROXY_COUNT=1 takes the client's
# address from the X-Forwarded-For entry the (one) proxy appended. See console.core.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "console.core.client_ip.client_ip"

# --- Content-Security-Policy (django-csp), enforced --------------------------------------------
# Scripts come only from our own static files: no inline <script>, no on...= handlers. Styles too, or
# written into the page from those files, each <style> allowed by its hash (console.core.inline_styles);
# no style="" attributes (htmx's own indicator <style> is switched off in base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Request size ------------------------------------------------------------------------------
# Bodies larger than this are refused with 413 before they are read (console.core.middleware);
# the ticket form, which carries attachments, may send its files plus this much form data.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
# Uploaded files above this are spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

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
# How long before a ticket's reply or resolution time its assignee (or the reviewers) are warned.
TICKET_DUE_WARNING_MINUTES = env.int("TICKET_DUE_WARNING_MINUTES", default=60)
# The ticket form may carry its attachments on top of the ordinary request cap (see Request size).
REQUEST_MAX_BYTES_BY_VIEW = {
    "tickets:submit": TICKET_ATTACHMENT_MAX_COUNT * TICKET_ATTACHMENT_MAX_BYTES + REQUEST_MAX_BYTES,
}

# --- Tencent Cloud API 3.0 (console.api) ------------------------------------------------------
# API keys' SecretKeys are stored encrypted (Fernet) under a key derived from this string; empty
# means derived from SECRET_KEY. Set it in production so rotating SECRET_KEY keeps the API keys;
# old values go in API_KEY_ENCRYPTION_KEY_FALLBACKS (comma-separated) while keys are re-encrypted.
API_KEY_ENCRYPTION_KEY = env.str("API_KEY_ENCRYPTION_KEY", default="")
API_KEY_ENCRYPTION_KEY_FALLBACKS = env.list("API_KEY_ENCRYPTION_KEY_FALLBACKS", default=[])
# Requests per SecretId and action (django-ratelimit's "N/s", "N/m"); Tencent allows 20/s.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="20/s")
# `POST /` is the API: bodies up to Tencent's 10 MB pass the request guard, and the API answers
# those over DATA_UPLOAD_MAX_MEMORY_SIZE itself (RequestSizeLimitExceeded) without reading them.
REQUEST_MAX_BYTES_BY_VIEW["home"] = 10 * 1024 * 1024

# === Background work: Celery ======================================================================
# All background work (billing shards, mail, reminders) runs as Celery tasks. Production points
# CELERY_BROKER_URL at Redis (redis://127.0.0.1:6379/0); see docs/background-work.md for
# why Redis and for the worker and beat commands. Without a broker the tasks run in-process, at
# the moment they are enqueued (task_always_eager), so the README's two commands need nothing.
from datetime import timedelta  # noqa: E402

from celery.schedules import crontab  # noqa: E402

# Reminders and the mail outbox are their own app (own migrations, a ready() hook on billing).
INSTALLED_APPS += ["console.notifications"]
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# In-process, a failing task is logged (and its work stays queued in the database, e.g. the mail
# outbox) instead of raising into the request that enqueued it.
CELERY_TASK_EAGER_PROPAGATES = False
# Results are kept only where someone waits for them (run_billing's shards), in the broker's Redis.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(days=2)
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="css-console")
# A worker reserves one task beyond the one it runs: with late acknowledgement a killed worker
# holds back as little as possible, and long billing shards spread evenly over the workers.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis has no acknowledgements of its own: a task taken by a worker that dies unacknowledged
# goes back to the queue after the visibility timeout. It must be longer than any task runs
# (a billing shard takes seconds) and than any retry countdown (mail retries wait at most 5 min).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
# crontab() schedules read the billing calendar: "after midnight" is Beijing midnight by default.
CELERY_TIMEZONE = BILLING_TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Bill yesterday, shortly after the billing day ends.
    "daily-billing": {"task": "console.billing.tasks.billing_yesterday", "schedule": crontab(hour=0, minute=30)},
    # Expiry reminders for today, in office hours as Tencent Cloud sends them.
    "expiry-reminders": {"task": "console.notifications.tasks.expiry_reminders", "schedule": crontab(hour=9, minute=0)},
    # Low-remaining reminders follow each billing shard; this daily pass (it reads the day's deductions)
    # catches days billed outside the shards, e.g. by the presenter panel.
    "low-remaining-reminders": {
        "task": "console.notifications.tasks.low_remaining_reminders",
        "schedule": crontab(hour=3, minute=0),
    },
    # The overdue-payment lifecycle: suspensions at the 24-hour deadline, repossession warnings and repossessions.
    "standing-sweep": {"task": "console.billing.tasks.standing_sweep_task", "schedule": crontab(minute="*/5")},
    # Tickets about to miss a reply or resolution time: their assignee (or the reviewers) are told once.
    "ticket-due-warnings": {"task": "tickets.tasks.service_level_warnings_task", "schedule": crontab(minute="*/5")},
    # Mail whose delivery failed or whose task was lost is tried again.
    "pending-mail": {"task": "console.notifications.tasks.send_pending_mail", "schedule": crontab(minute="*/5")},
}
if DEMO_MODE:
    # The demo's streams keep going: a day of usage for yesterday, before the billing run bills it.
    CELERY_BEAT_SCHEDULE["demo-usage"] = {
        "task": "console.billing.tasks.usage_simulate_yesterday",
        "schedule": crontab(hour=0, minute=10),
    }
# Accounts per billing shard (one task each); run_billing --shard-size overrides it.
BILLING_SHARD_SIZE = env.int("BILLING_SHARD_SIZE", default=1000)
# The longest a billing batch may hold its "billing in progress" marks (seconds). A batch clears
# them when it commits; one killed before that (SIGKILL, out of memory) leaves them, and a mark
# older than this is stale: refunds no longer wait for it, check_ledger reports it and
# clear_billing_marks removes it. A batch of 1,000 accounts takes about a second; 15 minutes is
# the Redis visibility timeout, which every task already has to finish within.
BILLING_BATCH_MAX_SECONDS = env.int("BILLING_BATCH_MAX_SECONDS", default=900)
# Reminders as Tencent Cloud's CSS console sends them: days before a package expires, and the
# share of a package left below which the day's settlement sends a low-remaining reminder.
REMINDER_EXPIRY_DAYS = (30, 15, 7, 1)
REMINDER_LOW_REMAINING_PERCENT = 15
# Outbox mail: a failed delivery is retried by its task (with backoff), then by send_pending_mail
# every few minutes, up to this many attempts in all.
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=12)
# === end of the Celery block ====================================================================
