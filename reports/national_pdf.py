"""The national report of one revision as a PDF, and the changes between two revisions as a PDF.

Both are rendered through `reports.services.documents.render_now`: once per fingerprint of
everything they show (answers, files, the header facts, the language, the templates and
stylesheets), then served from the stored file. Both are written in the REPORT's language, not the
reader's: interface words, questionnaire texts, State names and dates. Every answer reaches the
page as data and is escaped by the template; nothing typed by a user is ever marked safe.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from countries.models import Country
from countries.names import country_name
from reports.diff import compare, compare_files
from reports.languages import (
    django_language,
    document_language,
    html_lang,
    is_rtl,
    language_name_in_text,
    un_date,
)
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
from reports.questionnaire_i18n import QuestionnaireTexts, QuestionTexts, translated_texts
from reports.selectors import questionnaire_of
from reports.services.documents import fingerprint_of, render_now, template_fingerprint
from reports.summary.numbers import figures

NATIONAL_TEMPLATE = "reports/pdf/national.html"
DIFF_TEMPLATE = "reports/pdf/diff.html"
PARTIALS = ("reports/pdf/_masthead.html", "reports/pdf/_answer.html")

YES_NO_LABELS = {choice["code"]: choice["label"] for choice in YES_NO_CHOICES}
CONTACT_LABELS = {
    "name": pgettext_lazy("contact", "Name"),
    "position": pgettext_lazy("contact", "Position"),
    "organization": pgettext_lazy("contact", "Ministry, agency or organization"),
    "address": pgettext_lazy("contact", "Address"),
    "phone": pgettext_lazy("contact", "Telephone"),
    "email": pgettext_lazy("contact", "E-mail"),
}


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
    text: str = ""  # the question in the report's language
    english: bool = False  # the text fell back to English (laid out left to right)


@dataclass(frozen=True)
class SectionHeading:
    code: str
    title: str


# Everything below runs under `translation.override(<the report's language>)`: gettext, dates
# and figures follow the active language.


def _date_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return un_date(value)
    return "" if value is None else str(value)


def _number_text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return figures(value)
    return str(value)


def cell_text(
    column: dict, value: Any, country_names: dict[str, str], texts: QuestionTexts | None = None
) -> str:
    if value in (None, ""):
        return ""
    ctype = column.get("type")
    if ctype == ColumnType.CHOICE:
        if texts is not None:
            return texts.column_choice_label(column["code"], str(value))
        labels = {c["code"]: c["label"] for c in column.get("choices") or []}
        return labels.get(value, str(value))
    if ctype == ColumnType.COUNTRY:
        return country_names.get(str(value), str(value))
    if ctype == ColumnType.YES_NO:
        return _(YES_NO_LABELS[value]) if value in YES_NO_LABELS else str(value)
    if ctype == ColumnType.DATE:
        return _date_text(value)
    if ctype == ColumnType.INTEGER:
        return _number_text(value)
    return str(value)


# Numbers align right; links may break anywhere (they have no spaces to break at).
COLUMN_CSS = {ColumnType.INTEGER: "num", ColumnType.URL: "url"}


def table_columns(question: Question, texts: QuestionTexts | None = None) -> list[dict]:
    return [
        {
            "label": texts.column_label(column["code"]) if texts else column["label"],
            "css": COLUMN_CSS.get(column.get("type"), ""),
        }
        for column in question.columns
    ]


def answer_block(
    question: Question,
    value: Any,
    country_names: dict[str, str],
    texts: QuestionTexts | None = None,
) -> AnswerBlock | None:
    """How one stored (JSON) answer reads on paper; None when there is no answer. `texts` are
    the question's texts in the report's language (English when not given)."""
    if value in (None, "", [], {}):
        return None
    qtype = question.type
    if texts is not None:
        labels = dict(texts.choices)
    else:
        labels = {c["code"]: c["label"] for c in question.choice_list()}
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        return AnswerBlock("choice", text=labels.get(value, str(value)))
    if qtype == QuestionType.MULTI_CHOICE:
        items = []
        for code in value.get("choices", []):
            if code == OTHER_CHOICE_CODE and value.get("other"):
                items.append(_("Other: %(text)s") % {"text": value["other"]})
            else:
                items.append(labels.get(code, str(code)))
        if value.get("other") and OTHER_CHOICE_CODE not in value.get("choices", []):
            items.append(_("Other: %(text)s") % {"text": value["other"]})
        return AnswerBlock("list", items=items)
    if qtype == QuestionType.INTEGER:
        shown_unit = texts.unit if texts is not None else question.unit
        unit = f" {shown_unit}" if shown_unit else ""
        return AnswerBlock("number", text=_number_text(value) + unit)
    if qtype == QuestionType.DATE:
        return AnswerBlock("date", text=_date_text(value))
    if qtype == QuestionType.CONTACT:
        pairs = [
            (str(CONTACT_LABELS.get(f["code"], f["label"])), value.get(f["code"]) or "")
            for f in CONTACT_FIELDS
        ]
        return AnswerBlock("contact", pairs=[(label, text) for label, text in pairs if text])
    if qtype == QuestionType.TABLE:
        columns = table_columns(question, texts)
        return AnswerBlock(
            "table",
            columns=columns,
            rows=[
                [
                    (
                        cell_text(column, row.get(column["code"]), country_names, texts),
                        shown["css"],
                    )
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
    """Names, in the active language, of the States named in table cells, in one query."""
    codes = _country_codes(questions, *answer_sets)
    if not codes:
        return {}
    return {
        country.iso3: country_name(country)
        for country in Country.objects.filter(iso3__in=codes).only(
            "iso2", "iso3", "un_name", "names"
        )
    }


def files_by_question(attachments: list[dict]) -> dict[str, list[dict]]:
    files: dict[str, list[dict]] = {}
    for item in attachments:
        files.setdefault(item["question"], []).append(item)
    return files


# -- header facts -------------------------------------------------------------------------------


def revision_status(report: NationalReport, revision: Revision, latest_number: int) -> str:
    """What became of this revision, in words."""
    if revision.recalled_at:
        return _("Recalled on %(date)s") % {"date": _date_text(revision.recalled_at.date())}
    if revision.published_at:
        return _("Published")
    if revision.superseded_at:
        return _("Accepted, superseded on %(date)s") % {
            "date": _date_text(revision.superseded_at.date())
        }
    if revision.accepted_at:
        return _("Accepted")
    if revision.number < latest_number:
        return _("Submitted; a later revision followed")
    if report.status in (
        NationalReport.Status.SUBMITTED,
        NationalReport.Status.UNDER_REVIEW,
        NationalReport.Status.RETURNED,
    ):
        return str(report.get_status_display())
    return _("Submitted")


def _latest_number(report: NationalReport) -> int:
    return report.revisions.aggregate(latest=Max("number"))["latest"] or 0


def css_string(text: str) -> str:
    """`text` as a CSS string literal: everything but letters, digits and spaces escaped."""
    return (
        '"'
        + "".join(
            ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"\\{ord(ch):x} " for ch in text
        )
        + '"'
    )


def page_footer_css() -> str:
    """The `content` of the page footer, "Page 2 of 9" in the active language."""
    mark = "\x00"
    text = _("Page %(number)s of %(pages)s") % {
        "number": f"{mark}page{mark}",
        "pages": f"{mark}pages{mark}",
    }
    parts = text.split(mark)
    return " ".join(
        f"counter({part})" if index % 2 else css_string(part)
        for index, part in enumerate(parts)
        if part or index % 2
    )


def report_language(report: NationalReport) -> str:
    """The Django language code the report's documents are written in."""
    return django_language(report.language)


