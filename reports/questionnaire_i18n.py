"""Reading a questionnaire version's texts in one language, with English as the fallback.

A translation (`QuestionnaireTranslation.texts`) maps *string keys* to text. Keys name a string by
codes only, so a translation survives a version being reloaded and can never change a code:

    title                                      description
    section/<code>/title                       section/<code>/help
    question/<code>/text                       question/<code>/help        question/<code>/unit
    question/<code>/choice/<choice>            question/<code>/column/<column>/label
    question/<code>/column/<column>/choice/<choice>

`translated_texts(version, language)` gives every text of the version, each string falling back to
its English text on its own; it is kept in memory per (version, language, last change), so reading
it costs one small query once warm.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import translation as django_translation

from reports.models import (
    TRANSLATION_LANGUAGES,
    Question,
    QuestionnaireTranslation,
    QuestionnaireVersion,
    Section,
    answer_choices,
)

ENGLISH = "en"
TRANSLATION_LANGUAGE_CODES = [code for code, _name in TRANSLATION_LANGUAGES]


# -- string keys ----------------------------------------------------------------------------


def section_key(code: str, part: str) -> str:
    return f"section/{code}/{part}"


def question_key(code: str, part: str) -> str:
    return f"question/{code}/{part}"


def choice_key(question: str, choice: str) -> str:
    return f"question/{question}/choice/{choice}"


def column_key(question: str, column: str) -> str:
    return f"question/{question}/column/{column}/label"


def column_choice_key(question: str, column: str, choice: str) -> str:
    return f"question/{question}/column/{column}/choice/{choice}"


def english_strings(spec: dict[str, Any]) -> dict[str, str]:
    """Every non-empty English string of a spec-shaped questionnaire, by key, in form order.

    `spec` is the shape `parse_questionnaire_file` returns (only the text fields are read).
    """
    strings: dict[str, str] = {"title": spec["title"]}
    if spec.get("description"):
        strings["description"] = spec["description"]
    for section in spec["sections"]:
        strings[section_key(section["code"], "title")] = section["title"]
        if section.get("help"):
            strings[section_key(section["code"], "help")] = section["help"]
        for question in section["questions"]:
            strings.update(_question_strings(question))
    return strings


def _question_strings(question: dict[str, Any]) -> dict[str, str]:
    code = question["code"]
    strings = {question_key(code, "text"): question["text"]}
    for part in ("help", "unit"):
        if question.get(part):
            strings[question_key(code, part)] = question[part]
    for choice in question.get("choices") or []:
        strings[choice_key(code, choice["code"])] = choice["label"]
    for column in question.get("columns") or []:
        strings[column_key(code, column["code"])] = column["label"]
        for choice in column.get("choices") or []:
            strings[column_choice_key(code, column["code"], choice["code"])] = choice["label"]
    return strings


def _spec_of(version: QuestionnaireVersion) -> dict[str, Any]:
    """The version's texts in spec shape, in two queries."""
    sections = {
        section.pk: {"code": section.code, "title": section.title, "help": section.help}
        for section in Section.objects.filter(version=version).order_by("position")
    }
    for section in sections.values():
        section["questions"] = []
    for row in (
        Question.objects.filter(version=version)
        .order_by("position")
        .values(
            "section_id",
            "code",
            "type",
            "text",
            "help",
            "unit",
            "choices",
            "allow_other",
            "columns",
        )
    ):
        sections[row["section_id"]]["questions"].append(row)
    return {
        "title": version.title,
        "description": version.description,
        "sections": list(sections.values()),
    }


def version_strings(version: QuestionnaireVersion) -> dict[str, str]:
    """Every non-empty English string of a stored version, by key, in form order."""
    return english_strings(_spec_of(version))


def strings_by_section(version: QuestionnaireVersion) -> list[tuple[str, dict[str, str]]]:
    """The version's English strings grouped as the form shows them: the version's own, then
    each section's (its title and help, then its questions'), under a heading."""
    spec = _spec_of(version)
    groups = [
        (
            "Questionnaire",
            {key: text for key, text in english_strings({**spec, "sections": []}).items()},
        )
    ]
    for section in spec["sections"]:
        strings = english_strings({"title": "", "sections": [section]})
        del strings["title"]
        groups.append((f"{section['code']}. {section['title']}", strings))
    return groups


