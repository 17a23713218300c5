"""Reads for the reports app."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Count, Prefetch, Q, QuerySet

from reports.answers import value_from_rows
from reports.models import (
    Answer,
    AnswerCell,
    AnswerChoice,
    Attachment,
    Comment,
    NationalReport,
    Question,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)
from reports.progress import ReportState

# -- hand-written SQL on the hottest paths ------------------------------------------------------
# Django's ORM takes about a millisecond to build each query, more than PostgreSQL takes to
# answer it; the report form's pages and autosave run a few fixed queries written as SQL. Their
# columns come from the models (never typed by hand), and what they read goes through the same
# converters the ORM applies, so the objects they build are the ORM's.


@dataclass(frozen=True)
class Column:
    """One model field as a hand-written query selects it."""

    attname: str
    sql: str  # alias.column, quoted
    converters: tuple
    expression: Any


def model_columns(model, alias: str) -> list[Column]:
    """Every concrete field of `model`, selected from the table named `alias`."""
    quote = connection.ops.quote_name
    columns = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(alias)
        converters = connection.ops.get_db_converters(expression)
        converters += expression.get_db_converters(connection)
        columns.append(
            Column(field.attname, f"{alias}.{quote(field.column)}", tuple(converters), expression)
        )
    return columns


def instance_from_row(model, columns: list[Column], values) -> Any:
    """The model instance the ORM would build from these values (`columns` order)."""
    converted = []
    for value, column in zip(values, columns, strict=True):
        for converter in column.converters:
            value = converter(value, column.expression, connection)
        converted.append(value)
    return model.from_db(connection.alias, [column.attname for column in columns], converted)


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor whose statements PostgreSQL parses and plans once per connection.

    For the fixed queries every report page sends (the gate, the section's answers): planning
    them took longer than running them. Django's own cursors bind parameters in the client,
    which rules prepared statements out, so this is psycopg's server-binding cursor on Django's
    connection, wrapped as Django wraps its cursors (errors, query logging, thread checks).
    Elsewhere (SQLite) Django's cursor.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off for the connection (its cursors bind in the
        # client and never prepare anyway). Allow it for the statements this cursor asks to
        # prepare, and no others: a threshold no statement reaches.
        raw.prepare_threshold = 2**31 - 1
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw_cursor = _preparing_cursor_class()(raw)
    wrapper = _LoggedPreparedCursor if connection.queries_logged else CursorWrapper
    cursor = wrapper(raw_cursor, connection)
    try:
        yield cursor
    finally:
        cursor.close()


class _LoggedPreparedCursor(CursorDebugWrapper):
    """Django's query log (DEBUG, tests counting queries) with the statement's text: Django
    reads that back from client-binding cursors only."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


_PREPARING: list[type] = []


