"""One way for every benchmark to report a measurement, so `bench/run.py` can print the table
and write the JSON file without parsing free text.

A benchmark calls `emit(...)` once per measurement: it prints the human line and, for run.py, a
`BENCH_RESULT {json}` line on stdout.
"""

from __future__ import annotations

import json
from typing import Any, Literal

RESULT_PREFIX = "BENCH_RESULT "


def emit(
    name: str,
    *,
    value: float,
    unit: str,
    target: float,
    better: Literal["lower", "higher"],
    **detail: Any,
) -> bool:
    """Print one measurement against its target; return True when it meets the target."""
    passed = value <= target if better == "lower" else value >= target
    sign = "<=" if better == "lower" else ">="
    verdict = "PASS" if passed else "OVER"
    print(f"{name}: {value:.2f} {unit} (target {sign} {target:g} {unit}) {verdict}", flush=True)
    record = {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "target": target,
        "better": better,
        "passed": passed,
        "detail": detail,
    }
    print(RESULT_PREFIX + json.dumps(record, default=str), flush=True)
    return passed
