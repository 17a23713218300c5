"""generate_history: a large synthetic history for benchmarks, written in bulk."""

import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import Answer, NationalReport, ReportingCycle

pytestmark = pytest.mark.django_db


def test_writes_states_times_cycles_reports_adding_older_cycles():
    out = io.StringIO()
    call_command("generate_history", states=2, cycles=11, stdout=out)
    assert ReportingCycle.objects.count() == 11
    synthetic = ReportingCycle.objects.filter(year__lt=2010)
    assert list(synthetic.values_list("year", flat=True)) == [2008, 2006]
    assert {c.meeting_name for c in synthetic} == {"Synthetic cycle for benchmarks"}
    assert NationalReport.objects.count() == 22
    assert Answer.objects.count() > 22 * 40
    assert "22 reports created" in out.getvalue()


def test_bulk_writes_use_few_queries_per_cycle(django_assert_max_num_queries):
    call_command("load_reference_data", stdout=io.StringIO())
    with django_assert_max_num_queries(60):  # reference data (roles, States) + bulk writes
        call_command("generate_history", states=20, cycles=1, stdout=io.StringIO())
    assert NationalReport.objects.count() == 20


def test_running_again_adds_only_missing_reports():
    call_command("generate_history", states=2, cycles=1, stdout=io.StringIO())
    call_command("generate_history", states=3, cycles=1, stdout=io.StringIO())
    assert NationalReport.objects.count() == 3


@pytest.mark.parametrize("args", [{"states": 0, "cycles": 1}, {"states": 5, "cycles": 99}])
def test_out_of_range_arguments_are_refused(args):
    with pytest.raises(CommandError, match="must be between"):
        call_command("generate_history", **args, stdout=io.StringIO())
