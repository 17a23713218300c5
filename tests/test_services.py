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
def test_database_itself_refuses_an_odd_cycle_year(shipped_questionnaire):
    """The check constraint lives in PostgreSQL, so even raw SQL cannot store an odd year."""
    from django.db import IntegrityError, transaction

    insert = (
        "INSERT INTO reports_reportingcycle (created_at, updated_at, year, meeting_type, "
        "meeting_number, period_start, period_end, opens_on, due_on, "
        "questionnaire_id, notes) VALUES (now(), now(), %s, 'BMS', 1, '2001-01-01', "
        "'2002-12-31', '2002-10-01', '2003-03-31', %s, '')"
    )
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError, match="cycle_year_is_even"), transaction.atomic():
            cursor.execute(insert, [2003, shipped_questionnaire.pk])
        cursor.execute(insert, [2004, shipped_questionnaire.pk])


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
