"""Settings for CPOR Portal, read from environment variables (see ``.env.example``).

``DJANGO_ENV`` picks the mode:
- ``development`` (default): DEBUG on, SQLite under ``var/``, console e-mail, tasks run
  in-process unless a broker is configured. This is what ``make run`` uses.
- ``production``: DEBUG off, a real ``DJANGO_SECRET_KEY`` is required, HTTPS-only cookies
  and HSTS; passes ``manage.py check --deploy`` with no warnings.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lib.client_ip import parse_networks
from lib.env import database_from_url, env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CPOR_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production", "test"})
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION and DJANGO_ENV != "test")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production")
# Under DEBUG a 404, 400 or 500 is still the portal's own page (lib.middleware.PortalErrorPagesMiddleware);
# DEBUG_TECHNICAL_PAGES=1 brings back Django's technical pages (URL patterns, traceback, settings).
DEBUG_TECHNICAL_PAGES = env_bool("DEBUG_TECHNICAL_PAGES", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_ENV=production")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Public base URL used in e-mails (links back into the portal).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "lib.axes_app.LoginProtectionConfig",  # django-axes, named for the admin
    "accounts",
    "partners",
    "directory",
    "claims",
    "arbitration",
    "audit",
    "notifications",
    "consent",
    "review",
    "partner_portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lib.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "lib.middleware.PortalErrorPagesMiddleware",  # does nothing unless DEBUG (see DEBUG_TECHNICAL_PAGES)
]

if PRODUCTION:
    # Static files from the collected STATIC_ROOT (manage.py collectstatic); runserver serves them in development.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "cpor_portal.urls"
WSGI_APPLICATION = "cpor_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "cpor.sqlite3",
            # WAL lets the dev server read while a management command writes.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer the connection fails the request in 5 s (a 503 page)
    # instead of hanging a worker on the kernel's TCP timeout.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", "5")
    # A statement running longer than this is cancelled, so a runaway query cannot hold a web
    # worker (the page then says "try again", a 503). deploy/gunicorn.conf.py sets it for the
    # web processes only: Celery jobs and migrations run without it. 0: no limit.
    STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0, minimum=0)
    if STATEMENT_TIMEOUT_MS:
        DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
# The cache may live in its own Redis database, so that flushing it never touches the broker's
# queues (CI sets it; by default the cache shares REDIS_URL).
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL") or REDIS_URL
# A frozen Redis must cost a call a quarter of a second, not redis-py's 5 s; after a failure the
# cache is skipped for CACHE_BREAKER_SECONDS (lib.cache).
CACHE_CONNECT_TIMEOUT = env_float("CACHE_CONNECT_TIMEOUT", 0.25)
CACHE_SOCKET_TIMEOUT = env_float("CACHE_SOCKET_TIMEOUT", 0.25)
CACHE_BREAKER_SECONDS = env_float("CACHE_BREAKER_SECONDS", 5.0)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "lib.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": CACHE_CONNECT_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a drawn queue page is kept (review/views.py). Any claim change makes a new cache
# generation at once, so this only bounds how stale a relative deadline ("2 business days
# left") or a renamed partner can look. 0 turns the cache off. Off by default without Redis:
# a per-process memory cache would not see another worker's changes.
QUEUE_CACHE_SECONDS = env_int("QUEUE_CACHE_SECONDS", 60 if REDIS_CACHE_URL else 0, minimum=0)
# How long the reviewers' dashboard figures are kept (the page shows "As of" their time).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (docs/security.md, "Login protection"). Failed sign-ins of the last 15 minutes
# are counted three ways, each with its own limit (accounts/lockout.py):
# - a username from one address: 5 lock that username at that address (a typing user, a guesser);
# - a username from any address: 10 lock the username everywhere (a guesser with many addresses).
#   Higher than the first, so someone else's 5 tries lock only them out, not the account's owner;
# - an address, whatever the usernames: 20 lock the address (password spraying: few passwords
#   over many accounts, which the other two never see).
# The address is the client's own behind a trusted proxy (TRUSTED_PROXIES, lib/client_ip.py).
# A sign-in resets the count of its username at its address only.
AXES_HANDLER = "accounts.lockout.TieredLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 10, minimum=2)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=2)
if min(AXES_USERNAME_FAILURE_LIMIT, AXES_ADDRESS_FAILURE_LIMIT) <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "AXES_USERNAME_FAILURE_LIMIT and AXES_ADDRESS_FAILURE_LIMIT must be above AXES_FAILURE_LIMIT: "
        "otherwise anyone's failures lock an account's owner out as soon as they lock themselves"
    )
AXES_COOLOFF_TIME = 0.25  # hours (the lockout page says 15 minutes)
AXES_CLIENT_IP_CALLABLE = "lib.client_ip.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Rate limits (lib/ratelimit.py): (requests, seconds) per signed-in user, counted in the cache
# (Redis: shared by every worker). Each can be set as RATE_LIMIT_<SCOPE> (requests) and
# RATE_LIMIT_<SCOPE>_SECONDS (the window), e.g. RATE_LIMIT_COMMENT=30, RATE_LIMIT_COMMENT_SECONDS=600.
RATE_LIMITS = {
    scope: (
        env_int(f"RATE_LIMIT_{scope.upper()}", requests, minimum=1),
        env_int(f"RATE_LIMIT_{scope.upper()}_SECONDS", seconds, minimum=1),
    )
    for scope, (requests, seconds) in {
        "comment": (30, 600),  # comments and notes on a claim
        "poe": (30, 600),  # requests that upload PoE (the PoE form, a claim form with files)
        "draft": (30, 600),  # posts of the new-claim and reclaim forms
        "live_check": (120, 60),  # the claim form's live tenant/subscription/MPN checks
        "consent": (30, 600),  # the customer's consent page (no login: counted per address)
    }.items()
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_TZ = True
# One date and time format per language ("8 December 2026 22:58", "8 december 2026 22:58"),
# used by every page and e-mail: cpor_portal/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["cpor_portal.formats"]

# Business-day calendar: weekends plus the public holidays of this country (``holidays`` package).
BUSINESS_CALENDAR_COUNTRY = env_str("BUSINESS_CALENDAR_COUNTRY", "SE")
BUSINESS_CALENDAR_TIME_ZONE = env_str("BUSINESS_CALENDAR_TIME_ZONE", TIME_ZONE)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Proof-of-execution files: random names, outside every URL; served only by an access-checked view.
    "poe": {
        # Written under a temporary name and renamed when complete: a failed write leaves nothing.
        "BACKEND": "lib.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": str(Path(env_str("POE_ROOT", str(MEDIA_ROOT / "poe")))), "base_url": None},
    },
}

# PoE upload limits.
POE_MAX_FILE_BYTES = env_int("POE_MAX_FILE_BYTES", 20 * 1024 * 1024, minimum=1)
POE_MAX_FILES_PER_CLAIM = env_int("POE_MAX_FILES_PER_CLAIM", 20, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 25, minimum=1)
# Every uploaded file streams to a temporary file (in 64 KiB chunks), small ones too: a request's
# memory does not grow with its files. The PoE storage then moves that file into place.
# (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MiB by default, bounds the form fields only, not files.)
# (No MemoryFileUploadHandler, so FILE_UPLOAD_MAX_MEMORY_SIZE no longer applies.)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
# Where those temporary files go (default: the system's); on the PoE volume, storing is a rename.
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", "") or None
# What one partner company may hold: the PoE bytes of all its claims (drafts, discarded drafts and
# withdrawn claims too: no file is ever deleted), and its open drafts (status editing).
POE_PARTNER_QUOTA_BYTES = env_int("POE_PARTNER_QUOTA_BYTES", 5 * 1024**3, minimum=1)
MAX_OPEN_DRAFTS_PER_PARTNER = env_int("MAX_OPEN_DRAFTS_PER_PARTNER", 200, minimum=1)
# Days a draft nobody changes is kept before it expires (claims.jobs.drafts; a notice 7 days before).
DRAFT_EXPIRY_DAYS = env_int("DRAFT_EXPIRY_DAYS", 60, minimum=8)
# How long the accepted files of a claim form that came back with errors are kept for it
# (claims.pending); the sweep removes them after that.
PENDING_UPLOAD_TTL = timedelta(hours=env_int("PENDING_UPLOAD_TTL_HOURS", 24, minimum=1))

# The PoE template's typeface (claims/poe_template_pdf.py): a Unicode TrueType font; without it
# the template falls back to a built-in font without glyphs beyond Latin-1.
POE_TEMPLATE_FONT = env_str("POE_TEMPLATE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SUPPORT_URL = env_str(
    "SUPPORT_URL", "https://partner.microsoft.com/dashboard/support/incentives/servicerequests?category=incentives"
)

# E-mail.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where django.core.mail.backends.filebased.EmailBackend writes (local runs, the worker integration test).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that hangs must not hold the sending task (seconds).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# A row left "sending" by a killed worker is sent again after this (notifications.sending).
EMAIL_STALE_AFTER_SECONDS = env_int("EMAIL_STALE_AFTER_SECONDS", 120, minimum=10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CPOR Portal <cpor-noreply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Service times in business days (docs/lifecycle.md, "Service times"): the review starts, the
# reviewer decides, the partner answers a request, Microsoft decides a dispute. The defaults are
# the portal's original 5 / 5 / 5 / 5; Partner Center's 2023 pages give 5 / 14 / 14 / 5.
SERVICE_DAYS_REVIEW_START = env_int("SERVICE_DAYS_REVIEW_START", 5, minimum=1)
SERVICE_DAYS_DECISION = env_int("SERVICE_DAYS_DECISION", 5, minimum=1)
SERVICE_DAYS_PARTNER_ANSWER = env_int("SERVICE_DAYS_PARTNER_ANSWER", 5, minimum=1)
SERVICE_DAYS_DISPUTE_DECISION = env_int("SERVICE_DAYS_DISPUTE_DECISION", 5, minimum=1)

# Customer consent (docs/consent.md): how long after an approval the customer may still decline
# it, in business days (Partner Center's 2021 text: 5), or "any" for any time (its 2023 text:
# never final by time). A consent link expires CONSENT_LINK_DAYS calendar days after it was sent,
# or when the approval's window closes if that is later.
_consent_window = (env_str("CONSENT_WINDOW", "") or "").strip().lower()
CONSENT_WINDOW = "any" if _consent_window == "any" else env_int("CONSENT_WINDOW", 5, minimum=0)
CONSENT_LINK_DAYS = env_int("CONSENT_LINK_DAYS", 30, minimum=1)

# Celery. With no broker configured, tasks run in-process (make run needs no Redis).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL is None)
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request queues "send the outbox now" with these short timeouts and skips the broker for
# BROKER_BREAKER_SECONDS after a failure (the periodic send covers for it): docs/operations.md.
BROKER_PUBLISH_TIMEOUT = env_float("BROKER_PUBLISH_TIMEOUT", 0.5, minimum=0.05)
BROKER_BREAKER_SECONDS = env_float("BROKER_BREAKER_SECONDS", 5.0, minimum=0)
# An unacknowledged message (its worker was killed) is delivered again after the visibility
# timeout. It must outlast the longest task (CELERY_TASK_TIME_LIMIT, 300 s) and the longest retry
# countdown (lib.tasks, 300 s), or a task still running or waiting would run twice: 600 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
# One beat schedule, in code (reviewed like code); see README "Background jobs".
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {"task": "notifications.tasks.sla_sweep", "schedule": 120.0},
    "expire-kept-uploads": {"task": "claims.tasks.expire_kept_uploads", "schedule": 900.0},
    "send-pending-notifications": {
        "task": "notifications.tasks.send_pending_notifications",
        # The outbox's safety net (a "send now" is queued after each change): how soon e-mail
        # that missed its shortcut (broker down, worker killed mid-send) goes out.
        "schedule": env_float("OUTBOX_SEND_EVERY_SECONDS", 60.0, minimum=1),
    },
    # The consent e-mails' safety net (each is sent right after the change that asks for it).
    "send-pending-consent-emails": {
        "task": "consent.tasks.send_pending_consent_emails",
        "schedule": env_float("OUTBOX_SEND_EVERY_SECONDS", 60.0, minimum=1),
    },
    "expire-drafts": {"task": "claims.tasks.expire_drafts", "schedule": crontab(hour=2, minute=30)},
    "recheck-subscriptions": {
        "task": "notifications.tasks.recheck_subscriptions",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Security headers (all modes) and HTTPS-only settings (production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "lib.errors.csrf_failure"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (nginx, a load balancer), trust
# that header; without one a client could claim "https" itself, so it is not read at all.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
# The proxies in front of the portal (addresses or CIDR networks, comma-separated). From one of
# them, the client's address is read from X-Forwarded-For (lib/client_ip.py); from anyone else,
# X-Forwarded-For is ignored. Behind a proxy without it every client would have the proxy's
# address, and the per-address login limit would count (and lock) everybody together.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])  # also "unix": a peer on a unix socket
parse_networks(TRUSTED_PROXIES)  # a typo stops the process here
if PRODUCTION and BEHIND_TLS_PROXY and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "BEHIND_TLS_PROXY=1 needs TRUSTED_PROXIES (the proxy's address or network, e.g. 10.0.0.0/8): "
        "otherwise every client has the proxy's address and one client's failed sign-ins lock everyone out"
    )
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# /metrics for a scraper: "Authorization: Bearer <this>" (empty: staff members signed in only).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # One traceback a minute per kind of outage (the database away), one line for the rest.
    "filters": {"outages": {"()": "lib.log.OutageTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["outages"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
