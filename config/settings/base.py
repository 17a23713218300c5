"""Settings shared by every environment. Each value can be set from the environment."""

import datetime
from pathlib import Path

import dj_database_url

from config.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "local-development-only-not-secret")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A section with two tables of 200 rows × 7 columns posts thousands of fields in one save.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Two-step verification (accounts/two_factor.py) and the lockout after failed sign-ins.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "countries",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's saved language wins over the cookie (config/language.py).
    "config.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff reach nothing before their second step; sessions end after inactivity.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into accounts.lockout's answer.
    "axes.middleware.AxesMiddleware",
]

# Sent with every response by config.middleware.ContentSecurityPolicyMiddleware. No inline
# script or style anywhere (no 'unsafe-inline'): scripts and styles are static files, so markup
# that slipped past escaping could not run. docs/security.md explains each directive.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# SQLite file by default so a fresh checkout runs with no database server;
# production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-reports"
LOGOUT_REDIRECT_URL = "home"

# Sessions end after this long without a request (autosave counts); the expiry moves forward at
# most once a minute (accounts.middleware.SessionActivityMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60

# Failed sign-ins (wrong password, unknown address or wrong second-step code) per address and IP:
# after AXES_FAILURE_LIMIT the address is locked for the cool-off; staff unlock it in the admin
# (Access attempts). The sign-in page words every refusal the same way (accounts.lockout).
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# Proxies in front of the app that append to X-Forwarded-For (production: DJANGO_PROXY_COUNT).
TRUSTED_PROXY_COUNT = 0
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The authenticator apps show this name next to the account.
OTP_TOTP_ISSUER = "PoA Reports"

# The six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
# Catalogues of the interface: locale/<lang>/LC_MESSAGES/django.po (message ids = the English text).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# Redis when REDIS_URL is set (production, CI); otherwise an in-process cache. Redis going away
# must not take the pages with it: the backend treats its errors as misses (config/cache.py), and
# the short timeouts keep a request from waiting on a Redis that does not answer.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured, tasks run in-process, so the app needs no worker locally.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then dies (killed, out of memory, machine lost) is given to another
# worker once this many seconds have passed since it was taken; it must exceed the longest task,
# or a task still running is started a second time. Tests shorten it (docs/operations.md).
TASK_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # How often a worker looks for such abandoned tasks (kombu's default is every 100 s).
    "unacked_restore_interval": max(1, min(10, TASK_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
    # A page that queues a job must not hang on a broker that is down or does not answer: it
    # gives up within about two seconds and leaves the job queued (see request_compile).
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE

# Deadline reminders go out this many days before a cycle's due date (Celery beat, daily).
REPORT_REMINDER_DAYS = [int(day) for day in env_list("REPORT_REMINDER_DAYS", "30,7,1")]
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "reports.tasks.send_deadline_reminders",
        "schedule": 6 * 60 * 60,  # every six hours; each reminder still goes out only once
    },
    "statistics-all-cycles": {
        # A safety net: compiles queued while the broker was down, and anything changed outside
        # the workflow. Cycles whose inputs did not change are skipped at once.
        "task": "reports.tasks.compile_all_statistics",
        "schedule": 60 * 60,
    },
}
# Links in e-mails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "PoA Reports <noreply@poa-reports.local>")

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The token scheme first: an unauthenticated request then gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "reports.api.parsers.SafeJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "reports.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["reports.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "reports.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PoA Reports API",
    "DESCRIPTION": (
        "National reports on the implementation of the Programme of Action on small arms and "
        "light weapons and the International Tracing Instrument. Authenticate with a personal API "
        "token (Authorization: Bearer poa_…) or the browser session. Errors share one shape: "
        '{"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Libraries that narrate every step at INFO (PDF layout, fonts, charts).
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "matplotlib", "PIL")
    },
}
