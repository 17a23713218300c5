"""Compiling statistics as tasks: the Celery tasks, the command, the workflow hooks, a real worker.

The numbers themselves are checked in test_statistics_compile.py; here, who compiles when.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from reports.models import CountingRule, CycleStatistics, ReportingCycle, StatisticsRun
from reports.services import start_report
from reports.services.submission import recall_report
from reports.services.workflow import accept_report, reopen_report, start_review
from reports.statistics import compile as compile_module
from reports.statistics.compile import compile_cycle, request_compile
from reports.tasks import compile_all_statistics, compile_cycle_statistics
from tests import test_celery_worker
from tests.factories import (
    CycleFactory,
    ReportFactory,
    accepted_revision,
    answer_and_submit,
    country,
    focal_point,
    statistics_questionnaire,
)

Status = StatisticsRun.Status


@pytest.fixture
def version(db):
    return statistics_questionnaire()["1.1"].version


@pytest.fixture
def two_cycles(version):
    """2100: Ghana, Mexico, Germany, France accepted (4). 2102: Ghana, Japan accepted (2)."""
    earlier = CycleFactory(year=2100, questionnaire=version)
    for iso3 in ("GHA", "MEX", "DEU", "FRA"):
        accepted_revision(
            ReportFactory(country=country(iso3), cycle=earlier), {"1.1": "yes", "1.1.1": 5}
        )
    later = CycleFactory(year=2102, questionnaire=version)
    for iso3 in ("GHA", "JPN"):
        accepted_revision(ReportFactory(country=country(iso3), cycle=later), {"1.1": "no"})
    return earlier, later


def stats_of(cycle) -> CycleStatistics:
    return CycleStatistics.objects.get(cycle=cycle)


def broken_for(year, monkeypatch):
    """Make the compile of the cycle of `year` fail while computing; others compile normally."""
    compute = compile_module._compute

    def maybe_broken(cycle, inputs, run):
        if cycle.year == year:
            raise ValueError(f"no median for {year}")
        return compute(cycle, inputs, run)

    monkeypatch.setattr(compile_module, "_compute", maybe_broken)


# -- compile_cycle_statistics -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_compiles_the_run_it_is_given(two_cycles):
    _earlier, cycle = two_cycles
    run = StatisticsRun.objects.create(cycle=cycle, reason="test")
    assert compile_cycle_statistics.delay(cycle.pk, run.pk).get() == Status.DONE
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (Status.DONE, 100, "")
    assert run.started_at is not None and run.finished_at >= run.started_at
    stats = stats_of(cycle)
    assert stats.fingerprint == run.fingerprint
    # Ghana and Japan; Ghana reported in 2100, so only Japan is new; Mexico, Germany and
    # France lapsed.
    assert stats.reports_counted == 2
    assert stats.first_time == ["JPN"]
    assert stats.lapsed == ["FRA", "DEU", "MEX"]
    # The run given was used: no other.
    assert list(StatisticsRun.objects.filter(cycle=cycle)) == [run]


@pytest.mark.django_db
def test_a_task_delivered_twice_does_the_work_once(two_cycles, django_assert_max_num_queries):
    _earlier, cycle = two_cycles
    run = StatisticsRun.objects.create(cycle=cycle, reason="test")
    assert compile_cycle_statistics(cycle.pk, run.pk) == Status.DONE
    stats = stats_of(cycle)
    # Delivered again (acks_late: the worker died after the work, before the acknowledgement):
    # two reads, nothing compiled, nothing written.
    with django_assert_max_num_queries(2):
        assert compile_cycle_statistics(cycle.pk, run.pk) == Status.DONE
    again = stats_of(cycle)
    assert (again.pk, again.computed_at) == (stats.pk, stats.computed_at)
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert StatisticsRun.objects.filter(cycle=cycle).count() == 1


@pytest.mark.django_db
def test_a_task_without_a_run_makes_one_and_skips_unchanged_inputs(two_cycles):
    _earlier, cycle = two_cycles
    assert compile_cycle_statistics(cycle.pk) == Status.DONE
    computed_at = stats_of(cycle).computed_at
    assert compile_cycle_statistics(cycle.pk) == Status.UNCHANGED
    assert stats_of(cycle).computed_at == computed_at
    assert compile_cycle_statistics(cycle.pk, None, True) == Status.DONE  # forced
    assert stats_of(cycle).computed_at > computed_at
    assert [run.status for run in StatisticsRun.objects.filter(cycle=cycle).order_by("id")] == [
        Status.DONE,
        Status.UNCHANGED,
        Status.DONE,
    ]


@pytest.mark.django_db
def test_a_task_for_a_cycle_that_is_gone_does_nothing(two_cycles):
    assert compile_cycle_statistics(10**9) == "gone"
    assert not StatisticsRun.objects.exists()


@pytest.mark.django_db
def test_a_failing_task_keeps_the_reason_on_the_run_and_the_previous_results(
    two_cycles, monkeypatch
):
    _earlier, cycle = two_cycles
    compile_cycle_statistics(cycle.pk)
    before = stats_of(cycle)
    broken_for(2102, monkeypatch)
    run = StatisticsRun.objects.create(cycle=cycle, reason="test")
    # Not raised (a retry would fail alike): the run says what went wrong.
    assert compile_cycle_statistics(cycle.pk, run.pk, True) == Status.FAILED
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error == "ValueError: no median for 2102"
    assert (stats_of(cycle).pk, stats_of(cycle).reports_counted) == (before.pk, 2)
    # Delivered again, a failed run is compiled again (and, fixed, succeeds).
    monkeypatch.undo()
    assert compile_cycle_statistics(cycle.pk, run.pk, True) == Status.DONE
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.DONE, "")


# -- compile_all_statistics -------------------------------------------------------------------


@pytest.mark.django_db
def test_compile_all_statistics_compiles_what_changed(two_cycles, monkeypatch):
    earlier, later = two_cycles
    assert compile_all_statistics() == {2100: Status.DONE, 2102: Status.DONE}
    assert (stats_of(earlier).reports_counted, stats_of(later).reports_counted) == (4, 2)
    assert compile_all_statistics() == {2100: Status.UNCHANGED, 2102: Status.UNCHANGED}
    # A new acceptance in 2102 only: 2100 is skipped, 2102 recompiled; the run queued for it
    # (its task lost, say) is the one that runs.
    accepted_revision(ReportFactory(country=country("POL"), cycle=later), {"1.1": "yes"})
    waiting = StatisticsRun.objects.create(cycle=later, reason="Poland accepted")
    assert compile_all_statistics() == {2100: Status.UNCHANGED, 2102: Status.DONE}
    waiting.refresh_from_db()
    assert waiting.status == Status.DONE
    assert stats_of(later).reports_counted == 3
    # One cycle failing does not stop the others.
    broken_for(2100, monkeypatch)
    assert compile_all_statistics(force=True) == {2100: Status.FAILED, 2102: Status.DONE}


# -- the management command -------------------------------------------------------------------


def run_command(*args) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("compile_statistics", *args, stdout=out, stderr=err)
    finally:
        lines = [re.sub(r"\(\d+\.\d s\)", "(N s)", line) for line in out.getvalue().splitlines()]
    return lines, err.getvalue()


@pytest.mark.django_db
def test_the_command_compiles_every_cycle_then_skips_the_unchanged(two_cycles):
    assert run_command() == (
        ["2100: 4 reports counted (N s)", "2102: 2 reports counted (N s)"],
        "",
    )
    assert run_command() == (["2100: unchanged (N s)", "2102: unchanged (N s)"], "")
    assert run_command("--force") == (
        ["2100: 4 reports counted (N s)", "2102: 2 reports counted (N s)"],
        "",
    )
    assert run_command("--cycle", "2102", "--force") == (["2102: 2 reports counted (N s)"], "")
    assert StatisticsRun.objects.filter(reason="compile_statistics command").count() == 7


@pytest.mark.django_db
def test_the_command_refuses_a_cycle_that_does_not_exist(two_cycles):
    with pytest.raises(CommandError, match=r"^There is no 1999 cycle\. Cycles: 2102, 2100\.$"):
        run_command("--cycle", "1999")
    assert not StatisticsRun.objects.exists()


@pytest.mark.django_db
def test_the_command_without_any_cycle(db):
    with pytest.raises(CommandError, match=r"^There is no 2102 cycle\. Cycles: none\.$"):
        run_command("--cycle", "2102")
    assert run_command() == ([], "")


@pytest.mark.django_db
def test_the_command_reports_a_failing_cycle_and_compiles_the_others(two_cycles, monkeypatch):
    earlier, later = two_cycles
    broken_for(2100, monkeypatch)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"^1 cycle\(s\) failed\.$"):
        call_command("compile_statistics", stdout=out, stderr=err)
    assert err.getvalue() == "2100: failed: no median for 2100\n"
    assert re.fullmatch(r"2102: 2 reports counted \(\d+\.\d s\)\n", out.getvalue())
    assert not CycleStatistics.objects.filter(cycle=earlier).exists()
    assert stats_of(later).reports_counted == 2


@pytest.mark.django_db
def test_the_command_takes_over_a_queued_run(two_cycles):
    _earlier, later = two_cycles
    waiting = StatisticsRun.objects.create(cycle=later, reason="Japan accepted")
    run_command("--cycle", "2102")
    waiting.refresh_from_db()
    assert waiting.status == Status.DONE
    assert StatisticsRun.objects.filter(cycle=later).count() == 1


# -- the workflow queues compiles ---------------------------------------------------------------


@pytest.fixture
def delays(monkeypatch):
    """The compile tasks queued (their arguments), instead of running them."""
    calls = []
    monkeypatch.setattr(
        compile_cycle_statistics, "delay", lambda *args, **kwargs: calls.append(args)
    )
    return calls


@pytest.fixture
def cycle(version):
    return CycleFactory(year=2102, questionnaire=version)


@pytest.fixture
def ghana(cycle):
    report = start_report(country=country("GHA"), cycle=cycle)
    report.submitter = focal_point("GHA")
    return report


@pytest.mark.django_db
def test_accepting_queues_exactly_one_compile_on_commit(
    ghana, secretariat_reviewer, delays, django_capture_on_commit_callbacks
):
    answer_and_submit(ghana, ghana.submitter, {"1.1": "yes", "1.1.1": 12})
    start_review(report=ghana, user=secretariat_reviewer)
    assert not StatisticsRun.objects.exists()  # under the accepted rule, neither submitted
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accept_report(report=ghana, user=secretariat_reviewer)
    run = StatisticsRun.objects.get()
    assert (run.cycle, run.status, run.reason) == (ghana.cycle, Status.QUEUED, "Ghana accepted")
    assert run.requested_by == secretariat_reviewer
    assert delays == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [call[:2] for call in delays] == [(ghana.cycle.pk, run.pk)]


@pytest.mark.django_db
def test_the_compile_queued_by_an_acceptance_runs_after_the_commit(
    ghana, secretariat_reviewer, django_capture_on_commit_callbacks
):
    answer_and_submit(ghana, ghana.submitter, {"1.1": "yes", "1.1.1": 12})
    start_review(report=ghana, user=secretariat_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        accept_report(report=ghana, user=secretariat_reviewer)
    run = StatisticsRun.objects.get()
    assert run.status == Status.DONE
    stats = stats_of(ghana.cycle)
    assert (stats.reports_counted, stats.reporters, stats.fingerprint) == (
        1,
        ["GHA"],
        run.fingerprint,
    )


@pytest.mark.django_db
def test_a_burst_of_acceptances_queues_one_compile(
    cycle, secretariat_reviewer, delays, django_capture_on_commit_callbacks
):
    reports = []
    for iso3 in ("GHA", "MEX", "JPN"):
        report = start_report(country=country(iso3), cycle=cycle)
        answer_and_submit(report, focal_point(iso3), {"1.1": "no"})
        start_review(report=report, user=secretariat_reviewer)
        reports.append(report)
    with django_capture_on_commit_callbacks(execute=True):
        for report in reports:
            accept_report(report=report, user=secretariat_reviewer)
    run = StatisticsRun.objects.get()
    assert run.reason == "Ghana accepted"
    assert [call[:2] for call in delays] == [(cycle.pk, run.pk)]


@pytest.mark.django_db
def test_reopening_and_reviewing_queue_nothing(
    ghana, secretariat_reviewer, secretariat_admin, delays, django_capture_on_commit_callbacks
):
    answer_and_submit(ghana, ghana.submitter, {"1.1": "no"})
    start_review(report=ghana, user=secretariat_reviewer)
    accept_report(report=ghana, user=secretariat_reviewer)
    StatisticsRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        # The accepted revision keeps counting while the report is being revised.
        reopen_report(report=ghana, user=secretariat_admin, message="New figures.")
        answer_and_submit(ghana, ghana.submitter, {"1.1": "yes"})
        start_review(report=ghana, user=secretariat_reviewer)
    assert not StatisticsRun.objects.exists()
    assert delays == []


@pytest.mark.django_db
def test_under_the_submitted_rule_submitting_and_recalling_queue_a_compile(
    cycle, ghana, django_capture_on_commit_callbacks
):
    ReportingCycle.objects.filter(pk=cycle.pk).update(counting_rule=CountingRule.SUBMITTED)
    ghana.cycle.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        answer_and_submit(ghana, ghana.submitter, {"1.1": "yes", "1.1.1": 12})
    submitted = StatisticsRun.objects.get()
    assert (submitted.reason, submitted.status) == ("Ghana submitted", Status.DONE)
    assert stats_of(cycle).reports_counted == 1
    with django_capture_on_commit_callbacks(execute=True):
        recall_report(report=ghana, user=ghana.submitter)
    recalled = StatisticsRun.objects.exclude(pk=submitted.pk).get()
    assert (recalled.reason, recalled.status) == ("Ghana recalled", Status.DONE)
    assert stats_of(cycle).reports_counted == 0


@pytest.mark.django_db
def test_request_compile_reuses_a_queued_run(
    cycle, delays, django_capture_on_commit_callbacks, secretariat_reviewer
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_compile(cycle, reason="Ghana accepted", user=secretariat_reviewer)
        second = request_compile(cycle, reason="Mexico accepted")
    assert second.pk == first.pk
    assert [call[:2] for call in delays] == [(cycle.pk, first.pk)]
    # Its task still waiting in the queue, a later request joins it too.
    with django_capture_on_commit_callbacks(execute=True):
        assert request_compile(cycle, reason="Japan accepted").pk == first.pk
    assert [call[:2] for call in delays] == [(cycle.pk, first.pk)]
    assert StatisticsRun.objects.filter(cycle=cycle).count() == 1
    # Once it has started, the next request queues a run of its own.
    compile_cycle(cycle, run=first)
    with django_capture_on_commit_callbacks(execute=True):
        third = request_compile(cycle, reason="Poland accepted")
    assert third.pk != first.pk and third.status == Status.QUEUED
    assert [call[:2] for call in delays] == [(cycle.pk, first.pk), (cycle.pk, third.pk)]
    # Another cycle's request has nothing to do with this one's.
    other = CycleFactory(year=2104, questionnaire=cycle.questionnaire)
    assert request_compile(other, reason="Brazil accepted").pk not in (first.pk, third.pk)


@pytest.mark.django_db
def test_a_compile_that_started_before_the_change_committed_is_followed_by_another(
    cycle, delays, django_capture_on_commit_callbacks
):
    """An acceptance that joins a queued compile which then starts before the acceptance commits
    (so it may have read the data without it) queues a new compile when it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        first = request_compile(cycle, reason="Ghana accepted")
    with django_capture_on_commit_callbacks(execute=True):
        assert request_compile(cycle, reason="Mexico accepted").pk == first.pk
        # The worker takes the run before this "transaction" commits.
        StatisticsRun.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    follow_up = StatisticsRun.objects.exclude(pk=first.pk).get()
    assert (follow_up.reason, follow_up.status) == ("Mexico accepted", Status.QUEUED)
    assert [call[:2] for call in delays] == [(cycle.pk, first.pk), (cycle.pk, follow_up.pk)]


