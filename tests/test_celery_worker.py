"""Tasks through a real Celery worker and the Redis broker (fails, never skips, without Redis)."""

import datetime
import os

import pytest
from django.core import mail

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def real_worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[0]
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=f"{redis}/14", result_backend=f"{redis}/13", task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.update(saved)


def test_a_worker_sends_the_deadline_reminders_once(real_worker, open_cycle, submitter):
    from reports.models import ReminderSent
    from reports.services import start_report
    from reports.tasks import send_deadline_reminders
    from tests.factories import country

    start_report(country=country("GHA"), cycle=open_cycle)
    day = (open_cycle.due_on - datetime.timedelta(days=7)).isoformat()
    first = send_deadline_reminders.delay(day)
    assert first.get(timeout=30) == 1
    second = send_deadline_reminders.delay(day)
    assert second.get(timeout=30) == 0
    assert ReminderSent.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["submitter@gh.example"]]
