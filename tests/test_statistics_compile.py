"""The statistics compile, checked against numbers counted by hand.

The scenario (built through the real services where the workflow matters):

2100 (accepted rule; revisions written directly, without typed rows, like bulk-loaded history):
    Ghana, Mexico, Germany, France accepted; Nigeria only submitted (never accepted).
2102 (accepted rule unless a test switches it), questionnaire of tests.factories:
    Ghana     rev 1 accepted; reopened, rev 2 (1.1.1 = 999) submitted and waiting for review
    Mexico    rev 1 accepted (1.1.1 = 500, mortars 9, marking), reopened; rev 2 accepted
    Nigeria   rev 1 submitted and recalled; rev 2 submitted, never accepted
    Kenya     rev 1 submitted (1.1.1 = 1000) and recalled; nothing since
    Japan     1.1 answered "yes" with 1.1.1 = 7, then changed to "no": 1.1.1 is hidden; accepted
    Germany   accepted; requests and offers marking (never matched with itself)
    Poland    accepted ("no"; offers marking for no stated region)
    United States of America  accepted ("developing"; requests tracing)
    France    a draft only (reported in 2100, so lapsed)
    every other State: no report at all.

Report regions and regional groups (countries/data/states.csv): Ghana, Nigeria, Kenya: Africa,
African States. Mexico: Americas, Latin American and Caribbean States. United States: Americas,
Western European and other States. Japan: Asia and the Pacific, Asia-Pacific States. Germany,
France: Europe, Western European and other States. Poland: Europe, Eastern European States.
195 States: Africa 54, Americas 35, Asia and the Pacific 57, Europe 49; African 54,
Asia-Pacific 55, Eastern European 23, Latin American and Caribbean 33, Western European and
other 29 (one State belongs to no regional group).
"""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import (
    ALL_REGIONS,
    Answer,
    AssistanceEntry,
    AssistanceMatch,
    CountingRule,
    CycleStatistics,
    GroupingStatistic,
    NationalReport,
    ReportingCycle,
    Revision,
    RevisionAnswer,
    StatisticsRun,
)
from reports.services import start_report
from reports.services.submission import recall_report
from reports.services.workflow import accept_report, reopen_report, start_review
from reports.statistics import compile as compile_module
from reports.statistics.compile import compile_cycle
from tests.factories import (
    CycleFactory,
    ReportFactory,
    RevisionFactory,
    accepted_revision,
    answer_and_submit,
    country,
    focal_point,
    save_answers,
    statistics_questionnaire,
)

pytestmark = pytest.mark.django_db
Status = StatisticsRun.Status


def multi(*codes, other=""):
    return {"choices": list(codes), "other": other}


def accept(report, reviewer):
    start_review(report=report, user=reviewer)
    accept_report(report=report, user=reviewer)


@pytest.fixture
def questions(db):
    return statistics_questionnaire()


@pytest.fixture
def cycle_2100(questions):
    cycle = CycleFactory(year=2100, questionnaire=questions["1.1"].version)
    for iso3, answers in (
        ("GHA", {"1.1": "yes", "1.1.1": 4}),
        ("MEX", {"1.1": "yes", "1.1.1": 6}),
        ("DEU", {"1.1": "no"}),
        ("FRA", {"1.1": "developing"}),
    ):
        accepted_revision(ReportFactory(country=country(iso3), cycle=cycle), answers)
    nigeria = ReportFactory(
        country=country("NGA"), cycle=cycle, status=NationalReport.Status.SUBMITTED
    )
    RevisionFactory(report=nigeria, answers={"1.1": "yes", "1.1.1": 100})
    return cycle


