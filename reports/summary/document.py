"""Reads: a summary report assembled for rendering — headings numbered I./A./1., paragraphs
numbered straight through the body, footnotes numbered through the document, generated text
filled from the cycle's statistics, tables, and the annexes. The HTML preview and the PDF render
the same `SummaryDocument`.

A document is written in its `language` (SummaryReport.language): numbers, dates and State names
follow it (`writing_in`), and so do the words the document prints itself (masthead, captions,
annex titles: rendered under `translation.override`). The wording and the header fields are the
staff's text, as typed; problems found in the wording are for the editor, in their language."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from countries.models import Country, ReportRegion
from countries.names import country_name, grouping_name
from countries.reference_data import un_sort_key
from reports.languages import (
    django_language,
    document_language,
    html_lang,
    is_rtl,
    language_name_in_text,
    un_date,
    writing_in,
)
from reports.models import (
    CycleStatistics,
    NationalReport,
    SummaryParagraph,
    SummaryReport,
    SummarySection,
)
from reports.questionnaire_i18n import translated_texts
from reports.statistics import charts, selectors
from reports.summary.generators import GENERATORS
from reports.summary.numbers import figures
from reports.summary.values import StatisticsValues
from reports.summary.wording import Footnotes, ParagraphHtml, fill, paragraph_html, plain_paragraphs

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]
TEMPLATES = ("reports/summary/document.html", "reports/summary/pdf.html")


def roman(number: int) -> str:
    return ROMAN[number - 1] if number <= len(ROMAN) else str(number)


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # "heading" or "paragraph"
    level: int = 0
    label: str = ""
    title: str = ""
    number: int = 0
    html: ParagraphHtml | None = None
    table: Table | None = None
    paragraph_id: int | None = None
    section_id: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Annex:
    label: str
    title: str
    groups: list[tuple[str, list[str]]] = field(default_factory=list)  # region, State names
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # caption, data URI


@dataclass
class SummaryDocument:
    report: SummaryReport
    stats: CycleStatistics | None
    agenda_titles: list[str]
    summary: list[str]
    blocks: list[Block]
    annexes: list[Annex]
    footnotes: list[str]
    agenda_footnote: str
    problems: list[str]
    language: str = "en"  # the document's language (a document code, "zh" for Chinese)
    date_text: str = ""  # the date, UN style in the document's language
    distribution_text: str = ""
    original_text: str = ""

    @property
    def django_language(self) -> str:
        return django_language(self.language)

    @property
    def lang(self) -> str:
        return html_lang(self.language)

    @property
    def dir(self) -> str:
        return "rtl" if is_rtl(self.language) else "ltr"

    @property
    def list_separator(self) -> str:
        """Between the names of a list of States: the Arabic comma, the Chinese 、."""
        return {"ar": "، ", "zh": "、"}.get(self.language, ", ")


# The usual distributions, printed in the document's language; anything else as typed.
DISTRIBUTIONS = {
    "general": pgettext_lazy("UN distribution", "General"),
    "limited": pgettext_lazy("UN distribution", "Limited"),
    "restricted": pgettext_lazy("UN distribution", "Restricted"),
}


def distribution_text(distribution: str) -> str:
    known = DISTRIBUTIONS.get(distribution.strip().lower())
    return str(known) if known is not None else distribution


def original_language_text(original: str) -> str:
    """ "English" (as typed in the header) in the active language: "anglais", "الإنكليزية"…"""
    wanted = original.strip().lower()
    with translation.override("en"):
        codes = {str(label).lower(): code for code, label in NationalReport.Language.choices}
    code = codes.get(wanted) or (wanted if wanted in codes.values() else None)
    if code is None:
        return original
    return language_name_in_text(str(NationalReport.Language(code).label))


def load_report(report_id: int) -> SummaryReport:
    paragraphs = SummaryParagraph.objects.order_by("position", "id")
    sections = SummarySection.objects.order_by("position", "id").prefetch_related(
        Prefetch("paragraphs", queryset=paragraphs, to_attr="paragraph_list")
    )
    return (
        SummaryReport.objects.select_related("cycle__questionnaire")
        .prefetch_related(Prefetch("sections", queryset=sections, to_attr="section_list"))
        .get(pk=report_id)
    )


def _pct(part: int, whole: int) -> str:
    return f"{round(part / whole * 100)}" if whole else "—"


def _section_titles(report: SummaryReport) -> dict[str, str]:
    """The questionnaire's section titles in the document's language (empty for English)."""
    if document_language(report.language) == "en":
        return {}
    texts = translated_texts(report.cycle.questionnaire, django_language(report.language))
    return {code: section.title for code, section in texts.sections.items()}


def _tables(
    stats: CycleStatistics | None, values: StatisticsValues, titles: dict[str, str]
) -> dict[str, Table]:
    """The tables a generated paragraph may print after it."""
    if stats is None:
        return {}
    board = values.board
    regions = Table(
        caption=_("National reports by region and regional group"),
        headers=[
            _("Region or group"),
            _("States"),
            _("Reported"),
            _("Per cent"),
        ],
        rows=[
            [grouping_name(g.name), str(g.states), str(g.reported), _pct(g.reported, g.states)]
            for g in board.regions + board.groups
        ],
        numeric=[False, True, True, True],
    )
    topics = Table(
        caption=_("Share of reports covering each section of the questionnaire"),
        headers=[
            _("Section"),
            _("Reports"),
            _("Per cent"),
        ],
        rows=[
            [
                f"{s.code}. {titles.get(s.code, s.title)}",
                str(s.reported),
                str(s.percent if s.percent is not None else "—"),
            ]
            for s in board.sections
        ],
        numeric=[False, True, True],
    )
    transfer_rows = []
    exports = {t.key: t for t in board.transfers}
    if "exports" in exports:
        imports = exports.get("imports")
        imported = {row.code: row for row in imports.categories} if imports else {}
        for row in exports["exports"].categories:
            other = imported.get(row.code)
            transfer_rows.append(
                [
                    row.label,
                    figures(row.items),
                    str(row.states),
                    figures(other.items) if other else "—",
                    str(other.states) if other else "—",
                ]
            )
    transfers = Table(
        caption=_("Exports and imports of small arms and light weapons reported, by subcategory"),
        headers=[
            _("Subcategory"),
            _("Items exported"),
            _("States"),
            _("Items imported"),
            _("States"),
        ],
        rows=transfer_rows,
        numeric=[False, True, True, True, True],
    )
    assistance = Table(
        caption=_("Assistance requested and offered, by topic"),
        headers=[
            _("Topic"),
            _("States requesting"),
            _("States offering"),
            _("Requests matched"),
        ],
        rows=[
            [
                topic.label,
                str(len(topic.requests)),
                str(len(topic.offers)),
                str(sum(1 for r in topic.requests if topic.matches.get(r.country_id))),
            ]
            for topic in board.assistance
        ],
        numeric=[False, True, True, True],
    )
    return {"regions": regions, "topics": topics, "transfers": transfers, "assistance": assistance}


def build_document(report: SummaryReport, *, with_charts: bool = True) -> SummaryDocument:
    """Everything the preview and the PDF show, from a report loaded with `load_report`, written
    in the report's language."""
    with writing_in(report.language):
        return _build_document(report, with_charts=with_charts)


