"""Hearth's one settings module. The environment decides the mode.

With nothing set it is the embedded default: SQLite under var/, a Celery broker on the
filesystem (no server), email written to files under var/mail and to the console, a
local-memory cache. DATABASE_URL, REDIS_URL and EMAIL_URL switch to real services. With
DEBUG off (the default) it refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
Every variable is described in .env.example.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

# Lets generic classes be subscripted at runtime (ModelAdmin[Model], QuerySet[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (never committed) is read for convenience; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG, Django's debug 404/500 pages (tracebacks): `make run DEV=1`. Off (the default),
# a DEBUG run still shows Hearth's own error pages, as a member sees them (`make run`).
DEBUG_PAGES = env.bool("DEBUG_PAGES", default=False)
VAR_DIR = Path(env.str("HEARTH_VAR_DIR", default=str(BASE_DIR / "var")))

_INSECURE_KEY_PREFIX = "django-insecure-"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _INSECURE_KEY_PREFIX + "local-development-only-never-use-in-production"

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="Hearth")
# The benchmark's floor page (/bench/floor/); only `make bench` turns it on.
BENCH_FLOOR = env.bool("HEARTH_BENCH_FLOOR", default=False)
# Visitors' pages served whole from the cache, retired by every write (core/page_cache.py).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications ---------------------------------------------------------------------------

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # Ours, bottom layer first
    "core",
    "members",
    "community",
    "events",
    # Wiring last: connects the cross-layer hooks once every app is ready (config/wiring.py)
    "config.apps.WiringConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the security headers too.
    "core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.MemberTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Inside the rest, so it sees Django's debug pages (DEBUG without DEBUG_PAGES) and the user.
    "core.middleware.MemberErrorPagesMiddleware",
    # Last: serves visitors' pages from the cache once the view is known (core/page_cache.py).
    "core.page_cache.VisitorPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's two loaders, cached, minus the indentation of HTML templates
            # (core/template_loaders.py): lighter pages at no cost per request.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "core.template_loaders.FilesystemLoader",
                        "core.template_loaders.AppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "members.context_processors.notifications",
            ],
            # {% icon %} everywhere without a {% load %}: pages draw dozens of icons.
            "builtins": [
                "core.templatetags.icons",
                "core.templatetags.prose",
                "members.templatetags.people",
                "community.templatetags.forum",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite will not create the folder its file lives in (a fresh clone has no var/).
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions make
    # writers queue on the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file beside the real one (never the same file), so pytest's
    # --reuse-db keeps it between runs; pytest-xdist appends _gw0, _gw1... per worker.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-hearth.sqlite3")}
# Persistent connections outside tests (the test configuration sets 0).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

# --- Cache and Celery -----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Files under var/cache, not process memory: the web server, the Celery worker and beat
    # are separate processes, and what one caches (a member's unread count, rate limits)
    # the others must see and be able to forget.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Sessions are read from the cache (and written through to the database), so a request
# that needs only the session (the notification bell's poll) touches no table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    # A broker that needs no server: messages are files under var/celery. A real worker
    # and beat consume them, so scheduled work happens in the embedded default too.
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("queue", "processed", "control"):  # kombu will not create them
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        # Broadcast (control) messages; kombu's default is ./control in the working folder.
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Email ----------------------------------------------------------------------------------

EMAIL_URL = env.str("EMAIL_URL", default="")
MAIL_DIR = VAR_DIR / "mail"
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
    # The outbox page shows bodies only where mail never leaves the machine: a body may
    # hold a password-reset link, and staff must not be able to read those in production.
    EMAIL_OUTBOX_SHOWS_BODIES = False
else:
    EMAIL_BACKEND = "core.mail_backends.FileAndConsoleBackend"
    EMAIL_OUTBOX_SHOWS_BODIES = True
# Notifications: an "immediately" email waits this long and is not sent if the member saw it
# in the app meanwhile; at most this many non-critical notification emails a day (the rest
# go to the digest); the digest arrives at this hour of the member's own morning.
NOTIFICATION_EMAIL_WINDOW_SECONDS = env.int("NOTIFICATION_EMAIL_WINDOW_SECONDS", default=600)
NOTIFICATION_EMAIL_DAILY_CAP = env.int("NOTIFICATION_EMAIL_DAILY_CAP", default=20)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)
# Anniversaries and birthdays are greeted from this hour of each member's own morning.
CELEBRATION_HOUR = env.int("CELEBRATION_HOUR", default=9)
# Moderator rewards: the most points one reward gives, and a moderator's weekly budget.
MODERATOR_REWARD_MAX_POINTS = env.int("MODERATOR_REWARD_MAX_POINTS", default=50)
MODERATOR_WEEKLY_BUDGET = env.int("MODERATOR_WEEKLY_BUDGET", default=250)
# Referrals: a sign-up counts for the referrer this many days after following their link;
# a member is rewarded for at most this many referrals (the new members always are).
REFERRAL_WINDOW_DAYS = env.int("REFERRAL_WINDOW_DAYS", default=30)
REFERRAL_REWARD_CAP = env.int("REFERRAL_REWARD_CAP", default=10)
# The mail provider signs its bounce and complaint reports (POST /email/events/) with this;
# unset, the endpoint is off (operators can still use `manage.py record_email_event`).
EMAIL_WEBHOOK_SECRET = env.str("EMAIL_WEBHOOK_SECRET", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hearth <hello@hearth.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) --------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "members.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "handle"
ACCOUNT_USERNAME_VALIDATORS = "members.validators.handle_validators"
# Our validators give the length message; allauth's own check would word it differently.
ACCOUNT_USERNAME_MIN_LENGTH = 1
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_USERNAME_BLACKLIST = [
    "admin",
    "administrator",
    "api",
    "hearth",
    "moderator",
    "mod",
    "staff",
    "support",
    "root",
    "system",
    "everyone",
    "here",
    "former_member",
    "anonymous",
    "null",
    "me",
]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell members when their password or email changes
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = 600  # seconds a sign-in counts as "recent"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's rate limits stay on (their defaults); named here so the policy is visible.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# --- Moderation and trust ----------------------------------------------------------------------
# Flags from this many established members hide a post until a moderator reviews it.
MODERATION_FLAGS_TO_HIDE = env.int("MODERATION_FLAGS_TO_HIDE", default=3)
# New members (Discourse's trust level 0): limits lift by themselves once the account is this
# old AND the member has read this many posts (their read markers, summed over threads).
NEW_MEMBER_MIN_AGE_HOURS = env.int("NEW_MEMBER_MIN_AGE_HOURS", default=24)
NEW_MEMBER_MIN_POSTS_READ = env.int("NEW_MEMBER_MIN_POSTS_READ", default=30)
NEW_MEMBER_MAX_LINKS = env.int("NEW_MEMBER_MAX_LINKS", default=2)
NEW_MEMBER_MAX_IMAGES = env.int("NEW_MEMBER_MAX_IMAGES", default=1)
NEW_MEMBER_MAX_MENTIONS = env.int("NEW_MEMBER_MAX_MENTIONS", default=2)
NEW_MEMBER_POSTS_PER_DAY = env.int("NEW_MEMBER_POSTS_PER_DAY", default=10)
# Hold every post of a new member for review (off: only spam signals hold posts).
NEW_MEMBER_POSTS_HELD = env.bool("NEW_MEMBER_POSTS_HELD", default=False)
# Spam signals that hold a post for review: this many links, a link to a domain staff block
# (in the admin), or a new member's same text (20 characters or more) already in this many
# other threads within a day.
SPAM_HOLD_LINKS = env.int("SPAM_HOLD_LINKS", default=10)
SPAM_HOLD_REPEATS = env.int("SPAM_HOLD_REPEATS", default=1)
# Rate limits (core.ratelimit, kept in the cache: Redis in production): "count/seconds" per
# member and per address, for each kind of write.
RATE_LIMITS = {
    "post": env.str("RATE_LIMIT_POST", default="10/60"),
    "react": env.str("RATE_LIMIT_REACT", default="60/60"),
    "flag": env.str("RATE_LIMIT_FLAG", default="10/600"),
    "register": env.str("RATE_LIMIT_REGISTER", default="20/60"),
    "vote": env.str("RATE_LIMIT_VOTE", default="60/60"),
}

GITHUB_CLIENT_ID = env.str("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env.str("GITHUB_CLIENT_SECRET", default="")
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {
    "github": {"SCOPE": ["read:user", "user:email"]},
}
GITHUB_LOGIN_ENABLED = bool(GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET)
if GITHUB_LOGIN_ENABLED:
    # The provider (and its URLs) exist only when configured: no half-wired login page.
    INSTALLED_APPS.insert(
        INSTALLED_APPS.index("allauth.socialaccount") + 1, "allauth.socialaccount.providers.github"
    )
    SOCIALACCOUNT_PROVIDERS["github"]["APPS"] = [
        {"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}
    ]

# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 + WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Bodies are JSON, read by our parser (it refuses bodies nested too deep with a 400; DRF's
    # answered 500). Form encodings cannot carry the nested objects the schema describes (DRF
    # read them as absent); an upload names its multipart parser on its view.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    # DRF's page numbers, with `page` validated like any other filter (400 when malformed).
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    # drf-spectacular's, plus the errors every operation can answer (core/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hearth API",
    "DESCRIPTION": "The REST API of Hearth, the community for engineers who create content.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is what its serializer requires, not every field made optional: a PATCH
    # that needs `body` says so (the serializers mark optional fields themselves).
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI is served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Moderation's "what is it about" choices share one name each.
    "ENUM_NAME_OVERRIDES": {
        "ThreadKindEnum": "community.models.Thread.Kind",
        "ModerationTargetEnum": ["post", "thread", "profile"],
        "ModerationActionTargetEnum": ["post", "thread", "profile", "member"],
    },
}

# --- Internationalisation, static and media -------------------------------------------------

LANGUAGE_CODE = "en"
# The community's time zone: its day (daily point caps), week and month (leaderboards).
# Pages are shown in each member's own zone; this is only the default and the calendar.
COMMUNITY_TIME_ZONE = env.str("COMMUNITY_TIME_ZONE", default="UTC")
TIME_ZONE = COMMUNITY_TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files (avatars) are served by Django when SERVE_MEDIA is on: right for DEBUG and
# a single small server; behind a proxy, let the proxy (or S3) serve MEDIA_ROOT instead.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
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
WHITENOISE_MANIFEST_STRICT = False
# Avatars: the upload limit and the largest side we accept (bigger is refused, not resized).
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_DIMENSION = 6000
# Far below Pillow's own bomb limit; read from the header before anything is decoded.
# 16 Mpx decodes to at most 64 MB (RGBA) before it is shrunk.
AVATAR_MAX_PIXELS = 16_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the small JavaScript reads it for fetch() calls
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Health probes come over plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy (django-csp), enforced on every response. Scripts come only from
# Hearth's own static files: no inline <script>, no inline event handler, no eval. Styles come
# from our stylesheets too, with two exceptions:
# - style attributes are allowed (style-src-attr 'unsafe-inline'): templates set per-row CSS
#   variables from data (a category's colour, an avatar's hue), which no nonce or hash can
#   cover; an attribute cannot run script, and member content never carries one (the
#   Markdown sanitiser strips them);
# - the 500 page's own <style> block, by hash, so that page renders even when static files
#   do not (tests/core/test_security_headers.py fails if the hash and the template part).
# Images: our own files plus data: URIs (CSS masks in hearth.css, Swagger UI's icons); posts
# embed only Hearth's own images (core.markdown.images).
CSP_REPORT_URL = "/csp-report/"
ERROR_PAGE_STYLE_HASH = "'sha256-Y/vf8Gynbkz5FQ5hnqnBsZFywUEIFzFNxNf1npJjjV4='"
_MEDIA_ORIGIN = [MEDIA_URL] if MEDIA_URL.startswith("https://") else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "script-src-attr": [NONE],
        "style-src": [SELF, ERROR_PAGE_STYLE_HASH],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_MEDIA_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # Signing in with GitHub posts to us, then redirects the form to GitHub.
        "form-action": [SELF, *(["https://github.com"] if GITHUB_LOGIN_ENABLED else [])],
        "frame-ancestors": [NONE],
        "report-uri": [CSP_REPORT_URL],
        "report-to": "csp",
    },
}
# core.middleware.SecurityHeadersMiddleware sends these three.
REPORTING_ENDPOINTS = {"csp": CSP_REPORT_URL}
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Browser features Hearth never uses are off for it and for anything it frames; the clipboard
# (the API token's copy button) and fullscreen keep their defaults.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