@pytest.fixture
def cycle_2102(questions, cycle_2100, secretariat_reviewer, secretariat_admin):
    cycle = CycleFactory(year=2102, questionnaire=questions["1.1"].version)
    reviewer, admin = secretariat_reviewer, secretariat_admin
    focal = {
        iso3: focal_point(iso3)
        for iso3 in ("GHA", "MEX", "NGA", "KEN", "JPN", "DEU", "POL", "USA", "FRA")
    }
    reports = {
        iso3: start_report(country=country(iso3), cycle=cycle, user=user)
        for iso3, user in focal.items()
    }

    # Ghana: revision 1 accepted, then reopened and revision 2 submitted (not yet accepted).
    ghana = reports["GHA"]
    answer_and_submit(
        ghana,
        focal["GHA"],
        {
            "1.1": "yes",
            "1.1.1": 10,
            "1.2": multi("marking", "other", other="DNA marking"),
            "1.2.1": "Marking at import",
            "3.7.1": [
                {"category": "pistols", "quantity": 100},
                {"category": "rifles", "quantity": 50},
            ],
            "10.1.1": [{"topic": "marking", "description": "Marking machines"}],
        },
    )
    accept(ghana, reviewer)
    reopen_report(report=ghana, user=admin, message="Please update the figures.")
    answer_and_submit(ghana, focal["GHA"], {"1.1.1": 999})

    # Mexico: revision 1 accepted, superseded by revision 2, accepted.
    mexico = reports["MEX"]
    answer_and_submit(
        mexico,
        focal["MEX"],
        {
            "1.1": "yes",
            "1.1.1": 500,
            "1.2": multi("marking"),
            "3.7.1": [{"category": "mortars", "quantity": 9}],
        },
    )
    accept(mexico, reviewer)
    reopen_report(report=mexico, user=admin, message="The 2101 figures are missing.")
    answer_and_submit(
        mexico,
        focal["MEX"],
        {
            "1.1.1": 40,
            "1.2": multi("tracing"),
            "3.7.1": [
                {"category": "pistols", "quantity": 30},
                {"category": "machine_guns", "quantity": None},
            ],
            "10.3.1": [{"topic": "marking", "description": "Training", "region": "africa"}],
        },
    )
    accept(mexico, reviewer)

    # Nigeria: revision 1 recalled; revision 2 submitted, never accepted.
    nigeria = reports["NGA"]
    answer_and_submit(nigeria, focal["NGA"], {"1.1": "developing"})
    recall_report(report=nigeria, user=focal["NGA"])
    answer_and_submit(
        nigeria,
        focal["NGA"],
        {
            "1.1": "yes",
            "1.1.1": 20,
            "1.2": multi("marking"),
            "10.1.1": [{"topic": "tracing", "description": "Tracing training"}],
        },
    )

    # Kenya: its only revision recalled.
    answer_and_submit(reports["KEN"], focal["KEN"], {"1.1": "yes", "1.1.1": 1000})
    recall_report(report=reports["KEN"], user=focal["KEN"])

    # Japan: 1.1.1 answered while 1.1 was "yes", then hidden by "no" (its row stays).
    japan = reports["JPN"]
    save_answers(japan, focal["JPN"], {"1.1": "yes", "1.1.1": 7})
    answer_and_submit(
        japan,
        focal["JPN"],
        {
            "1.1": "no",
            "1.2": multi("other", other="Ballistic records"),
            "10.3.1": [
                {"topic": "marking", "description": "Equipment", "region": "global"},
                {"topic": "tracing", "description": "Experts", "region": "asia_pacific"},
            ],
        },
    )
    accept(japan, reviewer)

    germany = reports["DEU"]
    answer_and_submit(
        germany,
        focal["DEU"],
        {
            "1.1": "yes",
            "1.1.1": 3,
            "1.2": multi("marking", "tracing"),
            "1.2.1": "Laser marking and a national register",
            "3.7.1": [
                {"category": "rifles", "quantity": 5},
                {"category": "rifles", "quantity": 7},
            ],
            "10.1.1": [{"topic": "marking", "description": "Lab equipment"}],
            "10.3.1": [{"topic": "marking", "description": "Funding", "region": "europe"}],
        },
    )
    accept(germany, reviewer)

    poland = reports["POL"]
    answer_and_submit(
        poland,
        focal["POL"],
        {"1.1": "no", "10.3.1": [{"topic": "marking", "description": "Workshops"}]},
    )
    accept(poland, reviewer)

    usa = reports["USA"]
    answer_and_submit(
        usa,
        focal["USA"],
        {
            "1.1": "developing",
            "10.1.1": [{"topic": "tracing", "description": "Tracing software"}],
        },
    )
    accept(usa, reviewer)

    # France: a draft, never submitted.
    save_answers(reports["FRA"], focal["FRA"], {"1.1": "yes"})
    return SimpleNamespace(cycle=cycle, reports=reports, focal=focal, reviewer=reviewer)


