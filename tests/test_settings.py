"""Settings come from the environment, with safe local defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'], "
    "'debug': s.DEBUG}))"
)


def settings_with(env: dict[str, str], module: str = "config.settings.local") -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "DATABASE", "REDIS", "CELERY"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_defaults_need_no_services():
    local = settings_with({})
    assert local["eager"] is True and local["broker"] == "memory://"
    assert local["db"].endswith("sqlite3")
    assert local["cache"].endswith("LocMemCache")
    assert local["debug"] is True


def test_a_broker_url_sends_tasks_to_workers_and_redis_is_the_cache():
    configured = settings_with(
        {
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
            "DJANGO_DEBUG": "false",
        }
    )
    assert configured["eager"] is False
    assert configured["broker"] == "redis://127.0.0.1:6379/0"
    assert configured["db"].endswith("postgresql")
    assert configured["cache"].endswith("RedisCache")
    assert configured["debug"] is False


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused_by_name(value):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": value,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"DJANGO_DEBUG must be true or false, not '{value}'" in result.stderr