def _preparing_cursor_class() -> type:
    if not _PREPARING:
        import psycopg

        class PreparingCursor(psycopg.Cursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

        _PREPARING.append(PreparingCursor)
    return _PREPARING[0]


def db_values(model, values: dict[str, Any]) -> list[Any]:
    """`values` (field name -> value) as the database takes them, as the ORM prepares them."""
    meta = model._meta
    prepared = []
    for name, value in values.items():
        field = meta.get_field(name)
        if field.many_to_one and isinstance(value, models.Model):
            value = value.pk  # a related object: its key, as the ORM stores it
        prepared.append(field.get_db_prep_save(value, connection))
    return prepared


def cycles_overview() -> QuerySet[ReportingCycle]:
    """Every cycle with its questionnaire and its numbers of reports, newest first."""
    # Meta.ordering does not apply to aggregate queries, so order explicitly.
    return (
        ReportingCycle.objects.select_related("questionnaire")
        .annotate(
            submitted_count=Count("reports", filter=Q(reports__submitted_at__isnull=False)),
            unsubmitted_count=Count("reports", filter=Q(reports__submitted_at__isnull=True)),
        )
        .order_by("-year")
    )


def questionnaire_versions() -> QuerySet[QuestionnaireVersion]:
    return (
        QuestionnaireVersion.objects.with_usage()
        .annotate(question_count=Count("questions", distinct=True))
        .order_by("-created_at")
    )


def questionnaire_sections(version: QuestionnaireVersion) -> list[Section]:
    """The version's sections, each with `.question_list` in order, follow-ups' parents loaded."""
    questions = Question.objects.select_related("show_if_question").order_by("position")
    return list(
        version.sections.order_by("position").prefetch_related(
            Prefetch("questions", queryset=questions, to_attr="question_list")
        )
    )


def country_comments(report: NationalReport) -> QuerySet[Comment]:
    """The comments the country's focal points read, oldest first: their own side's, and the
    secretariat's once shared with them (when the report is returned)."""
    return (
        report.comments.filter(Q(by_secretariat=False) | Q(shared_at__isnull=False))
        .select_related("author", "question")
        .order_by("created_at", "id")
    )


def visible_comments(user, report: NationalReport) -> QuerySet[Comment]:
    """The report's comments the user may read: the secretariat reads them all."""
    from reports import access

    if access.is_secretariat(user):
        return report.comments.select_related("author", "question").order_by("created_at", "id")
    return country_comments(report)


def report_answer_values(report: NationalReport) -> dict[str, Any]:
    """The report's answers as clean values keyed by question code (three queries)."""
    answers = (
        Answer.objects.filter(report=report)
        .select_related("question")
        .prefetch_related("selected", "cells")
    )
    return {
        answer.question.code: value_from_rows(
            answer.question,
            answer,
            [choice.code for choice in answer.selected.all()],
            list(answer.cells.all()),
        )
        for answer in answers
    }


def answer_records(
    report: NationalReport, section: Section | None = None
) -> dict[int, tuple[Any, int, int | None]]:
    """question id -> (clean value, version, year it was pre-filled from) — three queries.

    With `section`, only that section's answers."""
    _sections, questions = questionnaire_of(report)
    by_id = {question.pk: question for question in questions}
    answers = Answer.objects.filter(report=report).order_by()  # no joins for default orderings
    if section is not None:
        answers = answers.filter(question__section=section)
    answers = answers.prefetch_related(
        Prefetch("selected", AnswerChoice.objects.order_by()),
        Prefetch("cells", AnswerCell.objects.order_by()),
    )
    return {
        answer.question_id: (
            value_from_rows(
                by_id[answer.question_id],
                answer,
                [choice.code for choice in answer.selected.all()],
                list(answer.cells.all()),
            ),
            answer.version,
            answer.prefilled_from_year,
        )
        for answer in answers
    }


@dataclass
class SectionAnswers:
    """What a section page needs of a report's answers, read in one query."""

    state: ReportState  # the whole report: visibility and progress of every section
    records: dict[int, tuple[Any, int, int | None]]  # the section's answers, as answer_records
    attachments: dict[int, list[Attachment]]  # the section's current files by question id
    has_comments: bool = False  # whether the report has any comment (read them only then)


# The kinds of rows of the section page's query.
_ANSWER, _TICKED, _CELL, _FILE, _COMMENT = 1, 2, 3, 4, 5

_SECTION_SQL: dict[str, str] = {}


def _section_sql() -> str:
    """The section page's one query: a UNION ALL of the report's answers, its ticked choices,
    the section's table and contact cells, its current files and whether it has comments.

    Written as SQL because Django's ORM takes about a millisecond to build each query, more
    than the database takes to answer them all. Each branch has the same eleven columns:
    kind, id, question, choice, int, text, date, n1, n2, column, time. Plain SQL that runs on
    PostgreSQL and SQLite; NULLs are cast so that every branch agrees on the column types.
    No ORDER BY (sorting took as long as the rest): choices and cells find their place by
    their code, row and column, and files are sorted here.
    """
    vendor = connection.vendor
    sql = _SECTION_SQL.get(vendor)
    if sql is not None:
        return sql
    q = connection.ops.quote_name

    def null(model, name: str) -> str:
        return f"CAST(NULL AS {model._meta.get_field(name).db_type(connection)})"

    answer, choice, cell = (
        Answer._meta.db_table,
        AnswerChoice._meta.db_table,
        AnswerCell._meta.db_table,
    )
    question, attachment = Question._meta.db_table, Attachment._meta.db_table
    comment = Comment._meta.db_table
    no_text = null(Answer, "value_text")
    no_choice = null(Answer, "value_choice")
    no_int = null(Answer, "value_int")
    no_date = null(Answer, "value_date")
    no_number = null(AnswerCell, "row")
    no_column = null(AnswerCell, "column")
    no_time = null(Attachment, "created_at")
    sql = _SECTION_SQL[vendor] = f"""
SELECT {_ANSWER}, a.id, a.question_id, a.value_choice, a.value_int, a.value_text,
       a.value_date, a.version, a.prefilled_from_year, {no_column}, {no_time}
  FROM {answer} a WHERE a.report_id = %s
UNION ALL
SELECT {_TICKED}, t.answer_id, a.question_id, t.code, {no_int}, {no_text},
       {no_date}, t.id, {no_number}, {no_column}, {no_time}
  FROM {choice} t JOIN {answer} a ON a.id = t.answer_id WHERE a.report_id = %s
UNION ALL
SELECT {_CELL}, c.answer_id, a.question_id, c.value_choice, c.value_int, c.value_text,
       c.value_date, c.{q("row")}, c.id, c.{q("column")}, {no_time}
  FROM {cell} c JOIN {answer} a ON a.id = c.answer_id
  JOIN {question} qn ON qn.id = a.question_id
 WHERE a.report_id = %s AND qn.section_id = %s
UNION ALL
SELECT {_FILE}, f.id, f.question_id, {no_choice}, f.size, f.original_name,
       {no_date}, {no_number}, {no_number}, {no_column}, f.created_at
  FROM {attachment} f WHERE f.report_id = %s AND f.removed_at IS NULL
UNION ALL
SELECT {_COMMENT}, m.id, m.question_id, {no_choice}, {no_int}, {no_text},
       {no_date}, {no_number}, {no_number}, {no_column}, {no_time}
  FROM {comment} m WHERE m.report_id = %s"""
    return sql


def _as_date(value):
    # PostgreSQL gives dates; SQLite gives their ISO text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


class _Row:
    """An answer or cell row as `value_from_rows` reads it."""

    __slots__ = ("column", "row", "value_choice", "value_date", "value_int", "value_text")

    def __init__(self, choice, integer, text, date, row=None, column=None) -> None:
        self.value_choice = choice or ""
        self.value_int = integer
        self.value_text = text or ""
        self.value_date = _as_date(date)
        self.row = row
        self.column = column


def section_answers(report: NationalReport, section: Section) -> SectionAnswers:
    """The report's state and the section's answers and files, in one query.

    Every answer of the report (light rows) and every ticked choice give the state that
    `progress.load_states` would read; cells are read for the section only; files are the
    current ones. Comments are only counted: a page reads them (`country_comments`, which
    decides which ones the user may see) only when there are some.
    """
    _sections, questions = questionnaire_of(report)
    by_id = {question.id: question for question in questions}
    section_id = section.id
    state = ReportState()
    answered, choices, ticked = state.answered, state.choice, state.ticked
    answers: dict[int, tuple] = {}  # answer id -> (question, row, version, prefilled)
    selected: dict[int, list[str]] = {}
    cells: dict[int, list[_Row]] = {}
    attachments: dict[int, list[Attachment]] = {}
    has_comments = False
    report_id = report.id
    with prepared_cursor() as cursor:
        params = [report_id, report_id, report_id, section_id, report_id, report_id]
        cursor.execute(_section_sql(), params)
        rows = cursor.fetchall()
    files = []
    for kind, row_id, question_id, choice, integer, text, date, n1, n2, column, added in rows:
        if kind == _ANSWER:
            answered.add(question_id)
            if choice:
                choices[question_id] = choice
            question = by_id[question_id]
            if question.section_id == section_id:
                answers[row_id] = (question, _Row(choice, integer, text, date), n1, n2)
        elif kind == _TICKED:
            ticked[question_id].add(choice)
            selected.setdefault(row_id, []).append(choice)
        elif kind == _CELL:
            cells.setdefault(row_id, []).append(_Row(choice, integer, text, date, n1, column))
        elif kind == _FILE:
            answered.add(question_id)
            if by_id[question_id].section_id == section_id:
                files.append((added, row_id, question_id, text, integer))
        else:
            has_comments = True
    for _time, file_id, question_id, name, size in sorted(files, key=lambda f: f[:2]):
        attachments.setdefault(question_id, []).append(
            Attachment(
                id=file_id, report=report, question_id=question_id, original_name=name, size=size
            )
        )
    records = {
        question.id: (
            value_from_rows(question, row, selected.get(answer_id, []), cells.get(answer_id, [])),
            version,
            prefilled,
        )
        for answer_id, (question, row, version, prefilled) in answers.items()
    }
    return SectionAnswers(state, records, attachments, has_comments)


# A version that reports use is frozen (its cycle uses it, and the admin refuses changes to a
# frozen version), so its structure can be kept in memory for the life of the process.
_STRUCTURE_CACHE: dict[int, tuple[list[Section], list[Question]]] = {}


def questionnaire_of(report: NationalReport) -> tuple[list[Section], list[Question]]:
    """The report's sections and questions in order; read once per process per version.

    Callers must treat the returned objects as read-only: they are shared between requests.
    """
    version_id = report.cycle.questionnaire_id
    cached = _STRUCTURE_CACHE.get(version_id)
    if cached is not None:
        return cached
    sections = list(Section.objects.filter(version_id=version_id).order_by("position"))
    questions = list(
        Question.objects.filter(version_id=version_id)
        .select_related("show_if_question")
        .order_by("position")
    )
    _STRUCTURE_CACHE[version_id] = (sections, questions)
    return sections, questions


def question_by_code(report: NationalReport, code: str) -> Question | None:
    """The report's question with this code, from the in-memory structure (no query)."""
    version_id = report.cycle.questionnaire_id
    codes = _CODE_CACHE.get(version_id)
    if codes is None:
        _sections, questions = questionnaire_of(report)
        codes = _CODE_CACHE[version_id] = {question.code: question for question in questions}
    return codes.get(code)


_CODE_CACHE: dict[int, dict[str, Question]] = {}


def has_follow_ups(report: NationalReport, question: Question) -> bool:
    """Whether some question of the report's questionnaire depends on this one (no query)."""
    version_id = report.cycle.questionnaire_id
    parents = _PARENT_CACHE.get(version_id)
    if parents is None:
        _sections, questions = questionnaire_of(report)
        parents = _PARENT_CACHE[version_id] = {
            q.show_if_question_id for q in questions if q.show_if_question_id
        }
    return question.id in parents


_PARENT_CACHE: dict[int, set[int]] = {}


def forget_questionnaire_structures() -> None:
    """Drop the in-memory structures (tests that edit a version in place call this)."""
    _STRUCTURE_CACHE.clear()
    _CODE_CACHE.clear()
    _PARENT_CACHE.clear()
    _ENGLISH_TEXTS.clear()


def questionnaire_texts(report: NationalReport):
    """The questionnaire's texts in the report's language, each falling back to its English.

    English reports read them from the cached structure (no query; a version in use is frozen).
    Other languages go through `translated_texts`, whose cache costs one query per call: a
    translation may still change after the version is frozen.
    """
    from reports.questionnaire_i18n import translated_texts

    version_id = report.cycle.questionnaire_id
    if report.language == NationalReport.Language.ENGLISH:
        texts = _ENGLISH_TEXTS.get(version_id)
        if texts is None:
            texts = _ENGLISH_TEXTS[version_id] = _english_texts(report)
        return texts
    # Only the version's id is read (its title comes from the stamp): no query for the row.
    return translated_texts(QuestionnaireVersion(pk=version_id), report.language)


_ENGLISH_TEXTS: dict[int, Any] = {}


def _english_texts(report: NationalReport):
    from django.utils import translation

    from reports.questionnaire_i18n import QuestionnaireTexts, QuestionTexts, SectionTexts

    sections, questions = questionnaire_of(report)
    with translation.override("en"):  # built-in labels ("Yes", "Other (specify)") as English
        question_texts = {
            q.code: QuestionTexts(
                code=q.code,
                text=q.text,
                help=q.help,
                unit=q.unit,
                choices={c["code"]: str(c["label"]) for c in q.choice_list()},
                columns={
                    column["code"]: (
                        column["label"],
                        {c["code"]: c["label"] for c in column.get("choices") or []},
                    )
                    for column in q.columns or []
                },
            )
            for q in questions
        }
    return QuestionnaireTexts(
        version_id=report.cycle.questionnaire_id,
        language="en",
        title="",
        description="",
        sections={s.code: SectionTexts(s.code, s.title, s.help) for s in sections},
        questions=question_texts,
    )
