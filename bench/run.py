"""Benchmarks. Run with `make bench` (see bench/README.md for what each measures and its target).

Each benchmark runs against a fresh PostgreSQL database of its own, so it never touches the
development or test data, and prints one line: name, measured value, target, and PASS/OVER.
Exit status 1 when a benchmark is over its target.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "poa_reports_bench")
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")

# 195 States × 12 cycles × the full questionnaire must load "in minutes".
HISTORY_TARGET_SECONDS = 300


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER_URL}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
    )


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{SERVER_URL}/{BENCH_DB}",
    }
    psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        manage("migrate", "--noinput", "-v0", env=env)
        started = time.monotonic()
        manage("generate_history", "--states", "195", "--cycles", "12", env=env)
        elapsed = time.monotonic() - started
        verdict = "PASS" if elapsed <= HISTORY_TARGET_SECONDS else "OVER"
        print(
            f"generate_history 195 States x 12 cycles: {elapsed:.1f} s "
            f"(target <= {HISTORY_TARGET_SECONDS} s) {verdict}"
        )
        forms = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "forms_bench.py")], cwd=ROOT, env=env
        )
        summary = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "summary_pdf_bench.py")],
            cwd=ROOT,
            env={**env, "DJANGO_LOG_LEVEL": "WARNING"},
        )
        api = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "api_bench.py")],
            cwd=ROOT,
            env={**env, "DJANGO_LOG_LEVEL": "WARNING"},
        )
    finally:
        psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    others = (forms, summary, api)
    return 0 if verdict == "PASS" and all(p.returncode == 0 for p in others) else 1


if __name__ == "__main__":
    sys.exit(main())
