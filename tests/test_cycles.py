"""The reporting cycles seeded from reports/data/cycles.yaml."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.languages import un_date_range
from reports.models import ReportingCycle
from reports.questionnaire_files import QuestionnaireFileError
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
    assert (bms5.meeting_starts_on, bms5.meeting_ends_on) == (
        datetime.date(2014, 6, 16),
        datetime.date(2014, 6, 20),
    )
    assert bms5.meeting_dates_in("en") == "16–20 June 2014"
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


# -- the meeting's dates -------------------------------------------------------------------------

d = datetime.date


@pytest.mark.parametrize(
    ("language", "same_month", "across_months", "across_years"),
    [
        ("en", "16–20 June 2014", "30 June–4 July 2014", "28 December 2014–2 January 2015"),
        ("fr", "16-20 juin 2014", "30 juin-4 juillet 2014", "28 décembre 2014-2 janvier 2015"),
        (
            "es",
            "16 a 20 de junio de 2014",
            "30 de junio a 4 de julio de 2014",
            "28 de diciembre de 2014 a 2 de enero de 2015",
        ),
        (
            "ru",
            "16–20 июня 2014 года",
            "30 июня – 4 июля 2014 года",
            "28 декабря 2014 года – 2 января 2015 года",
        ),
        ("zh", "2014年6月16日至20日", "2014年6月30日至7月4日", "2014年12月28日至2015年1月2日"),
        (
            "ar",
            "16-20 حزيران/يونيه 2014",
            "30 حزيران/يونيه - 4 تموز/يوليه 2014",
            "28 كانون الأول/ديسمبر 2014 - 2 كانون الثاني/يناير 2015",
        ),
    ],
)
def test_meeting_dates_as_un_documents_print_them(
    language, same_month, across_months, across_years
):
    assert un_date_range(d(2014, 6, 16), d(2014, 6, 20), language) == same_month
    assert un_date_range(d(2014, 6, 30), d(2014, 7, 4), language) == across_months
    assert un_date_range(d(2014, 12, 28), d(2015, 1, 2), language) == across_years


def test_a_one_day_or_unset_meeting():
    assert un_date_range(d(2026, 6, 1), d(2026, 6, 1), "fr") == "1er juin 2026"
    assert un_date_range(d(2026, 6, 1), d(2026, 6, 5), "fr") == "1er-5 juin 2026"
    assert un_date_range(None, None, "en") == ""


def _migration():
    import importlib

    return importlib.import_module("reports.migrations.0011_cycle_meeting_dates")


# The English texts the shipped cycles held before the dates became dates.
SHIPPED_TEXTS = {
    2010: "14–18 June 2010",
    2012: "27 August–7 September 2012",
    2014: "16–20 June 2014",
    2016: "6–10 June 2016",
    2018: "18–29 June 2018",
    2020: "26–30 July 2021",
    2022: "27 June–1 July 2022",
    2024: "18–28 June 2024",
    2026: "1–5 June 2026",
}


def test_the_migration_reads_the_shipped_texts_as_the_data_file_dates(cycles):
    parse = _migration().parse_meeting_dates
    for year, text in SHIPPED_TEXTS.items():
        cycle = cycles.get(year=year)
        assert parse(text, year) == (cycle.meeting_starts_on, cycle.meeting_ends_on), year
    # The postponed meeting of the 2020 cycle keeps its own year.
    assert cycles.get(year=2020).meeting_starts_on == d(2021, 7, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16–20 June", (d(2014, 6, 16), d(2014, 6, 20))),  # the cycle's year
        ("30 June–4 July", (d(2014, 6, 30), d(2014, 7, 4))),
        ("30 June - 4 July 2015", (d(2015, 6, 30), d(2015, 7, 4))),
        ("28 December 2014–2 January 2015", (d(2014, 12, 28), d(2015, 1, 2))),
        ("June 2014", None),
        ("to be decided", None),
        ("31–33 June", None),
        ("20–16 June", None),
        ("", None),
    ],
)
def test_the_migration_leaves_what_it_cannot_read_empty(text, expected):
    assert _migration().parse_meeting_dates(text, 2014) == expected


def test_the_data_file_takes_iso_dates(shipped_questionnaire, tmp_path):
    path = tmp_path / "cycles.yaml"
    path.write_text(
        'questionnaire: "2026.1"\ncycles:\n'
        "  - {year: 2028, meeting: BMS, number: 10, meeting_starts_on: 16 June 2028,"
        " meeting_ends_on: 2028-06-20, opens_on: 2027-10-01, due_on: 2028-03-31}\n",
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireFileError, match="ISO dates"):
        create_missing_cycles(path)
    path.write_text(path.read_text().replace("16 June 2028", "2028-06-21"))
    with pytest.raises(QuestionnaireFileError, match="in order"):
        create_missing_cycles(path)
    path.write_text(path.read_text().replace("2028-06-21", "2028-06-16"))
    (cycle,) = create_missing_cycles(path)
    assert cycle.meeting_dates_in("es") == "16 a 20 de junio de 2028"


def test_a_meeting_cannot_end_before_it_starts():
    cycle = CycleFactory(meeting_starts_on=d(2100, 6, 20), meeting_ends_on=d(2100, 6, 20))
    cycle.meeting_ends_on = d(2100, 6, 16)
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert "meeting_ends_on" in error.value.message_dict
    with pytest.raises(IntegrityError, match="cycle_meeting_dates_in_order"), transaction.atomic():
        cycle.save()
    cycle.meeting_starts_on, cycle.meeting_ends_on = d(2100, 6, 16), None
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert "meeting_ends_on" in error.value.message_dict


def test_the_api_gives_the_dates_and_the_english_text(client, cycles, submitter):
    from tests.api_support import bearer

    cycle = client.get("/api/v1/cycles/2022/", HTTP_ACCEPT_LANGUAGE="fr", **bearer(submitter))
    body = cycle.json()
    assert (body["meeting_starts_on"], body["meeting_ends_on"]) == ("2022-06-27", "2022-07-01")
    assert body["meeting_dates"] == "27 June–1 July 2022"


def test_the_summary_wording_names_the_meeting_dates_in_the_document_language(cycles):
    from reports.languages import writing_in
    from reports.summary.values import StatisticsValues
    from reports.summary.wording import WordingError

    values = StatisticsValues(cycle=cycles.get(year=2022), stats=None)
    with writing_in("ru"):
        assert values("meeting_dates", [], False) == "27 июня – 1 июля 2022 года"
    unset = StatisticsValues(cycle=CycleFactory(), stats=None)
    with pytest.raises(WordingError, match="not set yet"):
        unset("meeting_dates", [], False)
