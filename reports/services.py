"""Writes for the reports app: questionnaires, cycles, reports and answers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from countries.models import Country
from reports.answers import AnswerValidationError, answer_rows, clean_answer
from reports.models import (
    Answer,
    AnswerCell,
    AnswerChoice,
    NationalReport,
    Question,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)
from reports.questionnaire_files import (
    QUESTION_SPEC_FIELDS,
    QuestionnaireFileError,
    parse_questionnaire_file,
    spec_checksum,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_QUESTIONNAIRE_FILE = DATA_DIR / "questionnaires" / "poa-iti-2026.yaml"
CYCLES_FILE = DATA_DIR / "cycles.yaml"
EDITABLE_STATUSES = frozenset({NationalReport.Status.DRAFT, NationalReport.Status.RETURNED})


class QuestionnaireFrozenError(Exception):
    """A questionnaire version in use by a cycle cannot change."""


class ReportNotEditableError(Exception):
    """The report's status does not allow its answers to change."""


@dataclass(frozen=True)
class QuestionnaireLoadResult:
    version: QuestionnaireVersion
    outcome: str  # "created", "replaced" or "unchanged"


# -- questionnaires -----------------------------------------------------------------------


def load_questionnaire(path: str | Path = DEFAULT_QUESTIONNAIRE_FILE) -> QuestionnaireLoadResult:
    """Store the questionnaire file as a version. Same content again: nothing changes.

    Raises QuestionnaireFileError for a malformed file and QuestionnaireFrozenError for a changed
    file whose version is already used by a cycle; in both cases the database is untouched.
    """
    spec = parse_questionnaire_file(path)
    checksum = spec_checksum(spec)
    with transaction.atomic():
        existing = (
            QuestionnaireVersion.objects.select_for_update().filter(code=spec["version"]).first()
        )
        # Compare with what the database holds now: admin edits may have changed an unfrozen one.
        if existing and spec_checksum(spec_from_version(existing)) == checksum:
            return QuestionnaireLoadResult(existing, "unchanged")
        if existing and existing.is_frozen:
            raise QuestionnaireFrozenError(
                f"{path}: version {existing.code} is used by a reporting cycle and cannot "
                "change; give the file a new version."
            )
        if existing:
            existing.sections.all().delete()
            version = existing
            outcome = "replaced"
        else:
            version = QuestionnaireVersion(code=spec["version"])
            outcome = "created"
        version.title = spec["title"]
        version.description = spec["description"]
        version.source_file = str(path)[-300:]
        version.checksum = checksum
        version.save()
        _create_questions(version, spec)
    return QuestionnaireLoadResult(version, outcome)


def _create_questions(version: QuestionnaireVersion, spec: dict[str, Any]) -> None:
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            code=section["code"],
            title=section["title"],
            help=section["help"],
            position=index,
        )
        for index, section in enumerate(spec["sections"], start=1)
    )
    questions: list[Question] = []
    for section, section_spec in zip(sections, spec["sections"], strict=True):
        for item in section_spec["questions"]:
            questions.append(
                Question(
                    version=version,
                    section=section,
                    position=len(questions) + 1,
                    show_if_values=item["show_if"]["in"] if item["show_if"] else [],
                    **{name: item[name] for name in QUESTION_SPEC_FIELDS},
                )
            )
    Question.objects.bulk_create(questions)
    by_code = {question.code: question for question in questions}
    follow_ups = []
    for section_spec in spec["sections"]:
        for item in section_spec["questions"]:
            if item["show_if"]:
                question = by_code[item["code"]]
                question.show_if_question = by_code[item["show_if"]["question"]]
                follow_ups.append(question)
    Question.objects.bulk_update(follow_ups, ["show_if_question"])


def spec_from_version(version: QuestionnaireVersion) -> dict[str, Any]:
    """The version as a spec, the same shape the file parser returns."""
    questions_by_section: dict[int, list[dict[str, Any]]] = {}
    for question in version.questions.select_related("show_if_question").order_by("position"):
        questions_by_section.setdefault(question.section_id, []).append(
            {
                **{name: getattr(question, name) for name in QUESTION_SPEC_FIELDS},
                "show_if": (
                    {"question": question.show_if_question.code, "in": question.show_if_values}
                    if question.show_if_question
                    else None
                ),
            }
        )
    return {
        "version": version.code,
        "title": version.title,
        "description": version.description,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "help": section.help,
                "questions": questions_by_section.get(section.pk, []),
            }
            for section in version.sections.order_by("position")
        ],
    }


