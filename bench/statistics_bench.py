"""The statistics compile of the largest cycle against its SQL floor.

Measured: `compile_cycle(force=True)` of the cycle counting the most reports, as the Celery task
and `manage.py compile_statistics --force` run it (the GROUP BY queries, the Python that turns
their rows into statistics, and the swap-in of the results), median of several rounds.

The floor: every SQL statement that compile sent, captured with their parameters and sent again
in the same order straight through psycopg, on a connection of its own without the ORM and without
the Python around them (each result fetched in full), median of as many rounds. Both sides run
inside a transaction that is rolled back, so every round starts from the same data and the writes
of the swap-in delete and insert as many rows as the compile did.

Target: at most 2 times the floor. Run by bench/run.py on the benchmark database (195 States x 12
cycles of full answers).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.results import emit  # noqa: E402
from reports.models import ReportingCycle  # noqa: E402
from reports.statistics.compile import compile_cycle  # noqa: E402
from reports.statistics.counting import counted_revisions  # noqa: E402

TARGET_RATIO = 2.0
ROUNDS = 5
# Savepoints of the nested atomic blocks: transaction control, not the compile's work.
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class Rollback(Exception):
    """Leaves the measured compile's transaction without keeping anything."""


def largest_cycle() -> ReportingCycle:
    cycles = list(ReportingCycle.objects.order_by("-year"))
    return max(cycles, key=lambda c: (counted_revisions([c]).count(), c.year))


def compile_once(cycle: ReportingCycle, statements: list | None = None) -> float:
    """Seconds of one forced compile, rolled back; the statements it sent go to `statements`."""

    def capture(execute, sql, params, many, context):
        if statements is not None and not sql.lstrip().upper().startswith(CONTROL):
            statements.append((sql, params, many))
        return execute(sql, params, many, context)

    started = time.perf_counter()
    try:
        with connection.execute_wrapper(capture), transaction.atomic():
            compile_cycle(cycle, force=True, reason="benchmark")
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed


def replay(raw, statements: list) -> tuple[float, float]:
    """Seconds to send the statements again through psycopg alone (total, reads only)."""
    total = reads = 0.0
    with raw.cursor() as cursor:
        for sql, params, many in statements:
            started = time.perf_counter()
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
            spent = time.perf_counter() - started
            total += spent
            if sql.lstrip().upper().startswith("SELECT"):
                reads += spent
    raw.rollback()
    return total, reads


def main() -> int:
    cycle = largest_cycle()
    reports = counted_revisions([cycle]).count()
    # The first compile of a cycle also stores its revisions' answers as rows (once per
    # revision, kept): done here for good, outside the measurement.
    compile_cycle(cycle, force=True, reason="benchmark warm-up")
    statements: list = []
    compile_once(cycle, statements)  # warm-up, and the statements the floor sends
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = False
    try:
        replay(raw, statements)  # warm-up of the floor's connection
        compiled, floor, reads = [], [], []
        for _ in range(ROUNDS):
            compiled.append(compile_once(cycle))
            total, read = replay(raw, statements)
            floor.append(total)
            reads.append(read)
    finally:
        raw.close()
    ratio = statistics.median(compiled) / statistics.median(floor)
    passed = emit(
        f"statistics compile {cycle.year} ({reports} reports) vs its SQL floor",
        value=ratio,
        unit="x",
        target=TARGET_RATIO,
        better="lower",
        compile_s=round(statistics.median(compiled), 3),
        floor_s=round(statistics.median(floor), 3),
        floor_reads_s=round(statistics.median(reads), 3),
        statements=len(statements),
        reports=reports,
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
