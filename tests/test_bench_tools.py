"""The benchmark runner's own logic: results reported by `emit`, read back by bench/run.py, judged,
tabulated and written as JSON. No database: the benchmarks themselves run with `make bench`."""

import json

import pytest

from bench import run
from bench.results import RESULT_PREFIX, emit


def result_line(capsys) -> dict:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith(RESULT_PREFIX)
    return run.parse_line(lines[1])


@pytest.mark.parametrize(
    ("value", "target", "better", "passed"),
    [
        (2.9, 3.0, "lower", True),
        (3.0, 3.0, "lower", True),
        (3.1, 3.0, "lower", False),
        (0.5, 0.4, "higher", True),
        (0.4, 0.4, "higher", True),
        (0.3, 0.4, "higher", False),
    ],
)
def test_emit_judges_lower_and_higher_targets(capsys, value, target, better, passed):
    assert emit("ratio", value=value, unit="x", target=target, better=better) is passed
    human = capsys.readouterr().out.splitlines()[0]
    assert human.endswith("PASS" if passed else "OVER")
    assert ("<=" if better == "lower" else ">=") in human


def test_emitted_line_is_read_back_with_its_detail(capsys):
    emit("load errors", value=0, unit="errors", target=0, better="lower", requests=812)
    record = result_line(capsys)
    assert record["name"] == "load errors"
    assert record["passed"] is True
    assert record["detail"] == {"requests": 812}


def test_collect_keeps_results_and_forwards_every_other_line():
    good = RESULT_PREFIX + json.dumps(
        {"name": "a", "value": 1.0, "unit": "x", "target": 2, "better": "lower", "passed": True}
    )
    forwarded: list[str] = []
    results = run.collect(
        [
            "warming up\n",
            good + "\n",
            RESULT_PREFIX + "{not json\n",
            RESULT_PREFIX + '{"name": "no value"}\n',
            "BENCH_RESULTS are not this\n",
        ],
        forward=forwarded.append,
    )
    assert [r["name"] for r in results] == ["a"]
    # Malformed result lines are not results; they are shown rather than lost.
    assert forwarded == [
        "warming up",
        RESULT_PREFIX + "{not json",
        RESULT_PREFIX + '{"name": "no value"}',
        "BENCH_RESULTS are not this",
    ]


def record(name: str, value: float, target: float, passed: bool, better="lower") -> dict:
    return {
        "name": name,
        "value": value,
        "unit": "ms",
        "target": target,
        "better": better,
        "passed": passed,
    }


def test_table_shows_each_result_and_each_failed_process():
    outcomes = [
        run.Outcome("load", 0, [record("load autosave p99", 260.0, 500, True)], 90.0),
        run.Outcome("api", 0, [record("API list", 0.3, 0.4, False, better="higher")], 9.0),
        run.Outcome("forms", 0, [], 5.0),  # an old-style script: only its exit status
        run.Outcome("summary_pdf", 1, [], 5.0),  # crashed before reporting
        run.Outcome("statistics", 2, [record("statistics", 1.5, 2, True)], 5.0),
    ]
    rows = run.table_rows(outcomes)
    assert rows == [
        ("load autosave p99", "260.00 ms", "<= 500 ms", "PASS"),
        ("API list", "0.30 ms", ">= 0.4 ms", "OVER"),
        ("forms", "exit status 0, no result line", "exit status 0", "PASS"),
        ("summary_pdf", "exit status 1, no result line", "exit status 0", "FAILED"),
        ("statistics", "1.50 ms", "<= 2 ms", "PASS"),
        ("statistics", "exit status 2", "exit status 0", "FAILED"),
    ]
    assert not run.all_passed(outcomes)
    assert run.all_passed(outcomes[:1] + outcomes[2:3])
    table = run.format_table(rows).splitlines()
    assert table[0].split() == ["benchmark", "measured", "target"]
    assert set(table[1]) == {"-", " "}
    assert table[2].startswith("load autosave p99") and table[2].endswith("PASS")
    # Columns line up: every verdict starts at the same place.
    assert len({line.rfind(" ") for line in table[2:]}) == 1


def test_json_file_holds_machine_results_and_verdict(tmp_path):
    path = tmp_path / "results" / "latest.json"
    outcomes = [run.Outcome("load", 0, [record("load errors", 0, 0, True)], 81.26)]
    run.write_json(path, outcomes, {"cpu_count": 2, "git_commit": "abc1234"})
    document = json.loads(path.read_text())
    assert document["passed"] is True
    assert document["machine"] == {"cpu_count": 2, "git_commit": "abc1234"}
    assert document["date"][:2] == "20"
    assert document["benchmarks"] == [
        {
            "benchmark": "load",
            "returncode": 0,
            "seconds": 81.3,
            "results": [record("load errors", 0, 0, True)],
        }
    ]


def test_every_benchmark_script_exists():
    for benchmark in run.BENCHMARKS:
        if benchmark.script:
            assert (run.ROOT / "bench" / benchmark.script).is_file(), benchmark.name
