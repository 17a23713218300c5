"""Between HTML forms and answers: reading a question's fields from POST data, and preparing what
the form shows for each question (its value, error, conflict and visibility)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import CONTACT_FIELDS, Attachment, Question, QuestionType

# More rows than this in one post is not a person typing; the table's own limit still applies.
MAX_POSTED_ROWS = 500
EMPTY_TABLE_ROWS = 1


def field_name(question: Question, *parts: object) -> str:
    return "-".join(["q", question.code, *map(str, parts)])


def version_field(question: Question) -> str:
    return f"v-{question.code}"


def posted(question: Question, data: QueryDict) -> bool:
    """A question takes part in a save when its version field was sent."""
    return version_field(question) in data


def _whole_number(raw: str) -> int | None:
    # str.isdigit() also accepts "²" and other digits int() refuses.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def posted_version(question: Question, data: QueryDict) -> int | None:
    """The answer version the posted value was based on; None when missing or malformed."""
    return _whole_number(data.get(version_field(question), ""))


def original_field(question: Question) -> str:
    return f"o-{question.code}"


def fingerprint(value: Any) -> str:
    """A short, stable digest of a clean value: tells whether the user changed a field."""
    canonical = json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def jsonable(value: Any) -> Any:
    """A clean value with its dates as ISO text, ready for JSON."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def unchanged_by_user(question: Question, data: QueryDict, clean_value: Any) -> bool:
    """True when the posted value is the one the page showed: the user did not touch it."""
    return data.get(original_field(question)) == fingerprint(clean_value)


