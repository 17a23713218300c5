"""The real services the suite runs against: PostgreSQL, Redis, the Celery configuration.

These tests connect for real; when a service is missing they fail, never skip.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_database_is_postgresql():
    assert os.environ["DATABASE_URL"].startswith("postgres")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


@pytest.mark.django_db
def test_database_enforces_the_even_year_rule():
    """The check constraint exists in PostgreSQL itself, not only in Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
            ["cycle_year_is_even"],
        )
        definition = cursor.fetchone()[0]
    assert "% 2" in definition or "MOD" in definition.upper()


def test_cache_is_redis_and_round_trips():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("services-test", {"answer": 42}, 10)
    assert cache.get("services-test") == {"answer": 42}
    cache.delete("services-test")


def test_redis_answers_ping():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2)
    assert client.ping() is True


def test_celery_app_is_configured_from_django_settings():
    from config.celery import app

    assert app.main == "poa_reports"
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    # Without CELERY_BROKER_URL tasks run in-process; with it, on the broker.
    assert app.conf.task_always_eager is (not os.environ.get("CELERY_BROKER_URL"))
