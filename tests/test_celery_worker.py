"""Tasks through a real Celery worker and the Redis broker (fails, never skips, without Redis)."""

import datetime
import os
import time

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
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"{redis}/14", task_always_eager=False)
    _forget_connections(app)
    with app.connection_for_write() as connection:  # not pooled: the pools are rebuilt below
        # Tasks left in the queue by an earlier, interrupted run would be run first.
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def _forget_connections(app) -> None:
    """The app keeps connection pools built from the broker it first saw (memory:// in the other
    tests); drop them so that publishing uses the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu also keeps producer pools per broker in a global registry: a later worker's first
    # publish would otherwise take one whose connections were closed here.
    from kombu import pools

    pools.reset()


def wait_for(predicate, seconds: float = 30) -> None:
    """Wait for the worker (in its own thread) to have done something; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the Celery worker did not run the task in time"
        time.sleep(0.1)


def test_a_worker_sends_the_deadline_reminders_once(real_worker, open_cycle, submitter):
    from reports.models import ReminderSent, ReportEvent
    from reports.services import start_report
    from reports.tasks import send_deadline_reminders, send_transition_emails
    from tests.factories import country

    report = start_report(country=country("GHA"), cycle=open_cycle)
    marker = ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.TRANSITION)
    day = (open_cycle.due_on - datetime.timedelta(days=7)).isoformat()
    send_deadline_reminders.delay(day)
    wait_for(lambda: ReminderSent.objects.filter(sent_at__isnull=False).exists())
    send_deadline_reminders.delay(day)  # a second run, e.g. beat firing twice
    # One worker process takes tasks in order: once the marker task has run, so has the second.
    send_transition_emails.delay(marker.pk)
    wait_for(lambda: ReportEvent.objects.filter(pk=marker.pk, notified_at__isnull=False).exists())
    assert [m.to for m in mail.outbox] == [["submitter@gh.example"]]
    assert ReminderSent.objects.get().sent_at is not None