def raw_value(question: Question, data: QueryDict) -> Any:
    """The question's value as the form sent it, before validation."""
    name = field_name(question)
    qtype = question.type
    if qtype in (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
        return data.get(name) or None
    if qtype == QuestionType.MULTI_CHOICE:
        return {"choices": data.getlist(name), "other": data.get(field_name(question, "other"), "")}
    if qtype in (QuestionType.INTEGER, QuestionType.TEXT, QuestionType.DATE):
        return data.get(name, "")
    if qtype == QuestionType.CONTACT:
        return {f["code"]: data.get(field_name(question, f["code"]), "") for f in CONTACT_FIELDS}
    if qtype == QuestionType.TABLE:
        count = _whole_number(data.get(field_name(question, "rows"), "0")) or 0
        # One row more than the table allows is enough for validation to refuse the post;
        # rows are never dropped silently.
        count = min(count, (question.max_rows or MAX_POSTED_ROWS) + 1)
        rows = []
        for index in range(count):
            if data.get(field_name(question, index, "DELETE")):
                continue
            rows.append(
                {
                    column["code"]: data.get(field_name(question, index, column["code"]), "")
                    for column in question.columns
                }
            )
        return rows
    return None


def display_value(question: Question, value: Any) -> Any:
    """A clean value in the shape the form shows: strings everywhere."""
    if value is None:
        return _empty(question)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if question.type == QuestionType.INTEGER:
        return str(value)
    if question.type == QuestionType.TABLE:
        return [{code: _cell_text(cell) for code, cell in row.items()} for row in value]
    return value


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def _empty(question: Question) -> Any:
    if question.type == QuestionType.MULTI_CHOICE:
        return {"choices": [], "other": ""}
    if question.type == QuestionType.CONTACT:
        return {f["code"]: "" for f in CONTACT_FIELDS}
    if question.type == QuestionType.TABLE:
        return []
    return ""


def readable(question: Question, value: Any, country_names: dict[str, str] | None = None) -> str:
    """A short human reading of a clean value (conflicts, read-only views)."""
    if value in (None, "", [], {}):
        return _("(no answer)")
    labels = {c["code"]: c["label"] for c in question.choice_list()}
    if question.type in (
        QuestionType.YES_NO_DEVELOPING,
        QuestionType.YES_NO,
        QuestionType.SINGLE_CHOICE,
    ):
        return labels.get(value, value)
    if question.type == QuestionType.MULTI_CHOICE:
        parts = [labels.get(code, code) for code in value["choices"]]
        if value.get("other"):
            parts[-1:] = [f"{parts[-1]}: {value['other']}"] if parts else [value["other"]]
        return "; ".join(parts)
    if question.type == QuestionType.CONTACT:
        return ", ".join(text for text in value.values() if text)
    if question.type == QuestionType.TABLE:
        rows = ngettext("%(count)d row", "%(count)d rows", len(value)) % {"count": len(value)}
        cell_labels = _table_cell_labels(question, value, country_names)
        return f"{rows}: " + " | ".join(
            ", ".join(
                cell_labels.get((code, _cell_text(cell)), _cell_text(cell))
                for code, cell in row.items()
                if cell not in (None, "")
            )
            for row in value
        )
    return _cell_text(value)


def _table_cell_labels(
    question: Question, rows: list[dict[str, Any]], country_names: dict[str, str] | None
) -> dict[tuple[str, str], str]:
    """(column, stored code) -> what a reader sees: a choice's label, a State's name, yes/no, in
    place of the codes the table stores (one query for the States, none without a State column)."""
    from countries.models import Country
    from countries.names import country_name
    from reports.models import YES_NO_CHOICES, ColumnType

    labels: dict[tuple[str, str], str] = {}
    country_columns = []
    for column in question.columns or []:
        if column.get("type") == ColumnType.CHOICE:
            for choice in column.get("choices") or []:
                labels[(column["code"], choice["code"])] = str(choice["label"])
        elif column.get("type") == ColumnType.YES_NO:
            for choice in YES_NO_CHOICES:
                labels[(column["code"], choice["code"])] = str(choice["label"])
        elif column.get("type") == ColumnType.COUNTRY:
            country_columns.append(column["code"])
    codes = {str(row.get(code)) for row in rows for code in country_columns if row.get(code)}
    if codes:
        names = dict(country_names or {})
        missing = codes - names.keys()
        if missing:
            for country in Country.objects.filter(iso3__in=missing):
                names[country.iso3] = country_name(country)
        for code in country_columns:
            labels.update({(code, iso3): name for iso3, name in names.items()})
    return labels


@dataclass
class ChoiceView:
    code: str
    label: str
    checked: bool


@dataclass
class CellView:
    column: dict
    name: str
    value: str


@dataclass
class QuestionView:
    """Everything the form needs to render one question."""

    question: Question
    value: Any
    version: int
    visible: bool = True
    error: str = ""
    conflict_theirs: str | None = None
    prefilled_from_year: int | None = None
    attachments: list[Attachment] = field(default_factory=list)
    original: str = ""  # fingerprint of the value the page shows, to skip untouched fields
    extra_rows: int = 0  # empty table rows to add (the no-script "Add a row" button)
    comments: list = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def name(self) -> str:
        return field_name(self.question)

    @property
    def version_name(self) -> str:
        return version_field(self.question)

    @property
    def original_name(self) -> str:
        return original_field(self.question)

    @property
    def choices(self) -> list[ChoiceView]:
        if self.question.type == QuestionType.MULTI_CHOICE:
            ticked = set(self.value.get("choices", [])) if isinstance(self.value, dict) else set()
        else:
            ticked = {self.value} if self.value else set()
        return [
            ChoiceView(choice["code"], choice["label"], choice["code"] in ticked)
            for choice in self.question.choice_list()
        ]

    @property
    def other_text(self) -> str:
        return self.value.get("other", "") if isinstance(self.value, dict) else ""

    @property
    def contact_fields(self) -> list[CellView]:
        values = self.value if isinstance(self.value, dict) else {}
        return [
            CellView(f, field_name(self.question, f["code"]), values.get(f["code"], ""))
            for f in CONTACT_FIELDS
        ]

    @property
    def rows(self) -> list[list[CellView]]:
        rows = list(self.value) if isinstance(self.value, list) else []
        rows += [{}] * (self.extra_rows or (0 if rows else EMPTY_TABLE_ROWS))
        return [
            [
                CellView(
                    column,
                    field_name(self.question, index, column["code"]),
                    row.get(column["code"], "") or "",
                )
                for column in self.question.columns
            ]
            for index, row in enumerate(rows)
        ]

    @property
    def template_row(self) -> list[CellView]:
        """The empty row scripts copy when "Add a row" is pressed (index filled in by script)."""
        return [
            CellView(column, field_name(self.question, "__row__", column["code"]), "")
            for column in self.question.columns
        ]

    @property
    def rows_name(self) -> str:
        return field_name(self.question, "rows")

    @property
    def is_choice(self) -> bool:
        return self.question.type in (
            QuestionType.YES_NO_DEVELOPING,
            QuestionType.YES_NO,
            QuestionType.SINGLE_CHOICE,
        )

    @property
    def show_if_values(self) -> str:
        return " ".join(self.question.show_if_values)
