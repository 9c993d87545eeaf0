"""
The one settings module for every mode: development, test and production.

Everything that differs between machines comes from environment variables
(README, "Configuration"). Production is simply "DJANGO_DEBUG off": it refuses
to start without a real secret key rather than fall back to a guessable one.
"""

import hashlib
import hmac
import os
import re
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

# django-environ reads every variable (typed: bool, int, list, DATABASE_URL).
env = environ.Env()


def secret(name, default=""):
    """
    A secret exactly as set. django-environ reads a value starting with "$"
    as the name of another variable, so a random key such as "$x7…" would
    silently become empty (or another variable's value): secrets bypass it.
    """
    return os.environ.get(name, default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A development key is only acceptable while debugging on one's own machine.
INSECURE_DEVELOPMENT_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG off) needs a "
            "long random secret key, for example from: python -c "
            '"import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = INSECURE_DEVELOPMENT_KEY
elif not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a development placeholder; production needs a real one."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    # Admin login throttling (README, "Security").
    "axes",
    # The project package first: the apps after it register with it.
    "consultancy",
    "glossary",
    "services",
    # django-reversion, and the revisions of every registered kind of content
    # (README, "Revisions"): after the apps that register kinds.
    "reversion",
    "consultancy.revisions",
    # Always installed, so that switching TASKS_BACKEND needs no migration.
    # After consultancy, whose db_worker (it waits out database outages)
    # replaces the library's.
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost, so that their headers reach every response: static files,
    # cached pages, errors.
    "django.middleware.security.SecurityMiddleware",
    "consultancy.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Counts glossary searches, those answered from the page cache too.
    "glossary.search_log.SearchLogMiddleware",
    # Cached public pages are answered here, before sessions, CSRF and auth.
    "consultancy.cache.PageCacheMiddleware",
    # Inside the page cache and outside the views: only 404s are looked up (301/302/410).
    "consultancy.redirects.RedirectMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that cannot reach the database answers 503, not 500.
    "consultancy.outages.DatabaseOutageMiddleware",
    # Keeps the landing page and UTM parameters of a campaign visit (a signed cookie).
    "services.middleware.FirstTouchMiddleware",
    # Turns a login refused by the axes backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "consultancy.urls"
WSGI_APPLICATION = "consultancy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "consultancy.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# psycopg's pool (below) replaces persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request within 2 s (then 503,
    # consultancy/outages.py), rather than holding a worker for the default 10.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=2
    )
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Every page runs the same few queries: bound on the server and
        # prepared after a few uses, PostgreSQL plans each once per
        # connection instead of on every request. Turn this off behind a
        # pooler that cannot keep prepared statements (PgBouncer in
        # transaction mode before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
    # psycopg 3's pool replaces persistent connections (CONN_MAX_AGE must stay 0).
    if env.bool("DATABASE_POOL", default=True):
        from consultancy.db_pool import check_connection

        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            # How long a request waits for a connection before it gives up.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1.5),
            # Each connection is checked as it leaves the pool, so that one
            # broken by a database restart is replaced, never handed out.
            "check": check_connection,
            # The pool's own reconnection backs off exponentially; giving up
            # after 2 s lets the next request connect afresh instead, so the
            # site is back as soon as the database is.
            "reconnect_timeout": 2,
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when two requests write at once.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The reads every page repeats are compiled to SQL once per process
# (consultancy/prepared.py); 0 builds them afresh on each request, as Django would.
PREPARED_READS = env.bool("PREPARED_READS", default=True)

# Django's own cache backends by the scheme names CACHE_URL uses. CACHE_URL is
# read here rather than by django-environ, which maps redis:// to django-redis
# and changes the case of KEY_PREFIX.
CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    # Django's Redis backend, made to fail soft (consultancy/cache_backends.py).
    "redis": "consultancy.cache_backends.ResilientRedisCache",
    "rediss": "consultancy.cache_backends.ResilientRedisCache",
}
# Entries each process (locmem) or the machine (file) may keep: bounded, and
# small enough that the file cache's culling (it lists its folder) stays cheap.
CACHE_MAX_ENTRIES = {"locmem": 2000, "file": 5000}


