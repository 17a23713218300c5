"""Offline filling: the report as an Excel workbook, and reading a filled-in one back.

One sheet per section with the question codes in column A; choice lists as data validation; a
hidden sheet records which report and which answer versions the workbook was made from. Reading
checks every row and applies nothing unless the whole workbook is valid.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from countries.models import Country
from reports.answers import AnswerValidationError, clean_answer
from reports.models import CONTACT_FIELDS, NationalReport, Question, QuestionType, Section
from reports.report_forms import fingerprint, readable
from reports.selectors import answer_records, questionnaire_of
from reports.services.answers import AnswerConflictError, ReportNotEditableError, save_answer
from reports.spreadsheets import (
    append_row,
    decode_control_escapes,
    safe_sheet_title,
    write_cell,
    xml_safe,
)

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
# The first sheet, of instructions. Its title is in the language of whoever downloaded the
# workbook, and is recorded on the _meta sheet so the reader skips it in any language.
ABOUT_TITLE = pgettext_lazy("workbook sheet", "About")
ABOUT_META_KEY = "about"
SPARE_TABLE_ROWS = 10
# Headings of row 1, for people only: the reader skips row 1 and goes by column positions and the
# codes in columns A and B, so a workbook downloaded in any language reads back the same.
HEADER = [
    pgettext_lazy("workbook column", "Code"),
    pgettext_lazy("workbook column", "Item"),
    pgettext_lazy("workbook column", "Question"),
    pgettext_lazy("workbook column", "Answer"),
]
FIRST_VALUE_COLUMN = 4  # D
YES = "yes"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")


class WorkbookRefused(Exception):
    """The uploaded file is not a workbook of this report; the message says why."""


@dataclass
class RowError:
    sheet: str
    row: int
    code: str
    message: str


@dataclass
class UploadResult:
    errors: list[RowError] = field(default_factory=list)
    changed: int = 0
    checked: int = 0


def sheet_title(section: Section) -> str:
    return safe_sheet_title(f"{section.code}. {section.title}")


# -- writing -------------------------------------------------------------------------------


class _Lists:
    """Choice lists live on a hidden sheet; validations refer to their ranges."""

    def __init__(self, workbook: Workbook) -> None:
        self.sheet = workbook.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self.columns: dict[tuple, str] = {}

    def range_for(self, labels: list[str]) -> str:
        key = tuple(labels)
        if key not in self.columns:
            column = get_column_letter(len(self.columns) + 1)
            for index, label in enumerate(labels, start=1):
                write_cell(self.sheet[f"{column}{index}"], label)
            self.columns[key] = f"{LISTS_SHEET}!${column}$1:${column}${len(labels)}"
        return self.columns[key]


COPIED_FILL = PatternFill("solid", fgColor="FFF4D6")


def _mark_copied(cell, year: int) -> None:
    """As in the web form: an answer copied from an earlier report until it is confirmed."""
    cell.fill = COPIED_FILL
    cell.comment = Comment(
        _("From %(year)s: copied from the %(year)s report and not yet confirmed for this one.")
        % {"year": year},
        "PoA Reports",
    )


def build_workbook(report: NationalReport) -> bytes:
    sections, questions = questionnaire_of(report)
    records = answer_records(report)
    workbook = Workbook()
    about = workbook.active
    about.title = safe_sheet_title(str(ABOUT_TITLE))
    _write_about(about, report)
    lists = _Lists(workbook)
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    append_row(meta, ["report", report.pk])
    append_row(meta, [ABOUT_META_KEY, about.title])  # a text in column B: never read as a question
    country_codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True))
    for section in sections:
        sheet = workbook.create_sheet(sheet_title(section))
        append_row(sheet, [str(heading) for heading in HEADER])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        sheet.column_dimensions["A"].width = 9
        sheet.column_dimensions["B"].width = 14
        sheet.column_dimensions["C"].width = 70
        sheet.column_dimensions["D"].width = 40
        sheet.freeze_panes = "A2"
        for question in questions:
            if question.section_id != section.pk:
                continue
            value, version, prefilled = records.get(question.pk, (None, 0, None))
            append_row(meta, [question.code, version, fingerprint(value)])
            first_row = sheet.max_row + 1
            _write_question(sheet, question, value, lists, country_codes)
            if prefilled:
                _mark_copied(sheet[f"A{first_row}"], prefilled)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_about(sheet, report: NationalReport) -> None:
    sheet.column_dimensions["A"].width = 100
    lines = [
        _("%(country)s — national report %(year)s")
        % {"country": report.country.un_name, "year": report.cycle.year},
        "",
        _("Fill in column D (Answer) of each section's sheet; leave columns A and B as they are."),
        # The mark stays "yes" in every language: the reader looks for that word.
        _(
            "Choices: pick from the list in the cell. Check-all questions: write '%(yes)s' beside "
            "each item that applies."
        )
        % {"yes": YES},
        _("Tables: one line per row; add rows in the numbered empty lines under each table."),
        _("Dates as YYYY-MM-DD. Files cannot travel in the workbook: attach them in the web form."),
        _(
            "A code shaded yellow marks an answer copied from an earlier report and not yet "
            "confirmed (its note says from which year); confirm it in the web form."
        ),
        _(
            "Upload the file on the report's page when done. Nothing is changed unless every "
            "line is valid; you will see a list of the lines to fix otherwise."
        ),
    ]
    for line in lines:
        append_row(sheet, [line])
    sheet["A1"].font = Font(bold=True, size=14)


def _question_text(question: Question) -> str:
    text = question.text
    if question.show_if_question_id:
        separator = pgettext("alternatives", "or")  # outside the f-string, for xgettext
        values = f" {separator} ".join(question.show_if_values)
        text = _("(If %(code)s is %(values)s) %(text)s") % {
            "code": question.show_if_question.code,
            "values": values,
            "text": text,
        }
    if question.required:
        text += " " + _("[required]")
    return text


def _validate(sheet, cell_range: str, formula: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = _("Pick a value from the list.")
    sheet.add_data_validation(validation)
    validation.add(cell_range)


def _write_question(sheet, question: Question, value: Any, lists: _Lists, country_codes) -> None:
    qtype = question.type
    wrap = Alignment(wrap_text=True, vertical="top")
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        labels = {c["code"]: c["label"] for c in question.choice_list()}
        append_row(sheet, [question.code, "", _question_text(question), labels.get(value, value)])
        _validate(sheet, f"D{sheet.max_row}", lists.range_for(list(labels.values())))
    elif qtype == QuestionType.MULTI_CHOICE:
        append_row(
            sheet,
            [
                question.code,
                "",
                _question_text(question),
                _("Write '%(yes)s' for each") % {"yes": YES},
            ],
        )
        ticked = set(value["choices"]) if value else set()
        first = sheet.max_row + 1
        for choice in question.choice_list():
            append_row(
                sheet,
                [
                    question.code,
                    choice["code"],
                    choice["label"],
                    YES if choice["code"] in ticked else None,
                ],
            )
        _validate(sheet, f"D{first}:D{sheet.max_row}", f'"{YES}"')
        if question.allow_other:
            append_row(
                sheet,
                [
                    question.code,
                    "other_text",
                    _("Other (specify): text"),
                    value["other"] if value else None,
                ],
            )
    elif qtype in (QuestionType.INTEGER, QuestionType.TEXT, QuestionType.DATE):
        append_row(sheet, [question.code, "", _question_text(question), value])
    elif qtype == QuestionType.CONTACT:
        append_row(sheet, [question.code, "", _question_text(question), None])
        for contact_field in CONTACT_FIELDS:
            append_row(
                sheet,
                [
                    question.code,
                    contact_field["code"],
                    contact_field["label"],
                    (value or {}).get(contact_field["code"]) or None,
                ],
            )
    elif qtype == QuestionType.TABLE:
        columns = question.columns
        append_row(
            sheet,
            [
                question.code,
                "columns",
                _question_text(question),
                *[c["label"] + (" *" if c.get("required") else "") for c in columns],
            ],
        )
        for cell in sheet[sheet.max_row][FIRST_VALUE_COLUMN - 1 :]:
            cell.font = Font(bold=True)
        first = sheet.max_row + 1
        rows = value or []
        for index in range(len(rows) + SPARE_TABLE_ROWS):
            row = rows[index] if index < len(rows) else {}
            append_row(
                sheet, [question.code, index + 1, None, *[row.get(c["code"]) for c in columns]]
            )
        last = sheet.max_row
        for offset, column in enumerate(columns):
            letter = get_column_letter(FIRST_VALUE_COLUMN + offset)
            if column["type"] == "choice":
                formula = lists.range_for([c["label"] for c in column["choices"]])
            elif column["type"] == "yes_no":
                formula = '"yes,no"'
            elif column["type"] == "country":
                formula = lists.range_for(country_codes)
            else:
                continue
            _validate(sheet, f"{letter}{first}:{letter}{last}", formula)
    elif qtype == QuestionType.FILE:
        append_row(
            sheet,
            [question.code, "", _question_text(question), _("(attach files in the web form)")],
        )
    sheet[f"C{sheet.max_row}"].alignment = wrap


# -- reading -------------------------------------------------------------------------------


def read_workbook(report: NationalReport, data: bytes, *, user=None) -> UploadResult:
    """Check every row; apply all answers in one transaction only when nothing is wrong.

    An answer changed online since the download is left as it is when the workbook did not
    change it either; when both changed it, the line is reported as a conflict.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any unreadable file gets the same answer
        raise WorkbookRefused(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    sections, questions = questionnaire_of(report)
    by_code = {q.code: q for q in questions}
    titles = {sheet_title(s): s for s in sections}
    result = UploadResult()
    raw_values: dict[str, tuple[Any, str, int]] = {}
    try:
        downloaded, about_title = _read_meta(workbook, report)
        skipped = {META_SHEET, LISTS_SHEET, about_title, *_about_titles()}
        for sheet in workbook.worksheets:
            if sheet.title in skipped:
                continue
            section = titles.get(sheet.title)
            if section is None:
                result.errors.append(
                    RowError(
                        sheet.title,
                        1,
                        "",
                        _(
                            "This sheet is not a section of the report's "
                            "questionnaire; remove or rename it."
                        ),
                    )
                )
                continue
            _read_sheet(sheet, section, by_code, raw_values, result)
    except WorkbookRefused:
        raise
    except Exception as error:  # a sheet whose contents cannot be parsed
        raise WorkbookRefused(
            _("Part of the workbook could not be read; download a fresh one and fill it in again.")
        ) from error
    if result.errors:
        return result
    records = answer_records(report)
    changes: list[tuple[Question, Any, int, str, int]] = []
    country_codes = set(Country.objects.values_list("iso3", flat=True))
    for code, (value, sheet_name, row_number) in raw_values.items():
        question = by_code[code]
        result.checked += 1
        try:
            clean = clean_answer(
                question, value, known_countries=lambda codes: country_codes & set(codes)
            )
        except AnswerValidationError as error:
            result.errors.append(RowError(sheet_name, row_number, code, error.message))
            continue
        current, version, _copied = records.get(question.pk, (None, 0, None))
        if clean == current:
            continue
        if code not in downloaded:
            result.errors.append(
                RowError(
                    sheet_name,
                    row_number,
                    code,
                    _(
                        "this question was not in the workbook "
                        "as downloaded; download a fresh workbook."
                    ),
                )
            )
            continue
        base_version, base_print = downloaded[code]
        if fingerprint(clean) == base_print:
            continue  # the workbook did not change it; a newer answer online stays
        if base_version != version:
            result.errors.append(
                RowError(
                    sheet_name,
                    row_number,
                    code,
                    _(
                        "changed in the web form since this workbook was downloaded (now: "
                        "%(current)s); download a fresh workbook."
                    )
                    % {"current": readable(question, current)},
                )
            )
            continue
        changes.append((question, clean, base_version, sheet_name, row_number))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for question, clean, base_version, sheet_name, row_number in changes:
                try:
                    save_answer(
                        report=report,
                        question=question,
                        value=clean,
                        user=user,
                        base_version=base_version,
                    )
                except AnswerConflictError:
                    result.errors.append(
                        RowError(
                            sheet_name,
                            row_number,
                            question.code,
                            _(
                                "a colleague changed this answer a moment ago; download a "
                                "fresh workbook."
                            ),
                        )
                    )
                    raise
                result.changed += 1
    except AnswerConflictError:
        result.changed = 0
    except ReportNotEditableError as error:
        raise WorkbookRefused(str(error)) from error
    return result


def _read_meta(workbook, report: NationalReport) -> tuple[dict[str, tuple[int, str]], str]:
    """The answer versions the workbook was made from, and the title of its About sheet."""
    if META_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            _(
                "This workbook was not downloaded from PoA Reports (its hidden _meta sheet is "
                "missing); download the report's workbook and fill that one in."
            )
        )
    versions: dict[str, tuple[int, str]] = {}
    about_title = "About"  # workbooks made before the title was translated
    rows = list(workbook[META_SHEET].iter_rows(values_only=True))
    if not rows or tuple(rows[0][:2]) != ("report", report.pk):
        raise WorkbookRefused(_("This workbook belongs to another report."))
    for row in rows[1:]:
        if row and len(row) >= 3 and isinstance(row[0], str) and isinstance(row[1], int):
            versions[row[0]] = (row[1], str(row[2] or ""))
        elif row and len(row) >= 2 and row[0] == ABOUT_META_KEY and isinstance(row[1], str):
            about_title = row[1]
    return versions, about_title


