"""A cycle's statistics as tables: one XLSX workbook (a sheet per table) or one CSV per table.

The same tables feed both formats, so a number is the same wherever it is read. Free text typed
by focal points (assistance descriptions) is written as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from countries.models import Country
from reports.models import (
    ALL_REGIONS,
    ChoiceStatistic,
    CycleStatistics,
    QuestionStatistic,
    SectionStatistic,
    TableTotal,
    answer_choices,
)
from reports.spreadsheets import append_row, csv_cell, safe_sheet_title
from reports.statistics import selectors

Cell = str | int | float | None


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def _region(code: str, names: dict[str, str]) -> str:
    return _("All regions") if code == ALL_REGIONS else names.get(code, code)


def _summary(stats: CycleStatistics, names: dict[str, str]) -> Table:
    cycle = stats.cycle
    rows: list[list[Cell]] = [
        [_("Cycle"), cycle.year],
        [_("Meeting"), cycle.meeting_name],
        [_("Reports counted"), stats.get_counting_rule_display()],
        [_("Computed at"), stats.computed_at.strftime("%Y-%m-%d %H:%M UTC")],
        [_("States"), stats.states_total],
        [_("States that reported"), stats.reports_counted],
        [
            _("Reporting rate (per cent)"),
            selectors.percent(stats.reports_counted, stats.states_total),
        ],
        [_("First-time reporters"), len(stats.first_time)],
        [
            _("Reported in %(previous)s but not in %(year)s")
            % {"previous": stats.previous_year, "year": cycle.year}
            if stats.previous_year
            else _("Reported in the previous cycle but not in this one"),
            len(stats.lapsed),
        ],
    ]
    return Table("summary", _title("summary"), [_("Measure"), _("Value")], rows)


def _groupings(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = [
        [
            grouping.get_kind_display(),
            grouping.name,
            grouping.states,
            grouping.reported,
            selectors.percent(grouping.reported, grouping.states),
            grouping.first_time,
        ]
        for grouping in stats.groupings.all()
    ]
    headers = [
        _("Grouping"),
        _("Name"),
        _("States"),
        _("Reported"),
        _("Per cent"),
        _("First-time reporters"),
    ]
    return Table("regions", _title("regions"), headers, rows)


def _states(stats: CycleStatistics, names: dict[str, str]) -> Table:
    reporters, first, lapsed = set(stats.reporters), set(stats.first_time), set(stats.lapsed)
    rows = [
        [
            country.iso3,
            country.un_name,
            country.report_region.name,
            country.regional_group.name if country.regional_group else "",
            _yes_no(country.iso3 in reporters),
            _yes_no(True) if country.iso3 in first else "",
            _yes_no(True) if country.iso3 in lapsed else "",
        ]
        for country in Country.objects.with_groupings().order_by("sort_key")
    ]
    headers = [
        "ISO3",
        pgettext("Member State", "State"),
        _("Region"),
        _("Regional group"),
        _("Reported"),
        _("First time"),
        _("Lapsed"),
    ]
    return Table("states", _title("states"), headers, rows)


def _sections(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = [
        [
            stat.section.code,
            stat.section.title,
            _region(stat.region, names),
            stat.reports,
            stat.reported,
            selectors.percent(stat.reported, stat.reports),
        ]
        for stat in SectionStatistic.objects.filter(statistics=stats).select_related("section")
    ]
    headers = [
        _("Section"),
        _("Title"),
        _("Region"),
        _("Reports"),
        _("Reports answering"),
        _("Per cent"),
    ]
    return Table("sections", _title("sections"), headers, rows)


def _questions(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = [
        [
            stat.question.code,
            stat.question.text,
            _region(stat.region, names),
            stat.reports,
            stat.shown,
            stat.answered,
            selectors.percent(stat.answered, stat.shown),
            stat.numeric_count or None,
            stat.numeric_sum,
            stat.numeric_median,
            stat.numeric_min,
            stat.numeric_max,
        ]
        for stat in QuestionStatistic.objects.filter(statistics=stats).select_related("question")
    ]
    headers = [
        _("Question"),
        _("Text"),
        _("Region"),
        _("Reports"),
        _("Shown to"),
        _("Answered"),
        _("Per cent answered"),
        _("Numbers given"),
        _("Sum"),
        _("Median"),
        _("Minimum"),
        _("Maximum"),
    ]
    return Table("questions", _title("questions"), headers, rows)


def _choices(stats: CycleStatistics, names: dict[str, str]) -> Table:
    answered = {
        (question_id, region): count
        for question_id, region, count in QuestionStatistic.objects.filter(
            statistics=stats
        ).values_list("question_id", "region", "answered")
    }
    rows = []
    labels: dict[int, dict[str, str]] = {}
    for stat in ChoiceStatistic.objects.filter(statistics=stats).select_related("question"):
        question = stat.question
        if question.pk not in labels:
            labels[question.pk] = {
                c["code"]: c["label"]
                for c in answer_choices(question.type, question.choices, question.allow_other)
            }
        rows.append(
            [
                question.code,
                _region(stat.region, names),
                stat.code,
                labels[question.pk].get(stat.code, stat.code),
                stat.count,
                selectors.percent(stat.count, answered.get((question.pk, stat.region))),
            ]
        )
    headers = [
        _("Question"),
        _("Region"),
        _("Choice"),
        _("Label"),
        _("Reports"),
        _("Per cent of answers"),
    ]
    return Table("choices", _title("choices"), headers, rows)


def _table_totals(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = []
    labels: dict[tuple[int, str], dict[str, str]] = {}
    for total in TableTotal.objects.filter(statistics=stats).select_related("question"):
        key = (total.question_id, total.choice_column)
        if key not in labels:
            column = next(
                (c for c in total.question.columns if c["code"] == total.choice_column), {}
            )
            labels[key] = {c["code"]: c["label"] for c in column.get("choices", [])}
        rows.append(
            [
                total.question.code,
                total.choice_column,
                total.code,
                labels[key].get(total.code, total.code),
                _region(total.region, names),
                total.value_column,
                total.rows,
                total.states,
                total.total,
            ]
        )
    headers = [
        _("Question"),
        _("Column"),
        _("Category"),
        _("Label"),
        _("Region"),
        _("Number column"),
        _("Rows"),
        _("States"),
        _("Total"),
    ]
    return Table("tables", _title("tables"), headers, rows)


def _assistance(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = [
        [
            entry.topic,
            entry.get_kind_display(),
            entry.country.un_name,
            entry.country.report_region.name,
            entry.target_region,
            entry.description,
        ]
        for entry in stats.assistance.select_related("country__report_region")
    ]
    headers = [
        _("Topic"),
        _("Requested or offered"),
        pgettext("Member State", "State"),
        _("Region"),
        _("Offered for"),
        _("Description"),
    ]
    return Table("assistance", _title("assistance"), headers, rows)


def _matches(stats: CycleStatistics, names: dict[str, str]) -> Table:
    rows = [
        [
            match.topic,
            match.requester.un_name,
            match.rank,
            match.offerer.un_name,
            _yes_no(match.same_region),
        ]
        for match in stats.matches.select_related("requester", "offerer")
    ]
    headers = [_("Topic"), _("Requesting State"), _("Rank"), _("Offering State"), _("Same region")]
    return Table("matches", _title("matches"), headers, rows)


def _trend(stats: CycleStatistics, names: dict[str, str]) -> Table:
    points = selectors.trend(up_to=stats.cycle)
    section_codes = list(
        stats.cycle.questionnaire.sections.order_by("position").values_list("code", flat=True)
    )
    region_codes = list(names)
    yes_codes = [q.code for q in selectors.trend_questions(stats.cycle)]
    rows = [
        [
            point.year,
            point.meeting,
            point.reports,
            point.percent,
            *(point.regions.get(code, 0) for code in region_codes),
            *(point.sections.get(code) for code in section_codes),
            *(point.yes.get(code) for code in yes_codes),
        ]
        for point in points
    ]
    headers = [
        _("Cycle"),
        _("Meeting"),
        _("Reports"),
        _("Per cent of States"),
        *(names[code] for code in region_codes),
        *(_("Section %(code)s answered (per cent)") % {"code": code} for code in section_codes),
        *(_("%(code)s yes (per cent)") % {"code": code} for code in yes_codes),
    ]
    return Table("trends", _title("trends"), headers, rows)


BUILDERS: dict[str, Callable[[CycleStatistics, dict[str, str]], Table]] = {
    "summary": _summary,
    "regions": _groupings,
    "states": _states,
    "sections": _sections,
    "questions": _questions,
    "choices": _choices,
    "tables": _table_totals,
    "assistance": _assistance,
    "matches": _matches,
    "trends": _trend,
}
# Sheet and file titles, in the language of the request.
TABLE_TITLES = {
    "summary": gettext_lazy("Summary"),
    "regions": gettext_lazy("By region and group"),
    "states": gettext_lazy("States"),
    "sections": gettext_lazy("Topics (sections)"),
    "questions": gettext_lazy("Questions"),
    "choices": gettext_lazy("Choices"),
    "tables": gettext_lazy("Table totals"),
    "assistance": gettext_lazy("Assistance"),
    "matches": gettext_lazy("Assistance matches"),
    "trends": gettext_lazy("Trends"),
}


def _title(slug: str) -> str:
    return str(TABLE_TITLES[slug])


def _yes_no(value: bool) -> str:
    return (
        pgettext("statistics table cell", "yes")
        if value
        else pgettext("statistics table cell", "no")
    )


def _names() -> dict[str, str]:
    from countries.models import ReportRegion

    return dict(ReportRegion.objects.order_by("order", "code").values_list("code", "name"))


def build_table(stats: CycleStatistics, slug: str) -> Table:
    return BUILDERS[slug](stats, _names())


def as_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow(["" if cell is None else csv_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(stats: CycleStatistics) -> bytes:
    names = _names()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for builder in BUILDERS.values():
        table = builder(stats, names)
        sheet = workbook.create_sheet(safe_sheet_title(table.title))
        # Headers name regions and groupings, rows hold text typed by focal points: all of it
        # goes through the safe writer (no control characters, never a formula).
        append_row(sheet, table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(len(header) + 2, 10), 60
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
