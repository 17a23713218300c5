"""The secretariat's statistics pages, charts and downloads, and the public headline numbers.

The world: three States with an accepted 2026 report (snapshots written by hand), one of them
asking for assistance that another offers; statistics compiled by the same code the worker runs.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from reports.models import (
    CountingRule,
    CycleStatistics,
    ReportingCycle,
    StatisticsRun,
)
from reports.services import start_report
from reports.statistics.compile import compile_cycle
from tests.factories import country
from tests.helpers import accepted_snapshot as accepted

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'


@pytest.fixture
def world(open_cycle):
    accepted(
        open_cycle,
        "GHA",
        {
            "1.1": "yes",
            "1.1.2": 4,
            "3.7": "yes",
            "3.7.1": [
                {"category": "sa_rifles_carbines", "partner": "TGO", "quantity": 120},
                {"category": "lw_mortars_lt_75mm", "partner": "TGO", "quantity": 3},
            ],
            "10.1": "yes",
            "10.1.1": [{"topic": "marking", "description": INJECTION}],
        },
    )
    accepted(
        open_cycle,
        "NGA",
        {
            "1.1": "no",
            "10.3": "yes",
            "10.3.1": [{"topic": "marking", "description": "Marking machines", "region": "africa"}],
        },
    )
    accepted(
        open_cycle,
        "FRA",
        {
            "1.1": "yes",
            "1.1.2": 10,
            "3.7": "yes",
            "3.7.1": [{"category": "sa_rifles_carbines", "partner": "BEL", "quantity": 80}],
        },
    )
    compile_cycle(open_cycle)
    return open_cycle


def login(client, user):
    client.force_login(user)
    return client


def test_dashboard_shows_the_compiled_numbers(
    client, observer, world, django_assert_max_num_queries
):
    login(client, observer)
    with django_assert_max_num_queries(30):
        response = client.get("/review/statistics/2026/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>3</strong> of 195 States reported" in page
    # Exports: rifles 120 + 80 from two States, mortars 3 from one; every subcategory is listed.
    board = response.context["board"]
    exports = next(t for t in board.transfers if t.key == "exports")
    rows = {row.code: row for row in exports.categories}
    assert len(rows) == 13
    assert (rows["sa_rifles_carbines"].items, rows["sa_rifles_carbines"].states) == (200, 2)
    assert (rows["lw_mortars_lt_75mm"].items, rows["lw_mortars_lt_75mm"].states) == (3, 1)
    assert rows["sa_assault_rifles"].items == 0
    assert exports.items == 203
    # Assistance: Ghana asks for help with marking; Nigeria (same region) offers it.
    marking = next(t for t in board.assistance if t.code == "marking")
    assert [e.country.iso3 for e in marking.requests] == ["GHA"]
    assert [e.country.iso3 for e in marking.offers] == ["NGA"]
    ghana = country("GHA")
    assert [(m.offerer.iso3, m.same_region) for m in marking.matches[ghana.pk]] == [("NGA", True)]
    assert "same region" in page
    # A focal point's text is escaped, never markup.
    assert "<script>alert(1)</script>" not in page
    # Yes/no question 1.1: two yes, one no of three answers.
    section = next(s for s in board.sections if s.code == "1")
    q11 = next(q for q in section.questions if q.question.code == "1.1")
    assert {c.code: (c.count, c.percent) for c in q11.choices} == {
        "yes": (2, 67),
        "no": (1, 33),
        "developing": (0, 0),
    }
    q112 = next(q for q in section.questions if q.question.code == "1.1.2")
    assert (q112.shown, q112.answered) == (2, 2)
    assert q112.numeric["sum"] == 14


def test_dashboard_query_count_does_not_grow_with_reports(
    client, observer, open_cycle, django_assert_max_num_queries
):
    for iso3 in ["GHA", "NGA", "FRA", "MEX", "PHL", "BRA", "IND", "KEN"]:
        accepted(open_cycle, iso3, {"1.1": "yes", "10.1": "yes"})
    compile_cycle(open_cycle)
    login(client, observer)
    with django_assert_max_num_queries(30):
        assert client.get("/review/statistics/2026/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/review/statistics/").status_code == 200


def test_cycle_never_compiled(client, observer, open_cycle):
    login(client, observer)
    response = client.get("/review/statistics/2026/")
    assert response.status_code == 200
    assert "Not compiled yet" in response.content.decode()
    # Downloads of statistics that do not exist yet: 404, not an empty file.
    assert client.get("/review/statistics/2026/statistics.xlsx").status_code == 404
    assert client.get("/review/statistics/2026/summary.csv").status_code == 404
    assert client.get("/review/statistics/2026/charts/regions.svg").status_code == 404
    assert client.get("/review/statistics/1999/").status_code == 404


def test_statistics_are_for_the_secretariat_only(client, submitter, world):
    assert client.get("/review/statistics/2026/").status_code == 302  # to the sign-in page
    login(client, submitter)
    for url in (
        "/review/statistics/",
        "/review/statistics/2026/",
        "/review/statistics/2026/statistics.xlsx",
        "/review/statistics/2026/regions.csv",
        "/review/statistics/2026/charts/regions.svg",
        "/review/statistics/2026/status.json",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/review/statistics/2026/compile/").status_code == 404


def test_reviewer_recompiles(
    client, secretariat_reviewer, world, django_capture_on_commit_callbacks
):
    login(client, secretariat_reviewer)
    before = StatisticsRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/review/statistics/2026/compile/", follow=True)
    assert response.status_code == 200
    run = StatisticsRun.objects.order_by("-id").first()
    assert StatisticsRun.objects.count() == before + 1
    assert run.status == StatisticsRun.Status.DONE  # forced: staff asked for it
    assert run.requested_by == secretariat_reviewer
    # Queued when the page answered; the (captured) task ran after the transaction committed.
    assert "are being compiled" in response.content.decode()
    status = client.get("/review/statistics/2026/status.json").json()
    assert status == {
        "status": "done",
        "label": "Done",
        "progress": 100,
        "step": "",
        "error": "",
        "active": False,
    }


def test_observer_cannot_recompile_or_change_settings(client, observer, world):
    login(client, observer)
    runs = StatisticsRun.objects.count()
    response = client.post("/review/statistics/2026/compile/", follow=True)
    assert "Only secretariat reviewers and administrators" in response.content.decode()
    assert StatisticsRun.objects.count() == runs
    response = client.post(
        "/review/statistics/2026/settings/",
        {"counting_rule": "submitted", "statistics_public": "1"},
        follow=True,
    )
    assert "Only secretariat administrators" in response.content.decode()
    world.refresh_from_db()
    assert (world.counting_rule, world.statistics_public) == (CountingRule.ACCEPTED, False)


def test_administrator_changes_the_counting_rule(
    client, secretariat_admin, submitter, world, django_capture_on_commit_callbacks
):
    # Mexico submitted (not accepted): counted only under the "submitted" rule.
    from tests.conftest import fill_required

    mexico = start_report(country=country("MEX"), cycle=world)
    fill_required(mexico)
    from reports.services.submission import submit_report
    from tests.conftest import _member

    submit_report(report=mexico, user=_member("sub@mx.example", "MEX", "submitter"))
    login(client, secretariat_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/review/statistics/2026/settings/", {"counting_rule": "submitted"}, follow=True
        )
    assert "settings of the cycle are saved" in response.content.decode()
    world.refresh_from_db()
    assert world.counting_rule == CountingRule.SUBMITTED
    # The three accepted reports (their latest revision) and Mexico's submission.
    assert CycleStatistics.objects.get(cycle=world).reports_counted == 4


def test_a_bad_counting_rule_is_refused(client, secretariat_admin, world):
    login(client, secretariat_admin)
    response = client.post(
        "/review/statistics/2026/settings/", {"counting_rule": "everything"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose which reports to count" in response.content.decode()
    world.refresh_from_db()
    assert world.counting_rule == CountingRule.ACCEPTED


def test_failed_compile_is_shown_with_its_reason(client, observer, world, monkeypatch):
    from reports.statistics import compile as compile_module

    def broken(*args, **kwargs):
        raise ValueError("the region table is unreadable")

    monkeypatch.setattr(compile_module, "_groupings", broken)
    with pytest.raises(ValueError):
        compile_cycle(world, force=True)
    login(client, observer)
    page = client.get("/review/statistics/2026/").content.decode()
    assert "Failed" in page
    assert "the region table is unreadable" in page
    # The previous results are still there.
    assert "<strong>3</strong> of 195 States reported" in page


def test_charts_are_self_contained_svg(client, observer, world):
    login(client, observer)
    for name in ("regions", "trend"):
        response = client.get(f"/review/statistics/2026/charts/{name}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        svg = response.content.decode()
        assert svg.startswith("<svg")
        assert "<script" not in svg
        # Nothing to fetch: no links, no external styles or images, no metadata.
        links = re.findall(r'href="([^"]*)"', svg)
        assert all(link.startswith("#") for link in links)  # only to its own parts
        assert "url(http" not in svg and "@import" not in svg
        assert "<metadata" not in svg
    regions = client.get("/review/statistics/2026/charts/regions.svg").content.decode()
    assert "Africa" in regions
    assert "2 of 54 (4 per cent)" in regions  # Ghana and Nigeria
    assert client.get("/review/statistics/2026/charts/pie.svg").status_code == 404


def test_chart_svg_is_the_same_for_the_same_numbers(world):
    from reports.statistics import charts, selectors

    board = selectors.dashboard(world)
    assert charts.region_rate_chart(board.regions) == charts.region_rate_chart(board.regions)


def test_xlsx_has_a_sheet_per_table(client, observer, world):
    login(client, observer)
    response = client.get("/review/statistics/2026/statistics.xlsx")
    assert response.status_code == 200
    assert "poa-statistics-2026.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary",
        "By region and group",
        "States",
        "Topics (sections)",
        "Questions",
        "Choices",
        "Table totals",
        "Assistance",
        "Assistance matches",
        "Trends",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["States that reported"] == 3
    assert summary["States"] == 195
    states = list(workbook["States"].iter_rows(values_only=True))
    reported = {row[0] for row in states[1:] if row[4] == "yes"}
    assert reported == {"GHA", "NGA", "FRA"}
    # Ghana's description starts with "=": stored as text, never a formula.
    descriptions = [
        cell
        for row in workbook["Assistance"].iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")
    ]
    assert descriptions and all(cell.data_type == "s" for cell in descriptions)


def test_csv_per_table(client, observer, world):
    login(client, observer)
    response = client.get("/review/statistics/2026/regions.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Grouping", "Name", "States", "Reported", "Per cent", "First-time reporters"]
    africa = next(row for row in rows if row[1] == "Africa")
    assert africa[2:5] == ["54", "2", "4"]
    assistance = client.get("/review/statistics/2026/assistance.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in assistance  # neutralised for spreadsheet programs
    assert client.get("/review/statistics/2026/passwords.csv").status_code == 404


def test_public_headline_only_once_made_public(client, world):
    page = client.get("/public/2026/").content.decode()
    assert "In numbers" not in page
    ReportingCycle.objects.filter(pk=world.pk).update(statistics_public=True)
    page = client.get("/public/2026/").content.decode()
    assert "In numbers" in page
    assert "<strong>3</strong> of 195 States submitted a national report" in page
    # Aggregates only: which States reported is not shown before their reports are published.
    assert "Ghana" not in page


def test_control_characters_from_word_do_not_break_the_workbook(client, observer, world):
    from reports.models import AssistanceEntry

    AssistanceEntry.objects.update(description="line\x0bbreak\x01")
    login(client, observer)
    response = client.get("/review/statistics/2026/statistics.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Assistance"]
    assert "linebreak" in [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
