"""Production: everything that differs comes from the environment; nothing secret lives here.

`manage.py check --deploy` passes with no warning (tests/test_deployment.py runs it)."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_int, env_required

# Placeholders that must never sign a production session: the local default in base.py and the
# one in .env.example.
KNOWN_DEFAULT_SECRETS = {"local-development-only-not-secret", "change-me-to-a-long-random-string"}
MIN_SECRET_LENGTH = 50  # Django's own deployment check (security.W009) asks for as much


def checked_secret_key(value: str) -> str:
    """The secret key, or ImproperlyConfigured: the app refuses to start on a default, short or
    repetitive key, since it signs sessions, password-reset links and CSRF tokens."""
    how = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    if value in KNOWN_DEFAULT_SECRETS or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY is a published default. {how}")
    if len(value) < MIN_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long, "
            f"not {len(value)}. {how}"
        )
    if len(set(value)) < 5:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY repeats too few characters. {how}")
    return value


SECRET_KEY = checked_secret_key(env_required("DJANGO_SECRET_KEY"))
DEBUG = False
env_required("DATABASE_URL")
env_required("CELERY_BROKER_URL")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# gunicorn sits behind a TLS-terminating proxy that sets X-Forwarded-Proto; the proxy must
# overwrite that header on every request, never pass on a client's.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The same proxy appends the client's address to X-Forwarded-For. Sign-in lock-outs count per
# person and client address: behind the proxy REMOTE_ADDR is the proxy's for everyone, so anyone
# could lock anyone out. Take the address the trusted proxies (DJANGO_PROXY_COUNT of them) saw
# (accounts.lockout.client_address).
TRUSTED_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Container and load-balancer health checks call plain http://localhost:8000/healthz.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Browsers on plain http (a mistyped link) are sent to https before any cookie is set.
CONTENT_SECURITY_POLICY = {**CONTENT_SECURITY_POLICY, "upgrade-insecure-requests": []}  # noqa: F405

# Container health checks call http://localhost:8000/healthz from inside the container.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost", "127.0.0.1"]  # noqa: F405