# -- the read side --------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionTexts:
    code: str
    title: str
    help: str


@dataclass(frozen=True)
class QuestionTexts:
    code: str
    text: str
    help: str
    unit: str
    # Every choice an answer may hold (built-in yes/no/developing/other included), code -> label.
    choices: dict[str, str]
    # column code -> (label, {choice code -> label})
    columns: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def choice_label(self, code: str) -> str:
        return self.choices.get(code, code)

    def column_label(self, code: str) -> str:
        column = self.columns.get(code)
        return column[0] if column else code

    def column_choice_label(self, column: str, code: str) -> str:
        entry = self.columns.get(column)
        return entry[1].get(code, code) if entry else code


@dataclass(frozen=True)
class QuestionnaireTexts:
    """Every text of one version in one language. Shared between requests: read only."""

    version_id: int
    language: str
    title: str
    description: str
    sections: dict[str, SectionTexts]
    questions: dict[str, QuestionTexts]

    def section(self, code: str) -> SectionTexts:
        return self.sections[code]

    def question(self, code: str) -> QuestionTexts:
        return self.questions[code]


_CACHE: dict[tuple[int, str], tuple[tuple, QuestionnaireTexts]] = {}
_CACHE_LOCK = threading.Lock()


def forget_translated_texts() -> None:
    """Drop the in-memory texts (the next read rebuilds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _stamp(version: QuestionnaireVersion, language: str) -> tuple:
    """What changes whenever any text the version shows in `language` changes (one query)."""
    questions = Question.objects.filter(version=OuterRef("pk")).order_by().values("version")
    sections = Section.objects.filter(version=OuterRef("pk")).order_by().values("version")
    row = (
        QuestionnaireVersion.objects.filter(pk=version.pk)
        .order_by()
        .annotate(
            question_changed=Subquery(questions.annotate(m=Max("updated_at")).values("m")),
            question_count=Subquery(questions.annotate(n=Count("pk")).values("n")),
            section_changed=Subquery(sections.annotate(m=Max("updated_at")).values("m")),
            section_count=Subquery(sections.annotate(n=Count("pk")).values("n")),
            translation_changed=Subquery(
                QuestionnaireTranslation.objects.filter(version=OuterRef("pk"), language=language)
                .order_by()
                .values("updated_at")[:1]
            ),
        )
        .values_list(
            "title",
            "description",
            "updated_at",
            "question_changed",
            "question_count",
            "section_changed",
            "section_count",
            "translation_changed",
        )
        .first()
    )
    if row is None:
        raise QuestionnaireVersion.DoesNotExist(f"no questionnaire version {version.pk}")
    return row


def translated_texts(version: QuestionnaireVersion, language: str) -> QuestionnaireTexts:
    """Every text of `version` in `language`; each missing string falls back to its English.

    Any language code Django knows is accepted ("fr", "fr-ca" → French); one with no translation,
    English included, gives the English texts. One query when warm, four when not.
    """
    language = _translation_language(language)
    stamp = _stamp(version, language)
    key = (version.pk, language)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    texts = _build(version, language, title=stamp[0], description=stamp[1])
    with _CACHE_LOCK:
        _CACHE[key] = (stamp, texts)  # replaces the stale entry: one per version and language
    return texts


def translated_titles(version_ids: list[int], language: str) -> dict[int, str]:
    """Each version's title in `language`, for the versions translated there (one query; none
    for English, whose titles are the versions' own)."""
    language = _translation_language(language)
    if language == ENGLISH or not version_ids:
        return {}
    rows = QuestionnaireTranslation.objects.filter(
        version_id__in=version_ids, language=language
    ).values_list("version_id", "texts__title")
    return {version_id: title for version_id, title in rows if isinstance(title, str) and title}