# -- reading the results --------------------------------------------------------------------


def stats_of(cycle) -> CycleStatistics:
    return CycleStatistics.objects.get(cycle=cycle)


def groupings(stats, kind):
    return [
        (g.code, g.states, g.reported, g.first_time)
        for g in stats.groupings.filter(kind=kind).order_by("order", "code")
    ]


def question_numbers(stats, code, region=ALL_REGIONS):
    """(reports, shown, answered) of one question."""
    row = stats.questions.get(question__code=code, region=region)
    return row.reports, row.shown, row.answered


def numeric(stats, code, region=ALL_REGIONS):
    """(count, sum, median, min, max) of a number question."""
    row = stats.questions.get(question__code=code, region=region)
    return (
        row.numeric_count,
        row.numeric_sum,
        row.numeric_median,
        row.numeric_min,
        row.numeric_max,
    )


def choice_counts(stats, code, region=ALL_REGIONS):
    return dict(
        stats.choices.filter(question__code=code, region=region).values_list("code", "count")
    )


def table_totals(stats, value_column, region=ALL_REGIONS):
    """3.7.1 per category: (rows, States, total)."""
    return {
        t.code: (t.rows, t.states, t.total)
        for t in stats.table_totals.filter(
            question__code="3.7.1",
            choice_column="category",
            value_column=value_column,
            region=region,
        )
    }


def entries(stats, kind):
    return sorted(
        (e.topic, e.country.iso3, e.target_region, e.description)
        for e in stats.assistance.filter(kind=kind).select_related("country")
    )


def matches(stats):
    return [
        (m.topic, m.requester.iso3, m.rank, m.offerer.iso3, m.same_region)
        for m in stats.matches.select_related("requester", "offerer").order_by(
            "topic", "requester__sort_key", "rank"
        )
    ]


# -- the accepted rule ----------------------------------------------------------------------


def test_the_accepted_rule_counts_each_reports_accepted_revision(cycle_2102):
    run = compile_cycle(cycle_2102.cycle)
    assert run.status == Status.DONE and run.progress == 100 and run.error == ""
    stats = stats_of(cycle_2102.cycle)
    assert stats.fingerprint == run.fingerprint
    assert stats.counting_rule == CountingRule.ACCEPTED
    # Ghana (its accepted revision 1), Mexico (revision 2), Japan, Germany, Poland, United
    # States; not Nigeria (never accepted), Kenya (recalled), France (draft), nor the 186 others.
    assert stats.reports_counted == 6
    assert stats.states_total == 195
    # In UN order: Germany, Ghana, Japan, Mexico, Poland, United States of America.
    assert stats.reporters == ["DEU", "GHA", "JPN", "MEX", "POL", "USA"]
    # 2100 counted Ghana, Mexico, Germany, France (Nigeria's 2100 report was never accepted).
    assert stats.previous_year == 2100
    assert stats.first_time == ["JPN", "POL", "USA"]
    assert stats.lapsed == ["FRA"]
    # The counted revisions: Ghana's first (not its waiting second), Mexico's second.
    counted = {r.report.country.iso3: r.number for r in _counted_revisions(cycle_2102.cycle)}
    assert counted == {"GHA": 1, "MEX": 2, "JPN": 1, "DEU": 1, "POL": 1, "USA": 1}


def _counted_revisions(cycle):
    from reports.statistics.counting import counted_revisions

    return counted_revisions([cycle]).select_related("report__country")


