"""The load test's simulated people, run by bench/load/run_load.py (Locust, headless).

50 focal points each fill their own State's draft report: they sign in through the form, open
sections, autosave answers one after another (each save based on the version the previous one
returned, as the page's script does), reload a section now and then and occasionally download the
workbook. 5 secretariat reviewers read the review queue, the review page and the diff of
submitted reports, and the statistics dashboard.

The measured window starts once every simulated person is signed in (sign-ins are reported on
their own), and lasts LOAD_SECONDS; the statistics are then written to LOAD_REPORT as JSON.

Environment: LOAD_PLAN (the JSON written by bench/load/prepare.py), LOAD_REPORT, LOAD_SECONDS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
import urllib.request
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.runners import STATE_STOPPED

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
REPORT = Path(os.environ["LOAD_REPORT"])
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
PEOPLE = len(PLAN["focal_points"]) + len(PLAN["staff_sessions"])
SECTIONS = [code for code, questions in PLAN["sections"].items() if questions]

_focal = itertools.count()
_staff = itertools.count()
_ready = {"count": 0}
_lock = threading.Lock()
_window: dict[str, float] = {}
_sign_ins: dict[str, float] = {}


def _signed_in(environment) -> None:
    """Counts people signed in; the last one starts the measured window."""
    with _lock:
        _ready["count"] += 1
        if _ready["count"] < PEOPLE:
            return
    entry = environment.stats.get("sign in", "POST")
    _sign_ins.update(
        count=entry.num_requests,
        errors=entry.num_failures,
        p50_ms=entry.get_response_time_percentile(0.5),
        p99_ms=entry.get_response_time_percentile(0.99),
        max_ms=entry.max_response_time,
    )
    environment.stats.reset_all()
    _window["started"] = time.monotonic()
    # Marks the start in gunicorn's access log, for the server's own times (run_load.py).
    urllib.request.urlopen(environment.host + "/healthz", timeout=10).close()
    gevent.spawn_later(SECONDS, _stop, environment)


def _stop(environment) -> None:
    _window["seconds"] = time.monotonic() - _window["started"]
    environment.runner.quit()


@events.quitting.add_listener
def _write_report(environment, **_kwargs) -> None:
    seconds = _window.get("seconds") or max(time.monotonic() - _window.get("started", 0), 1e-9)
    rows = []
    for entry in environment.stats.entries.values():
        rows.append(
            {
                "name": entry.name,
                "method": entry.method,
                "count": entry.num_requests,
                "errors": entry.num_failures,
                "per_second": entry.num_requests / seconds,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "p99_ms": entry.get_response_time_percentile(0.99),
                "max_ms": entry.max_response_time,
            }
        )
    errors = [
        {"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
        for e in environment.stats.errors.values()
    ]
    REPORT.write_text(
        json.dumps(
            {
                "window_started": "started" in _window,
                "seconds": seconds,
                "people": PEOPLE,
                "sign_in": _sign_ins,
                "requests": sorted(rows, key=lambda r: r["name"]),
                "errors": errors,
            },
            indent=1,
        )
    )


@events.test_start.add_listener
def _watchdog(environment, **_kwargs) -> None:
    """Give up if the people cannot all sign in (a broken log-in must not hang the run)."""

    def check() -> None:
        if "started" not in _window and environment.runner.state != STATE_STOPPED:
            environment.runner.quit()

    gevent.spawn_later(120, check)


class FocalPoint(HttpUser):
    """A national focal point filling in the State's draft report."""

    fixed_count = len(PLAN["focal_points"])
    wait_time = between(1, 4)  # reading, then typing the next answer

    def on_start(self) -> None:
        me = PLAN["focal_points"][next(_focal) % len(PLAN["focal_points"])]
        self.report = me["report"]
        self.versions = dict(me["versions"])
        self.saves = 0
        self.client.get("/accounts/login/", name="sign-in page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": me["email"],
                "password": me["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("still on the sign-in page")
        self.client.get(f"/reports/{self.report}/", name="report overview")
        self.open_section()
        _signed_in(self.environment)

    # Per 50 actions (2.5 s apart on average): 40 autosaves, 6 sections opened, 3 reloads and one
    # workbook download, i.e. about one download per person every two minutes.
    @task(6)
    def open_section(self) -> None:
        self.section = random.choice(SECTIONS)
        self.client.get(f"/reports/{self.report}/sections/{self.section}/", name="section page")

    @task(3)
    def reload_section(self) -> None:
        self.client.get(f"/reports/{self.report}/sections/{self.section}/", name="section page")

    @task(40)
    def autosave(self) -> None:
        question = random.choice(PLAN["sections"][self.section])
        code = question["code"]
        self.saves += 1
        if question["choices"]:
            value = random.choice(question["choices"])
        elif question["type"] == "integer":
            value = str(random.randint(0, 500))
        else:
            value = f"Answer typed under load, revision {self.saves}."
        with self.client.post(
            f"/reports/{self.report}/autosave/",
            data={
                "question": code,
                f"v-{code}": str(self.versions.get(code, 0)),
                f"q-{code}": value,
            },
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="autosave",
            catch_response=True,
        ) as response:
            try:
                body = response.json() if response.ok else {}
            except ValueError:
                body = {}
            if body.get("status") != "saved":
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.versions[code] = body["version"]

    @task(1)
    def workbook(self) -> None:
        self.client.get(f"/reports/{self.report}/workbook.xlsx", name="workbook download")


class Reviewer(HttpUser):
    """A secretariat reviewer reading submitted reports and the statistics."""

    fixed_count = len(PLAN["staff_sessions"])
    wait_time = between(2, 6)

    def on_start(self) -> None:
        key = PLAN["staff_sessions"][next(_staff) % len(PLAN["staff_sessions"])]
        host = self.host.split("://", 1)[1].split(":")[0]
        self.client.cookies.set(PLAN["session_cookie"], key, domain=host)
        self.review_queue()
        _signed_in(self.environment)

    @task(3)
    def review_queue(self) -> None:
        with self.client.get("/review/", name="review queue", catch_response=True) as response:
            if response.ok and "/accounts/login/" in response.url:
                response.failure("not signed in")

    @task(3)
    def review_page(self) -> None:
        report = random.choice(PLAN["submitted_reports"])
        self.client.get(f"/review/reports/{report}/", name="review page")

    @task(2)
    def diff(self) -> None:
        report = random.choice(PLAN["submitted_reports"])
        self.client.get(f"/review/reports/{report}/diff/", name="diff")

    @task(1)
    def statistics_dashboard(self) -> None:
        self.client.get("/review/statistics/", name="statistics index")

    @task(1)
    def statistics_cycle(self) -> None:
        year = random.choice(PLAN["years"])
        self.client.get(f"/review/statistics/{year}/", name="statistics dashboard")
