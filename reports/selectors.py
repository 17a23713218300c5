"""Reads for the reports app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    QuestionType,
    ReportingCycle,
    Section,
)
from reports.progress import ReportState


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
    """What a section page needs of a report's answers, read in two to four queries."""

    state: ReportState  # the whole report: visibility and progress of every section
    records: dict[int, tuple[Any, int, int | None]]  # the section's answers, as answer_records
    attachments: dict[int, list[Attachment]]  # the section's current files by question id


_CHILD_ROWS_OF = {
    QuestionType.MULTI_CHOICE: "selected",
    QuestionType.TABLE: "cells",
    QuestionType.CONTACT: "cells",
}


def section_answers(report: NationalReport, section: Section) -> SectionAnswers:
    """The report's state and the section's answers and files, without reading anything twice.

    One query reads every answer of the report (light rows, no joins); the ticked choices and
    the table and contact cells are read only when some answer has them (cells only for the
    section); one query reads the current files. The same rows give the state that
    `progress.load_states` would read.
    """
    _sections, questions = questionnaire_of(report)
    by_id = {question.pk: question for question in questions}
    state = ReportState()
    answers = list(
        Answer.objects.filter(report=report)
        .order_by()
        .values_list(
            "id",
            "question_id",
            "value_choice",
            "value_int",
            "value_text",
            "value_date",
            "version",
            "prefilled_from_year",
            named=True,
        )
    )
    ticked_answers: dict[int, int] = {}  # answer id -> question id, every check-all answer
    cell_answers: list[int] = []  # the section's table and contact answers
    for answer in answers:
        state.answered.add(answer.question_id)
        if answer.value_choice:
            state.choice[answer.question_id] = answer.value_choice
        question = by_id[answer.question_id]
        children = _CHILD_ROWS_OF.get(question.type)
        if children == "selected":
            ticked_answers[answer.id] = answer.question_id
        elif children == "cells" and question.section_id == section.pk:
            cell_answers.append(answer.id)
    selected: dict[int, list[str]] = {}
    if ticked_answers:
        for answer_id, code in (
            AnswerChoice.objects.filter(answer_id__in=list(ticked_answers))
            .order_by("id")
            .values_list("answer_id", "code")
        ):
            state.ticked[ticked_answers[answer_id]].add(code)
            selected.setdefault(answer_id, []).append(code)
    cells: dict[int, list] = {}
    if cell_answers:
        for cell in (
            AnswerCell.objects.filter(answer_id__in=cell_answers)
            .order_by("answer_id", "row", "id")
            .values_list(
                "answer_id",
                "row",
                "column",
                "value_choice",
                "value_int",
                "value_text",
                "value_date",
                named=True,
            )
        ):
            cells.setdefault(cell.answer_id, []).append(cell)
    records = {}
    for answer in answers:
        question = by_id[answer.question_id]
        if question.section_id != section.pk:
            continue
        records[answer.question_id] = (
            value_from_rows(
                question,
                answer,
                selected.get(answer.id, []),
                cells.get(answer.id, []),
            ),
            answer.version,
            answer.prefilled_from_year,
        )
    attachments: dict[int, list[Attachment]] = {}
    for attachment in report.attachments.current().order_by("created_at", "id"):
        state.answered.add(attachment.question_id)
        if by_id[attachment.question_id].section_id == section.pk:
            attachments.setdefault(attachment.question_id, []).append(attachment)
    return SectionAnswers(state, records, attachments)


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


def forget_questionnaire_structures() -> None:
    """Drop the in-memory structures (tests that edit a version in place call this)."""
    _STRUCTURE_CACHE.clear()
    _CODE_CACHE.clear()
