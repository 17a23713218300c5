"""Reads for the reports app."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from reports.answers import value_from_rows
from reports.models import (
    Answer,
    NationalReport,
    Question,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)


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
    answers = Answer.objects.filter(report=report)
    if section is not None:
        answers = answers.filter(question__section=section)
    answers = answers.prefetch_related("selected", "cells")
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


def forget_questionnaire_structures() -> None:
    """Drop the in-memory structures (tests that edit a version in place call this)."""
    _STRUCTURE_CACHE.clear()
