"""Settings read from the environment (django-environ); see the README's configuration table."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=true for local work."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "kai_site.apps.SiteConfig",
    "leaderboard",
    "evaluations",
]

MIDDLEWARE = [
    "kai_site.middleware.RequestLogMiddleware",
    "kai_site.middleware.UploadLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kai_site.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: locks accounts after repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock the attacker, not the address: failures lock one account from one address. Across
# accounts, an address over its budget of failures has each account that fails from it locked at
# the first failure (kai_site/accounts.py); accounts that do not fail are never refused.
LOGIN_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "kai_site.accounts.failure_limit"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address: the socket's, or the one our trusted proxies append (README, nginx example).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "kai_site.client_address.client_address"

ROOT_URLCONF = "kai_site.urls"
WSGI_APPLICATION = "kai_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kai_site.context_processors.roles",
                "kai_site.context_processors.language_links",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default must take parallel submissions: WAL lets readers work while one
    # writer writes; IMMEDIATE makes every transaction take the write lock when it begins
    # (a reader that later writes would otherwise fail at once with "database is locked"
    # instead of waiting), and the busy timeout makes a second writer wait for the first.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=30),
        }
    )
# Persistent connections on every backend: opening one costs a TCP round trip on PostgreSQL and,
# on SQLite, a new file handle plus the WAL pragma (1.7 ms of a cached page's 4 ms).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def code_fingerprint(root: Path = BASE_DIR) -> str:
    """12 hex digits of SHA-256 over the code that renders pages (Python, templates, compiled
    catalogues): cached pages and fragments are kept under it, so a deploy with a changed
    template or translation never serves the old HTML, and every process of one deploy agrees."""
    import hashlib

    digest = hashlib.sha256()
    for folder in ("kai_site", "leaderboard", "evaluations", "templates", "locale"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".mo") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_FINGERPRINT = code_fingerprint()

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kai_site.cache_backends.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{env.str('CACHE_KEY_PREFIX', default='kai')}:{CODE_FINGERPRINT}",
        }
    }
else:
    # The embedded default: a cache every process of the site shares (gunicorn workers, the
    # development server, commands), kept in the database; `migrate` creates its table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kai_cache",
            "KEY_PREFIX": CODE_FINGERPRINT,
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=20000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: every new password (page, reset, admin, command) revokes the API tokens.
    {"NAME": "kai_site.accounts.EndCredentialsOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "leaderboard:home"
LOGOUT_REDIRECT_URL = "leaderboard:home"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Answer keys live outside MEDIA_ROOT so no URL ever maps to them.
ANSWER_KEY_ROOT = Path(env.str("ANSWER_KEY_ROOT", default=str(BASE_DIR / "var" / "answer_keys")))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="K-AI Leaderboard <noreply@localhost>")
# SMTP in production (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# With DEBUG off, `check --deploy` refuses the console (or file) backend, which would write
# password-reset links to the server's output, unless this says it is meant (kai_site.E001).
ALLOW_CONSOLE_EMAIL = env.bool("ALLOW_CONSOLE_EMAIL", default=False)

# Celery: with REDIS_URL, a real broker; without it, tasks run eagerly in the caller.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("RUN_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("RUN_TIME_LIMIT", default=20 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
}

# REST API (issue: REST API with an OpenAPI schema)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing credential a 401, not a 403.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kai_site.api_support.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "kai_site.api_support.AnonThrottle",
        "kai_site.api_support.TokenOrUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/min"),
        "user": env.str("API_USER_RATE", default="600/min"),
    },
    "EXCEPTION_HANDLER": "kai_site.api_errors.exception_handler",
    # Our throttles read kai_site.client_address (the same setting); this keeps DRF's own in step.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "K-AI Leaderboard API",
    "DESCRIPTION": "Results, decisions and evaluation runs of Korea's Independent AI Foundation "
    "Model Project.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "PhaseKindEnum": "leaderboard.models.Phase.Kind",
        "PhaseStatusEnum": "leaderboard.models.Phase.Status",
        "ModelKindEnum": "leaderboard.models.FoundationModel.Kind",
        "RunStatusEnum": "evaluations.models.EvaluationRun.Status",
        "ScoreModeEnum": "leaderboard.models.ScoreMode",
        "RunModeEnum": "leaderboard.models.Mode",
        "EndpointRunStatusEnum": "evaluations.endpoints.models.EndpointRun.Status",
    },
}
# API tokens expire (a leaked token in a team's CI stops working on its own); 0 = never.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
API_TOKEN_LIMIT_PER_USER = env.int("API_TOKEN_LIMIT_PER_USER", default=5)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS) if API_TOKEN_TTL_DAYS > 0 else None,
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": API_TOKEN_LIMIT_PER_USER if API_TOKEN_LIMIT_PER_USER > 0 else None,
}

# Evaluation runs
RUN_UPLOAD_MAX_BYTES = env.int("RUN_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)
RUN_DAILY_QUOTA = env.int("RUN_DAILY_QUOTA", default=10)
# Runs larger than this are split into chunks that several workers score in parallel.
RUN_CHUNK_BYTES = env.int("RUN_CHUNK_BYTES", default=64 * 1024 * 1024)
RUN_STALE_SECONDS = env.int("RUN_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
RUN_QUEUE_STALE_SECONDS = env.int("RUN_QUEUE_STALE_SECONDS", default=10 * 60)
RUN_SWEEP_EVERY_SECONDS = env.int("RUN_SWEEP_EVERY_SECONDS", default=60)
# Organizer-run evaluations against team endpoints (evaluations/endpoints/). Keys are
# encrypted with ENDPOINT_KEY_SECRET (Fernet keys, newest first); private and loopback
# addresses only with ENDPOINT_ALLOW_PRIVATE (link-local and metadata addresses never).
ENDPOINT_KEY_SECRET = env.str("ENDPOINT_KEY_SECRET", default="")
ENDPOINT_ALLOW_PRIVATE = env.bool("ENDPOINT_ALLOW_PRIVATE", default=False)
ENDPOINT_BATCH_SIZE = env.int("ENDPOINT_BATCH_SIZE", default=50)
ENDPOINT_RETRY_BASE_DELAY = env.float("ENDPOINT_RETRY_BASE_DELAY", default=0.5)
ENDPOINT_PAUSE_AFTER = env.int("ENDPOINT_PAUSE_AFTER", default=10)
CELERY_BEAT_SCHEDULE = {
    "sweep-runs": {
        "task": "evaluations.tasks.sweep_runs_task",
        "schedule": RUN_SWEEP_EVERY_SECONDS,
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Room for multipart headers and the form's other fields around an upload at the limit.
UPLOAD_OVERHEAD_BYTES = 1024 * 1024

# Structured logs (one JSON object a line) in production; plain lines while developing.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "kai_site.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "loggers": {
        # Our request log replaces Django's own lines for the dev server and gunicorn.
        "django.server": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
