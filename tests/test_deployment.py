"""The production path: docker-compose.yml, the Dockerfile, production settings, the README."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_production_settings_pass_the_deployment_checks():
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": "sqlite:////tmp/poa-check.sqlite3",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "DJANGO_ALLOWED_HOSTS": "poa-reports.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