def _translation_language(language: str) -> str:
    language = (language or ENGLISH).lower()
    if language in TRANSLATION_LANGUAGE_CODES:
        return language
    base = language.split("-")[0]
    if language.startswith("zh"):
        return "zh-hans"
    return base if base in TRANSLATION_LANGUAGE_CODES else ENGLISH


def _stored_texts(version: QuestionnaireVersion, language: str) -> dict[str, str]:
    if language == ENGLISH:
        return {}
    texts = (
        QuestionnaireTranslation.objects.filter(version=version, language=language)
        .values_list("texts", flat=True)
        .first()
    )
    return texts or {}


def _build(
    version: QuestionnaireVersion, language: str, *, title: str, description: str
) -> QuestionnaireTexts:
    spec = _spec_of(version)
    stored = _stored_texts(version, language)

    def text(key: str, english: str) -> str:
        value = stored.get(key)
        return value if isinstance(value, str) and value.strip() else english

    # Yes / no / developing / other are the interface's words: Django's catalogues translate them.
    with django_translation.override(language):
        builtin = {
            choice["code"]: django_translation.gettext(str(choice["label"]))
            for choice in answer_choices("yes_no_developing", [], False)
            + answer_choices("multi_choice", [], True)
        }
    sections: dict[str, SectionTexts] = {}
    questions: dict[str, QuestionTexts] = {}
    for section in spec["sections"]:
        code = section["code"]
        sections[code] = SectionTexts(
            code,
            text(section_key(code, "title"), section["title"]),
            text(section_key(code, "help"), section["help"]) if section["help"] else "",
        )
        for row in section["questions"]:
            questions[row["code"]] = _question_texts(row, text, builtin)
    return QuestionnaireTexts(
        version_id=version.pk,
        language=language,
        title=text("title", title),
        description=text("description", description) if description else "",
        sections=sections,
        questions=questions,
    )


def _question_texts(row: dict[str, Any], text, builtin: dict[str, str]) -> QuestionTexts:
    code = row["code"]
    own = {choice["code"] for choice in row["choices"] or []}
    choices = {}
    for choice in answer_choices(row["type"], row["choices"] or [], row["allow_other"]):
        if choice["code"] in own:
            choices[choice["code"]] = text(choice_key(code, choice["code"]), choice["label"])
        else:
            choices[choice["code"]] = builtin.get(choice["code"], choice["label"])
    columns = {
        column["code"]: (
            text(column_key(code, column["code"]), column["label"]),
            {
                choice["code"]: text(
                    column_choice_key(code, column["code"], choice["code"]), choice["label"]
                )
                for choice in column.get("choices") or []
            },
        )
        for column in row["columns"] or []
    }
    return QuestionTexts(
        code=code,
        text=text(question_key(code, "text"), row["text"]),
        help=text(question_key(code, "help"), row["help"]) if row["help"] else "",
        unit=text(question_key(code, "unit"), row["unit"]) if row["unit"] else "",
        choices=choices,
        columns=columns,
    )


# -- completeness ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    language: str
    translated: int
    missing: int
    missing_keys: list[str]

    @property
    def total(self) -> int:
        return self.translated + self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.translated / self.total) if self.total else 100

    def __str__(self) -> str:
        return f"{self.translated} of {self.total} ({self.percent}%)"


def completeness_of(english: dict[str, str], texts: dict[str, Any], language: str) -> Completeness:
    missing = [
        key for key in english if not (isinstance(texts.get(key), str) and texts[key].strip())
    ]
    return Completeness(language, len(english) - len(missing), len(missing), missing)


def translation_completeness(version: QuestionnaireVersion, language: str) -> Completeness:
    """How many of the version's strings `language` translates, and which are missing."""
    return completeness_of(version_strings(version), _stored_texts(version, language), language)


def completeness_by_language(
    version: QuestionnaireVersion, languages: Iterable[str] = TRANSLATION_LANGUAGE_CODES
) -> list[Completeness]:
    """The completeness of every translation language, reading the English strings once."""
    english = version_strings(version)
    stored = dict(
        QuestionnaireTranslation.objects.filter(version=version).values_list("language", "texts")
    )
    return [completeness_of(english, stored.get(code) or {}, code) for code in languages]
