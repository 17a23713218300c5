"""What an answer may hold for each question type, and how it is stored in typed rows.

`clean_answer` checks a submitted value against its question and returns the normalised value
(or None for "no answer"); `answer_rows` splits a clean value into the typed columns and rows
of `Answer`, `AnswerChoice` and `AnswerCell`; `value_from_rows` puts it back together.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from reports.models import (
    CONTACT_FIELDS,
    OTHER_CHOICE_CODE,
    YES_NO_CHOICES,
    ColumnType,
    Question,
    QuestionType,
)

# Larger numbers are typing mistakes, and would not fit a PostgreSQL bigint anyway.
MAX_INTEGER = 10**15
MAX_CELL_TEXT = 2000
MAX_CONTACT_FIELD = 500
DEFAULT_TEXT_LIMIT = 10000
YES_NO_CODES = [choice["code"] for choice in YES_NO_CHOICES]

CountryLookup = Callable[[Iterable[str]], set[str]]


class AnswerValidationError(Exception):
    """An answer that does not fit its question; the message names the question."""

    def __init__(self, question_code: str, message: str) -> None:
        self.question_code = question_code
        self.message = message
        super().__init__(
            _("Question %(code)s: %(message)s") % {"code": question_code, "message": message}
        )


@dataclass
class AnswerRows:
    """A clean answer split into the typed columns it is stored in."""

    value_choice: str = ""
    value_int: int | None = None
    value_text: str = ""
    value_date: datetime.date | None = None
    selected: list[str] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)

    def answer_fields(self) -> dict[str, Any]:
        return {
            "value_choice": self.value_choice,
            "value_int": self.value_int,
            "value_text": self.value_text,
            "value_date": self.value_date,
        }


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _known_countries(codes: Iterable[str]) -> set[str]:
    from countries.models import Country

    return set(Country.objects.filter(iso3__in=set(codes)).values_list("iso3", flat=True))


def clean_answer(
    question: Question, value: Any, *, known_countries: CountryLookup = _known_countries
) -> Any:
    """Return the normalised answer, None when the value means "not answered"."""
    if _is_blank(value):
        return None
    cleaner = _CLEANERS[question.type]
    return cleaner(question, value, known_countries)


def _fail(question: Question, message: str) -> NoReturn:
    raise AnswerValidationError(question.code, message)


_SOFT_BREAKS = re.compile("[\x0b\x0c]")
_CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0e-\x1f\x7f]")


def _text(question: Question, value: Any, what: str, limit: int) -> str:
    """A stripped string of at most `limit` characters (PostgreSQL refuses NUL characters)."""
    if not isinstance(value, str):
        _fail(question, _("%(what)s: expected text.") % {"what": what})
    if "\x00" in value:
        _fail(
            question,
            _("%(what)s: the text contains a NUL character; please retype it.") % {"what": what},
        )
    # Word's soft line and page breaks become line breaks; other invisible control characters
    # (which spreadsheets and XML cannot hold) are dropped.
    text = _CONTROL_CHARACTERS.sub("", _SOFT_BREAKS.sub("\n", value)).strip()
    if len(text) > limit:
        _fail(
            question,
            _("%(what)s: the text is %(length)s characters long; at most %(limit)s fit.")
            % {"what": what, "length": f"{len(text):,}", "limit": f"{limit:,}"},
        )
    return text


def _clean_choice(question: Question, value: Any, _lookup: CountryLookup) -> str:
    codes = question.choice_codes()
    if not isinstance(value, str) or value not in codes:
        _fail(
            question,
            _("%(value)s is not one of the choices (%(codes)s).")
            % {"value": repr(value), "codes": ", ".join(codes)},
        )
    return value


def _clean_multi_choice(question: Question, value: Any, _lookup: CountryLookup) -> Any:
    if isinstance(value, list | tuple):
        value = {"choices": list(value), "other": ""}
    if not isinstance(value, dict) or not set(value) <= {"choices", "other"}:
        _fail(question, _("expected a list of ticked choices (and an optional other text)."))
    ticked = value.get("choices") or []
    if not isinstance(ticked, list) or not all(isinstance(code, str) for code in ticked):
        _fail(question, _("expected a list of ticked choices."))
    other_text = _text(question, value.get("other") or "", _('"Other"'), MAX_CELL_TEXT)
    codes = question.choice_codes()
    unknown = [code for code in ticked if code not in codes]
    if unknown:
        _fail(
            question,
            _("%(values)s is not one of the choices.") % {"values": ", ".join(map(repr, unknown))},
        )
    if OTHER_CHOICE_CODE in ticked and question.allow_other and not other_text:
        _fail(question, _('"Other" is ticked: please specify what.'))
    if other_text and OTHER_CHOICE_CODE not in ticked:
        _fail(question, _('a text for "other" was given but "Other" is not ticked.'))
    if not ticked:
        return None
    ordered = [code for code in codes if code in set(ticked)]
    return {"choices": ordered, "other": other_text}


# Whole numbers as people type them: "1250", "-3", or with thousands separators "1,250" / "1 250".
_INTEGER_RE = re.compile(r"^-?(\d{1,16}|\d{1,3}([, ]\d{3})+)$", re.ASCII)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER_RE.match(value.strip()):
        return int(value.strip().replace(",", "").replace(" ", ""))
    return None


def _check_int(number: int | None, minimum: int | None, maximum: int | None) -> str | None:
    if number is None:
        return _("expected a whole number.")
    lowest = 0 if minimum is None else minimum
    if number < lowest:
        return _("the number must be at least %(number)s.") % {"number": f"{lowest:,}"}
    highest = MAX_INTEGER if maximum is None else maximum
    if number > highest:
        return _("the number must be at most %(number)s.") % {"number": f"{highest:,}"}
    return None


def _clean_integer(question: Question, value: Any, _lookup: CountryLookup) -> int:
    number = _parse_int(value)
    problem = _check_int(number, question.min_value, question.max_value)
    if problem:
        _fail(question, problem)
    return number


def _clean_text(question: Question, value: Any, _lookup: CountryLookup) -> str:
    return _text(question, value, _("the answer"), question.max_length or DEFAULT_TEXT_LIMIT)


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _clean_date(question: Question, value: Any, _lookup: CountryLookup) -> datetime.date:
    date = _parse_date(value)
    if date is None:
        _fail(
            question, _("%(value)s is not a date (expected YYYY-MM-DD).") % {"value": repr(value)}
        )
    return date


def _clean_contact(question: Question, value: Any, _lookup: CountryLookup) -> dict[str, str]:
    codes = [f["code"] for f in CONTACT_FIELDS]
    if not isinstance(value, dict):
        _fail(
            question, _("expected a contact block with %(fields)s.") % {"fields": ", ".join(codes)}
        )
    unknown = sorted(set(value) - set(codes))
    if unknown:
        _fail(question, _("unknown contact field(s): %(fields)s.") % {"fields": ", ".join(unknown)})
    contact = {
        code: _text(
            question, value.get(code) or "", _("the %(field)s") % {"field": code}, MAX_CONTACT_FIELD
        )
        for code in codes
    }
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            _fail(
                question,
                _("%(address)s is not a valid e-mail address.")
                % {"address": repr(contact["email"])},
            )
    if not any(contact.values()):
        return None
    return contact


def _clean_cell(question: Question, column: dict, row_number: int, value: Any) -> Any:
    where = _("row %(number)s, %(column)s") % {"number": row_number, "column": column["label"]}
    if _is_blank(value):
        if column.get("required"):
            _fail(question, _("%(where)s: this column is required.") % {"where": where})
        return None
    ctype = column["type"]
    if ctype == ColumnType.TEXT:
        return _text(question, value, where, MAX_CELL_TEXT)
    if ctype == ColumnType.INTEGER:
        number = _parse_int(value)
        problem = _check_int(number, column.get("min"), column.get("max"))
        if problem:
            _fail(question, f"{where}: {problem}")
        return number
    if ctype == ColumnType.DATE:
        date = _parse_date(value)
        if date is None:
            _fail(
                question,
                _("%(where)s: %(value)s is not a date (expected YYYY-MM-DD).")
                % {"where": where, "value": repr(value)},
            )
        return date
    if ctype == ColumnType.URL:
        url = _text(question, value, where, MAX_CELL_TEXT)
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            _fail(
                question,
                _("%(where)s: %(value)s is not a web address (http:// or https://).")
                % {"where": where, "value": repr(url)},
            )
        return url
    if ctype == ColumnType.YES_NO:
        if value not in YES_NO_CODES:
            _fail(question, _("%(where)s: expected yes or no.") % {"where": where})
        return value
    if ctype == ColumnType.CHOICE:
        if value not in [c["code"] for c in column["choices"]]:
            _fail(
                question,
                _("%(where)s: %(value)s is not one of the choices.")
                % {"where": where, "value": repr(value)},
            )
        return value
    if ctype == ColumnType.COUNTRY:
        return _text(question, value, where, 3).upper()
    raise AssertionError(f"unhandled column type {ctype}")


def _clean_table(
    question: Question, value: Any, known_countries: CountryLookup
) -> list[dict[str, Any]] | None:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        _fail(question, _("expected a list of rows."))
    columns = {column["code"]: column for column in question.columns}
    rows = []
    for number, raw_row in enumerate(value, start=1):
        unknown = sorted(set(raw_row) - set(columns))
        if unknown:
            _fail(
                question,
                _("row %(number)s: unknown column(s) %(columns)s.")
                % {"number": number, "columns": ", ".join(unknown)},
            )
        if all(_is_blank(raw_row.get(code)) for code in columns):
            continue  # an empty row the user added but left blank
        rows.append(
            {
                code: _clean_cell(question, column, number, raw_row.get(code))
                for code, column in columns.items()
            }
        )
    country_columns = [c for c, col in columns.items() if col["type"] == ColumnType.COUNTRY]
    used = {row[c] for row in rows for c in country_columns if row[c]}
    if used:
        missing = sorted(used - known_countries(used))
        if missing:
            _fail(question, _("unknown State code(s): %(codes)s.") % {"codes": ", ".join(missing)})
    if len(rows) < question.min_rows:
        _fail(question, _("at least %(count)s row(s) are needed.") % {"count": question.min_rows})
    if question.max_rows is not None and len(rows) > question.max_rows:
        _fail(
            question,
            _("at most %(limit)s rows fit; %(count)s were given.")
            % {"limit": question.max_rows, "count": len(rows)},
        )
    return rows or None


def _clean_file(question: Question, value: Any, _lookup: CountryLookup):
    _fail(question, _("files are attached by uploading them, not given as an answer value."))


_CLEANERS: dict[str, Callable[[Question, Any, CountryLookup], Any]] = {
    QuestionType.YES_NO_DEVELOPING: _clean_choice,
    QuestionType.YES_NO: _clean_choice,
    QuestionType.SINGLE_CHOICE: _clean_choice,
    QuestionType.MULTI_CHOICE: _clean_multi_choice,
    QuestionType.INTEGER: _clean_integer,
    QuestionType.TEXT: _clean_text,
    QuestionType.DATE: _clean_date,
    QuestionType.CONTACT: _clean_contact,
    QuestionType.TABLE: _clean_table,
    QuestionType.FILE: _clean_file,
}

# Which typed column of an AnswerCell holds each column type.
_CELL_FIELD = {
    ColumnType.TEXT: "value_text",
    ColumnType.URL: "value_text",
    ColumnType.INTEGER: "value_int",
    ColumnType.DATE: "value_date",
    ColumnType.CHOICE: "value_choice",
    ColumnType.COUNTRY: "value_choice",
    ColumnType.YES_NO: "value_choice",
}


def answer_rows(question: Question, value: Any) -> AnswerRows:
    """Split a clean, non-empty answer into the typed columns and rows it is stored in."""
    qtype = question.type
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        return AnswerRows(value_choice=value)
    if qtype == QuestionType.MULTI_CHOICE:
        return AnswerRows(value_text=value["other"], selected=list(value["choices"]))
    if qtype == QuestionType.INTEGER:
        return AnswerRows(value_int=value)
    if qtype == QuestionType.TEXT:
        return AnswerRows(value_text=value)
    if qtype == QuestionType.DATE:
        return AnswerRows(value_date=value)
    if qtype == QuestionType.CONTACT:
        cells = [
            {"row": 0, "column": code, "value_text": text} for code, text in value.items() if text
        ]
        return AnswerRows(cells=cells)
    if qtype == QuestionType.TABLE:
        kinds = {column["code"]: _CELL_FIELD[column["type"]] for column in question.columns}
        cells = [
            {"row": row_index, "column": code, kinds[code]: cell}
            for row_index, row in enumerate(value)
            for code, cell in row.items()
            if cell is not None
        ]
        return AnswerRows(cells=cells)
    raise AssertionError(f"{qtype} answers are not stored as values")


def value_from_rows(question: Question, answer: Any, selected: list[str], cells: list[Any]) -> Any:
    """Rebuild the clean value from an `Answer` and its choice and cell rows."""
    qtype = question.type
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        return answer.value_choice
    if qtype == QuestionType.MULTI_CHOICE:
        # Codes in questionnaire order; a code no longer offered (an edited draft version) last.
        order = {code: index for index, code in enumerate(question.choice_codes())}
        ordered = sorted(selected, key=lambda code: order.get(code, len(order)))
        return {"choices": ordered, "other": answer.value_text}
    if qtype == QuestionType.INTEGER:
        return answer.value_int
    if qtype == QuestionType.TEXT:
        return answer.value_text
    if qtype == QuestionType.DATE:
        return answer.value_date
    if qtype == QuestionType.CONTACT:
        contact = {f["code"]: "" for f in CONTACT_FIELDS}
        contact.update({cell.column: cell.value_text for cell in cells})
        return contact
    if qtype == QuestionType.TABLE:
        kinds = {column["code"]: _CELL_FIELD[column["type"]] for column in question.columns}
        row_count = max((cell.row for cell in cells), default=-1) + 1
        rows: list[dict[str, Any]] = [dict.fromkeys(kinds) for _ in range(row_count)]
        for cell in cells:
            if cell.column in kinds:
                rows[cell.row][cell.column] = getattr(cell, kinds[cell.column])
        return rows
    return None