def _about_titles() -> set[str]:
    """The About sheet's title in every language: also skipped when the _meta row is lost."""
    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(safe_sheet_title(str(ABOUT_TITLE)))
    return titles


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return decode_control_escapes(str(value)).strip()


def _read_sheet(sheet, section: Section, by_code, raw_values, result: UploadResult) -> None:
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row_number == 1 or not row or row[0] is None:
            continue
        code = _text(row[0])
        item = _text(row[1] if len(row) > 1 else None)
        answer = row[FIRST_VALUE_COLUMN - 1] if len(row) >= FIRST_VALUE_COLUMN else None
        question = by_code.get(code)
        if question is None or question.section_id != section.pk:
            result.errors.append(
                RowError(
                    sheet.title, row_number, code, _("No question of this section has this code.")
                )
            )
            continue
        if question.type == QuestionType.FILE:
            continue
        try:
            _collect(question, item, answer, row, raw_values, sheet.title, row_number)
        except ValueError as error:
            result.errors.append(RowError(sheet.title, row_number, code, str(error)))


def _collect(question, item, answer, row, raw_values, sheet_name, row_number) -> None:
    code = question.code
    qtype = question.type
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        text = _text(answer)
        by_label = {xml_safe(c["label"]).casefold(): c["code"] for c in question.choice_list()}
        raw_values[code] = (by_label.get(text.casefold(), text), sheet_name, row_number)
    elif qtype == QuestionType.MULTI_CHOICE:
        value, _sheet, first_row = raw_values.get(
            code, ({"choices": [], "other": ""}, sheet_name, row_number)
        )
        if item == "other_text":
            value["other"] = _text(answer)
        elif item:
            mark = _text(answer).casefold()
            if mark not in ("", YES, "x"):
                raise ValueError(
                    _("write '%(yes)s' (or leave empty) beside %(item)s, not %(mark)s.")
                    % {"yes": YES, "item": item, "mark": repr(mark)}
                )
            if mark:
                value["choices"].append(item)
        raw_values[code] = (value, sheet_name, first_row)
    elif qtype in (QuestionType.INTEGER, QuestionType.TEXT, QuestionType.DATE):
        raw_values[code] = (_text(answer), sheet_name, row_number)
    elif qtype == QuestionType.CONTACT:
        value, _sheet, first_row = raw_values.get(code, ({}, sheet_name, row_number))
        if item:
            if item not in {f["code"] for f in CONTACT_FIELDS}:
                raise ValueError(
                    _("%(item)s is not a field of a contact block.") % {"item": repr(item)}
                )
            value[item] = _text(answer)
        raw_values[code] = (value, sheet_name, first_row)
    elif qtype == QuestionType.TABLE:
        value, _sheet, first_row = raw_values.get(code, ([], sheet_name, row_number))
        if item != "columns":
            if not item.isdigit():
                raise ValueError(_("column B must hold the row number of the table."))
            cells = list(
                row[FIRST_VALUE_COLUMN - 1 : FIRST_VALUE_COLUMN - 1 + len(question.columns)]
            )
            cells += [None] * (len(question.columns) - len(cells))
            by_label = {}
            for column in question.columns:
                if column["type"] == "choice":
                    by_label[column["code"]] = {
                        xml_safe(c["label"]).casefold(): c["code"] for c in column["choices"]
                    }
            entry = {}
            for column, cell in zip(question.columns, cells, strict=True):
                text = _text(cell)
                labels = by_label.get(column["code"])
                entry[column["code"]] = labels.get(text.casefold(), text) if labels else text
            value.append(entry)
        raw_values[code] = (value, sheet_name, first_row)
