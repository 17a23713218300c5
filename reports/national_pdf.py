"""The national report of one revision as a PDF, and the changes between two revisions as a PDF.

Both are rendered through `reports.services.documents.render_now`: once per fingerprint of
everything they show (answers, files, the header facts, the templates and stylesheets), then
served from the stored file. Every answer reaches the page as data and is escaped by the template;
nothing typed by a user is ever marked safe.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.template.loader import render_to_string

from countries.models import Country
from reports.diff import compare, compare_files
from reports.models import (
    CONTACT_FIELDS,
    OTHER_CHOICE_CODE,
    YES_NO_CHOICES,
    ColumnType,
    NationalReport,
    Question,
    QuestionType,
    RenderedPdf,
    Revision,
)
from reports.selectors import questionnaire_of
from reports.services.documents import fingerprint_of, render_now, template_fingerprint

NATIONAL_TEMPLATE = "reports/pdf/national.html"
DIFF_TEMPLATE = "reports/pdf/diff.html"
PARTIALS = ("reports/pdf/_masthead.html", "reports/pdf/_answer.html")

YES_NO_LABELS = {choice["code"]: choice["label"] for choice in YES_NO_CHOICES}


# -- answers as blocks the templates lay out ----------------------------------------------------


@dataclass
class AnswerBlock:
    """One answer, ready to lay out: `kind` says how (text, choice, list, number, date,
    contact, table)."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    columns: list[dict] = field(default_factory=list)  # {label, css}
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (text, css) per cell


@dataclass
class Item:
    question: Question
    answer: AnswerBlock | None
    files: list[dict]


