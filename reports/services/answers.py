"""Writes: starting reports, saving answers (with conflict detection), pre-fill."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countries.models import Country
from reports.access import EDITABLE_STATUSES
from reports.answers import (
    AnswerValidationError,
    answer_rows,
    clean_answer,
    value_from_rows,
)
from reports.models import (
    Answer,
    AnswerCell,
    AnswerChoice,
    NationalReport,
    Question,
    QuestionType,
    ReportEvent,
    ReportingCycle,
)
from reports.report_forms import jsonable
from reports.selectors import Column, db_values, instance_from_row, model_columns
from reports.services.audit import record_event


class ReportNotEditableError(Exception):
    """The report's status does not allow its answers to change."""


class AnswerConflictError(Exception):
    """The answer changed since the version the save was based on (a colleague saved first)."""

    def __init__(self, question: Question, current_value: Any, current_version: int) -> None:
        self.question = question
        self.current_value = current_value
        self.current_version = current_version
        super().__init__(
            _("Question %(code)s: someone else saved this answer since you opened it.")
            % {"code": question.code}
        )


def lock_editable_report(report_id: int, what: str) -> None:
    """Lock the report row for the transaction and refuse unless it can still change.

    The lock makes a submission in flight wait, so nothing slips in between check and write.
    `what` starts the refusal, e.g. "Files can be added".
    """
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [report_id])
        row = cursor.fetchone()
    if row is None:
        raise NationalReport.DoesNotExist("No such report")
    _refuse_unless_editable(row[0], what)


def _refuse_unless_editable(status: str, what: str) -> None:
    if status not in EDITABLE_STATUSES:
        label = NationalReport.Status(status).label.lower()
        raise ReportNotEditableError(
            _(
                "The report is %(status)s: %(what)s only while it is a draft or returned for "
                "revision."
            )
            % {"status": label, "what": f"{what[0].lower()}{what[1:]}"}
        )


_SQL: dict[tuple[str, str], str] = {}


def _lock_sql() -> str:
    # Every save pays for this query; as SQL it costs the database's time only (see
    # reports/selectors.py on hand-written SQL).
    key = (connection.vendor, "lock")
    if key not in _SQL:
        sql = f"SELECT status FROM {NationalReport._meta.db_table} WHERE id = %s"
        if connection.features.has_select_for_update:
            sql += " " + connection.ops.for_update_sql()
        _SQL[key] = sql
    return _SQL[key]


def start_report(
    *,
    country: Country,
    cycle: ReportingCycle,
    user=None,
    language: str = "en",
    prefill: bool = False,
) -> NationalReport:
    """The State's report for the cycle, created as a draft if it does not exist yet.

    With `prefill`, a new report starts from the State's last accepted report: its answers are
    copied and marked as coming from that year until confirmed or changed.
    """
    with transaction.atomic():
        report, created = NationalReport.objects.get_or_create(
            country=country,
            cycle=cycle,
            defaults={"language": language, "created_by": user},
        )
        if created and prefill:
            source = last_accepted_report(country=country, before_year=cycle.year)
            if source is not None:
                _copy_answers(source=source, target=report)
    return report


def change_report_language(*, report: NationalReport, language: str, user=None) -> None:
    """Set the language the report is written in (the form then shows the questionnaire in it).

    Only a draft changes language: once submitted, the secretariat reads it in that language.
    """
    if language not in NationalReport.Language.values:
        raise ValueError(f"unknown report language {language!r}")
    with transaction.atomic():
        locked = NationalReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != NationalReport.Status.DRAFT:
            raise ReportNotEditableError(
                _("The report's language can change only while it is a draft.")
            )
        if locked.language == language:
            return
        old = locked.language
        NationalReport.objects.filter(pk=report.pk).update(
            language=language, updated_at=timezone.now()
        )
        record_event(
            report=report,
            kind=ReportEvent.Kind.EDIT,
            actor=user,
            old_value=old,
            new_value=language,
            message=f"Report language changed from {old} to {language}",
        )
    report.language = language


