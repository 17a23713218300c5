"""The production path: docker-compose.yml, the Dockerfile, production settings, the README."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_ENV = {"DJANGO_SECRET_KEY": "test-secret", "POSTGRES_PASSWORD": "test-password"}


def compose_config(extra_env=None) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose (the Compose parser) is installed by scripts/bootstrap.sh --test"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **(extra_env or {})}
    return subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_compose_file_is_valid_for_a_real_compose_parser():
    result = compose_config(COMPOSE_ENV)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    services = resolved["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "gunicorn" in " ".join(map(str, [services["web"]["command"]]))
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert {"postgres-data", "redis-data", "media"} <= set(resolved["volumes"])


def test_compose_refuses_to_start_without_secrets():
    result = compose_config({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr or "POSTGRES_PASSWORD" in result.stderr


def test_dockerfile_builds_on_the_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
    assert "-c constraints.txt" in dockerfile
    assert "USER poa" in dockerfile


def run_manage(args, env):
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=ROOT,
        timeout=120,
    )


# What docker-compose.yml gives the web container, with a key made the way the README says.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "hV3q-8Jm1sZt0W_bQe5rYk2LxN7cPa9gFd4uTo6iBn3vCy8HwRj1Ks5EzMl0Ap2G",
    "DATABASE_URL": "postgres://poa:secret@db:5432/poa_reports",
    "REDIS_URL": "redis://redis:6379/1",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CELERY_RESULT_BACKEND": "redis://redis:6379/2",
    "DJANGO_ALLOWED_HOSTS": "poa-reports.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://poa-reports.example.org",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SITE_URL": "https://poa-reports.example.org",
}


def test_production_settings_pass_the_deployment_checks_with_no_warning():
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_security_settings():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', 'SECURE_PROXY_SSL_HEADER', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'X_FRAME_OPTIONS', "
        "'SECURE_REFERRER_POLICY', 'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'DEBUG', "
        "'CONTENT_SECURITY_POLICY', 'MIDDLEWARE')}))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**base, **PRODUCTION_ENV},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["SECURE_HSTS_SECONDS"] >= 31536000
    assert got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and got["SECURE_HSTS_PRELOAD"]
    assert got["SECURE_SSL_REDIRECT"] and got["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"]
    assert got["X_FRAME_OPTIONS"] == "DENY" and got["DEBUG"] is False
    assert got["SECURE_REFERRER_POLICY"] == "same-origin"
    assert got["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    csp = got["CONTENT_SECURITY_POLICY"]
    assert csp["script-src"] == ["'self'"] and "upgrade-insecure-requests" in csp
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    assert "config.middleware.ContentSecurityPolicyMiddleware" in got["MIDDLEWARE"]


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("local-development-only-not-secret", "DJANGO_SECRET_KEY is a published default"),
        ("change-me-to-a-long-random-string", "DJANGO_SECRET_KEY is a published default"),
        ("django-insecure-" + "k3J9x" * 10, "DJANGO_SECRET_KEY is a published default"),
        ("test-secret", "DJANGO_SECRET_KEY must be at least 50 characters long, not 11"),
        ("ab" * 40, "DJANGO_SECRET_KEY repeats too few characters"),
    ],
)
def test_production_refuses_to_start_with_a_default_or_weak_secret(secret, message):
    result = run_manage(["check"], {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secret})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # says how to make a good one


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(["check"], {"DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_readme_gives_the_two_commands_and_they_exist():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in readme and "make test" in readme
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "docker-compose.yml" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