def test_reports_by_report_region_and_regional_group(cycle_2102):
    compile_cycle(cycle_2102.cycle)
    stats = stats_of(cycle_2102.cycle)
    # (code, States, reported, first time)
    assert groupings(stats, GroupingStatistic.Kind.REGION) == [
        ("africa", 54, 1, 0),  # Ghana
        ("americas", 35, 2, 1),  # Mexico; United States (first time)
        ("asia_pacific", 57, 1, 1),  # Japan (first time)
        ("europe", 49, 2, 1),  # Germany; Poland (first time)
    ]
    assert groupings(stats, GroupingStatistic.Kind.GROUP) == [
        ("african", 54, 1, 0),  # Ghana
        ("asia_pacific", 55, 1, 1),  # Japan
        ("eastern_european", 23, 1, 1),  # Poland
        ("latin_american_caribbean", 33, 1, 0),  # Mexico
        ("western_european_other", 29, 2, 1),  # Germany; United States (first time)
    ]


def test_answers_per_question_with_follow_ups(cycle_2102):
    japan = cycle_2102.reports["JPN"]
    # Japan's 1.1.1 is still a live answer, but was hidden (so left out) when it submitted.
    assert Answer.objects.filter(report=japan, question__code="1.1.1", value_int=7).exists()
    assert "1.1.1" not in japan.revisions.get().answers
    # Mexico's superseded revision has its rows (written when it was submitted).
    superseded = Revision.objects.get(report=cycle_2102.reports["MEX"], number=1)
    assert superseded.superseded_at is not None and superseded.rows_written
    assert superseded.answer_rows.filter(question__code="1.1.1", value_int=500).exists()
    compile_cycle(cycle_2102.cycle)
    stats = stats_of(cycle_2102.cycle)
    # 1.1: all six answered: yes Ghana, Mexico, Germany; no Japan, Poland; developing USA.
    assert question_numbers(stats, "1.1") == (6, 6, 6)
    assert choice_counts(stats, "1.1") == {"yes": 3, "no": 2, "developing": 1}
    # 1.1.1 is shown to the three "yes" reports; Japan's 7, hidden when it submitted, does not
    # count although its answer row is still there; Ghana's waiting 999, Mexico's superseded
    # 500 and Kenya's recalled 1000 do not count either: 10, 40, 3.
    assert question_numbers(stats, "1.1.1") == (6, 3, 3)
    assert numeric(stats, "1.1.1") == (3, 53, 10.0, 3, 40)
    # 1.2 ticked by Ghana (marking, other), Mexico (tracing), Japan (other), Germany (both).
    assert question_numbers(stats, "1.2") == (6, 6, 4)
    assert choice_counts(stats, "1.2") == {"marking": 2, "tracing": 2, "other": 2}
    # 1.2.1 is shown for marking or tracing: Ghana, Mexico, Germany (once, though it ticked
    # both); answered by Ghana and Germany.
    assert question_numbers(stats, "1.2.1") == (6, 3, 2)
    # Tables: answered by whoever has a row.
    assert question_numbers(stats, "3.7.1") == (6, 6, 3)  # Ghana, Mexico, Germany
    assert question_numbers(stats, "10.1.1") == (6, 6, 3)  # Ghana, Germany, USA
    assert question_numbers(stats, "10.3.1") == (6, 6, 4)  # Mexico, Japan, Germany, Poland
    # Not a number question: no numeric figures.
    assert numeric(stats, "1.1") == (0, None, None, None, None)


