"""Benchmarks. Run with `make bench` (see bench/README.md for what each measures and its target).

Every benchmark runs in its own process against a throw-away PostgreSQL database, so it never
touches the development or test data. Each reports its measurements through `bench.results.emit`,
which prints a human line and a `BENCH_RESULT {json}` line; this script forwards the human output,
collects the results, prints one table (name, measured, target, PASS/OVER) and writes
`bench/results/latest.json`. Exit status 1 when a measurement is over its target or a benchmark
fails.

    .venv/bin/python bench/run.py                    # everything, on a fresh database
    .venv/bin/python bench/run.py --only forms       # one benchmark (repeat --only for more)
    .venv/bin/python bench/run.py --reuse-db         # keep the history between runs
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import RESULT_PREFIX, emit  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "poa_reports_bench")
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
RESULTS_FILE = ROOT / "bench" / "results" / "latest.json"

# 195 States × 12 cycles × the full questionnaire must load "in minutes".
HISTORY_STATES, HISTORY_CYCLES = 195, 12
HISTORY_TARGET_SECONDS = 300


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str  # path under bench/; "" for generate_history, which this script times itself
    needs_history: bool = True  # runs on the benchmark database holding the 195 × 12 history
    env: dict[str, str] = field(default_factory=dict)


QUIET = {"DJANGO_LOG_LEVEL": "WARNING"}
BENCHMARKS = [
    Benchmark("generate_history", ""),
    Benchmark("forms", "forms_bench.py"),
    Benchmark("api", "api_bench.py", env=QUIET),
    Benchmark("summary_pdf", "summary_pdf_bench.py", env=QUIET),
    Benchmark("statistics", "statistics_bench.py", env=QUIET),
    # Its own database (50 drafting States, 2 cycles) and its own gunicorn: see bench/load/.
    Benchmark("load", "load/run_load.py", needs_history=False),
]


@dataclass
class Outcome:
    """What one benchmark process produced."""

    benchmark: str
    returncode: int
    results: list[dict[str, Any]]
    seconds: float


# -- reading and writing results (tested in tests/test_bench_tools.py) ---------------------------


def parse_line(line: str) -> dict[str, Any] | None:
    """The result carried by a `BENCH_RESULT {json}` line, or None for any other line."""
    if not line.startswith(RESULT_PREFIX):
        return None
    try:
        record = json.loads(line[len(RESULT_PREFIX) :])
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not {"name", "value", "target", "passed"} <= set(record):
        return None
    return record


def collect(lines, forward=None) -> list[dict[str, Any]]:
    """Results among `lines`; every other line goes to `forward` (e.g. print) as it comes."""
    results = []
    for line in lines:
        line = line.rstrip("\n")
        record = parse_line(line)
        if record is not None:
            results.append(record)
        elif forward is not None:
            forward(line)
    return results


def table_rows(outcomes: list[Outcome]) -> list[tuple[str, str, str, str]]:
    """(name, measured, target, verdict) for every result, and a row for every process that
    failed or reported nothing, so a crash cannot pass as success."""
    rows = []
    for outcome in outcomes:
        for result in outcome.results:
            unit = result.get("unit", "")
            sign = "<=" if result.get("better", "lower") == "lower" else ">="
            rows.append(
                (
                    result["name"],
                    f"{result['value']:.2f} {unit}".strip(),
                    f"{sign} {result['target']:g} {unit}".strip(),
                    "PASS" if result["passed"] else "OVER",
                )
            )
        if not outcome.results:
            # A script that prints no BENCH_RESULT line is judged by its exit status alone.
            verdict = "PASS" if outcome.returncode == 0 else "FAILED"
            status = f"exit status {outcome.returncode}, no result line"
            rows.append((outcome.benchmark, status, "exit status 0", verdict))
        elif outcome.returncode != 0 and all(r["passed"] for r in outcome.results):
            status = f"exit status {outcome.returncode}"
            rows.append((outcome.benchmark, status, "exit status 0", "FAILED"))
    return rows


def format_table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("benchmark", "measured", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def all_passed(outcomes: list[Outcome]) -> bool:
    return all(verdict == "PASS" for *_rest, verdict in table_rows(outcomes))


def write_json(path: Path, outcomes: list[Outcome], machine: dict[str, Any]) -> None:
    document = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "passed": all_passed(outcomes),
        "benchmarks": [
            {
                "benchmark": o.benchmark,
                "returncode": o.returncode,
                "seconds": round(o.seconds, 1),
                "results": o.results,
            }
            for o in outcomes
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


# -- running -------------------------------------------------------------------------------------


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", f"{SERVER_URL}/{database}", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def machine_facts() -> dict[str, Any]:
    def quietly(function) -> str:
        try:
            return function()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    commit = quietly(lambda: git("rev-parse", "--short", "HEAD"))
    if quietly(lambda: git("status", "--porcelain", "--untracked-files=no")):
        commit += " (with uncommitted changes)"
    return {
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": quietly(lambda: psql("SHOW server_version")),
        "git_commit": commit,
    }


def run_benchmark(benchmark: Benchmark, env: dict[str, str]) -> Outcome:
    """Run one benchmark script in its own process, forwarding its output as it comes."""
    print(f"\n==> {benchmark.name}", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / benchmark.script)],
        cwd=ROOT,
        env={**env, **benchmark.env},
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    results = collect(process.stdout, forward=lambda line: print(line, flush=True))
    returncode = process.wait()
    return Outcome(benchmark.name, returncode, results, time.monotonic() - started)


def history_loaded(env: dict[str, str]) -> bool:
    """Whether the benchmark database already holds the full history (for --reuse-db)."""
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'")
    if not exists:
        psql(f'CREATE DATABASE "{BENCH_DB}"')
        return False
    try:
        reports = int(psql("SELECT COUNT(*) FROM reports_nationalreport", database=BENCH_DB))
    except subprocess.CalledProcessError:  # not migrated yet
        return False
    return reports >= HISTORY_STATES * HISTORY_CYCLES


def generate_history(env: dict[str, str]) -> Outcome:
    print("\n==> generate_history", flush=True)
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_history",
            "--states",
            str(HISTORY_STATES),
            "--cycles",
            str(HISTORY_CYCLES),
        ],
        cwd=ROOT,
        env=env,
    )
    elapsed = time.monotonic() - started
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        emit(
            f"generate_history {HISTORY_STATES} States x {HISTORY_CYCLES} cycles",
            value=elapsed,
            unit="s",
            target=HISTORY_TARGET_SECONDS,
            better="lower",
        )
    results = collect(output.getvalue().splitlines(), forward=print)
    return Outcome("generate_history", done.returncode, results, elapsed)


def main(argv: list[str] | None = None) -> int:
    names = [b.name for b in BENCHMARKS]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=names, help="run only this benchmark")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help=f"keep {BENCH_DB} after the run and skip generate_history when it holds the history",
    )
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{SERVER_URL}/{BENCH_DB}",
    }
    machine = machine_facts()
    print(f"Machine: {json.dumps(machine)}", flush=True)
    outcomes: list[Outcome] = []
    needs_db = any(b.needs_history for b in chosen)
    try:
        if needs_db:
            fresh = not (args.reuse_db and history_loaded(env))
            if fresh:
                if not args.reuse_db:
                    psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
                    psql(f'CREATE DATABASE "{BENCH_DB}"')
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
                # The others need the history, so it is written even when not measured.
                history = generate_history(env)
                if history.returncode or not args.only or "generate_history" in args.only:
                    outcomes.append(history)
            else:
                print(f"\n==> generate_history: skipped, {BENCH_DB} holds the history", flush=True)
        for benchmark in chosen:
            if benchmark.script:
                outcomes.append(run_benchmark(benchmark, env))
    finally:
        if needs_db and not args.reuse_db:
            psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    # Other work on the machine slows every measurement: the load at the end is kept beside
    # the load at the start.
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    rows = table_rows(outcomes)
    print("\n" + format_table(rows))
    write_json(RESULTS_FILE, outcomes, machine)
    print(f"\nResults written to {RESULTS_FILE.relative_to(ROOT)}")
    return 0 if all_passed(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