def _header(report: NationalReport) -> dict[str, Any]:
    """Facts of the masthead, in the active language (the report's, see `report_language`)."""
    cycle = report.cycle
    language = document_language(report.language)
    return {
        "state": country_name(report.country, language),
        "iso3": report.country.iso3,
        "language": language,
        "lang": html_lang(language),
        "dir": "rtl" if is_rtl(language) else "ltr",
        "language_name": language_name_in_text(str(report.get_language_display())),
        "year": cycle.year,
        "meeting": cycle.meeting_name,
        "meeting_label": cycle.meeting_label,
        "meeting_dates": cycle.meeting_dates_in(language),
        "period": _("%(start)s to %(end)s")
        % {"start": _date_text(cycle.period_start), "end": _date_text(cycle.period_end)},
        "questionnaire": cycle.questionnaire_id,
        # Trusted: built from the catalogue with every character escaped (see css_string).
        "page_footer": mark_safe(page_footer_css()),
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


def _texts(report: NationalReport) -> QuestionnaireTexts | None:
    """The questionnaire's texts in the report's language; None for English, whose texts are
    the questions' own (and cost no query)."""
    if document_language(report.language) == "en":
        return None
    return translated_texts(report.cycle.questionnaire, report_language(report))


def _heading(section, texts: QuestionnaireTexts | None) -> SectionHeading:
    shown = texts.sections.get(section.code) if texts else None
    return SectionHeading(section.code, shown.title if shown else section.title)


def _question_texts(question: Question, texts: QuestionnaireTexts | None) -> QuestionTexts | None:
    return texts.questions.get(question.code) if texts else None


def _shown_text(question: Question, shown: QuestionTexts | None) -> tuple[str, bool]:
    """The question's text in the report's language, and whether it is the English fallback
    in a document of another language."""
    text = shown.text if shown else question.text
    return text, text == question.text and document_language() != "en"


def revision_context(report: NationalReport, revision: Revision, facts: dict) -> dict[str, Any]:
    """The national template's context; call it under `translation.override(report_language)`."""
    sections, questions = questionnaire_of(report)
    texts = _texts(report)
    answers = revision.answers
    names = country_names(questions, answers)
    files = files_by_question(revision.attachments)
    grouped = []
    for section in sections:
        items = []
        for q in questions:
            if q.section_id != section.pk or (q.code not in answers and q.code not in files):
                continue
            shown = _question_texts(q, texts)
            items.append(
                Item(
                    q,
                    answer_block(q, answers.get(q.code), names, shown),
                    files.get(q.code, []),
                    *_shown_text(q, shown),
                )
            )
        grouped.append((_heading(section, texts), items))
    return {
        "header": _header(report),
        "symbol": f"{report.country.iso3}/{report.cycle.year}/R{revision.number}",
        "running": _("National report %(year)s · Revision %(number)s")
        % {"year": report.cycle.year, "number": revision.number},
        "revision": facts,
        "grouped": grouped,
        "file_count": len(revision.attachments),
        "answer_count": len(answers),
    }


def _texts_stamp(report: NationalReport) -> str:
    """What the questionnaire's texts in the report's language are (they print in the PDF;
    translations stay editable when a version is frozen)."""
    texts = _texts(report)
    if texts is None:
        return ""
    return fingerprint_of(
        texts.title,
        {code: (s.title,) for code, s in texts.sections.items()},
        {
            code: (q.text, q.unit, q.choices, {c: list(v) for c, v in q.columns.items()})
            for code, q in texts.questions.items()
        },
    )


def revision_fingerprint(report: NationalReport, revision: Revision, facts: dict) -> str:
    """Of everything the revision's PDF shows, the language and its texts included."""
    return fingerprint_of(
        "national",
        report_language(report),
        _header(report),
        facts,
        revision.answers,
        revision.attachments,
        _texts_stamp(report),
        template_fingerprint(NATIONAL_TEMPLATE, *PARTIALS),
    )


def revision_pdf(report: NationalReport, revision: Revision, *, user=None) -> RenderedPdf:
    """The stored PDF of this revision, rendered now if its inputs changed since the last one."""
    language = report_language(report)
    with translation.override(language):
        facts = _revision_facts(report, revision, _latest_number(report))
        fingerprint = revision_fingerprint(report, revision, facts)

    def build_html(progress) -> str:
        with translation.override(language):
            return render_to_string(NATIONAL_TEMPLATE, revision_context(report, revision, facts))

    return render_now(
        RenderedPdf.Kind.NATIONAL, f"revision:{revision.pk}", fingerprint, build_html, user
    )


# -- the changes between two revisions ----------------------------------------------------------


CHANGE_LABELS = {
    "added": gettext_lazy("Newly answered"),
    "removed": gettext_lazy("Answer removed"),
    "changed": pgettext_lazy("answer", "Changed"),
}


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
    text: str = ""  # the question in the report's language
    english: bool = False  # the text fell back to English

    @property
    def label(self) -> str:
        return str(CHANGE_LABELS.get(self.status, self.status))


def diff_filename(report: NationalReport, old: Revision, new: Revision) -> str:
    return (
        f"poa-report-{report.country.iso3.lower()}-{report.cycle.year}"
        f"-r{old.number}-r{new.number}-changes.pdf"
    )


def diff_context(
    report: NationalReport, old: Revision, new: Revision, old_facts: dict, new_facts: dict
) -> dict[str, Any]:
    sections, questions = questionnaire_of(report)
    texts = _texts(report)
    names = country_names(questions, old.answers, new.answers)
    changed_sections, unchanged_sections = [], []
    for section_diff in compare(sections, questions, old.answers, new.answers):
        if section_diff.unchanged:
            unchanged_sections.append(_heading(section_diff.section, texts))
            continue
        changes = []
        for change in section_diff.changes:
            question = change.question
            shown = _question_texts(question, texts)
            rows = [
                RowLine(
                    row.status,
                    [
                        (
                            cell_text(column, (row.old or {}).get(column["code"]), names, shown),
                            cell_text(column, (row.new or {}).get(column["code"]), names, shown),
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
                    answer_block(question, old.answers.get(question.code), names, shown),
                    answer_block(question, new.answers.get(question.code), names, shown),
                    rows,
                    table_columns(question, shown),
                    *_shown_text(question, shown),
                )
            )
        changed_sections.append((_heading(section_diff.section, texts), changes))
    return {
        "header": _header(report),
        "symbol": f"{report.country.iso3}/{report.cycle.year}/R{old.number}-R{new.number}",
        "running": _("National report %(year)s · Changes, revision %(old)s to %(new)s")
        % {"year": report.cycle.year, "old": old.number, "new": new.number},
        "old": old_facts,
        "new": new_facts,
        "changed_sections": changed_sections,
        "unchanged_sections": unchanged_sections,
        "change_count": sum(len(changes) for _section, changes in changed_sections),
        "files": compare_files(old.attachments, new.attachments),
    }


def diff_pdf(report: NationalReport, old: Revision, new: Revision, *, user=None) -> RenderedPdf:
    language = report_language(report)
    latest = _latest_number(report)
    with translation.override(language):
        old_facts = _revision_facts(report, old, latest)
        new_facts = _revision_facts(report, new, latest)
        fingerprint = fingerprint_of(
            "diff",
            language,
            _header(report),
            old_facts,
            new_facts,
            old.answers,
            new.answers,
            old.attachments,
            new.attachments,
            _texts_stamp(report),
            template_fingerprint(DIFF_TEMPLATE, *PARTIALS),
        )

    def build_html(progress) -> str:
        with translation.override(language):
            context = diff_context(report, old, new, old_facts, new_facts)
            return render_to_string(DIFF_TEMPLATE, context)

    return render_now(
        RenderedPdf.Kind.DIFF, f"diff:{old.pk}:{new.pk}", fingerprint, build_html, user
    )
