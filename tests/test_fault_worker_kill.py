"""A Celery worker killed (SIGKILL) in the middle of a statistics compile or a PDF render.

The worker is a real process on a Redis of its own (started here, so it can be done anything to).
It is made to stop at a known point of the task; the test then kills its whole process group, as
an out-of-memory kill or a lost machine would, and starts a new worker. The task, acknowledged
only once done (acks_late), is still held by Redis as unacknowledged: once the visibility timeout
(2 s here, CELERY_VISIBILITY_TIMEOUT) has passed, the new worker takes it back and runs it. The
results must equal those of an undisturbed run, with exactly one result row.

This module is also the killed worker's entry point (`python -m tests.test_fault_worker_kill
--pause-at compile|render`): it wraps one step of the task so that the worker writes a marker file
there and then waits to be killed. Nothing of this is in the application's code.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
VISIBILITY_TIMEOUT = 2  # seconds; production keeps the default hour

pytestmark = pytest.mark.services
# The worker processes read what the test wrote: committed, not inside a test transaction.
live_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# -- a Redis of our own -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server on a spare port (no persistence), which tests may stop."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:  # services tests fail, never skip, without their service
            pytest.fail("redis-server is not installed (Debian: redis-server); these tests need it")
        options = {"port": self.port, "bind": "127.0.0.1", "save": "", "appendonly": "no"}
        arguments = [item for name, value in options.items() for item in (f"--{name}", str(value))]
        self.process = subprocess.Popen(
            [binary, *arguments, "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn,
            ):
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
            assert self.process.poll() is None, "redis-server did not start"
            assert time.monotonic() < deadline, "redis-server did not answer in time"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def client(self, db: int = 0):
        import redis

        return redis.Redis.from_url(self.url(db))


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def broker_on(server: RedisServer):
    """The test process publishes tasks to `server` instead of running them in-process."""
    from config.celery import app
    from tests.test_celery_worker import _forget_connections

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=server.url(0), task_always_eager=False)
    _forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


# -- worker processes ---------------------------------------------------------------------------


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Celery workers in processes of their own (own session, so the group can be killed)."""

    def __init__(self, server: RedisServer, directory: Path) -> None:
        self.server = server
        self.directory = directory
        self.started: list[subprocess.Popen] = []

    def start(
        self, pause_at: str = "", pool: str = "solo", visibility: int = VISIBILITY_TIMEOUT
    ) -> subprocess.Popen:
        number = len(self.started) + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),  # the test database, which this test commits to
            "REDIS_URL": self.server.url(1),
            "CELERY_BROKER_URL": self.server.url(0),
            "CELERY_VISIBILITY_TIMEOUT": str(visibility),
            "FAULT_MEDIA_ROOT": str(self.directory / "media"),
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "tests.test_fault_worker_kill", "--name", f"w{number}"]
        command += ["--pool", pool]
        if pause_at:
            command += ["--pause-at", pause_at, "--marker", str(self.marker(number))]
        log = (self.directory / f"worker{number}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.number = number
        self.started.append(process)
        return process

    def marker(self, number: int) -> Path:
        return self.directory / f"worker{number}.paused"

    def log(self, process) -> str:
        return (self.directory / f"worker{process.number}.log").read_text(errors="replace")

    def wait_paused(self, process, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not self.marker(process.number).exists():
            assert process.poll() is None, f"the worker exited:\n{self.log(process)[-3000:]}"
            assert time.monotonic() < deadline, f"never paused:\n{self.log(process)[-3000:]}"
            time.sleep(0.05)

    def kill(self, process) -> None:
        """SIGKILL to the worker's whole process group: no clean-up, no acknowledgement."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)


@pytest.fixture
def workers(own_redis, tmp_path, settings):
    # The worker processes store PDFs on disk, and the test reads them from there.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    pool = Workers(own_redis, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def wait_until(predicate, seconds: float, what: str, workers: Workers | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            logs = "\n".join(workers.log(p)[-3000:] for p in workers.started) if workers else ""
            pytest.fail(f"{what} did not happen within {seconds} s\n{logs}")
        time.sleep(0.1)


def unacknowledged(server: RedisServer) -> int:
    """Tasks a worker has taken but not acknowledged (kombu's Redis transport keeps them)."""
    return server.client(0).hlen("unacked")


# -- the data -----------------------------------------------------------------------------------


def statistics_of(cycle) -> dict:
    """Every stored number of the cycle, without row ids and times (what a rerun may change)."""
    from reports.models import CycleStatistics

    stats = CycleStatistics.objects.get(cycle=cycle)
    result = {
        "cycle": {
            name: value
            for name, value in CycleStatistics.objects.filter(pk=stats.pk).values().get().items()
            if name not in ("id", "computed_at", "created_at", "updated_at")
        }
    }
    for related in (
        "groupings",
        "questions",
        "sections",
        "choices",
        "table_totals",
        "assistance",
        "matches",
    ):
        result[related] = sorted(
            repr(sorted((k, v) for k, v in row.items() if k not in ("id", "statistics_id")))
            for row in getattr(stats, related).values()
        )
    return result


# -- the tests ----------------------------------------------------------------------------------


def test_the_task_options_that_make_a_killed_task_run_again():
    from config.celery import app
    from reports.tasks import compile_all_statistics, compile_cycle_statistics, render_summary_pdf

    for task in (compile_cycle_statistics, compile_all_statistics, render_summary_pdf):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    assert app.conf.worker_prefetch_multiplier == 1
    # An hour in production unless set: longer than any compile or render.
    assert app.conf.broker_transport_options["visibility_timeout"] == int(
        os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600)
    )


@live_database
def test_a_compile_killed_midway_runs_again_with_the_same_numbers(compiled, workers, own_redis):
    from reports.models import CycleStatistics, StatisticsRun
    from reports.statistics.compile import request_compile

    cycle = compiled
    undisturbed = statistics_of(cycle)
    assert undisturbed["cycle"]["reports_counted"] == 3
    with broker_on(own_redis):
        # What "compile now" does: a forced compile (autocommit: queued at once).
        run = request_compile(cycle, reason="compile now", force=True)
    first = workers.start(pause_at="compile")
    workers.wait_paused(first)
    run.refresh_from_db()
    assert (run.status, run.progress) == (StatisticsRun.Status.RUNNING, 75)
    workers.kill(first)
    assert unacknowledged(own_redis) == 1  # held by Redis, not lost with the worker

    workers.start()
    wait_until(
        lambda: StatisticsRun.objects.get(pk=run.pk).status == StatisticsRun.Status.DONE,
        60,  # a few seconds when the machine is not busy
        "the compile delivered again",
        workers,
    )
    assert statistics_of(cycle) == undisturbed
    assert CycleStatistics.objects.filter(cycle=cycle).count() == 1
    run.refresh_from_db()
    assert (run.progress, run.error) == (100, "")
    assert StatisticsRun.objects.filter(cycle=cycle).count() == 2  # the first compile and this
    wait_until(lambda: unacknowledged(own_redis) == 0, 5, "the acknowledgement")


@live_database
def test_a_compile_whose_pool_process_is_killed_is_handed_back_at_once(
    compiled, workers, own_redis
):
    """Prefork: the process running the task is killed, its worker lives on. With
    reject_on_worker_lost the worker hands the task back and runs it again in a new process,
    without waiting for the visibility timeout (an hour here, as in production)."""
    from reports.models import CycleStatistics, StatisticsRun
    from reports.statistics.compile import request_compile

    cycle = compiled
    undisturbed = statistics_of(cycle)
    with broker_on(own_redis):
        run = request_compile(cycle, reason="compile now", force=True)
    worker = workers.start(pause_at="compile", pool="prefork", visibility=3600)
    workers.wait_paused(worker)
    child = int(workers.marker(worker.number).read_text())
    assert child != worker.pid  # the pool process, not the worker
    os.kill(child, signal.SIGKILL)
    wait_until(
        lambda: StatisticsRun.objects.get(pk=run.pk).status == StatisticsRun.Status.DONE,
        60,
        "the compile handed back",
        workers,
    )
    assert worker.poll() is None  # the same worker, still running
    assert "WorkerLostError" in workers.log(worker)
    assert statistics_of(cycle) == undisturbed
    assert CycleStatistics.objects.filter(cycle=cycle).count() == 1
    wait_until(lambda: unacknowledged(own_redis) == 0, 5, "the acknowledgement")


@live_database
def test_a_pdf_render_killed_midway_runs_again_and_makes_the_same_file(
    compiled, workers, own_redis, secretariat_reviewer
):
    from reports.models import RenderedPdf
    from reports.summary import services

    summary = services.create_summary_report(cycle=compiled, user=secretariat_reviewer)
    subject = f"summary:{summary.pk}"
    # The undisturbed render, in this process.
    reference = services.request_pdf(summary, secretariat_reviewer)
    reference.refresh_from_db()
    assert reference.status == RenderedPdf.Status.DONE, reference.error
    with reference.file.open("rb") as handle:
        expected = hashlib.sha256(handle.read()).hexdigest()
    expected_pages = reference.pages
    reference.file.delete(save=False)
    reference.delete()

    with broker_on(own_redis):
        document = services.request_pdf(summary, secretariat_reviewer)
    assert document.status == RenderedPdf.Status.QUEUED
    first = workers.start(pause_at="render")
    workers.wait_paused(first)
    document.refresh_from_db()
    assert (document.status, document.progress) == (RenderedPdf.Status.RUNNING, 60)
    workers.kill(first)
    assert unacknowledged(own_redis) == 1

    workers.start()
    wait_until(
        lambda: (
            RenderedPdf.objects.get(pk=document.pk).status
            in (RenderedPdf.Status.DONE, RenderedPdf.Status.FAILED)
        ),
        60,  # a few seconds when the machine is not busy
        "the render delivered again",
        workers,
    )
    document.refresh_from_db()
    assert (document.status, document.error) == (RenderedPdf.Status.DONE, "")
    assert RenderedPdf.objects.filter(subject=subject).count() == 1
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == expected
    assert document.pages == expected_pages
    # The killed worker saved no file: only the one the row points to is on disk.
    assert [
        p.name for p in (Path(document.file.storage.location) / "documents").rglob("*.pdf")
    ] == [Path(document.file.name).name]


@live_database
def test_a_render_lost_with_its_worker_is_queued_again_once_it_has_been_silent_too_long(
    compiled, workers, own_redis, secretariat_reviewer
):
    """The worker dies and the broker loses its queue too (a Redis restarted without its data):
    nothing will deliver the task again, so asking for the PDF later queues it anew."""
    from django.db.models import F

    from reports.models import RenderedPdf
    from reports.summary import services

    summary = services.create_summary_report(cycle=compiled, user=secretariat_reviewer)
    with broker_on(own_redis):
        document = services.request_pdf(summary, secretariat_reviewer)
        first = workers.start(pause_at="render")
        workers.wait_paused(first)
        workers.kill(first)
        queue = own_redis.client(0)
        queue.flushdb()  # the queue and its unacknowledged tasks are gone
        # Asked again soon after: it may still be rendering somewhere, so it is left alone.
        again = services.request_pdf(summary, secretariat_reviewer)
        assert (again.pk, again.status) == (document.pk, RenderedPdf.Status.RUNNING)
        assert queue.llen("celery") == 0
        # Later, silent for longer than the broker would have waited (an hour): queued again.
        RenderedPdf.objects.filter(pk=document.pk).update(
            updated_at=F("updated_at") - datetime.timedelta(hours=1, seconds=1)
        )
        again = services.request_pdf(summary, secretariat_reviewer)
        assert (again.pk, again.status) == (document.pk, RenderedPdf.Status.QUEUED)
        assert queue.llen("celery") == 1
    workers.start()
    wait_until(
        lambda: RenderedPdf.objects.get(pk=document.pk).status == RenderedPdf.Status.DONE,
        60,  # a few seconds when the machine is not busy
        "the render queued again",
        workers,
    )
    assert RenderedPdf.objects.filter(subject=f"summary:{summary.pk}").count() == 1


# -- the worker's entry point -------------------------------------------------------------------


def _pause_here(marker: Path) -> None:
    if marker.exists():
        return  # paused once already (and killed): this time, carry on
    marker.write_text(str(os.getpid()))
    while True:  # until killed
        time.sleep(60)


def _worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--pause-at", choices=["compile", "render"])
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--pool", default="solo")
    args = parser.parse_args(argv)

    import django
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": os.environ["FAULT_MEDIA_ROOT"]},
        },
    }
    django.setup()
    if args.pause_at == "compile":
        from reports.statistics import compile as compile_module

        compute = compile_module._compute

        def computed_then_pause(cycle, inputs, run):
            compiled = compute(cycle, inputs, run)  # everything computed, nothing stored yet
            _pause_here(args.marker)
            return compiled

        compile_module._compute = computed_then_pause
    elif args.pause_at == "render":
        from reports.services import documents

        to_pdf = documents.html_to_pdf_pages

        def rendered_then_pause(html):
            made = to_pdf(html)  # the PDF made, not stored yet
            _pause_here(args.marker)
            return made

        documents.html_to_pdf_pages = rendered_then_pause

    from config.celery import app

    app.worker_main(
        [
            "worker",
            f"--pool={args.pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname={args.name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
    )


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
