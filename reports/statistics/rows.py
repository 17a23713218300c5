"""A revision's frozen answers as typed rows, the form the statistics are counted from.

The JSON snapshot (`Revision.answers`) is what people read; these rows carry the same answers in
columns SQL can group by. They are written when a revision is frozen, and for any revision that
lacks them (older data, bulk-loaded history) before a compile reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from reports.models import (
    ColumnType,
    Question,
    QuestionType,
    Revision,
    RevisionAnswer,
    RevisionCell,
    RevisionChoice,
)

CHOICE_TYPES = (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE)
CHOICE_COLUMNS = (ColumnType.CHOICE, ColumnType.COUNTRY, ColumnType.YES_NO)
BATCH = 5000


def _cell_fields(column_type: str, value: Any) -> dict[str, Any]:
    if column_type in CHOICE_COLUMNS:
        return {"value_choice": str(value)[:64]}
    if column_type == ColumnType.INTEGER:
        return {"value_int": value if isinstance(value, int) else None}
    return {"value_text": str(value)}


def revision_rows(
    revision: Revision, questions: dict[str, Question]
) -> tuple[list[RevisionAnswer], list[RevisionChoice], list[RevisionCell]]:
    """The rows of one revision's snapshot; `questions` maps the version's codes to questions."""
    answers: list[RevisionAnswer] = []
    choices: list[RevisionChoice] = []
    cells: list[RevisionCell] = []
    for code, value in (revision.answers or {}).items():
        question = questions.get(code)
        if question is None or value in (None, "", [], {}):
            continue
        answer = RevisionAnswer(revision=revision, question=question)
        qtype = question.type
        if qtype in CHOICE_TYPES:
            answer.value_choice = str(value)[:64]
        elif qtype == QuestionType.INTEGER:
            answer.value_int = value if isinstance(value, int) else None
        elif qtype == QuestionType.MULTI_CHOICE:
            ticked = value.get("choices", []) if isinstance(value, dict) else value
            choices.extend(
                RevisionChoice(revision=revision, question=question, code=code)
                for code in dict.fromkeys(ticked)
            )
        elif qtype == QuestionType.TABLE:
            column_types = {column["code"]: column["type"] for column in question.columns}
            for row_number, row in enumerate(value):
                for column, cell in row.items():
                    if cell in (None, "") or column not in column_types:
                        continue
                    cells.append(
                        RevisionCell(
                            revision=revision,
                            question=question,
                            row=row_number,
                            column=column,
                            **_cell_fields(column_types[column], cell),
                        )
                    )
        answers.append(answer)
    # A file question counts as answered when the revision lists a file for it.
    for code in dict.fromkeys(item.get("question") for item in revision.attachments or []):
        question = questions.get(code)
        if question is not None and code not in (revision.answers or {}):
            answers.append(RevisionAnswer(revision=revision, question=question))
    return answers, choices, cells


def write_revision_rows(revisions: Iterable[Revision]) -> int:
    """Store the rows of every revision given that does not have them yet; returns how many.

    Revisions are frozen, so rows once written never change; the flag makes this safe to run
    again (and from two workers: the row lock lets one write, the other then finds it done).
    """
    pending = [revision for revision in revisions if not revision.rows_written]
    if not pending:
        return 0
    by_version: dict[int, dict[str, Question]] = {}
    written = 0
    with transaction.atomic():
        locked = list(
            # Lock the revisions only, not the reports and cycles joined to read them.
            Revision.objects.select_for_update(of=("self",))
            .filter(pk__in=[revision.pk for revision in pending], rows_written=False)
            .select_related("report__cycle")
            .order_by("pk")
        )
        answers: list[RevisionAnswer] = []
        choices: list[RevisionChoice] = []
        cells: list[RevisionCell] = []
        for revision in locked:
            version_id = revision.report.cycle.questionnaire_id
            if version_id not in by_version:
                by_version[version_id] = {
                    question.code: question
                    for question in Question.objects.filter(version_id=version_id)
                }
            rows = revision_rows(revision, by_version[version_id])
            answers += rows[0]
            choices += rows[1]
            cells += rows[2]
        RevisionAnswer.objects.bulk_create(answers, batch_size=BATCH)
        RevisionChoice.objects.bulk_create(choices, batch_size=BATCH)
        RevisionCell.objects.bulk_create(cells, batch_size=BATCH)
        Revision.objects.filter(pk__in=[revision.pk for revision in locked]).update(
            rows_written=True
        )
        written = len(locked)
    for revision in pending:
        revision.rows_written = True
    return written
