"""Comparing two revisions of a report, answer by answer; table rows are matched by their key
columns (the required ones), not by position, so inserting a row does not "change" all others."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import pgettext

from reports.models import Question, QuestionType, Section
from reports.report_forms import readable


@dataclass
class RowChange:
    status: str  # added, removed, changed, same
    old: dict | None
    new: dict | None
    changed_columns: list[str] = field(default_factory=list)
    cells: list[tuple[str, str, bool]] = field(default_factory=list)  # (old, new, changed)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class AnswerChange:
    question: Question
    status: str  # added, removed, changed
    old_text: str
    new_text: str
    rows: list[RowChange] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def status_label(status: str) -> str:
    """The status code of a change, in the reader's language (the code stays the CSS class)."""
    labels = {
        "added": pgettext("change", "added"),
        "removed": pgettext("change", "removed"),
        "changed": pgettext("change", "changed"),
        "same": pgettext("change", "same"),
    }
    return labels.get(status, status)


@dataclass
class SectionDiff:
    section: Section
    changes: list[AnswerChange]

    @property
    def unchanged(self) -> bool:
        return not self.changes


def _row_key(question: Question, row: dict) -> tuple:
    keys = [c["code"] for c in question.columns if c.get("required")] or [
        question.columns[0]["code"]
    ]
    return tuple(str(row.get(code) or "") for code in keys)


def _table_rows(question: Question, old: list[dict], new: list[dict]) -> list[RowChange]:
    remaining = {}
    for row in old or []:
        remaining.setdefault(_row_key(question, row), []).append(row)
    result = []
    for row in new or []:
        candidates = remaining.get(_row_key(question, row))
        if candidates:
            before = candidates.pop(0)
            changed = [
                c["code"] for c in question.columns if before.get(c["code"]) != row.get(c["code"])
            ]
            result.append(RowChange("changed" if changed else "same", before, row, changed))
        else:
            result.append(RowChange("added", None, row))
    for rows in remaining.values():
        result.extend(RowChange("removed", row, None) for row in rows)
    for change in result:
        change.cells = [
            (
                _text((change.old or {}).get(column["code"])),
                _text((change.new or {}).get(column["code"])),
                column["code"] in change.changed_columns,
            )
            for column in question.columns
        ]
    return [change for change in result if change.status != "same"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class FileChanges:
    added: list[str]
    removed: list[str]


def compare_files(old: list[dict], new: list[dict]) -> FileChanges:
    """Files attached to one revision and not the other (a file is its name and content)."""
    before = {(item["question"], item["name"], item.get("sha256")) for item in old}
    after = {(item["question"], item["name"], item.get("sha256")) for item in new}
    label = lambda key: f"{key[0]}: {key[1]}"  # noqa: E731
    return FileChanges(
        added=sorted(label(key) for key in after - before),
        removed=sorted(label(key) for key in before - after),
    )


def compare(
    sections: list[Section], questions: list[Question], old: dict[str, Any], new: dict[str, Any]
) -> list[SectionDiff]:
    by_section: dict[int, list[AnswerChange]] = {s.pk: [] for s in sections}
    for question in questions:
        before, after = old.get(question.code), new.get(question.code)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        change = AnswerChange(
            question, status, readable(question, before), readable(question, after)
        )
        if question.type == QuestionType.TABLE and status == "changed":
            change.rows = _table_rows(question, before, after)
        by_section[question.section_id].append(change)
    return [SectionDiff(section, by_section[section.pk]) for section in sections]