def test_answers_per_question_per_region(cycle_2102):
    compile_cycle(cycle_2102.cycle)
    stats = stats_of(cycle_2102.cycle)
    # Africa: Ghana.
    assert question_numbers(stats, "1.1", "africa") == (1, 1, 1)
    assert choice_counts(stats, "1.1", "africa") == {"yes": 1}
    assert numeric(stats, "1.1.1", "africa") == (1, 10, 10.0, 10, 10)
    assert question_numbers(stats, "1.2.1", "africa") == (1, 1, 1)
    # Americas: Mexico (yes, 40, tracing, 1.2.1 not answered), United States (developing).
    assert choice_counts(stats, "1.1", "americas") == {"yes": 1, "developing": 1}
    assert question_numbers(stats, "1.1.1", "americas") == (2, 1, 1)
    assert numeric(stats, "1.1.1", "americas") == (1, 40, 40.0, 40, 40)
    assert choice_counts(stats, "1.2", "americas") == {"tracing": 1}
    assert question_numbers(stats, "1.2.1", "americas") == (2, 1, 0)
    # Asia and the Pacific: Japan ("no", so 1.1.1 shown to nobody; 1.2 only "other", so 1.2.1
    # shown to nobody either).
    assert question_numbers(stats, "1.1.1", "asia_pacific") == (1, 0, 0)
    assert numeric(stats, "1.1.1", "asia_pacific") == (0, None, None, None, None)
    assert choice_counts(stats, "1.2", "asia_pacific") == {"other": 1}
    assert question_numbers(stats, "1.2.1", "asia_pacific") == (1, 0, 0)
    # Europe: Germany (yes, 3, marking and tracing, 1.2.1 answered), Poland (no).
    assert choice_counts(stats, "1.1", "europe") == {"yes": 1, "no": 1}
    assert numeric(stats, "1.1.1", "europe") == (1, 3, 3.0, 3, 3)
    assert question_numbers(stats, "1.2.1", "europe") == (2, 1, 1)
    # Seven questions, over all regions and each of the four regions.
    assert stats.questions.count() == 7 * 5


def test_table_totals_per_category_with_the_empty_ones(cycle_2102):
    compile_cycle(cycle_2102.cycle)
    stats = stats_of(cycle_2102.cycle)
    # Rows per category, whatever the quantity: Ghana pistols + rifles, Mexico pistols +
    # machine guns (no quantity), Germany rifles twice. Mexico's superseded mortars are gone.
    assert table_totals(stats, "") == {
        "pistols": (2, 2, None),
        "rifles": (3, 2, None),
        "machine_guns": (1, 1, None),
        "mortars": (0, 0, None),
    }
    # Items: pistols 100 + 30, rifles 50 + 5 + 7; the machine-gun row has no quantity.
    assert table_totals(stats, "quantity") == {
        "pistols": (2, 2, 130),
        "rifles": (3, 2, 62),
        "machine_guns": (0, 0, 0),
        "mortars": (0, 0, 0),
    }
    assert table_totals(stats, "quantity", "africa") == {
        "pistols": (1, 1, 100),
        "rifles": (1, 1, 50),
    }
    assert table_totals(stats, "quantity", "americas") == {"pistols": (1, 1, 30)}
    assert table_totals(stats, "quantity", "europe") == {"rifles": (2, 1, 12)}
    assert table_totals(stats, "quantity", "asia_pacific") == {}


def test_assistance_requested_offered_and_matched(cycle_2102):
    compile_cycle(cycle_2102.cycle)
    stats = stats_of(cycle_2102.cycle)
    Kind = AssistanceEntry.Kind
    assert entries(stats, Kind.REQUEST) == [
        ("marking", "DEU", "", "Lab equipment"),
        ("marking", "GHA", "", "Marking machines"),
        ("tracing", "USA", "", "Tracing software"),
    ]
    assert entries(stats, Kind.OFFER) == [
        ("marking", "DEU", "europe", "Funding"),
        ("marking", "JPN", "global", "Equipment"),
        ("marking", "MEX", "africa", "Training"),
        ("marking", "POL", "", "Workshops"),
        ("tracing", "JPN", "asia_pacific", "Experts"),
    ]
    # Germany (Europe) asks for marking: Poland is in Europe (same region, first); Japan offers
    # to every region (next); Mexico offers to Africa only (last). Germany's own offer is not a
    # match for its own request.
    # Ghana (Africa) asks for marking: Mexico's offer is for Africa (same region); then Japan's
    # global offer; then Germany and Poland, in UN order.
    # The United States (Americas) asks for tracing: Japan's offer is for Asia and the Pacific.
    assert matches(stats) == [
        ("marking", "DEU", 1, "POL", True),
        ("marking", "DEU", 2, "JPN", False),
        ("marking", "DEU", 3, "MEX", False),
        ("marking", "GHA", 1, "MEX", True),
        ("marking", "GHA", 2, "JPN", False),
        ("marking", "GHA", 3, "DEU", False),
        ("marking", "GHA", 4, "POL", False),
        ("tracing", "USA", 1, "JPN", False),
    ]
    assert not AssistanceMatch.objects.filter(requester=country("DEU"), offerer=country("DEU"))