def last_accepted_report(*, country: Country, before_year: int) -> NationalReport | None:
    """The State's most recent report with an accepted revision (reopened ones included)."""
    return (
        NationalReport.objects.filter(
            country=country, cycle__year__lt=before_year, current_revision__isnull=False
        )
        .select_related("cycle", "current_revision")
        .order_by("-cycle__year")
        .first()
    )


def _copy_answers(*, source: NationalReport, target: NationalReport) -> int:
    """Copy the accepted revision's answers by question code; what no longer fits is skipped."""
    questions = Question.objects.filter(version_id=target.cycle.questionnaire_id).exclude(
        type=QuestionType.FILE
    )
    snapshot = source.current_revision.answers
    items = []
    for question in questions:
        if question.code not in snapshot:
            continue
        try:
            value = clean_answer(question, snapshot[question.code])
        except AnswerValidationError:
            continue
        if value is not None:
            items.append((target, question, value))
    target.prefilled_from = source
    target.save(update_fields=["prefilled_from", "updated_at"])
    return bulk_store_answers(items, prefilled_from_year=source.cycle.year)


# The child rows each type of answer keeps; other types have none, so they are never read.
_SELECTED_TYPES = frozenset({QuestionType.MULTI_CHOICE})
_CELL_TYPES = frozenset({QuestionType.TABLE, QuestionType.CONTACT})


_ANSWER_COLUMNS: dict[str, list[Column]] = {}  # by database vendor


def _together(statements: list[tuple[str, list[Any]]]) -> list[Any]:
    """Run the statements in order; each result is its rows (a SELECT) or its row count.

    With psycopg's client-side binding (Django's default on PostgreSQL) they go in one round
    trip. Each statement still reads what was committed when it starts (PostgreSQL takes a new
    snapshot per statement), so a read sent after the lock sees every answer saved before the
    lock was granted. Elsewhere (SQLite, server-side binding) they run one after the other.
    """
    results = []
    with connection.cursor() as cursor:
        if len(statements) > 1 and _sends_together(cursor):
            sql = "; ".join(sql for sql, _ in statements)
            cursor.execute(sql, [param for _, params in statements for param in params])
            while True:
                results.append(cursor.fetchall() if cursor.description else cursor.rowcount)
                if not cursor.nextset():
                    break
            return results
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall() if cursor.description else cursor.rowcount)
    return results


def _sends_together(cursor) -> bool:
    if connection.vendor != "postgresql":
        return False
    import psycopg

    return isinstance(cursor.cursor, psycopg.ClientCursor)


def _sql(key: str, build) -> str:
    """A statement of this module, built once per database vendor from the models."""
    cache_key = (connection.vendor, key)
    sql = _SQL.get(cache_key)
    if sql is None:
        sql = _SQL[cache_key] = build()
    return sql


def _answer_columns() -> list[Column]:
    vendor = connection.vendor
    if vendor not in _ANSWER_COLUMNS:
        _ANSWER_COLUMNS[vendor] = model_columns(Answer, "a")
    return _ANSWER_COLUMNS[vendor]


def _reads(report: NationalReport, question: Question) -> list[tuple[str, list[Any]]]:
    """The statements that read the stored answer, and its choice or cell rows for the types
    that have them (found by report and question, so they need not wait for the answer's id)."""
    answer = Answer._meta.db_table
    where = f"SELECT id FROM {answer} WHERE report_id = %s AND question_id = %s"
    params = [report.pk, question.pk]

    def read_answer() -> str:
        select = ", ".join(column.sql for column in _answer_columns())
        return f"SELECT {select} FROM {answer} a WHERE a.report_id = %s AND a.question_id = %s"

    def read_choices() -> str:
        return (
            f"SELECT code FROM {AnswerChoice._meta.db_table} WHERE answer_id IN ({where}) "
            "ORDER BY id"
        )

    def read_cells() -> str:
        quote = connection.ops.quote_name
        return (
            f"SELECT {quote('row')}, {quote('column')}, value_choice, value_int, value_text, "
            f"value_date FROM {AnswerCell._meta.db_table} WHERE answer_id IN ({where}) "
            f"ORDER BY {quote('row')}, id"
        )

    statements = [(_sql("answer", read_answer), params)]
    if question.type in _SELECTED_TYPES:
        statements.append((_sql("choices", read_choices), params))
    elif question.type in _CELL_TYPES:
        statements.append((_sql("cells", read_cells), params))
    return statements


