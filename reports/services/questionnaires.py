"""Writes: questionnaire versions and reporting cycles."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from reports.models import (
    Question,
    QuestionnaireTranslation,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)
from reports.questionnaire_files import (
    QUESTION_SPEC_FIELDS,
    QuestionnaireFileError,
    parse_translation_file,
    read_questionnaire_file,
    spec_checksum,
    translation_files_for,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_QUESTIONNAIRE_FILE = DATA_DIR / "questionnaires" / "poa-iti-2026.yaml"
CYCLES_FILE = DATA_DIR / "cycles.yaml"


class QuestionnaireFrozenError(Exception):
    """A questionnaire version in use by a cycle cannot change."""


@dataclass(frozen=True)
class QuestionnaireLoadResult:
    version: QuestionnaireVersion
    outcome: str  # "created", "replaced" or "unchanged"
    # language -> "created", "updated" or "unchanged", for the translation files loaded with it
    translations: dict[str, str] = field(default_factory=dict)


# -- questionnaires -----------------------------------------------------------------------


def load_questionnaire(path: str | Path = DEFAULT_QUESTIONNAIRE_FILE) -> QuestionnaireLoadResult:
    """Store the questionnaire file, and its translation files beside it, as a version.

    Translation files are `<name>.<language>.yaml` next to the file (FORMAT.md). Same content
    again: nothing changes. A translation file that changed since it was last loaded replaces that
    language's texts, even for a frozen version (translations change no code or meaning).

    Raises QuestionnaireFileError for a malformed file (the questionnaire or any translation) and
    QuestionnaireFrozenError for a changed file whose version is already used by a cycle; in
    both cases the database is untouched.
    """
    spec, translations = _read_files(path)
    checksum = spec_checksum(spec)
    with transaction.atomic():
        existing = (
            QuestionnaireVersion.objects.select_for_update().filter(code=spec["version"]).first()
        )
        # Compare with what the database holds now: admin edits may have changed an unfrozen one.
        if existing and spec_checksum(spec_from_version(existing)) == checksum:
            return QuestionnaireLoadResult(
                existing, "unchanged", _store_translations(existing, translations)
            )
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
        # Translations are keyed by code, so those of a replaced version carry over.
        translation_outcomes = _store_translations(version, translations)
    return QuestionnaireLoadResult(version, outcome, translation_outcomes)


# Parsed files by their paths and contents: the shipped questionnaire is loaded again and again
# (every start, every test), and parsing its YAML is the slow part of loading it.
_PARSED: dict[tuple, tuple[dict[str, Any], list[dict[str, Any]]]] = {}


def _read_files(path: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The questionnaire file's spec and its checked translation files; a bad one raises."""
    files = [(None, Path(path)), *translation_files_for(path)]
    try:
        key = tuple(
            (str(file), hashlib.sha256(file.read_bytes()).hexdigest()) for _lang, file in files
        )
    except OSError:
        key = None  # let the parser say what is wrong with the file
    if key in _PARSED:
        return _PARSED[key]
    source = read_questionnaire_file(path)
    translations = [
        parse_translation_file(file, source, language=language) | {"file": file}
        for language, file in files[1:]
    ]
    if key is not None:
        if len(_PARSED) >= 8:  # a long-lived process loads few files: keep the latest
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = (source.spec, translations)
    return source.spec, translations


def _store_translations(
    version: QuestionnaireVersion, translations: list[dict[str, Any]]
) -> dict[str, str]:
    """Store checked translation files; one unchanged since its last load keeps admin edits."""
    outcomes = {}
    stored = {row.language: row for row in version.translations.select_for_update()}
    for item in translations:
        checksum = spec_checksum({key: item[key] for key in ("language", "version", "texts")})
        row = stored.get(item["language"])
        if row is not None and row.source_checksum == checksum:
            outcomes[item["language"]] = "unchanged"
            continue
        outcomes[item["language"]] = "created" if row is None else "updated"
        row = row or QuestionnaireTranslation(version=version, language=item["language"])
        row.texts = dict(item["texts"])  # the parsed files are cached: never share them
        row.source_file = str(item["file"])[-300:]
        row.source_checksum = checksum
        row.save()
    return outcomes


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
    QuestionnaireTranslation.objects.bulk_create(
        QuestionnaireTranslation(
            version=version,
            language=translation.language,
            texts=translation.texts,
            source_file=f"copy of {source.code}",
        )
        for translation in source.translations.all()
    )
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
        meeting_starts_on, meeting_ends_on = _meeting_dates(path, row)
        created.append(
            ReportingCycle.objects.create(
                year=row["year"],
                meeting_type=row["meeting"],
                meeting_number=row["number"],
                meeting_starts_on=meeting_starts_on,
                meeting_ends_on=meeting_ends_on,
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


def _meeting_dates(
    path: str | Path, row: dict
) -> tuple[datetime.date | None, datetime.date | None]:
    """The row's meeting dates: ISO dates (YAML reads 2026-06-01 as a date), both or neither."""
    start, end = row.get("meeting_starts_on"), row.get("meeting_ends_on")
    for value in (start, end):
        if value is not None and not isinstance(value, datetime.date):
            raise QuestionnaireFileError(
                path, f"cycle {row['year']}: meeting dates are ISO dates, not {value!r}"
            )
    if (start is None) != (end is None) or (start and end and start > end):
        raise QuestionnaireFileError(
            path, f"cycle {row['year']}: the meeting needs a first and a last day, in order"
        )
    return start, end