def _date_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def _number_text(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def cell_text(column: dict, value: Any, country_names: dict[str, str]) -> str:
    if value in (None, ""):
        return ""
    ctype = column.get("type")
    if ctype == ColumnType.CHOICE:
        labels = {c["code"]: c["label"] for c in column.get("choices") or []}
        return labels.get(value, str(value))
    if ctype == ColumnType.COUNTRY:
        return country_names.get(str(value), str(value))
    if ctype == ColumnType.YES_NO:
        return YES_NO_LABELS.get(value, str(value))
    if ctype == ColumnType.DATE:
        return _date_text(value)
    if ctype == ColumnType.INTEGER:
        return _number_text(value)
    return str(value)


# Numbers align right; links may break anywhere (they have no spaces to break at).
COLUMN_CSS = {ColumnType.INTEGER: "num", ColumnType.URL: "url"}


def table_columns(question: Question) -> list[dict]:
    return [
        {"label": column["label"], "css": COLUMN_CSS.get(column.get("type"), "")}
        for column in question.columns
    ]


def answer_block(
    question: Question, value: Any, country_names: dict[str, str]
) -> AnswerBlock | None:
    """How one stored (JSON) answer reads on paper; None when there is no answer."""
    if value in (None, "", [], {}):
        return None
    qtype = question.type
    labels = {c["code"]: c["label"] for c in question.choice_list()}
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        return AnswerBlock("choice", text=labels.get(value, str(value)))
    if qtype == QuestionType.MULTI_CHOICE:
        items = []
        for code in value.get("choices", []):
            if code == OTHER_CHOICE_CODE and value.get("other"):
                items.append(f"Other: {value['other']}")
            else:
                items.append(labels.get(code, str(code)))
        if value.get("other") and OTHER_CHOICE_CODE not in value.get("choices", []):
            items.append(f"Other: {value['other']}")
        return AnswerBlock("list", items=items)
    if qtype == QuestionType.INTEGER:
        unit = f" {question.unit}" if question.unit else ""
        return AnswerBlock("number", text=_number_text(value) + unit)
    if qtype == QuestionType.DATE:
        return AnswerBlock("date", text=_date_text(value))
    if qtype == QuestionType.CONTACT:
        pairs = [(f["label"], value.get(f["code"]) or "") for f in CONTACT_FIELDS]
        return AnswerBlock("contact", pairs=[(label, text) for label, text in pairs if text])
    if qtype == QuestionType.TABLE:
        columns = table_columns(question)
        return AnswerBlock(
            "table",
            columns=columns,
            rows=[
                [
                    (cell_text(column, row.get(column["code"]), country_names), shown["css"])
                    for column, shown in zip(question.columns, columns, strict=True)
                ]
                for row in value
            ],
        )
    return AnswerBlock("text", text=str(value))


def _country_codes(questions: list[Question], *answer_sets: dict[str, Any]) -> set[str]:
    codes: set[str] = set()
    for question in questions:
        if question.type != QuestionType.TABLE:
            continue
        country_columns = [
            c["code"] for c in question.columns if c.get("type") == ColumnType.COUNTRY
        ]
        if not country_columns:
            continue
        for answers in answer_sets:
            for row in answers.get(question.code) or []:
                codes.update(str(row[c]) for c in country_columns if row.get(c))
    return codes


def country_names(questions: list[Question], *answer_sets: dict[str, Any]) -> dict[str, str]:
    """UN names of the States named in table cells, in one query."""
    codes = _country_codes(questions, *answer_sets)
    if not codes:
        return {}
    return dict(Country.objects.filter(iso3__in=codes).values_list("iso3", "un_name"))


def files_by_question(attachments: list[dict]) -> dict[str, list[dict]]:
    files: dict[str, list[dict]] = {}
    for item in attachments:
        files.setdefault(item["question"], []).append(item)
    return files


# -- header facts -------------------------------------------------------------------------------


def revision_status(report: NationalReport, revision: Revision, latest_number: int) -> str:
    """What became of this revision, in words."""
    if revision.recalled_at:
        return f"Recalled on {_date_text(revision.recalled_at.date())}"
    if revision.published_at:
        return "Published"
    if revision.superseded_at:
        return f"Accepted, superseded on {_date_text(revision.superseded_at.date())}"
    if revision.accepted_at:
        return "Accepted"
    if revision.number < latest_number:
        return "Submitted; a later revision followed"
    if report.status in (
        NationalReport.Status.SUBMITTED,
        NationalReport.Status.UNDER_REVIEW,
        NationalReport.Status.RETURNED,
    ):
        return report.get_status_display()
    return "Submitted"


def _latest_number(report: NationalReport) -> int:
    return report.revisions.aggregate(latest=Max("number"))["latest"] or 0


def _header(report: NationalReport) -> dict[str, Any]:
    cycle = report.cycle
    return {
        "state": report.country.un_name,
        "iso3": report.country.iso3,
        "language": report.language,
        "language_name": report.get_language_display(),
        "year": cycle.year,
        "meeting": cycle.meeting_name,
        "meeting_label": cycle.meeting_label,
        "meeting_dates": cycle.meeting_dates,
        "period": f"{_date_text(cycle.period_start)} to {_date_text(cycle.period_end)}",
        "questionnaire": cycle.questionnaire_id,
    }


def _revision_facts(report: NationalReport, revision: Revision, latest_number: int) -> dict:
    return {
        "number": revision.number,
        "submitted": _date_text(revision.submitted_at.date()) if revision.submitted_at else "",
        "accepted": _date_text(revision.accepted_at.date()) if revision.accepted_at else "",
        "published": _date_text(revision.published_at.date()) if revision.published_at else "",
        "status": revision_status(report, revision, latest_number),
    }


# -- the national report of one revision --------------------------------------------------------


def revision_filename(report: NationalReport, revision: Revision) -> str:
    return f"poa-report-{report.country.iso3.lower()}-{report.cycle.year}-r{revision.number}.pdf"


def revision_context(report: NationalReport, revision: Revision, facts: dict) -> dict[str, Any]:
    sections, questions = questionnaire_of(report)
    answers = revision.answers
    names = country_names(questions, answers)
    files = files_by_question(revision.attachments)
    grouped = []
    for section in sections:
        items = [
            Item(q, answer_block(q, answers.get(q.code), names), files.get(q.code, []))
            for q in questions
            if q.section_id == section.pk and (q.code in answers or q.code in files)
        ]
        grouped.append((section, items))
    return {
        "header": _header(report),
        "symbol": f"{report.country.iso3}/{report.cycle.year}/R{revision.number}",
        "running": f"National report {report.cycle.year} · Revision {revision.number}",
        "revision": facts,
        "grouped": grouped,
        "file_count": len(revision.attachments),
        "answer_count": len(answers),
    }


def revision_pdf(report: NationalReport, revision: Revision, *, user=None) -> RenderedPdf:
    """The stored PDF of this revision, rendered now if its inputs changed since the last one."""
    facts = _revision_facts(report, revision, _latest_number(report))
    fingerprint = fingerprint_of(
        "national",
        _header(report),
        facts,
        revision.answers,
        revision.attachments,
        template_fingerprint(NATIONAL_TEMPLATE, *PARTIALS),
    )

    def build_html(progress) -> str:
        return render_to_string(NATIONAL_TEMPLATE, revision_context(report, revision, facts))

    return render_now(
        RenderedPdf.Kind.NATIONAL, f"revision:{revision.pk}", fingerprint, build_html, user
    )


# -- the changes between two revisions ----------------------------------------------------------


CHANGE_LABELS = {"added": "Newly answered", "removed": "Answer removed", "changed": "Changed"}


@dataclass
class RowLine:
    status: str
    cells: list[tuple[str, str, bool, str]]  # (before, after, changed, css)


@dataclass
class Change:
    question: Question
    status: str
    before: AnswerBlock | None
    after: AnswerBlock | None
    rows: list[RowLine]
    columns: list[dict]  # {label, css} of a table's columns

    @property
    def label(self) -> str:
        return CHANGE_LABELS.get(self.status, self.status)


def diff_filename(report: NationalReport, old: Revision, new: Revision) -> str:
    return (
        f"poa-report-{report.country.iso3.lower()}-{report.cycle.year}"
        f"-r{old.number}-r{new.number}-changes.pdf"
    )


def diff_context(
    report: NationalReport, old: Revision, new: Revision, old_facts: dict, new_facts: dict
) -> dict[str, Any]:
    sections, questions = questionnaire_of(report)
    names = country_names(questions, old.answers, new.answers)
    changed_sections, unchanged_sections = [], []
    for section_diff in compare(sections, questions, old.answers, new.answers):
        if section_diff.unchanged:
            unchanged_sections.append(section_diff.section)
            continue
        changes = []
        for change in section_diff.changes:
            question = change.question
            rows = [
                RowLine(
                    row.status,
                    [
                        (
                            cell_text(column, (row.old or {}).get(column["code"]), names),
                            cell_text(column, (row.new or {}).get(column["code"]), names),
                            column["code"] in row.changed_columns,
                            COLUMN_CSS.get(column.get("type"), ""),
                        )
                        for column in question.columns
                    ],
                )
                for row in change.rows
            ]
            changes.append(
                Change(
                    question,
                    change.status,
                    answer_block(question, old.answers.get(question.code), names),
                    answer_block(question, new.answers.get(question.code), names),
                    rows,
                    table_columns(question),
                )
            )
        changed_sections.append((section_diff.section, changes))
    return {
        "header": _header(report),
        "symbol": f"{report.country.iso3}/{report.cycle.year}/R{old.number}-R{new.number}",
        "running": f"National report {report.cycle.year} · "
        f"Changes, revision {old.number} to {new.number}",
        "old": old_facts,
        "new": new_facts,
        "changed_sections": changed_sections,
        "unchanged_sections": unchanged_sections,
        "change_count": sum(len(changes) for _section, changes in changed_sections),
        "files": compare_files(old.attachments, new.attachments),
    }


def diff_pdf(report: NationalReport, old: Revision, new: Revision, *, user=None) -> RenderedPdf:
    latest = _latest_number(report)
    old_facts = _revision_facts(report, old, latest)
    new_facts = _revision_facts(report, new, latest)
    fingerprint = fingerprint_of(
        "diff",
        _header(report),
        old_facts,
        new_facts,
        old.answers,
        new.answers,
        old.attachments,
        new.attachments,
        template_fingerprint(DIFF_TEMPLATE, *PARTIALS),
    )

    def build_html(progress) -> str:
        context = diff_context(report, old, new, old_facts, new_facts)
        return render_to_string(DIFF_TEMPLATE, context)

    return render_now(
        RenderedPdf.Kind.DIFF, f"diff:{old.pk}:{new.pk}", fingerprint, build_html, user
    )