# -- the submitted rule -----------------------------------------------------------------------


def test_the_submitted_rule_counts_the_latest_revision_not_recalled(cycle_2102):
    cycle = cycle_2102.cycle
    compile_cycle(cycle)
    ReportingCycle.objects.filter(pk=cycle.pk).update(counting_rule=CountingRule.SUBMITTED)
    run = compile_cycle(cycle)
    assert run.status == Status.DONE  # the rule is part of the fingerprint
    stats = stats_of(cycle)
    assert stats.counting_rule == CountingRule.SUBMITTED
    # Ghana's waiting revision 2 replaces its accepted one; Nigeria's revision 2 counts (its
    # recalled revision 1 does not); Kenya's only revision was recalled; Mexico's superseded
    # revision 1 never counts: 7 reports.
    counted = {r.report.country.iso3: r.number for r in _counted_revisions(cycle)}
    assert counted == {"GHA": 2, "MEX": 2, "NGA": 2, "JPN": 1, "DEU": 1, "POL": 1, "USA": 1}
    assert stats.reports_counted == 7
    assert stats.reporters == ["DEU", "GHA", "JPN", "MEX", "NGA", "POL", "USA"]
    # Nigeria's 2100 report was only submitted, and 2100 counts accepted reports.
    assert stats.first_time == ["JPN", "NGA", "POL", "USA"]
    assert stats.lapsed == ["FRA"]
    assert groupings(stats, GroupingStatistic.Kind.REGION)[0] == ("africa", 54, 2, 1)
    # yes: Ghana, Mexico, Nigeria, Germany (not Nigeria's recalled "developing" nor Kenya's yes).
    assert choice_counts(stats, "1.1") == {"yes": 4, "no": 2, "developing": 1}
    # 999 (Ghana, revision 2), 40, 20, 3: median (20 + 40) / 2, as percentile_cont gives.
    assert question_numbers(stats, "1.1.1") == (7, 4, 4)
    assert numeric(stats, "1.1.1") == (4, 1062, 30.0, 3, 999)
    assert numeric(stats, "1.1.1", "africa") == (2, 1019, 509.5, 20, 999)
    assert choice_counts(stats, "1.2") == {"marking": 3, "tracing": 2, "other": 2}
    assert question_numbers(stats, "1.2.1") == (7, 4, 2)
    assert entries(stats, AssistanceEntry.Kind.REQUEST)[-2:] == [
        ("tracing", "NGA", "", "Tracing training"),
        ("tracing", "USA", "", "Tracing software"),
    ]
    assert [m for m in matches(stats) if m[0] == "tracing"] == [
        ("tracing", "NGA", 1, "JPN", False),
        ("tracing", "USA", 1, "JPN", False),
    ]


def test_under_the_accepted_rule_a_reopened_report_keeps_counting(cycle_2102):
    """Until the new revision is accepted; then the new one counts and the old one never again."""
    cycle, reviewer = cycle_2102.cycle, cycle_2102.reviewer
    compile_cycle(cycle)
    assert numeric(stats_of(cycle), "1.1.1", "africa") == (1, 10, 10.0, 10, 10)
    ghana = cycle_2102.reports["GHA"]
    accept(ghana, reviewer)  # revision 2 (999) supersedes revision 1 (10)
    assert Revision.objects.get(report=ghana, number=1).superseded_at is not None
    run = compile_cycle(cycle)
    assert run.status == Status.DONE
    stats = stats_of(cycle)
    assert stats.reports_counted == 6
    assert numeric(stats, "1.1.1", "africa") == (1, 999, 999.0, 999, 999)
    # 999, 40, 3
    assert numeric(stats, "1.1.1") == (3, 1042, 40.0, 3, 999)


