"""Which questions of a report are shown, answered and still missing — computed in memory from a
fixed number of queries, whatever the number of questions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from reports.models import Answer, AnswerChoice, Attachment, Question, Section


@dataclass
class ReportState:
    """What is known of one report's answers: enough to decide visibility and completeness."""

    choice: dict[int, str] = field(default_factory=dict)  # question id -> value_choice
    ticked: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    answered: set[int] = field(default_factory=set)  # question ids with an answer or a file

    def shown(self, question: Question, visible: dict[int, bool]) -> bool:
        parent_id = question.show_if_question_id
        if parent_id is None:
            return True
        if not visible.get(parent_id, False):
            return False
        wanted = set(question.show_if_values)
        return self.choice.get(parent_id) in wanted or bool(
            self.ticked.get(parent_id, set()) & wanted
        )


@dataclass
class SectionProgress:
    section: Section
    answered_required: int = 0
    required: int = 0
    answered: int = 0
    shown: int = 0

    @property
    def complete(self) -> bool:
        return self.answered_required == self.required


def load_states(report_ids: list[int]) -> dict[int, ReportState]:
    """One query (a UNION of answers, ticked choices and files) for any number of reports."""
    states = {report_id: ReportState() for report_id in report_ids}
    if not report_ids:
        return states
    # Hand-written: an autosave that adds an answer recounts with it, and Django's ORM takes
    # longer to build this query than the database to answer it. Each row: (kind, report id,
    # question id, code).
    marks = ", ".join(["%s"] * len(report_ids))
    answer, choice = Answer._meta.db_table, AnswerChoice._meta.db_table
    attachment = Attachment._meta.db_table
    sql = (
        f"SELECT {_ANSWER}, report_id, question_id, value_choice FROM {answer} "
        f"WHERE report_id IN ({marks}) "
        f"UNION ALL SELECT {_TICKED}, a.report_id, a.question_id, t.code FROM {choice} t "
        f"JOIN {answer} a ON a.id = t.answer_id WHERE a.report_id IN ({marks}) "
        f"UNION ALL SELECT {_FILE}, report_id, question_id, '' FROM {attachment} "
        f"WHERE report_id IN ({marks}) AND removed_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*report_ids, *report_ids, *report_ids])
        rows = cursor.fetchall()
    for kind, report_id, question_id, code in rows:
        state = states[report_id]
        if kind == _TICKED:
            state.ticked[question_id].add(code)
            continue
        state.answered.add(question_id)
        if kind == _ANSWER and code:
            state.choice[question_id] = code
    return states


_ANSWER, _TICKED, _FILE = 1, 2, 3


def visibility(questions: list[Question], state: ReportState) -> dict[int, bool]:
    """Question id -> shown, following follow-up chains in questionnaire order."""
    # `.id`, not `.pk`: a page runs this over every question, and `.pk` is a property.
    visible: dict[int, bool] = {}
    shown = state.shown
    for question in questions:
        visible[question.id] = question.show_if_question_id is None or shown(question, visible)
    return visible


def section_progress(
    sections: list[Section],
    questions: list[Question],
    state: ReportState,
    visible: dict[int, bool] | None = None,
) -> list[SectionProgress]:
    """Each section's counts; `visible` (from `visibility`) when the caller has it already."""
    if visible is None:
        visible = visibility(questions, state)
    by_section = {section.id: SectionProgress(section) for section in sections}
    for question in questions:
        if not visible[question.id]:
            continue
        progress = by_section[question.section_id]
        progress.shown += 1
        answered = question.id in state.answered
        progress.answered += answered
        if question.required:
            progress.required += 1
            progress.answered_required += answered
    return list(by_section.values())


def missing_required(questions: list[Question], state: ReportState) -> list[Question]:
    """Required questions that are shown but not answered, in questionnaire order."""
    visible = visibility(questions, state)
    return [q for q in questions if q.required and visible[q.pk] and q.pk not in state.answered]


def hidden_answered(questions: list[Question], state: ReportState) -> set[int]:
    """Answers that are kept but do not count, because their parent's answer hides them."""
    visible = visibility(questions, state)
    return {q.pk for q in questions if q.pk in state.answered and not visible[q.pk]}
