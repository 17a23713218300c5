"""The load test: 50 focal points filling in their reports and 5 reviewers reading, for a bounded
time, against gunicorn on 127.0.0.1. Run with `make load`, or by bench/run.py as "load".

1. a throw-away PostgreSQL database (`poa_reports_load`): migrate, `generate_history` for 195
   States x 2 cycles, then bench/load/prepare.py (50 drafts with their focal points, 5 reviewers,
   compiled statistics);
2. gunicorn serving `config.wsgi` as the production image does (3 sync workers), with the local
   settings and DEBUG off (production's settings insist on HTTPS cookies, which a plain-http
   client on 127.0.0.1 cannot send back), Redis as the cache when REDIS_URL is set;
3. Locust, headless (bench/load/locustfile.py), for --seconds after everyone is signed in.

Prints, per request type, count, throughput, p50/p95/p99 and errors, and reports two results:
`load autosave p99` (target at most 500 ms) and `load errors` (target 0).

    .venv/bin/python bench/load/run_load.py [--seconds 60] [--reuse-db]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.results import emit  # noqa: E402

LOAD_DB = os.environ.get("LOAD_DATABASE_NAME", "poa_reports_load")
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
BIN = Path(sys.executable).parent
AUTOSAVE_P99_TARGET_MS = 500
# As the production image (Dockerfile, docker-compose.yml) runs it.
GUNICORN_WORKERS = 3
SPAWN_RATE = 3  # people starting per second


ACCESS_FORMAT = "access %(m)s %(U)s %(s)s %(M)s"


def server_times(log: Path) -> dict[str, list[float]]:
    """Milliseconds gunicorn spent on each autosave and section page of the measured window
    (after the locustfile's call of /healthz that marks its start), from the access log. The
    client's time minus these is the wait for a free worker and for the client's own turn on the
    CPU."""
    times: dict[str, list[float]] = {"autosave": [], "section page": []}
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 5 or parts[0] != "access":
            continue
        _access, _method, path, _status, millis = parts
        if path == "/healthz":
            times = {kind: [] for kind in times}  # the window starts here
            continue
        kind = (
            "autosave"
            if path.endswith("/autosave/")
            else "section page"
            if "/sections/" in path
            else ""
        )
        if kind:
            times[kind].append(float(millis))
    return times


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER_URL}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        stderr=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def prepare(env: dict[str, str], plan: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)

    psql(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{LOAD_DB}"')
    started = time.monotonic()
    run("manage.py", "migrate", "--noinput", "-v0")
    run("manage.py", "generate_history", "--states", "195", "--cycles", "2")
    run(str(ROOT / "bench" / "load" / "prepare.py"), str(plan))
    print(f"Load test database ready in {time.monotonic() - started:.0f} s.", flush=True)


def print_table(report: dict) -> None:
    print(
        f"\n{report['people']} people for {report['seconds']:.0f} s after signing in "
        f"(sign-ins: {report['sign_in'].get('count', 0)}, "
        f"p50 {report['sign_in'].get('p50_ms', 0):.0f} ms, "
        f"p99 {report['sign_in'].get('p99_ms', 0):.0f} ms, "
        f"{report['sign_in'].get('errors', 0)} errors)"
    )
    header = f"{'request':<22}{'count':>7}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    print(header + f"{'max ms':>8}{'errors':>8}")
    total = {"count": 0, "errors": 0}
    for row in report["requests"]:
        if not row["count"]:
            continue  # only asked while signing in, before the measured window
        total["count"] += row["count"]
        total["errors"] += row["errors"]
        print(
            f"{row['name']:<22}{row['count']:>7}{row['per_second']:>8.1f}{row['p50_ms']:>8.0f}"
            f"{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}{row['max_ms']:>8.0f}{row['errors']:>8}"
        )
    rate = total["count"] / report["seconds"]
    print(f"{'all':<22}{total['count']:>7}{rate:>8.1f}{'':>40}{total['errors']:>8}")
    for error in report["errors"][:10]:
        print(f"  error: {error['method']} {error['name']} x{error['count']}: {error['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The load test (see bench/README.md).")
    parser.add_argument("--seconds", type=float, default=60, help="measured window (default 60)")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help=f"keep {LOAD_DB} and its plan from the last run instead of preparing them again",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (default 1: sync workers, as in production)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.gettempdir()) / f"poa-load-{LOAD_DB}"
    work.mkdir(exist_ok=True)
    plan, report_file, server_log = work / "plan.json", work / "report.json", work / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{SERVER_URL}/{LOAD_DB}",
        # Redis as the cache, as in production (its own database number: it is flushed).
        "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11"),
    }
    if args.reuse_db and plan.exists():
        # The answers' versions moved on during the last run: read them again.
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "load" / "prepare.py"), str(plan), "--plan-only"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    else:
        prepare(env, plan)
    if env.get("REDIS_URL"):
        # Cached questionnaires of an earlier load database must not answer for this one.
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    port = free_port()
    with server_log.open("w") as log:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(GUNICORN_WORKERS),
                "--threads",
                str(args.threads),
                "--timeout",
                "60",
                "--access-logfile",
                "-",
                # Method, path, status and the server's own time (ms) for server_times().
                "--access-logformat",
                ACCESS_FORMAT,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        report_file.unlink(missing_ok=True)
        with (work / "locust.log").open("w") as locust_log:
            locust = subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "load" / "locustfile.py"),
                    "--headless",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--users",
                    "55",
                    # Sign-ins hash passwords (hundreds of ms of CPU each): people arrive at a
                    # pace the 2-core machine can sign in, as they would over a morning.
                    "--spawn-rate",
                    str(SPAWN_RATE),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--exit-code-on-error",
                    "0",
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "LOAD_PLAN": str(plan),
                    "LOAD_REPORT": str(report_file),
                    "LOAD_SECONDS": str(args.seconds),
                },
                stdout=locust_log,
                stderr=subprocess.STDOUT,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not report_file.exists():
        print(f"Locust wrote no report (exit status {locust.returncode}); see {work}/*.log")
        return 1
    report = json.loads(report_file.read_text())
    if not report["window_started"]:
        print(f"Not everyone could sign in; see {server_log}")
        print_table(report)
        return 1
    print_table(report)
    served = server_times(server_log)
    for kind, millis in served.items():
        print(
            f"{kind}, gunicorn's own time: p50 {percentile(millis, 0.5):.0f} ms, "
            f"p99 {percentile(millis, 0.99):.0f} ms ({len(millis)} requests)"
        )
    autosave = next((r for r in report["requests"] if r["name"] == "autosave"), None)
    errors = sum(r["errors"] for r in report["requests"]) + report["sign_in"].get("errors", 0)
    throughput = sum(r["count"] for r in report["requests"]) / report["seconds"]
    ok_p99 = emit(
        "load autosave p99",
        value=autosave["p99_ms"] if autosave else float("inf"),
        unit="ms",
        target=AUTOSAVE_P99_TARGET_MS,
        better="lower",
        autosaves=autosave["count"] if autosave else 0,
        autosave_p50_ms=autosave["p50_ms"] if autosave else None,
        autosave_server_p50_ms=percentile(served["autosave"], 0.5),
        autosave_server_p99_ms=percentile(served["autosave"], 0.99),
        requests_per_second=round(throughput, 1),
        seconds=round(report["seconds"], 1),
        gunicorn_workers=GUNICORN_WORKERS,
        gunicorn_threads=args.threads,
    )
    ok_errors = emit(
        "load errors",
        value=errors,
        unit="errors",
        target=0,
        better="lower",
        requests=sum(r["count"] for r in report["requests"]),
    )
    return 0 if ok_p99 and ok_errors else 1


if __name__ == "__main__":
    sys.exit(main())