# -- other cycles -----------------------------------------------------------------------------


def test_revisions_without_rows_get_them_before_the_compile(cycle_2100):
    revisions = Revision.objects.filter(report__cycle=cycle_2100)
    assert not revisions.filter(rows_written=True).exists()
    run = compile_cycle(cycle_2100)
    assert run.status == Status.DONE
    # The four accepted revisions now have rows: Ghana 2, Mexico 2, Germany 1, France 1.
    counted = revisions.exclude(report__country__iso3="NGA")
    assert all(r.rows_written for r in counted)
    assert RevisionAnswer.objects.filter(revision__in=counted).count() == 6
    # Nigeria's submitted revision is not counted, so nothing needed its rows.
    assert not revisions.get(report__country__iso3="NGA").rows_written
    stats = stats_of(cycle_2100)
    assert stats.reports_counted == 4
    assert stats.previous_year is None
    assert stats.first_time == ["FRA", "DEU", "GHA", "MEX"]  # France, Germany, Ghana, Mexico
    assert stats.lapsed == []
    assert choice_counts(stats, "1.1") == {"yes": 2, "no": 1, "developing": 1}
    # 4 and 6, shown to Ghana and Mexico.
    assert question_numbers(stats, "1.1.1") == (4, 2, 2)
    assert numeric(stats, "1.1.1") == (2, 10, 5.0, 4, 6)
    # A compile that finds every row written writes none.
    assert compile_cycle(cycle_2100, force=True).status == Status.DONE
    assert RevisionAnswer.objects.filter(revision__in=counted).count() == 6


def test_a_cycle_nobody_reported_in(cycle_2102):
    compile_cycle(cycle_2102.cycle)
    later = CycleFactory(year=2104, questionnaire=cycle_2102.cycle.questionnaire)
    assert compile_cycle(later).status == Status.DONE
    stats = stats_of(later)
    assert (stats.reports_counted, stats.states_total, stats.previous_year) == (0, 195, 2102)
    assert stats.reporters == [] and stats.first_time == []
    # Everyone who reported in 2102 lapsed.
    assert stats.lapsed == ["DEU", "GHA", "JPN", "MEX", "POL", "USA"]
    assert [g[2] for g in groupings(stats, GroupingStatistic.Kind.REGION)] == [0, 0, 0, 0]
    assert not stats.questions.exists() and not stats.matches.exists()
    # The table's categories are still listed, with zeros.
    assert table_totals(stats, "quantity")["pistols"] == (0, 0, 0)


# -- compiling again, and failing ------------------------------------------------------------


def test_a_second_compile_with_unchanged_inputs_does_nothing(cycle_2102):
    cycle = cycle_2102.cycle
    first = compile_cycle(cycle)
    stats = stats_of(cycle)
    # Unchanged inputs cost the fingerprint's few queries, not a compile's.
    with CaptureQueriesContext(connection) as queries:
        again = compile_cycle(cycle)
    assert len(queries.captured_queries) <= 15
    writes = [
        q["sql"][:40] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE"))
    ]
    assert writes == ['INSERT INTO "reports_statisticsrun" ("cr']  # the run, and nothing else
    assert again.pk != first.pk
    assert again.status == Status.UNCHANGED
    assert again.fingerprint == first.fingerprint
    kept = stats_of(cycle)
    assert (kept.pk, kept.computed_at) == (stats.pk, stats.computed_at)
    assert kept.questions.count() == 35
    # Forced, it compiles anyway (the same numbers, a new results row).
    forced = compile_cycle(cycle, force=True)
    assert forced.status == Status.DONE
    assert stats_of(cycle).pk != stats.pk
    assert stats_of(cycle).reports_counted == 6


def test_a_new_acceptance_changes_the_inputs(cycle_2102):
    cycle = cycle_2102.cycle
    first = compile_cycle(cycle)
    accept(cycle_2102.reports["NGA"], cycle_2102.reviewer)
    run = compile_cycle(cycle)
    assert run.status == Status.DONE and run.fingerprint != first.fingerprint
    assert stats_of(cycle).reports_counted == 7


