"""Redis stopped (or not answering): the pages and autosave keep working on a cache that misses,
jobs asked for meanwhile stay queued without the page hanging, and run once Redis is back.

Redis here is a redis-server of the test's own (tests/test_fault_worker_kill.RedisServer), never
the shared one.
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest
from django.urls import reverse

from tests.conftest import fill_required
from tests.helpers import post_fields, question
from tests.test_fault_worker_kill import broker_on, own_redis  # noqa: F401 (fixture)

pytestmark = pytest.mark.services
# A page that queues a job gives up on the broker within this (two tries of one second at most).
PATIENCE = 3.0


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture
def cache_on(own_redis, settings):  # noqa: F811
    """The project's cache settings, pointed at the test's own Redis."""
    from django.core.cache import cache

    from config import cache as cache_module

    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": own_redis.url(0),
        }
    }
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.ResilientRedisCache"
    cache_module._down_until.clear()
    cache.set("fault-test", "up")
    assert cache.get("fault-test") == "up"
    yield own_redis
    cache_module._down_until.clear()


@contextlib.contextmanager
def silent_server(port: int):
    """Something listening on the port that never answers (a hung Redis, a dropped route)."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        yield


@pytest.fixture
def compiled(open_cycle):
    from reports.statistics.compile import compile_cycle
    from tests.helpers import accepted_snapshot as accepted

    # Not Ghana: its report is the draft the focal point edits.
    accepted(
        open_cycle,
        "BEN",
        {
            "1.1": "yes",
            "9.3": 4,
            "9.4": 12,
            "9.5": 10,
            "10.1": "yes",
            "10.1.1": [{"topic": "ddr", "description": "Reintegration"}],
        },
    )
    accepted(open_cycle, "FRA", {"1.1": "yes", "9.3": 30, "9.4": 2, "9.5": 2})
    compile_cycle(open_cycle)
    return open_cycle


@pytest.mark.django_db
def test_pages_and_autosave_work_while_the_cache_is_down(
    cache_on, compiled, client, submitter, secretariat_reviewer, ghana_report
):
    from config import cache as cache_module
    from reports.selectors import report_answer_values

    year = compiled.year
    q = question(ghana_report, "1.1")
    section = reverse("report-section", args=[ghana_report.pk, q.section.code])
    autosave = reverse("report-autosave", args=[ghana_report.pk])
    pages = [
        reverse("statistics-index"),
        reverse("statistics-cycle", args=[year]),
        reverse("statistics-chart", args=[year, "regions"]),
    ]
    for outage in ("stopped", "not answering"):
        cache_on.stop()
        cache_module._down_until.clear()  # no memory of the previous outage
        with (
            silent_server(cache_on.port) if outage == "not answering" else contextlib.nullcontext()
        ):
            client.force_login(submitter)
            response, took = timed(lambda: client.get(section))
            assert response.status_code == 200 and took < PATIENCE, outage
            version = 0 if outage == "stopped" else 1
            value = "yes" if outage == "stopped" else "no"
            data = {"question": q.code, **post_fields(q, version, **{"": value})}
            response, took = timed(lambda data=data: client.post(autosave, data))
            assert response.status_code == 200 and response.json()["status"] == "saved", outage
            assert took < PATIENCE, outage
            client.force_login(secretariat_reviewer)
            for url in pages:
                response, took = timed(lambda url=url: client.get(url))
                assert response.status_code == 200, (url, outage)
                assert took < PATIENCE, (url, outage)
            # The health check still says what is wrong.
            health = client.get("/healthz")
            assert (health.status_code, health.json()["cache"]) == (503, "error: no round trip")
        cache_on.start()
    assert report_answer_values(ghana_report) == {"1.1": "no"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jobs_asked_for_while_the_broker_is_down_stay_queued_and_run_once_it_is_back(
    own_redis,  # noqa: F811
    compiled,
    client,
    secretariat_reviewer,
    submitter,
    ghana_report,
    settings,
    tmp_path,
):
    from celery.contrib.testing.worker import start_worker

    from reports.models import CycleStatistics, RenderedPdf, StatisticsRun
    from reports.summary import services
    from reports.tasks import compile_all_statistics
    from tests.helpers import accepted_snapshot
    from tests.test_celery_worker import wait_for

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    year = compiled.year
    summary = services.create_summary_report(cycle=compiled, user=secretariat_reviewer)
    # A report accepted since the last compile: the statistics are out of date.
    accepted_snapshot(compiled, "MEX", {"1.1": "no"})
    client.force_login(secretariat_reviewer)
    compile_url = reverse("statistics-compile", args=[year])
    pdf_url = reverse("summary-pdf", args=[summary.pk])
    with broker_on(own_redis) as app:
        own_redis.stop()
        response, took = timed(lambda: client.post(compile_url))
        assert response.status_code == 302 and took < PATIENCE, took
        queued = StatisticsRun.objects.filter(status=StatisticsRun.Status.QUEUED).get()
        status = client.get(reverse("statistics-status", args=[year])).json()
        assert (status["status"], status["label"], status["active"]) == ("queued", "Queued", True)
        with silent_server(own_redis.port):  # a broker that takes the connection, then nothing
            response, took = timed(lambda: client.post(pdf_url, follow=True))
            assert "The PDF is being made" in response.content.decode(), response.content.decode()
            assert took < PATIENCE, took
        document = RenderedPdf.objects.get(subject=f"summary:{summary.pk}")
        assert document.status == RenderedPdf.Status.QUEUED
        status = client.get(reverse("summary-pdf-status", args=[summary.pk])).json()
        assert (status["status"], status["active"]) == ("queued", True)

        # A submission is done even though its e-mails cannot be queued (logged, not a 500).
        fill_required(ghana_report)
        client.force_login(submitter)
        submit = reverse("report-submit", args=[ghana_report.pk])
        response, took = timed(lambda: client.post(submit, {"confirm": "yes"}))
        assert response.status_code == 302 and took < PATIENCE, took
        ghana_report.refresh_from_db()
        assert ghana_report.status == "submitted"
        client.force_login(secretariat_reviewer)

        own_redis.start()
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            # Asking for the PDF again queues its render again.
            response = client.post(pdf_url)
            assert response.status_code == 302
            wait_for(lambda: RenderedPdf.objects.get(pk=document.pk).status == "done")
            # The hourly safety net (Celery beat) takes over the queued compile.
            compile_all_statistics.delay()
            wait_for(lambda: StatisticsRun.objects.get(pk=queued.pk).status == "done")
            assert CycleStatistics.objects.get(cycle=compiled).reports_counted == 3
    assert StatisticsRun.objects.filter(status=StatisticsRun.Status.QUEUED).count() == 0
    assert RenderedPdf.objects.filter(subject=f"summary:{summary.pk}").count() == 1
