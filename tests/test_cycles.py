"""The reporting cycles seeded from reports/data/cycles.yaml."""

import datetime

import pytest
from django.db import IntegrityError

from reports.models import ReportingCycle
from reports.services import create_missing_cycles
from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycles(shipped_questionnaire):
    create_missing_cycles()
    return ReportingCycle.objects.all()


def test_real_cycles_from_2010_are_seeded(cycles):
    assert list(cycles.order_by("year").values_list("year", flat=True)) == list(
        range(2010, 2027, 2)
    )
    bms5 = cycles.get(year=2014)
    assert (bms5.meeting_type, bms5.meeting_number) == ("BMS", 5)
    assert bms5.meeting_dates == "16–20 June 2014"
    assert cycles.get(year=2018).meeting_label == "RevCon3"
    assert cycles.get(year=2016).due_on == datetime.date(2016, 3, 31)
    assert cycles.get(year=2026).meeting_label == "BMS9"
    assert cycles.get(year=2026).meeting_name == "Ninth Biennial Meeting of States"
    assert cycles.get(year=2024).meeting_name == "Fourth Review Conference"


def test_a_cycle_covers_the_two_preceding_calendar_years(cycles):
    cycle = cycles.get(year=2026)
    assert cycle.period_start == datetime.date(2024, 1, 1)
    assert cycle.period_end == datetime.date(2025, 12, 31)


def test_only_the_2026_cycle_is_open(cycles):
    today = datetime.date(2026, 11, 27)
    assert list(ReportingCycle.objects.open(today).values_list("year", flat=True)) == [2026]
    assert cycles.get(year=2026).is_open(today)
    assert not cycles.get(year=2024).is_open(today)


def test_cycles_use_the_shipped_questionnaire_which_is_then_frozen(cycles, shipped_questionnaire):
    assert {c.questionnaire_id for c in cycles} == {shipped_questionnaire.pk}
    assert shipped_questionnaire.is_frozen


def test_seeding_again_keeps_staff_edits(cycles):
    cycles.filter(year=2026).update(due_on=datetime.date(2026, 4, 30))
    assert create_missing_cycles() == []
    assert ReportingCycle.objects.get(year=2026).due_on == datetime.date(2026, 4, 30)


def test_cycle_years_are_even():
    with pytest.raises(IntegrityError):
        CycleFactory(year=2025)