@transaction.atomic
def copy_questionnaire_version(
    *, source: QuestionnaireVersion, new_code: str, title: str | None = None
) -> QuestionnaireVersion:
    """Start a new, editable version from an existing one (the way to change a frozen one)."""
    new_code = new_code.strip()
    if not new_code or len(new_code) > 20:
        raise ValueError("The new version needs a code of 1 to 20 characters.")
    if QuestionnaireVersion.objects.filter(code=new_code).exists():
        raise ValueError(f"A questionnaire version {new_code} already exists.")
    spec = spec_from_version(source)
    spec["version"] = new_code
    if title:
        spec["title"] = title
    version = QuestionnaireVersion.objects.create(
        code=new_code,
        title=spec["title"],
        description=spec["description"],
        source_file=f"copy of {source.code}",
        checksum=spec_checksum(spec),
    )
    _create_questions(version, spec)
    return version


# -- cycles -------------------------------------------------------------------------------


@transaction.atomic
def create_missing_cycles(path: str | Path = CYCLES_FILE) -> list[ReportingCycle]:
    """Create the cycles of the data file that do not exist yet; existing ones stay as edited."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        questionnaire = QuestionnaireVersion.objects.get(code=data["questionnaire"])
    except QuestionnaireVersion.DoesNotExist as exc:
        raise QuestionnaireFileError(
            path, f"questionnaire version {data['questionnaire']} is not loaded"
        ) from exc
    existing = set(ReportingCycle.objects.values_list("year", flat=True))
    created = []
    for row in data["cycles"]:
        if row["year"] in existing:
            continue
        created.append(
            ReportingCycle.objects.create(
                year=row["year"],
                meeting_type=row["meeting"],
                meeting_number=row["number"],
                meeting_dates=row.get("meeting_dates", ""),
                period_start=datetime.date(row["year"] - 2, 1, 1),
                period_end=datetime.date(row["year"] - 1, 12, 31),
                opens_on=row["opens_on"],
                due_on=row["due_on"],
                closes_on=row.get("closes_on"),
                questionnaire=questionnaire,
                notes=row.get("notes", ""),
            )
        )
    return created


# -- reports and answers ------------------------------------------------------------------


def start_report(
    *, country: Country, cycle: ReportingCycle, user=None, language: str = "en"
) -> NationalReport:
    """The State's report for the cycle, created as a draft if it does not exist yet."""
    report, _created = NationalReport.objects.get_or_create(
        country=country,
        cycle=cycle,
        defaults={"language": language, "created_by": user},
    )
    return report


def save_answer(
    *, report: NationalReport, question: Question, value: Any, user=None
) -> Answer | None:
    """Check the value against its question and store it; an empty value removes the answer.

    Raises AnswerValidationError (naming the question) for a value of the wrong type, and
    ReportNotEditableError when the report is not a draft or returned for revision.
    """
    if question.version_id != report.cycle.questionnaire_id:
        raise AnswerValidationError(
            question.code, "this question is not part of the report's questionnaire."
        )
    value = clean_answer(question, value)
    with transaction.atomic():
        # Lock the report so that a submission in flight cannot slip between check and write.
        status = (
            NationalReport.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=report.pk)
        )
        if status not in EDITABLE_STATUSES:
            label = NationalReport.Status(status).label.lower()
            raise ReportNotEditableError(
                f"The report is {label}; answers can change only while it is a draft or "
                "returned for revision."
            )
        if value is None:
            Answer.objects.filter(report=report, question=question).delete()
            return None
        rows = answer_rows(question, value)
        answer, created = Answer.objects.update_or_create(
            report=report,
            question=question,
            defaults={**rows.answer_fields(), "updated_by": user},
        )
        if not created:
            answer.selected.all().delete()
            answer.cells.all().delete()
        AnswerChoice.objects.bulk_create(
            AnswerChoice(answer=answer, code=code) for code in rows.selected
        )
        AnswerCell.objects.bulk_create(AnswerCell(answer=answer, **cell) for cell in rows.cells)
    return answer


def bulk_store_answers(
    items: Iterable[tuple[NationalReport, Question, Any]], *, batch_size: int = 5000
) -> int:
    """Store many clean answers at once (demo and benchmark data); returns how many.

    The values must already be clean (from `clean_answer`); rows are split exactly as
    `save_answer` splits them, then written with a few bulk inserts.
    """
    answers: list[Answer] = []
    children: list[tuple[Answer, list[str], list[dict[str, Any]]]] = []
    for report, question, value in items:
        rows = answer_rows(question, value)
        answer = Answer(report=report, question=question, **rows.answer_fields())
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