@pytest.mark.django_db
def test_a_broker_that_cannot_be_reached_leaves_the_run_queued(
    cycle, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("redis:6379")

    monkeypatch.setattr(compile_cycle_statistics, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        run = request_compile(cycle, reason="Ghana accepted")
    run.refresh_from_db()
    assert run.status == Status.QUEUED
    # The hourly compile of every cycle takes it over.
    assert compile_all_statistics() == {2102: Status.DONE}
    run.refresh_from_db()
    assert run.status == Status.DONE


# -- a real worker ------------------------------------------------------------------------------

real_worker = test_celery_worker.real_worker  # the same fixture: a worker thread on Redis
wait_for = test_celery_worker.wait_for


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_compiles_the_statistics_after_acceptances(
    real_worker, version, secretariat_reviewer
):
    cycle = CycleFactory(year=2102, questionnaire=version)
    # Ghana: yes, 30 pistols; Mexico: yes, 12 pistols and 8 rifles; Japan: no. One transaction,
    # so the worker starts once everything is written (SQLite's shared cache would otherwise
    # lock the tables between the two threads), and a burst of acceptances queues one compile.
    with transaction.atomic():
        for iso3, answers in (
            (
                "GHA",
                {"1.1": "yes", "1.1.1": 30, "3.7.1": [{"category": "pistols", "quantity": 30}]},
            ),
            (
                "MEX",
                {
                    "1.1": "yes",
                    "1.1.1": 20,
                    "3.7.1": [
                        {"category": "pistols", "quantity": 12},
                        {"category": "rifles", "quantity": 8},
                    ],
                },
            ),
            ("JPN", {"1.1": "no"}),
        ):
            report = start_report(country=country(iso3), cycle=cycle)
            answer_and_submit(report, focal_point(iso3), answers)
            start_review(report=report, user=secretariat_reviewer)
            accept_report(report=report, user=secretariat_reviewer)
    # The commit queued the compile on Redis; the worker runs it.

    def compiled_all_three() -> bool:
        runs = StatisticsRun.objects.filter(cycle=cycle)
        stats = CycleStatistics.objects.filter(cycle=cycle).first()
        return (
            not runs.filter(status__in=[Status.QUEUED, Status.RUNNING]).exists()
            and stats is not None
            and stats.reports_counted == 3
        )

    wait_for(compiled_all_three)
    run = StatisticsRun.objects.get(cycle=cycle)
    assert (run.reason, run.status) == ("Ghana accepted", Status.DONE)
    stats = stats_of(cycle)
    assert stats.reporters == ["GHA", "JPN", "MEX"]
    assert stats.states_total == 195
    all_regions = stats.questions.get(question__code="1.1.1", region="")
    # 30 and 20, shown to the two "yes" reports.
    assert (all_regions.shown, all_regions.answered, all_regions.numeric_sum) == (2, 2, 50)
    assert all_regions.numeric_median == 25.0
    assert dict(
        stats.table_totals.filter(
            question__code="3.7.1", value_column="quantity", region=""
        ).values_list("code", "total")
    ) == {"pistols": 42, "rifles": 8, "machine_guns": 0, "mortars": 0}

    # Sent again through the broker with nothing changed: the worker finds nothing to do.
    again = StatisticsRun.objects.create(cycle=cycle, reason="test")
    compile_cycle_statistics.delay(cycle.pk, again.pk)
    wait_for(lambda: StatisticsRun.objects.get(pk=again.pk).status == Status.UNCHANGED)
    assert stats_of(cycle).pk == stats.pk


@pytest.mark.django_db
def test_accepting_late_also_recompiles_the_next_cycle(two_cycles, delays, secretariat_reviewer):
    earlier, later = two_cycles
    compile_cycle(earlier)
    compile_cycle(later)
    request_compile(earlier, reason="Late acceptance")
    queued = StatisticsRun.objects.filter(status=Status.QUEUED)
    assert sorted(run.cycle.year for run in queued) == [2100, 2102]


@pytest.mark.django_db
def test_a_compile_whose_inputs_change_meanwhile_reads_them_again(two_cycles, monkeypatch):
    _earlier, cycle = two_cycles
    compute = compile_module._compute
    calls = []

    def compute_then_a_late_acceptance(cycle_, inputs, run):
        calls.append(1)
        result = compute(cycle_, inputs, run)
        if len(calls) == 1:  # another State's report is accepted while this one computes
            accepted_revision(ReportFactory(country=country("FRA"), cycle=cycle_), {"1.1": "yes"})
        return result

    monkeypatch.setattr(compile_module, "_compute", compute_then_a_late_acceptance)
    run = compile_cycle(cycle)
    assert run.status == Status.DONE
    assert len(calls) == 2
    assert stats_of(cycle).reports_counted == 3  # Ghana, Japan and the late France
