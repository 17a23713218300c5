"""Reading and checking questionnaire files (format: reports/data/questionnaires/FORMAT.md).

`parse_questionnaire_file` turns a YAML file into a plain, fully checked *spec* (dicts and lists)
or raises `QuestionnaireFileError` naming the file, the question code and the reason. Nothing here
touches the database; `reports.services.load_questionnaire` stores a spec.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reports.models import (
    CONDITION_PARENT_TYPES,
    OTHER_CHOICE_CODE,
    ColumnType,
    QuestionType,
    answer_choices,
)

CITATION_RE = re.compile(
    r"^(PoA (I|II|III|IV)\.\d+(\([a-z]\))?|ITI \d+(\([a-z]\))?|SDG \d+\.\d+(\.\d+)?)$"
)
VERSION_RE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
SECTION_CODE_RE = re.compile(r"^\d{1,10}$")
QUESTION_CODE_RE = re.compile(r"^\d+(\.\d+)+$")
MAX_QUESTION_CODE = 20
MAX_TITLE = 300
MAX_LABEL = 500
MAX_UNIT = 60
# Bounds that fit the database columns, with room to spare.
MAX_NUMBER = 10**15
MAX_TEXT_LENGTH = 100_000
MAX_ROWS_LIMIT = 10_000
CHOICE_CODE_RE = re.compile(r"^[a-z0-9_]{1,64}$")
DEFAULT_TEXT_MAX_LENGTH = 10000
# The question fields a spec holds under the same names as the Question model.
QUESTION_SPEC_FIELDS = [
    "code", "text", "help", "type", "required", "citations", "choices", "allow_other",
    "columns", "min_value", "max_value", "max_length", "unit", "min_rows", "max_rows",
    "multiple",
]  # fmt: skip
DEFAULT_MAX_ROWS = 200

TOP_KEYS = {"version", "title", "description", "choice_sets", "sections"}
SECTION_KEYS = {"code", "title", "help", "questions"}
COMMON_QUESTION_KEYS = {"code", "text", "type", "cites", "required", "help", "show_if"}
TYPE_KEYS: dict[str, set[str]] = {
    QuestionType.YES_NO_DEVELOPING: set(),
    QuestionType.YES_NO: set(),
    QuestionType.SINGLE_CHOICE: {"choices", "choice_set"},
    QuestionType.MULTI_CHOICE: {"choices", "choice_set", "other"},
    QuestionType.INTEGER: {"min", "max", "unit"},
    QuestionType.TEXT: {"max_length"},
    QuestionType.DATE: set(),
    QuestionType.CONTACT: set(),
    QuestionType.TABLE: {"columns", "min_rows", "max_rows"},
    QuestionType.FILE: {"multiple"},
}
COLUMN_KEYS = {"code", "label", "type", "required", "choices", "choice_set", "min", "max"}


class QuestionnaireFileError(Exception):
    """A questionnaire file that cannot be loaded, with where and why."""

    def __init__(
        self,
        path: str | Path,
        reason: str,
        *,
        question: str | None = None,
        section: str | None = None,
    ) -> None:
        self.path = str(path)
        self.question = question
        self.section = section
        self.reason = reason
        where = f"question {question}" if question else f"section {section}" if section else None
        super().__init__(f"{self.path}: {where}: {reason}" if where else f"{self.path}: {reason}")


def spec_checksum(spec: dict[str, Any]) -> str:
    canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_questionnaire_file(path: str | Path) -> dict[str, Any]:
    return read_questionnaire_file(path).spec


@dataclass(frozen=True)
class QuestionnaireSource:
    """A parsed questionnaire file: its spec, plus which choice set each list of choices came from
    (a spec holds the choices expanded; a translation file translates a choice set once)."""

    spec: dict[str, Any]
    choice_sets: dict[str, list[dict[str, str]]]
    # (question code, column code or None) -> choice set name
    choice_set_uses: dict[tuple[str, str | None], str]


def read_questionnaire_file(path: str | Path) -> QuestionnaireSource:
    path = Path(path)
    raw = _load_yaml(path)
    parser = _Parser(path)
    spec = parser.parse(raw)
    return QuestionnaireSource(spec, parser.choice_sets, parser.choice_set_uses)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except FileNotFoundError as exc:
        raise QuestionnaireFileError(path, "no such file") from exc
    except UnicodeDecodeError as exc:
        raise QuestionnaireFileError(path, "the file is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireFileError(path, f"not valid YAML: {exc}") from exc


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice (YAML would silently keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _code_text(value: Any) -> Any:
    """YAML 1.1 reads bare yes/no as booleans; in a code position they mean the codes."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.choice_sets: dict[str, list[dict[str, str]]] = {}
        self.questions: dict[str, dict[str, Any]] = {}
        self.choice_set_uses: dict[tuple[str, str | None], str] = {}

    def fail(self, reason: str, *, question: str | None = None, section: str | None = None):
        raise QuestionnaireFileError(self.path, reason, question=question, section=section)

    def parse(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail("the file must be a mapping with version, title and sections")
        self._no_unknown_keys(raw, TOP_KEYS, "the top level")
        version = raw.get("version")
        if not isinstance(version, str) or not VERSION_RE.match(version.strip()):
            self.fail(
                '"version" must be quoted text of at most 20 letters, digits, dots, dashes or '
                'underscores, e.g. "2026.1"'
            )
        title = self._text(raw.get("title"), '"title"', limit=MAX_TITLE)
        description = self._optional_text(raw.get("description"), '"description"')
        choice_sets = raw.get("choice_sets") or {}
        if not isinstance(choice_sets, dict):
            self.fail('"choice_sets" must be a mapping of names to lists of choices')
        for name, choices in choice_sets.items():
            self.choice_sets[str(name)] = self._choices(choices, f'choice set "{name}"')
        sections = raw.get("sections")
        if not isinstance(sections, list) or not sections:
            self.fail('"sections" must be a non-empty list')
        section_codes: set[str] = set()
        parsed_sections = []
        for item in sections:
            section = self._section(item)
            if section["code"] in section_codes:
                self.fail("the section code is used twice", section=section["code"])
            section_codes.add(section["code"])
            parsed_sections.append(section)
        return {
            "version": version.strip(),
            "title": title,
            "description": description.strip(),
            "sections": parsed_sections,
        }

    # -- pieces ----------------------------------------------------------------------------

    def _no_unknown_keys(self, mapping: dict, allowed: set[str], where: str, **at) -> None:
        unknown = sorted(set(map(str, mapping)) - allowed)
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)} in {where}", **at)

    def _text(self, value: Any, what: str, *, limit: int | None = None, **at) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{what} must be non-empty text", **at)
        if limit is not None and len(value.strip()) > limit:
            self.fail(f"{what} is longer than {limit} characters", **at)
        return value.strip()

    def _optional_text(self, value: Any, what: str, *, limit: int | None = None, **at) -> str:
        if value is None or value == "":
            return ""
        return self._text(value, what, limit=limit, **at)

    def _choices(self, value: Any, where: str, **at) -> list[dict[str, str]]:
        if not isinstance(value, list) or not value:
            self.fail(f"{where}: choices must be a non-empty list of {{code, label}}", **at)
        seen: set[str] = set()
        result = []
        for choice in value:
            if not isinstance(choice, dict) or set(choice) != {"code", "label"}:
                self.fail(f"{where}: each choice needs exactly a code and a label", **at)
            code = _code_text(choice["code"])
            if not isinstance(code, str) or not CHOICE_CODE_RE.match(code):
                self.fail(
                    f"{where}: choice code {code!r} must be lower-case letters, digits or _", **at
                )
            if code in seen:
                self.fail(f"{where}: choice code {code!r} is used twice", **at)
            seen.add(code)
            label = self._text(choice["label"], f"{where}: a label", limit=MAX_LABEL, **at)
            result.append({"code": code, "label": label})
        return result

    def _choices_of(
        self, raw: dict, where: str, column: str | None = None, **at
    ) -> list[dict[str, str]]:
        if "choices" in raw and "choice_set" in raw:
            self.fail(f"{where}: give either choices or choice_set, not both", **at)
        if "choice_set" in raw:
            name = raw["choice_set"]
            if not isinstance(name, str) or name not in self.choice_sets:
                self.fail(f"{where}: unknown choice_set {name!r}", **at)
            if at.get("question"):
                self.choice_set_uses[(at["question"], column)] = name
            return [dict(choice) for choice in self.choice_sets[name]]
        if "choices" not in raw:
            self.fail(f"{where}: choices or choice_set is required", **at)
        return self._choices(raw["choices"], where, **at)

    def _int(
        self,
        value: Any,
        what: str,
        *,
        minimum: int = -MAX_NUMBER,
        maximum: int = MAX_NUMBER,
        **at,
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{what} must be a whole number", **at)
        if value < minimum:
            self.fail(f"{what} must be at least {minimum}", **at)
        if value > maximum:
            self.fail(f"{what} must be at most {maximum:,}", **at)
        return value

    def _section(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail("each section must be a mapping with code, title and questions")
        code = raw.get("code")
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
        if not isinstance(code, str) or not SECTION_CODE_RE.match(code):
            self.fail(f'section code {code!r} must be digits, e.g. "5"')
        self._no_unknown_keys(raw, SECTION_KEYS, "the section", section=code)
        title = self._text(raw.get("title"), "the title", limit=MAX_TITLE, section=code)
        help_text = self._optional_text(raw.get("help"), "help", section=code)
        questions = raw.get("questions")
        if not isinstance(questions, list) or not questions:
            self.fail("questions must be a non-empty list", section=code)
        return {
            "code": code,
            "title": title,
            "help": help_text,
            "questions": [self._question(item, code) for item in questions],
        }

    def _question(self, raw: Any, section_code: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail("each question must be a mapping", section=section_code)
        code = raw.get("code")
        if not isinstance(code, str):
            self.fail(
                f'question code {code!r} must be quoted text such as "1.10" '
                "(unquoted, YAML reads it as a number)",
                section=section_code,
            )
        at = {"question": code}
        if not QUESTION_CODE_RE.match(code) or len(code) > MAX_QUESTION_CODE:
            self.fail(
                f'the code must be digits separated by dots, e.g. "5.1.2", of at most '
                f"{MAX_QUESTION_CODE} characters",
                **at,
            )
        if not code.startswith(section_code + "."):
            self.fail(f"the code must begin with its section code {section_code}.", **at)
        if code in self.questions:
            self.fail("the question code is used twice", **at)
        qtype = raw.get("type")
        if not isinstance(qtype, str) or qtype not in TYPE_KEYS:
            self.fail(f"unknown type {qtype!r}; expected one of {', '.join(TYPE_KEYS)}", **at)
        self._no_unknown_keys(
            raw, COMMON_QUESTION_KEYS | TYPE_KEYS[qtype], f"a {qtype} question", **at
        )
        cites = raw.get("cites")
        if not isinstance(cites, list) or not cites:
            self.fail('cites must list at least one paragraph, e.g. ["PoA II.4"]', **at)
        for citation in cites:
            if not isinstance(citation, str) or not CITATION_RE.match(citation):
                self.fail(
                    f'citation {citation!r} is not of the form "PoA II.4", "ITI 8(a)" '
                    'or "SDG 16.4"',
                    **at,
                )
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.fail("required must be true or false", **at)
        help_text = self._optional_text(raw.get("help"), "help", **at)

        question: dict[str, Any] = {
            "code": code,
            "text": self._text(raw.get("text"), "the text", **at),
            "help": help_text,
            "type": qtype,
            "required": required,
            "citations": list(cites),
            "choices": [],
            "allow_other": False,
            "columns": [],
            "min_value": None,
            "max_value": None,
            "max_length": None,
            "unit": "",
            "min_rows": 0,
            "max_rows": None,
            "multiple": True,
            "show_if": None,
        }
        self._type_specifics(raw, question, at)
        if "show_if" in raw:
            question["show_if"] = self._show_if(raw["show_if"], at)
        self.questions[code] = question
        return question

    def _type_specifics(self, raw: dict, question: dict[str, Any], at: dict) -> None:
        qtype = question["type"]
        if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE):
            question["choices"] = self._choices_of(raw, "the question", **at)
        if qtype == QuestionType.MULTI_CHOICE:
            other = raw.get("other", False)
            if not isinstance(other, bool):
                self.fail("other must be true or false", **at)
            if other and OTHER_CHOICE_CODE in {c["code"] for c in question["choices"]}:
                self.fail('with other: true the code "other" is added for you; remove it', **at)
            question["allow_other"] = other
        if qtype == QuestionType.INTEGER:
            question["min_value"] = self._int(raw.get("min", 0), "min", **at)
            if raw.get("max") is not None:
                question["max_value"] = self._int(raw["max"], "max", **at)
                if question["max_value"] < question["min_value"]:
                    self.fail("max must not be below min", **at)
            question["unit"] = self._optional_text(raw.get("unit"), "unit", limit=MAX_UNIT, **at)
        if qtype == QuestionType.TEXT:
            question["max_length"] = self._int(
                raw.get("max_length", DEFAULT_TEXT_MAX_LENGTH),
                "max_length",
                minimum=1,
                maximum=MAX_TEXT_LENGTH,
                **at,
            )
        if qtype == QuestionType.TABLE:
            question["columns"] = self._columns(raw.get("columns"), at)
            question["min_rows"] = self._int(
                raw.get("min_rows", 0), "min_rows", minimum=0, maximum=MAX_ROWS_LIMIT, **at
            )
            question["max_rows"] = self._int(
                raw.get("max_rows", DEFAULT_MAX_ROWS),
                "max_rows",
                minimum=1,
                maximum=MAX_ROWS_LIMIT,
                **at,
            )
            if question["max_rows"] < question["min_rows"]:
                self.fail("max_rows must not be below min_rows", **at)
        if qtype == QuestionType.FILE:
            multiple = raw.get("multiple", True)
            if not isinstance(multiple, bool):
                self.fail("multiple must be true or false", **at)
            question["multiple"] = multiple

    def _columns(self, raw: Any, at: dict) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or not raw:
            self.fail("a table needs a non-empty list of columns", **at)
        columns = []
        seen: set[str] = set()
        for item in raw:
            if not isinstance(item, dict):
                self.fail("each column must be a mapping with code, label and type", **at)
            code = item.get("code")
            if not isinstance(code, str) or not CHOICE_CODE_RE.match(code):
                self.fail(f"column code {code!r} must be lower-case letters, digits or _", **at)
            where = f"column {code}"
            self._no_unknown_keys(item, COLUMN_KEYS, where, **at)
            if code in seen:
                self.fail(f"column code {code!r} is used twice", **at)
            seen.add(code)
            ctype = item.get("type")
            if ctype not in ColumnType.values:
                self.fail(
                    f"{where}: unknown type {ctype!r}; expected one of "
                    f"{', '.join(ColumnType.values)}",
                    **at,
                )
            required = item.get("required", False)
            if not isinstance(required, bool):
                self.fail(f"{where}: required must be true or false", **at)
            column: dict[str, Any] = {
                "code": code,
                "label": self._text(
                    item.get("label"), f"{where}: the label", limit=MAX_LABEL, **at
                ),
                "type": ctype,
                "required": required,
            }
            if ctype == ColumnType.CHOICE:
                column["choices"] = self._choices_of(item, where, column=code, **at)
            elif "choices" in item or "choice_set" in item:
                self.fail(f"{where}: choices apply only to choice columns", **at)
            if ctype == ColumnType.INTEGER:
                column["min"] = self._int(item.get("min", 0), f"{where}: min", **at)
                if item.get("max") is not None:
                    column["max"] = self._int(item["max"], f"{where}: max", **at)
                    if column["max"] < column["min"]:
                        self.fail(f"{where}: max must not be below min", **at)
            elif "min" in item or "max" in item:
                self.fail(f"{where}: min and max apply only to integer columns", **at)
            columns.append(column)
        return columns

    def _show_if(self, raw: Any, at: dict) -> dict[str, Any]:
        if not isinstance(raw, dict) or set(raw) != {"question", "in"}:
            self.fail("show_if needs exactly question and in", **at)
        parent_code = raw["question"]
        parent = self.questions.get(parent_code) if isinstance(parent_code, str) else None
        if parent is None:
            self.fail(f"show_if refers to {parent_code!r}, which is not an earlier question", **at)
        if parent["type"] not in CONDITION_PARENT_TYPES:
            self.fail(
                f"show_if refers to {parent_code}, a {parent['type']} question; a follow-up "
                "can depend only on a yes/no or choice question",
                **at,
            )
        values = raw["in"]
        if not isinstance(values, list) or not values:
            self.fail("show_if.in must be a non-empty list of choice codes", **at)
        values = [_code_text(value) for value in values]
        valid = _parent_codes(parent)
        for value in values:
            if value not in valid:
                self.fail(
                    f"show_if value {value!r} is not a choice of {parent_code} "
                    f"({', '.join(valid)})",
                    **at,
                )
        return {"question": parent_code, "in": values}


def _parent_codes(parent: dict[str, Any]) -> list[str]:
    choices = answer_choices(parent["type"], parent["choices"], parent["allow_other"])
    return [choice["code"] for choice in choices]


def check_question_definition(
    fields: dict[str, Any], *, section_code: str, parent: dict[str, Any] | None = None
) -> None:
    """Check one question edited outside a file (the admin) with the file format's own rules.

    `fields` holds the model's field values; `parent` the show-if parent's code, type, choices and
    allow_other. Raises QuestionnaireFileError whose `reason` says what is wrong.
    """
    raw: dict[str, Any] = {
        "code": fields["code"],
        "text": fields["text"],
        "type": fields["type"],
        "cites": fields["citations"],
        "required": fields["required"],
        "help": fields["help"],
    }
    optional = {
        "choices": fields["choices"] or None,
        "other": fields["allow_other"] or None,
        "columns": fields["columns"] or None,
        "min": fields["min_value"],
        "max": fields["max_value"],
        "unit": fields["unit"] or None,
        "max_length": fields["max_length"],
        "max_rows": fields["max_rows"],
        "min_rows": fields["min_rows"] or None,
        "multiple": None if fields["multiple"] else False,
    }
    raw.update({key: value for key, value in optional.items() if value is not None})
    if fields["type"] == QuestionType.FILE:
        raw["multiple"] = fields["multiple"]
    parser = _Parser(Path("admin"))
    if parent is not None:
        parser.questions[parent["code"]] = parent
        raw["show_if"] = {"question": parent["code"], "in": fields["show_if_values"]}
    elif fields["show_if_values"]:
        raise QuestionnaireFileError(
            "admin", "conditions need a parent question", question=fields["code"]
        )
    parser._question(raw, section_code)


# -- translation files ----------------------------------------------------------------------

TRANSLATION_TOP_KEYS = {
    "language", "version", "title", "description", "choice_sets", "sections", "questions",
}  # fmt: skip
TRANSLATION_SECTION_KEYS = {"title", "help"}
TRANSLATION_QUESTION_KEYS = {"text", "help", "unit", "choices", "columns"}
TRANSLATION_COLUMN_KEYS = {"label", "choices"}


def translation_files_for(path: str | Path) -> list[tuple[str, Path]]:
    """The translation files beside a questionnaire file: `<name>.<language>.yaml`, by language.

    A file whose language part is not a translation language is refused, not skipped.
    """
    from reports.questionnaire_i18n import TRANSLATION_LANGUAGE_CODES

    path = Path(path)
    found = []
    for candidate in sorted(path.parent.glob(f"{path.stem}.*.yaml")):
        language = candidate.name[len(path.stem) + 1 : -len(".yaml")]
        if language not in TRANSLATION_LANGUAGE_CODES:
            raise QuestionnaireFileError(
                candidate,
                f"unknown language {language!r} in the file name; expected one of "
                f"{', '.join(TRANSLATION_LANGUAGE_CODES)}",
            )
        found.append((language, candidate))
    return found


def parse_translation_file(
    path: str | Path, source: QuestionnaireSource, *, language: str | None = None
) -> dict[str, Any]:
    """Check a translation file against its questionnaire; return {language, version, texts}.

    `texts` maps string keys (reports.questionnaire_i18n) to text, a choice set's translation
    expanded to every question and column that uses the set. `language`, when given (from the
    file name), must match the file's own. Raises QuestionnaireFileError naming file, code, reason.
    """
    path = Path(path)
    return _TranslationParser(path, source).parse(_load_yaml(path), language)


class _TranslationParser(_Parser):
    def __init__(self, path: Path, source: QuestionnaireSource) -> None:
        super().__init__(path)
        self.source = source
        self.sections = {section["code"]: section for section in source.spec["sections"]}
        self.by_code = {
            question["code"]: question
            for section in source.spec["sections"]
            for question in section["questions"]
        }
        self.texts: dict[str, str] = {}

    def parse(self, raw: Any, language: str | None = None) -> dict[str, Any]:  # type: ignore[override]
        from reports import questionnaire_i18n as keys

        if not isinstance(raw, dict):
            self.fail("the file must be a mapping with language, version and the texts")
        self._no_unknown_keys(raw, TRANSLATION_TOP_KEYS, "the top level")
        own_language = raw.get("language")
        if own_language not in keys.TRANSLATION_LANGUAGE_CODES:
            self.fail(
                f'"language" {own_language!r} is not a translation language; expected one of '
                f"{', '.join(keys.TRANSLATION_LANGUAGE_CODES)}"
            )
        if language is not None and own_language != language:
            self.fail(f'"language" is {own_language!r} but the file name says {language!r}')
        spec = self.source.spec
        if raw.get("version") != spec["version"]:
            self.fail(
                f'"version" {raw.get("version")!r} is not the questionnaire\'s version '
                f'"{spec["version"]}"'
            )
        if "title" in raw:
            self.texts["title"] = self._text(raw["title"], '"title"', limit=MAX_TITLE)
        if "description" in raw:
            if not spec["description"]:
                self.fail('"description": the questionnaire has no description to translate')
            self.texts["description"] = self._text(raw["description"], '"description"')
        self._choice_sets(self._mapping(raw.get("choice_sets"), '"choice_sets"'))
        for code, item in self._mapping(raw.get("sections"), '"sections"').items():
            self._translated_section(code, item)
        for code, item in self._mapping(raw.get("questions"), '"questions"').items():
            self._translated_question(code, item)
        return {"language": own_language, "version": spec["version"], "texts": self.texts}

    def _mapping(self, value: Any, what: str, **at) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(f"{what} must be a mapping of codes to texts", **at)
        return value

    def _key(self, value: Any, what: str, **at) -> str:
        if isinstance(value, float):
            self.fail(f'{what} {value!r} must be quoted, e.g. "1.10" (YAML reads it as a number)')
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        value = _code_text(value)
        if not isinstance(value, str):
            self.fail(f"{what} {value!r} must be text", **at)
        return value

    def _labels(self, value: Any, known: list[dict[str, str]], where: str, **at) -> dict[str, str]:
        codes = {choice["code"] for choice in known}
        labels = {}
        for raw_code, label in self._mapping(value, f"{where}: choices", **at).items():
            code = self._key(raw_code, f"{where}: choice code", **at)
            if code not in codes:
                self.fail(f"{where}: unknown choice code {code!r}", **at)
            labels[code] = self._text(label, f"{where}: the label of {code}", limit=MAX_LABEL, **at)
        return labels

    def _choice_sets(self, raw: dict) -> None:
        from reports.questionnaire_i18n import choice_key, column_choice_key

        for raw_name, choices in raw.items():
            name = str(raw_name)
            if name not in self.source.choice_sets:
                self.fail(f"unknown choice set {name!r}")
            labels = self._labels(choices, self.source.choice_sets[name], f'choice set "{name}"')
            for (question, column), used in self.source.choice_set_uses.items():
                if used != name:
                    continue
                for code, label in labels.items():
                    key = (
                        column_choice_key(question, column, code)
                        if column
                        else choice_key(question, code)
                    )
                    self.texts[key] = label

    def _translated_section(self, raw_code: Any, item: Any) -> None:
        from reports.questionnaire_i18n import section_key

        code = self._key(raw_code, "section code")
        section = self.sections.get(code)
        if section is None:
            self.fail("no such section in the questionnaire", section=code)
        item = self._mapping(item, "the section", section=code)
        self._no_unknown_keys(item, TRANSLATION_SECTION_KEYS, "the section", section=code)
        if "title" in item:
            self.texts[section_key(code, "title")] = self._text(
                item["title"], "the title", limit=MAX_TITLE, section=code
            )
        if "help" in item:
            if not section["help"]:
                self.fail("the section has no help to translate", section=code)
            self.texts[section_key(code, "help")] = self._text(item["help"], "help", section=code)

    def _translated_question(self, raw_code: Any, item: Any) -> None:
        from reports.questionnaire_i18n import choice_key, question_key

        code = self._key(raw_code, "question code")
        question = self.by_code.get(code)
        if question is None:
            self.fail("no such question in the questionnaire", question=code)
        at = {"question": code}
        item = self._mapping(item, "the question", **at)
        self._no_unknown_keys(item, TRANSLATION_QUESTION_KEYS, "the question", **at)
        if "text" in item:
            self.texts[question_key(code, "text")] = self._text(item["text"], "the text", **at)
        for part, limit in (("help", None), ("unit", MAX_UNIT)):
            if part in item:
                if not question[part]:
                    self.fail(f"the question has no {part} to translate", **at)
                self.texts[question_key(code, part)] = self._text(
                    item[part], part, limit=limit, **at
                )
        if "choices" in item:
            if not question["choices"]:
                self.fail(
                    "the question has no choices of its own to translate (yes, no, developing "
                    "and other are translated with the interface)",
                    **at,
                )
            for choice, label in self._labels(
                item["choices"], question["choices"], "the question", **at
            ).items():
                self.texts[choice_key(code, choice)] = label
        if "columns" in item:
            if not question["columns"]:
                self.fail("the question has no table columns to translate", **at)
            self._translated_columns(code, question, item["columns"], at)

    def _translated_columns(self, code: str, question: dict, raw: Any, at: dict) -> None:
        from reports.questionnaire_i18n import column_choice_key, column_key

        columns = {column["code"]: column for column in question["columns"]}
        for raw_column, value in self._mapping(raw, "columns", **at).items():
            column_code = self._key(raw_column, "column code", **at)
            column = columns.get(column_code)
            where = f"column {column_code}"
            if column is None:
                self.fail(f"unknown column {column_code!r}", **at)
            if isinstance(value, str):  # the short form: just the label
                value = {"label": value}
            value = self._mapping(value, where, **at)
            self._no_unknown_keys(value, TRANSLATION_COLUMN_KEYS, where, **at)
            if "label" in value:
                self.texts[column_key(code, column_code)] = self._text(
                    value["label"], f"{where}: the label", limit=MAX_LABEL, **at
                )
            if "choices" in value:
                if not column.get("choices"):
                    self.fail(f"{where}: the column has no choices to translate", **at)
                for choice, label in self._labels(
                    value["choices"], column["choices"], where, **at
                ).items():
                    self.texts[column_choice_key(code, column_code, choice)] = label