@pytest.mark.parametrize("step", ["_table_totals", "_assistance"])
def test_a_compile_that_fails_while_computing_keeps_the_previous_results(
    cycle_2102, monkeypatch, step
):
    cycle = cycle_2102.cycle
    compile_cycle(cycle)
    before = stats_of(cycle)
    accept(cycle_2102.reports["NGA"], cycle_2102.reviewer)  # something to recompile

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(compile_module, step, broken)
    with pytest.raises(RuntimeError):
        compile_cycle(cycle, reason="test")
    run = StatisticsRun.objects.filter(cycle=cycle).order_by("-id").first()
    assert run.status == Status.FAILED
    assert run.error == "RuntimeError: the database went away"
    assert run.finished_at is not None
    after = stats_of(cycle)
    assert (after.pk, after.computed_at, after.reports_counted) == (
        before.pk,
        before.computed_at,
        6,
    )
    assert after.questions.count() == 35 and after.matches.count() == 8


def test_a_compile_that_fails_while_saving_keeps_the_previous_results(cycle_2102, monkeypatch):
    cycle = cycle_2102.cycle
    compile_cycle(cycle)
    before = stats_of(cycle)
    accept(cycle_2102.reports["NGA"], cycle_2102.reviewer)

    def broken(*args, **kwargs):
        raise RuntimeError("no space left on device")

    # The last write of the swap: everything before it in the transaction is rolled back.
    monkeypatch.setattr(AssistanceMatch.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        compile_cycle(cycle)
    assert StatisticsRun.objects.filter(cycle=cycle).order_by("-id").first().status == (
        Status.FAILED
    )
    after = stats_of(cycle)
    assert (after.pk, after.reports_counted) == (before.pk, 6)
    assert after.questions.count() == 35 and after.choices.exists()
    assert after.assistance.count() == 8 and after.matches.count() == 8
    # Once the fault is gone, the next compile swaps the new numbers in.
    monkeypatch.undo()
    assert compile_cycle(cycle).status == Status.DONE
    assert stats_of(cycle).reports_counted == 7


# -- queries ----------------------------------------------------------------------------------


def _reports_with_revisions(cycle, iso3s):
    """Accepted revisions written directly, alike in shape, without rows yet."""
    for index, iso3 in enumerate(iso3s):
        accepted_revision(
            ReportFactory(country=country(iso3), cycle=cycle),
            {
                "1.1": "yes",
                "1.1.1": index,
                "1.2": multi("marking", "other", other="Other"),
                "1.2.1": "Text",
                "3.7.1": [{"category": "pistols", "quantity": index}],
                "10.1.1": [{"topic": "marking", "description": "Need"}],
                "10.3.1": [{"topic": "marking", "description": "Offer", "region": "global"}],
            },
        )


def test_the_number_of_queries_does_not_grow_with_the_reports(
    questions, django_assert_max_num_queries
):
    cycle = CycleFactory(year=2100, questionnaire=questions["1.1"].version)
    compile_cycle(cycle)  # so that both compiles below replace earlier results
    _reports_with_revisions(cycle, ["GHA", "MEX", "DEU"])
    with CaptureQueriesContext(connection) as three:
        compile_cycle(cycle)
    assert stats_of(cycle).reports_counted == 3
    _reports_with_revisions(cycle, ["NGA", "KEN", "JPN", "POL", "USA", "FRA", "BRA", "IND", "SEN"])
    # Twelve reports, nine of them without rows yet (as the three were): no more queries.
    with django_assert_max_num_queries(len(three.captured_queries)):
        run = compile_cycle(cycle)
    assert run.status == Status.DONE
    stats = stats_of(cycle)
    assert stats.reports_counted == 12
    # 0, 1, 2 then 0 to 8: 0 0 1 1 2 2 3 4 5 6 7 8, sum 39, median (2 + 3) / 2.
    assert numeric(stats, "1.1.1") == (12, 39, 2.5, 0, 8)
    assert stats.matches.count() == 12 * 10  # every other State offers; at most ten each