def _build_document(report: SummaryReport, *, with_charts: bool) -> SummaryDocument:
    # The document's own words in its language; the editor's messages stay in theirs.
    in_document_language = translation.override(django_language(report.language))
    cycle = report.cycle
    stats = CycleStatistics.objects.filter(cycle=cycle).first()
    values = StatisticsValues(cycle, stats)
    footnotes = Footnotes()
    agenda_footnote = report.agenda_footnote.strip()
    summary = plain_paragraphs(report.summary, footnotes)
    with in_document_language:
        tables = _tables(stats, values, _section_titles(report) if stats else {})
    blocks: list[Block] = []
    counters = [0, 0, 0]
    number = 0
    problems: list[str] = []
    table_number = 0
    for section in report.section_list:
        level = min(max(section.level, 1), 3)
        counters[level - 1] += 1
        for deeper in range(level, 3):
            counters[deeper] = 0
        label = (
            f"{roman(counters[0])}."
            if level == 1
            else f"{chr(64 + counters[1])}."
            if level == 2
            else f"{counters[2]}."
        )
        blocks.append(
            Block(
                kind="heading",
                level=level,
                label=label,
                title=section.title,
                section_id=section.pk,
            )
        )
        for paragraph in section.paragraph_list:
            number += 1
            text, found = paragraph.text, []
            table = None
            if paragraph.kind == SummaryParagraph.Kind.GENERATED:
                text, found = fill(paragraph.text, values)
                generator = GENERATORS.get(paragraph.generator)
                if generator and generator.table and generator.table in tables:
                    table_number += 1
                    table = tables[generator.table]
                    with in_document_language:
                        number_label = _("Table %(number)s") % {"number": table_number}
                    table = Table(
                        caption=f"{number_label}\n{table.caption}",
                        headers=table.headers,
                        rows=table.rows,
                        numeric=table.numeric,
                    )
            # Problems are for the editor, in their language; the document's text is not.
            problems += [
                _("Paragraph %(number)s: %(problem)s") % {"number": number, "problem": problem}
                for problem in found
            ]
            blocks.append(
                Block(
                    kind="paragraph",
                    number=number,
                    html=paragraph_html(text, footnotes),
                    table=table,
                    paragraph_id=paragraph.pk,
                    section_id=section.pk,
                    problems=found,
                )
            )
    with in_document_language:
        annexes = _annexes(report, stats, tables, with_charts)
        header = {
            "date_text": un_date(report.date),
            "distribution_text": distribution_text(report.distribution),
            "original_text": original_language_text(report.original_language),
        }
    return SummaryDocument(
        report=report,
        stats=stats,
        agenda_titles=[line.strip() for line in report.agenda_titles.splitlines() if line.strip()],
        summary=summary,
        blocks=blocks,
        annexes=annexes,
        footnotes=footnotes.notes,
        agenda_footnote=agenda_footnote,
        problems=problems,
        language=document_language(report.language),
        **header,
    )