def cache_from_url(url):
    """A CACHES entry from "scheme://[location][?key_prefix=…]" (README, "Configuration")."""
    parts = urlsplit(url)
    if parts.scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with one of {', '.join(f'{s}://' for s in CACHE_BACKENDS)}; "
            f"got {url!r}."
        )
    options = dict(parse_qsl(parts.query))
    config = {"BACKEND": CACHE_BACKENDS[parts.scheme]}
    if "key_prefix" in options:
        config["KEY_PREFIX"] = options.pop("key_prefix")
    if parts.scheme.startswith("redis"):
        config["LOCATION"] = parts._replace(query=urlencode(options)).geturl()
    if parts.scheme == "file":
        if not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"CACHE_URL=file:// needs an absolute folder, not {url!r}.")
        config["LOCATION"] = parts.path
    if parts.scheme in CACHE_MAX_ENTRIES:
        config["OPTIONS"] = {"MAX_ENTRIES": CACHE_MAX_ENTRIES[parts.scheme]}
    return config


# Without CACHE_URL: per process while debugging; in production a folder that
# every process of the machine shares, which also outlives a database outage
# (cached pages go on being served). Redis is the choice for several machines.
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": cache_from_url(
        CACHE_URL or ("locmem://" if DEBUG else f"file://{BASE_DIR / 'var' / 'cache'}")
    )
}
# How long a rendered public page may be reused (it is replaced sooner when
# content changes: see consultancy/cache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 * 60)
# Glossary searches are counted in each process and written together once
# this many seconds have passed (glossary/search_log.py): a search served
# from the page cache costs no query.
SEARCH_LOG_WRITE_SECONDS = env.int("SEARCH_LOG_WRITE_SECONDS", default=10)

# The throttle comes first: a locked-out login is refused before any backend
# hashes the password (hashing is what makes guessing expensive for the server).
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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: hashed, compressed and served by WhiteNoise with far-future headers.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Email (Django 6.1 mailers): the console in development, SMTP from the
# environment otherwise. The variables keep the names of Django's old settings.
if env.bool("EMAIL_TO_CONSOLE", default=DEBUG):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("EMAIL_HOST", default="localhost"),
                "port": env.int("EMAIL_PORT", default=25),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": secret("EMAIL_HOST_PASSWORD"),
                "use_tls": env.bool("EMAIL_USE_TLS", default=False),
                "timeout": 10,
            },
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. SSL redirect can be switched off to try production mode over plain
# HTTP on one's own machine; cookies follow it so that such a trial still works.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Process managers and load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Permissions-Policy (consultancy/headers.py): the site uses none of these
# browser features, so no page, and nothing injected into one, may ask for them.
# Only names Chromium knows: it reports any other as an error in the console.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Sessions belong to staff (visitors have one only to keep a campaign's first
# touch): they end when the browser closes, and DJANGO_STAFF_SESSION_HOURS after
# the sign-in in any case (the admin does not write to the session after it).
STAFF_SESSION_HOURS = env.int("DJANGO_STAFF_SESSION_HOURS", default=12)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Where the admin lives. A path of one's own keeps the admin out of the
# scanners that try /admin/ on every site; it is no substitute for the
# login throttle below.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
if not re.fullmatch(r"[-\w.~]+(/[-\w.~]+)*/", ADMIN_URL):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path of letters, digits and - _ . ~ such as "
        f"staff-7hq2/ (the default is admin/); got {ADMIN_URL!r}."
    )

# Admin login throttling (django-axes, README "Security"). Five failures for one
# username, or from one IP address, none more than the cool-off apart, lock
# further attempts for that username or address for the cool-off period; every
# attempt during a lockout starts it again. The rest of the site stays open to
# everyone. A successful sign-in does not clear the count: one could otherwise
# sign in to one's own account between guesses at someone else's.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# The same client address as the enquiry rate limits: X-Forwarded-For read
# from the right behind ENQUIRY_PROXY_COUNT proxies, REMOTE_ADDR otherwise.
AXES_CLIENT_IP_CALLABLE = "consultancy.clients.client_ip"
# The lockout page in the admin's own look, with a Retry-After header.
AXES_LOCKOUT_CALLABLE = "consultancy.lockout.lockout_response"
# Failed attempts are kept for the cool-off period only; successful sign-ins
# are not logged.
AXES_DISABLE_ACCESS_LOG = True