def _stored_from(question: Question, results: list[Any]) -> tuple[Answer | None, Any, int]:
    """(the answer or None, its clean value or None, version; 0 when unanswered)."""
    if not results[0]:
        return None, None, 0
    existing = instance_from_row(Answer, _answer_columns(), results[0][0])
    selected = cells = []
    if question.type in _SELECTED_TYPES:
        selected = [code for (code,) in results[1]]
    elif question.type in _CELL_TYPES:
        cells = [_Cell(*cell) for cell in results[1]]
    return existing, value_from_rows(question, existing, selected, cells), existing.version


def _stored_answer(report: NationalReport, question: Question) -> tuple[Answer | None, Any, int]:
    """The stored answer as `_stored_from` gives it, in one round trip."""
    return _stored_from(question, _together(_reads(report, question)))


def _locked_answer(report: NationalReport, question: Question) -> tuple[Answer | None, Any, int]:
    """Lock the report (refusing unless editable), then read the stored answer.

    Two statements, never one: a statement reads what was committed when it started, so a
    read joined to the lock could miss the answer a colleague saved while it waited.
    """
    results = _together([(_lock_sql(), [report.pk]), *_reads(report, question)])
    if not results[0]:
        raise NationalReport.DoesNotExist("No such report")
    _refuse_unless_editable(results[0][0][0], _("Answers can change"))
    return _stored_from(question, results[1:])


class _Cell:
    __slots__ = ("column", "row", "value_choice", "value_date", "value_int", "value_text")

    def __init__(self, row, column, choice, integer, text, date) -> None:
        self.row, self.column = row, column
        self.value_choice, self.value_int, self.value_text = choice, integer, text
        # SQLite gives dates as ISO text.
        self.value_date = datetime.date.fromisoformat(date) if isinstance(date, str) else date


def _insert_sql(model, names: list[str]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"


def _edit_event(report, question, user, old_value, new_value, now) -> tuple[str, list[Any]]:
    """The INSERT `audit.record_event` would make for an answer's change (every save writes
    one; as SQL it can go with the answer's update)."""
    values = {
        "report": report.pk,
        "kind": ReportEvent.Kind.EDIT,
        "actor": user.pk if getattr(user, "pk", None) else None,
        "created_at": now,
        "from_status": "",
        "to_status": "",
        "question": question.pk,
        "old_value": jsonable(old_value),
        "new_value": jsonable(new_value),
        "message": "",
    }
    sql = _sql("event", lambda: _insert_sql(ReportEvent, list(values)))
    return sql, db_values(ReportEvent, values)


def _answer_update(
    answer: Answer, fields: dict[str, Any], current_version: int
) -> tuple[str, list[Any]]:
    """The UPDATE of the answer's values and version, unless its version moved (0 rows)."""
    values = {**fields, "version": answer.version, "updated_at": answer.updated_at}

    def build() -> str:
        quote = connection.ops.quote_name
        meta = Answer._meta
        assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in values)
        return f"UPDATE {meta.db_table} SET {assignments} WHERE id = %s AND version = %s"

    params = [*db_values(Answer, values), answer.pk, current_version]
    return _sql("update:" + ",".join(values), build), params


def _children_delete(model, answer: Answer) -> tuple[str, list[Any]]:
    table = model._meta.db_table
    return _sql(f"delete:{table}", lambda: f"DELETE FROM {table} WHERE answer_id = %s"), [answer.pk]