def _annexes(
    report: SummaryReport,
    stats: CycleStatistics | None,
    tables: dict[str, Table],
    with_charts: bool,
) -> list[Annex]:
    if stats is None:
        return []
    annexes: list[Annex] = []
    if report.annex_reporting_states:
        countries = {
            c.iso3: c for c in Country.objects.filter(iso3__in=stats.reporters).order_by("sort_key")
        }
        groups = []
        for region in ReportRegion.objects.order_by("order", "code"):
            # In the document's language and its alphabetical order (UN order in English).
            names = [country_name(c) for c in countries.values() if c.report_region_id == region.pk]
            if document_language() != "en":
                names.sort(key=un_sort_key)
            groups.append((grouping_name(region.heading), names))
        annexes.append(
            Annex(
                label="",
                title=_("States that submitted a national report for %(year)s, by region")
                % {"year": report.cycle.year},
                groups=groups,
            )
        )
    if report.annex_statistics:
        annexes.append(Annex(label="", title=_("Statistical tables"), tables=list(tables.values())))
    if report.annex_charts and with_charts:
        annexes.append(
            Annex(
                label="",
                title=pgettext("annex", "Charts"),
                charts=[
                    (
                        _("Share of States that reported, by region"),
                        _data_uri(charts.cached_chart(stats, "regions")),
                    ),
                    (
                        _("National reports by cycle and region"),
                        _data_uri(charts.cached_chart(stats, "trend", up_to=report.cycle)),
                    ),
                ],
            )
        )
    for index, annex in enumerate(annexes, start=1):
        annex.label = (
            _("Annex %(number)s") % {"number": roman(index)}
            if len(annexes) > 1
            else pgettext("UN document", "Annex")
        )
    return annexes


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def fingerprint(report: SummaryReport) -> str:
    """Of everything the PDF is made from: the text, the statistics and the templates."""
    from reports.services.documents import template_fingerprint

    stats = (
        CycleStatistics.objects.filter(cycle=report.cycle)
        .values_list("fingerprint", flat=True)
        .first()
    )
    parts: dict[str, Any] = {
        "report": [
            report.symbol,
            report.session,
            report.agenda_item,
            report.agenda_footnote,
            report.agenda_titles,
            report.title,
            str(report.date),
            report.distribution,
            report.original_language,
            report.language,
            report.summary,
            report.annex_reporting_states,
            report.annex_statistics,
            report.annex_charts,
        ],
        "sections": [
            [
                s.pk,
                s.level,
                s.title,
                s.position,
                [[p.pk, p.kind, p.generator, p.text, p.position] for p in s.paragraph_list],
            ]
            for s in report.section_list
        ],
        "cycle": [
            report.cycle.year,
            str(report.cycle.due_on),
            report.cycle.meeting_name,
            str(report.cycle.meeting_starts_on),
            str(report.cycle.meeting_ends_on),
            report.cycle.questionnaire_id,
        ],
        # State names and region headings print in the lists of States and the annex.
        "names": hashlib.sha256(
            repr(
                list(
                    Country.objects.order_by("pk").values_list(
                        "iso3",
                        "un_name",
                        "name_in_sentence",
                        "sort_key",
                        "report_region_id",
                        "names",
                    )
                )
                + list(ReportRegion.objects.order_by("pk").values_list("code", "name", "heading"))
            ).encode()
        ).hexdigest(),
        "statistics": stats,
        "trend": selectors.trend_fingerprint(),
        "charts": charts.CHART_FORMAT,
        "templates": template_fingerprint(*TEMPLATES),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
