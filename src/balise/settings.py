"""Balise settings: one module, read from the environment; production fails closed.

``BALISE_ENV`` is ``production`` or ``development`` (the default). Production demands a secret key,
an audit chain key, a notes key, an MFA seed key and an encodings key from the environment, turns
DEBUG off, and sets secure cookies.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from balise.env import (
    SQLITE_OPTIONS,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("BALISE_VAR_DIR", str(PROJECT_DIR / "var")))

BALISE_ENV = env_str("BALISE_ENV", "development")
PRODUCTION = BALISE_ENV == "production"
if BALISE_ENV not in {"production", "development"}:
    raise ValueError(f"BALISE_ENV must be 'production' or 'development', not {BALISE_ENV!r}")

# Development keys are fixed so that a demo database keeps working across restarts; production
# has no default at all and refuses to start without them.
_DEV = None if PRODUCTION else "development-only-insecure-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_secret("SECRET_KEY", _DEV)
# Keys of the audit hash chain, the note encryption and the identity encodings' encryption at
# rest (balise.situations.encodings); held outside the database.
AUDIT_CHAIN_KEY = env_secret("BALISE_AUDIT_KEY", None if PRODUCTION else "dev-audit-chain-key")
NOTES_KEY = env_secret(
    "BALISE_NOTES_KEY",
    None if PRODUCTION else "ZGV2ZWxvcG1lbnQtb25seS1ub3Rlcy1rZXktMzJieXQ=",
)
ENCODINGS_KEY = env_secret(
    "BALISE_ENCODINGS_KEY",
    None if PRODUCTION else "ZGV2ZWxvcG1lbnQtb25seS1lbmNvZGluZ3Mta2V5MzI=",
)
# Seals the TOTP seeds of authenticator apps (balise.accounts.seeds); base64 of 32 bytes.
MFA_SEED_KEY = env_secret(
    "BALISE_MFA_KEY",
    None if PRODUCTION else "ZGV2ZWxvcG1lbnQtb25seS10b3RwLXNlZWQta2V5ISE=",
)

# Keys the record keys of cell-key perturbation (docs/disclosure.md): a child's noise is fixed by
# it in every release. Unset, it is derived from the audit key (also outside the database).
CELL_KEY_SECRET = env_secret("BALISE_CELL_KEY_SECRET", "") or None

DEBUG = env_bool("DEBUG", False) and not PRODUCTION
# The demo network and its banner: one switch. BALISE_DEMO=1 alone turns MFA off (visibly, with
# a banner); it publishes its accounts' passwords, so production refuses to start with it.
DEMO = env_bool("BALISE_DEMO", False)
if DEMO and PRODUCTION:
    raise ImproperlyConfigured(
        "BALISE_DEMO=1 cannot be used with BALISE_ENV=production: the demo's accounts have "
        "published passwords and no second factor."
    )
REQUIRE_MFA = env_bool("BALISE_REQUIRE_MFA", not DEMO) if not PRODUCTION else True

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ninja",  # its templates and static files serve the API docs page (no CDN)
    "balise.core",
    "balise.audit",
    "balise.accounts",
    "balise.network",
    "balise.taxonomy",
    "balise.situations",
    "balise.detection",
    "balise.jobs",
    "balise.backup",
    "balise.mail",
    "balise.api",
    "balise.observatory",
    "balise.training",
    "balise.reports",
    "balise.publications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "balise.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "balise.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "balise.core.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "balise.urls"
WSGI_APPLICATION = "balise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "balise.core.context_processors.balise",
            ],
        },
    },
]

# It holds the database password: also read from a file (DATABASE_URL_FILE), like the keys.
_database_url = env_secret("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env_str("BALISE_SQLITE_PATH", str(VAR_DIR / "balise.sqlite3"))),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour, not Django's three days

# Sessions: 30 minutes idle (renewed on each request), 12 hours absolute (see accounts.middleware).
SESSION_COOKIE_AGE = env_int("BALISE_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("BALISE_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The detection aid's PDF summary: per client an hour, and drawn at once per server process.
# The counts live in the cache (never a database row: anonymous use stores nothing). The local
# memory cache counts per process; several server processes multiply the hourly figure.
DETECTION_PDF_PER_HOUR = env_int("BALISE_DETECTION_PDF_PER_HOUR", 20)
DETECTION_PDF_CONCURRENCY = env_int("BALISE_DETECTION_PDF_CONCURRENCY", 2)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Lockout and throttling (django-axes): 5 failures lock the account for 30 minutes.
AXES_FAILURE_LIMIT = env_int("BALISE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
# Per account, and per client address alone: the User-Agent is the client's to choose, so keying
# on it too would let one client dodge the limit by changing it at each guess.
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of Balise (each appends to X-Forwarded-For): the client's address is
# read behind them (balise.core.client_ip); gunicorn's forwarded_allow_ips names them.
BALISE_PROXY_COUNT = env_int("BALISE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "balise.core.client_ip.client_ip"
AXES_VERBOSE = False

if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-balise-session"
    CSRF_COOKIE_NAME = "__Host-balise-csrf"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("BALISE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
else:
    SESSION_COOKIE_NAME = "balise-session"
    CSRF_COOKIE_NAME = "balise-csrf"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "balise-language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
# Belgian date order and the 24-hour clock in every interface language (balise/formats/).
FORMAT_MODULE_PATH = ["balise.formats"]
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target in production; the container image collects into its own folder,
# outside the var/ volume (BALISE_STATIC_ROOT).
STATIC_ROOT = Path(env_str("BALISE_STATIC_ROOT", str(VAR_DIR / "static"))) if PRODUCTION else None
# Project-wide static files outside any app (balise/js/encoding.js and the identity modules).
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Outside production WhiteNoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Balise <no-reply@balise.invalid>")

OTP_TOTP_ISSUER = "Balise"

# Reads written to the audit log (list pages, job pages, refused look-ups) at most once per
# person, action and kind of object in this many seconds (balise.audit.services.record_read).
AUDIT_READ_WINDOW_SECONDS = env_int("BALISE_AUDIT_READ_WINDOW_SECONDS", 60)

# Background jobs (balise.jobs): "thread" runs them on a daemon thread of the web process (one
# machine); "worker" leaves them to `balise jobs work`. BALISE_JOBS_SYNC runs them inline (tests).
BALISE_JOBS_RUNNER = env_str("BALISE_JOBS_RUNNER", "thread")
BALISE_JOBS_SYNC = env_bool("BALISE_JOBS_SYNC", False)
# Jobs run at once in one web process (the "thread" runner); further jobs wait in its queue.
BALISE_JOBS_THREADS = env_int("BALISE_JOBS_THREADS", 2)
# The public home page's sections, in page order (balise.core.home): each app offers its own.
BALISE_HOME_SECTIONS = (
    "balise.detection.home.section",
    "balise.observatory.home.section",
    "balise.training.home.section",
    "balise.publications.home.section",
    "balise.publications.home.newsletter_section",
    "balise.reports.home.section",
)
# Called by `balise jobs work` at every poll, besides queued jobs: the outbox's due retries.
BALISE_JOBS_PERIODIC = (
    "balise.mail.services.deliver_due",
    "balise.training.services.run_tick",  # offers that expire, reminders (once a minute)
)
# The mail outbox (balise.mail): messages sent a minute at most (0: no limit; SMTP providers
# throttle bulk senders), and delivery at once instead of on the runner (the test suite).
BALISE_MAIL_RATE_PER_MINUTE = env_int("BALISE_MAIL_RATE_PER_MINUTE", 120)
BALISE_MAIL_SYNC = env_bool("BALISE_MAIL_SYNC", False)
# Bulk import of situations: refused above these sizes; above SYNC_ROWS it runs as a job.
BALISE_IMPORT_MAX_BYTES = env_int("BALISE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
BALISE_IMPORT_MAX_ROWS = env_int("BALISE_IMPORT_MAX_ROWS", 100_000)
BALISE_IMPORT_SYNC_ROWS = env_int("BALISE_IMPORT_SYNC_ROWS", 2_000)
# Cells read from one file (rows × columns), checked while reading: 100 000 rows of 20.
BALISE_IMPORT_MAX_CELLS = env_int("BALISE_IMPORT_MAX_CELLS", 2_000_000)
# Retention: `balise situations purge` deletes situations detected more than this many months
# ago (docs/retention.md explains the default of ten years).
BALISE_RETENTION_MONTHS = env_int("BALISE_RETENTION_MONTHS", 120)
# Differential-privacy releases: the total epsilon every published one may spend together
# (docs/statistics-methodology.md).
BALISE_DP_EPSILON_BUDGET = float(env_str("BALISE_DP_EPSILON_BUDGET", "5"))

# Publications (balise.publications): PDFs and their covers are stored in this folder, outside
# the database, under generated names; an upload above the size limit is refused.
BALISE_PUBLICATIONS_DIR = Path(env_str("BALISE_PUBLICATIONS_DIR", str(VAR_DIR / "publications")))
BALISE_PUBLICATION_MAX_BYTES = env_int("BALISE_PUBLICATION_MAX_BYTES", 30 * 1024 * 1024)

# Trainings (balise.training, docs/trainings.md). Links in mails (sent by the jobs runner, with
# no request at hand) start with BALISE_SITE_URL. Participants' personal data is erased this many
# months after their session ended (`balise trainings purge`); reminders go this many hours before
# a session; the public forms accept so many registrations an hour per client address and per
# email address.
BALISE_SITE_URL = env_str("BALISE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BALISE_TRAINING_RETENTION_MONTHS = env_int("BALISE_TRAINING_RETENTION_MONTHS", 24)
BALISE_TRAINING_REMINDER_HOURS = env_int("BALISE_TRAINING_REMINDER_HOURS", 48)
BALISE_TRAINING_PER_IP_HOUR = env_int("BALISE_TRAINING_PER_IP_HOUR", 20)
BALISE_TRAINING_PER_EMAIL_HOUR = env_int("BALISE_TRAINING_PER_EMAIL_HOUR", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