# Content Security Policy (Django's own): no inline script or style anywhere
# on the public site, nothing loaded from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Who is told about server errors: each 500 is emailed to ADMINS (from
# DJANGO_ADMINS: "Jane <jane@example.com>,ops@example.com") and, when
# SENTRY_DSN is set, sent to Sentry. templates/500.html says "we have been
# told" only when one of them is set.
ADMINS = env.list("DJANGO_ADMINS", default=[])
for admin in ADMINS:
    if "@" not in parseaddr(admin)[1]:
        raise ImproperlyConfigured(
            f"DJANGO_ADMINS: {admin!r} is not an email address "
            '(use "Name <name@example.com>" or "name@example.com", separated by commas).'
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Named so that Django's default handlers on it (its own console and
        # mail_admins) are removed: records reach the root console once, and
        # a 500 is emailed once, by django.request below.
        "django": {"handlers": [], "level": "INFO"},
        # Unhandled exceptions in views (the 500s). Other "django" errors,
        # such as a request for a host not in ALLOWED_HOSTS, are only logged.
        "django.request": {"handlers": ["mail_admins"]},
        # runserver's request lines, as Django's default logging prints them.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # django-axes logs every failed login and lockout as a warning (usernames
        # and addresses masked); its routine INFO lines are noise.
        "axes": {"level": "WARNING"},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    # Imported only when used: a site without Sentry never loads the SDK.
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        # No cookies, user names, IP addresses or headers that identify a
        # visitor; and no request bodies, which on the contact form are what
        # a visitor wrote about themselves.
        send_default_pii=False,
        max_request_body_size="never",
        # Errors only, unless asked: traces cost quota and carry URLs.
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# django-taggit: tag lookups ignore case, so "LLM" and "llm" are one tag.
TAGGIT_CASE_INSENSITIVE = True

# Site identity used in page titles, structured data and emails.
SITE_NAME = env.str("SITE_NAME", default="Halyard AI")

# Enquiries: the contact form, the notification task and the spam defences
# (README, "Enquiries").

# Background tasks: the database queue (run `manage.py db_worker`) in production,
# run immediately inside the request while debugging (and in tests, see conftest).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.backend.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Who hears about a new enquiry, and whether the visitor gets a short receipt.
ENQUIRY_NOTIFY_EMAILS = env.list("ENQUIRY_NOTIFY_EMAILS", default=[])
# The address visitors are given when the site cannot take their message
# (the database is down): the first notified address unless set.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default=(ENQUIRY_NOTIFY_EMAILS or [""])[0])
ENQUIRY_SEND_ACKNOWLEDGEMENT = env.bool("ENQUIRY_SEND_ACKNOWLEDGEMENT", default=False)
# Used for the admin link in notification emails sent outside a request
# (the resend command); requests use their own host.
ENQUIRY_SITE_URL = env.str("ENQUIRY_SITE_URL", default="")
# A failed notification is retried this many times in all, with growing delays,
# when the task backend can defer tasks (the database backend can): the first
# after this many seconds, each next one five times longer (6 hours at most).
ENQUIRY_NOTIFY_RETRY_SECONDS = env.int("ENQUIRY_NOTIFY_RETRY_SECONDS", default=60)
ENQUIRY_NOTIFY_MAX_ATTEMPTS = env.int("ENQUIRY_NOTIFY_MAX_ATTEMPTS", default=6)
# /readyz fails ("notifications") when a genuine enquiry's notification has been
# pending longer than this: the task worker is down or stuck.
ENQUIRY_NOTIFY_ALERT_MINUTES = env.int("ENQUIRY_NOTIFY_ALERT_MINUTES", default=30)

# Routing and the response clock (README, "Routing and the response clock"):
# the hours sales work, in their time zone, without the listed holidays; how
# many of those hours a visitor may wait for a first answer; who hears when an
# enquiry has waited that long (ENQUIRY_NOTIFY_EMAILS when empty). The hours
# are checked at start-up (services/business_hours.py).
SALES_TIMEZONE = env.str("SALES_TIMEZONE", default=TIME_ZONE)
SALES_HOURS = env.str("SALES_HOURS", default="Mon-Fri 09:00-17:30")
SALES_HOLIDAYS = env.list("SALES_HOLIDAYS", default=[])
ENQUIRY_RESPONSE_HOURS = env.float("ENQUIRY_RESPONSE_HOURS", default=4.0)
if ENQUIRY_RESPONSE_HOURS <= 0:
    raise ImproperlyConfigured("ENQUIRY_RESPONSE_HOURS must be a positive number of hours.")
ENQUIRY_ESCALATION_EMAILS = env.list("ENQUIRY_ESCALATION_EMAILS", default=[])

# Webhooks (issue 13; README, "Webhooks"). A failed delivery is tried this many
# times in all when the task backend can defer tasks: the first retry after
# WEBHOOK_RETRY_SECONDS, each next one five times longer (6 hours at most).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=5)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=30)
# A receiver gets this long to accept the connection, then to answer.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_READ_TIMEOUT_SECONDS = env.float("WEBHOOK_READ_TIMEOUT_SECONDS", default=10.0)
# Plain http:// to localhost, for a receiver on your own machine: debugging
# only (tests switch it on), never an environment variable in production.
WEBHOOK_ALLOW_LOCAL_HTTP = DEBUG

# Spam defences: a form sent sooner than this after it was shown is from a bot;
# one older than this is refused as a replay (the visitor is asked to send it again).
ENQUIRY_MIN_FILL_SECONDS = env.int("ENQUIRY_MIN_FILL_SECONDS", default=3)
ENQUIRY_MAX_FORM_AGE_SECONDS = env.int("ENQUIRY_MAX_FORM_AGE_SECONDS", default=4 * 60 * 60)
# Submissions allowed per window from one IP address and for one email address.
ENQUIRY_RATE_LIMIT_PER_IP = env.int("ENQUIRY_RATE_LIMIT_PER_IP", default=10)
ENQUIRY_RATE_LIMIT_PER_EMAIL = env.int("ENQUIRY_RATE_LIMIT_PER_EMAIL", default=5)
ENQUIRY_RATE_LIMIT_WINDOW_SECONDS = env.int("ENQUIRY_RATE_LIMIT_WINDOW_SECONDS", default=60 * 60)
# How many reverse proxies in front of the site append to X-Forwarded-For. With 0
# the client address is REMOTE_ADDR, which behind a proxy is the proxy itself.
ENQUIRY_PROXY_COUNT = env.int("ENQUIRY_PROXY_COUNT", default=0)
# IP addresses are stored only as an HMAC with this key. It derives from the
# secret key unless set: set it explicitly before rotating DJANGO_SECRET_KEY,
# or hashes before and after the rotation will not match.
ENQUIRY_IP_HASH_KEY = secret(
    "ENQUIRY_IP_HASH_KEY",
    default=hmac.new(SECRET_KEY.encode(), b"services.enquiry.ip-hash", hashlib.sha256).hexdigest(),
)

# Contacts, journey, qualification, held for review and the reply promise
# (README, "Enquiries" › "Returning contacts" and the sections after it).
# The promise visitors read, word for word, on the call to action, the contact
# and thank-you pages and the receipt email: "We reply {promise}."
ENQUIRY_REPLY_PROMISE = env.str("ENQUIRY_REPLY_PROMISE", default="within one working day")
# The optional qualification questions on the contact form: (stored value, label).
# Changing a label changes how stored enquiries show it; a value no longer
# listed is shown as stored.
ENQUIRY_BUDGET_CHOICES = [
    ("under-10k", "Under £10,000"),
    ("10k-50k", "£10,000 to £50,000"),
    ("50k-150k", "£50,000 to £150,000"),
    ("over-150k", "Over £150,000"),
    ("unknown", "Not sure yet"),
]
ENQUIRY_TIMELINE_CHOICES = [
    ("now", "As soon as possible"),
    ("quarter", "Within three months"),
    ("half-year", "Within six months"),
    ("exploring", "Just exploring"),
]
# A second identical message from the same address within this many minutes
# is a double submit: merged into the first, not stored or notified again.
ENQUIRY_DUPLICATE_MINUTES = env.int("ENQUIRY_DUPLICATE_MINUTES", default=10)
# Where visitors can book a call, offered on the thank-you page: an https URL.
SALES_BOOKING_URL = env.str("SALES_BOOKING_URL", default="")
if SALES_BOOKING_URL:
    try:
        URLValidator(schemes=["https"])(SALES_BOOKING_URL)
    except ValidationError as error:
        raise ImproperlyConfigured(
            f"SALES_BOOKING_URL must be an https:// URL, not {SALES_BOOKING_URL!r}."
        ) from error