def save_answer(
    *,
    report: NationalReport,
    question: Question,
    value: Any,
    user=None,
    base_version: int | None = None,
) -> Answer | None:
    """Check the value against its question and store it; an empty value removes the answer.

    `base_version` is the answer version the user's value was based on (0: unanswered). When the
    answer has changed since, the save is refused with AnswerConflictError carrying the current
    value, unless the user's value equals it; a value equal to the stored one writes nothing.
    Raises AnswerValidationError (naming the question)
    for a value of the wrong type, and ReportNotEditableError when the report is not a draft or
    returned for revision.
    """
    if question.version_id != report.cycle.questionnaire_id:
        raise AnswerValidationError(
            question.code, "this question is not part of the report's questionnaire."
        )
    value = clean_answer(question, value)
    with transaction.atomic():
        # Every answer write takes this lock first, so from here on nobody else changes the
        # report's answers until the transaction ends: what is read below stays true.
        existing, theirs, current_version = _locked_answer(report, question)
        if value == theirs:
            # Nothing changes: no write, no new version, so colleagues editing get no conflict.
            return existing
        if base_version is not None and base_version != current_version:
            raise AnswerConflictError(question, theirs, current_version)
        now = timezone.now()
        event = _edit_event(report, question, user, theirs, value, now)
        if value is None:
            _together([event])
            if existing:
                existing.delete()
            return None
        rows = answer_rows(question, value)
        fields = {
            **rows.answer_fields(),
            "updated_by": user if getattr(user, "pk", None) else None,
            "prefilled_from_year": None,
        }
        if existing is None:
            _together([event])
            answer = Answer.objects.create(report=report, question=question, **fields)
        else:
            for name, field_value in fields.items():
                setattr(existing, name, field_value)
            existing.version = current_version + 1
            existing.updated_at = now
            statements = [event, _answer_update(existing, fields, current_version)]
            if question.type in _SELECTED_TYPES:
                statements.append(_children_delete(AnswerChoice, existing))
            elif question.type in _CELL_TYPES:
                statements.append(_children_delete(AnswerCell, existing))
            # The update is guarded by the version read under the lock; a mismatch would be a
            # writer that skipped the lock, and must not be overwritten silently (raising rolls
            # the event and the deletions back).
            if _together(statements)[1] != 1:
                _, theirs, current_version = _stored_answer(report, question)
                raise AnswerConflictError(question, theirs, current_version)
            answer = existing
        AnswerChoice.objects.bulk_create(
            AnswerChoice(answer=answer, code=code) for code in rows.selected
        )
        AnswerCell.objects.bulk_create(AnswerCell(answer=answer, **cell) for cell in rows.cells)
    return answer


def confirm_prefilled(*, report: NationalReport, question_ids: Iterable[int], user=None) -> int:
    """Mark copied answers as confirmed for this cycle; returns how many were confirmed."""
    with transaction.atomic():
        lock_editable_report(report.pk, _("Copied answers can be confirmed"))
        answers = Answer.objects.filter(
            report=report, question_id__in=list(question_ids), prefilled_from_year__isnull=False
        ).select_related("question")
        confirmed = list(answers)
        for answer in confirmed:
            record_event(
                report=report,
                kind=ReportEvent.Kind.EDIT,
                actor=user,
                question=answer.question,
                message=f"Answer copied from {answer.prefilled_from_year} confirmed",
            )
        # The value does not change, so neither does the version: no false conflicts.
        return answers.update(
            prefilled_from_year=None,
            updated_by=user,
            updated_at=datetime.datetime.now(tz=datetime.UTC),
        )


def bulk_store_answers(
    items: Iterable[tuple[NationalReport, Question, Any]],
    *,
    batch_size: int = 5000,
    prefilled_from_year: int | None = None,
) -> int:
    """Store many clean answers at once (pre-fill, demo and benchmark data); returns how many.

    The values must already be clean (from `clean_answer`); rows are split exactly as
    `save_answer` splits them, then written with a few bulk inserts.
    """
    answers: list[Answer] = []
    children: list[tuple[Answer, list[str], list[dict[str, Any]]]] = []
    for report, question, value in items:
        rows = answer_rows(question, value)
        answer = Answer(
            report=report,
            question=question,
            prefilled_from_year=prefilled_from_year,
            **rows.answer_fields(),
        )
        answers.append(answer)
        if rows.selected or rows.cells:
            children.append((answer, rows.selected, rows.cells))
    Answer.objects.bulk_create(answers, batch_size=batch_size)
    AnswerChoice.objects.bulk_create(
        (AnswerChoice(answer=answer, code=code) for answer, codes, _ in children for code in codes),
        batch_size=batch_size,
    )
    AnswerCell.objects.bulk_create(
        (AnswerCell(answer=answer, **cell) for answer, _, cells in children for cell in cells),
        batch_size=batch_size,
    )
    return len(answers)
