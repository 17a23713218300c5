"""The shipped PoA/ITI questionnaire file, and how malformed files are refused."""

from pathlib import Path

import pytest
import yaml

from reports.models import Question, QuestionnaireVersion, QuestionType
from reports.questionnaire_files import (
    CITATION_RE,
    QuestionnaireFileError,
    parse_questionnaire_file,
)
from reports.services import DEFAULT_QUESTIONNAIRE_FILE, load_questionnaire

SECTION_TOPICS = [
    "coordination",
    "manufacture",
    "transfers",
    "brokering",
    "stockpile",
    "destruction",
    "public awareness",
    "disarmament, demobilization and reintegration",
    "marking",
    "record",
    "tracing",
    "assistance",
    "gender",
    "16.4",
]


@pytest.fixture(scope="module")
def spec():
    return parse_questionnaire_file(DEFAULT_QUESTIONNAIRE_FILE)


def all_questions(spec):
    return [q for section in spec["sections"] for q in section["questions"]]


def test_the_questionnaire_is_complete(spec):
    questions = all_questions(spec)
    assert len(questions) > 80
    titles = [section["title"].lower() for section in spec["sections"]]
    for topic in SECTION_TOPICS:
        assert any(topic in title for title in titles), topic
    assert {q["type"] for q in questions} == set(QuestionType.values)


def test_codes_are_unique_and_every_question_cites_a_paragraph(spec):
    codes = [q["code"] for q in all_questions(spec)]
    assert len(codes) == len(set(codes))
    for question in all_questions(spec):
        assert question["citations"], question["code"]
        assert all(CITATION_RE.match(c) for c in question["citations"]), question["code"]
    assert any(c.startswith("ITI") for q in all_questions(spec) for c in q["citations"])


def test_follow_ups_point_to_earlier_choice_questions(spec):
    seen = {}
    follow_ups = 0
    for question in all_questions(spec):
        if question["show_if"]:
            follow_ups += 1
            parent = seen[question["show_if"]["question"]]
            assert parent["type"] in {
                "yes_no",
                "yes_no_developing",
                "single_choice",
                "multi_choice",
            }
        seen[question["code"]] = question
    assert follow_ups >= 10


def test_salw_tables_use_the_13_register_subcategories(spec):
    raw = yaml.safe_load(DEFAULT_QUESTIONNAIRE_FILE.read_text())
    categories = raw["choice_sets"]["unroca_salw_categories"]
    assert len(categories) == 13
    assert sum(c["code"].startswith("sa_") for c in categories) == 6
    assert sum(c["code"].startswith("lw_") for c in categories) == 7
    category_tables = [
        q
        for q in all_questions(spec)
        if q["type"] == "table" and any(col.get("choices") == categories for col in q["columns"])
    ]
    assert len(category_tables) >= 2  # exports and imports


def test_assistance_requested_and_offered_share_topics(spec):
    tables = [
        q for q in all_questions(spec) if q["type"] == "table" and q["code"].startswith("10.")
    ]
    topic_lists = [col["choices"] for q in tables for col in q["columns"] if col["code"] == "topic"]
    assert len(topic_lists) >= 2
    assert all(topics == topic_lists[0] for topics in topic_lists)


def test_loading_stores_every_question(shipped_questionnaire, spec):
    version = shipped_questionnaire
    assert version.code == spec["version"]
    assert version.questions.count() == len(all_questions(spec))
    assert version.sections.count() == len(spec["sections"])
    follow_up = Question.objects.filter(version=version, show_if_question__isnull=False).first()
    assert follow_up.show_if_question.position < follow_up.position


def test_loading_twice_changes_nothing(shipped_questionnaire):
    before = list(Question.objects.values_list("id", "updated_at"))
    result = load_questionnaire()
    assert result.outcome == "unchanged"
    assert list(Question.objects.values_list("id", "updated_at")) == before


# -- malformed files ---------------------------------------------------------------------

GOOD = {
    "version": "t.1",
    "title": "A test",
    "sections": [
        {
            "code": "1",
            "title": "Coordination",
            "questions": [
                {"code": "1.1", "text": "Agency?", "type": "yes_no", "cites": ["PoA II.4"]},
                {
                    "code": "1.2",
                    "text": "Name it",
                    "type": "text",
                    "cites": ["PoA II.4"],
                    "show_if": {"question": "1.1", "in": ["yes"]},
                },
            ],
        }
    ],
}


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "questionnaire.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def broken(change):
    import copy

    data = copy.deepcopy(GOOD)
    change(data)
    return data


def q(data, index):
    return data["sections"][0]["questions"][index]


@pytest.mark.parametrize(
    ("change", "code", "reason"),
    [
        (lambda d: q(d, 0).update(cites=[]), "1.1", "cites must list at least one paragraph"),
        (lambda d: q(d, 0).update(cites=["PoA 2.4"]), "1.1", "citation 'PoA 2.4' is not"),
        (lambda d: q(d, 1).update(code="1.1"), "1.1", "used twice"),
        (lambda d: q(d, 1).update(code="2.1"), "2.1", "must begin with its section code"),
        (lambda d: q(d, 0).update(type="slider"), "1.1", "unknown type 'slider'"),
        (lambda d: q(d, 0).update(choices=[]), "1.1", "unknown key(s) choices"),
        (
            lambda d: q(d, 1).update(show_if={"question": "1.9", "in": ["yes"]}),
            "1.2",
            "not an earlier question",
        ),
        (
            lambda d: q(d, 1).update(show_if={"question": "1.1", "in": ["maybe"]}),
            "1.2",
            "'maybe' is not a choice of 1.1",
        ),
        (lambda d: q(d, 0).update(code=1.1), None, "must be quoted text"),
        (
            lambda d: q(d, 0).update(type="single_choice"),
            "1.1",
            "choices or choice_set is required",
        ),
        (
            lambda d: q(d, 0).update(type="table", columns=[{"code": "a", "label": "A"}]),
            "1.1",
            "unknown type None",
        ),
        (
            lambda d: q(d, 0).update(type="integer", min=5, max=1),
            "1.1",
            "max must not be below min",
        ),
        (lambda d: q(d, 0).update(type=["x"]), "1.1", "unknown type ['x']"),
        (
            lambda d: q(d, 0).update(type="single_choice", choice_set=["x"]),
            "1.1",
            "unknown choice_set ['x']",
        ),
        (lambda d: q(d, 0).update(code="1." + "1" * 25), None, "at most 20 characters"),
        (lambda d: q(d, 0).update(help=["a", "b"]), "1.1", "help must be non-empty text"),
        (lambda d: q(d, 0).update(type="integer", unit=["a"]), "1.1", "unit must be"),
        (lambda d: q(d, 0).update(type="integer", unit="u" * 61), "1.1", "longer than 60"),
        (lambda d: q(d, 0).update(type="integer", max=10**20), "1.1", "max must be at most"),
        (
            lambda d: q(d, 0).update(type="text", max_length=10**10),
            "1.1",
            "max_length must be at most 100,000",
        ),
        (
            lambda d: q(d, 0).update(
                type="table",
                columns=[{"code": "n", "label": "N", "type": "integer", "min": 5, "max": 1}],
            ),
            "1.1",
            "column n: max must not be below min",
        ),
        (lambda d: d.update(version="2026/1"), None, '"version" must be quoted text'),
        (lambda d: d.update(choice_sets=["a"]), None, '"choice_sets" must be a mapping'),
        (lambda d: d.update(title="t" * 301), None, "longer than 300 characters"),
        (lambda d: d["sections"][0].update(code="1" * 11), None, "section code"),
    ],
)
def test_malformed_files_name_file_question_and_reason(tmp_path, db, change, code, reason):
    load_questionnaire(write(tmp_path, {**GOOD, "version": "t.0"}))  # what must stay untouched
    path = write(tmp_path, broken(change))
    with pytest.raises(QuestionnaireFileError) as error:
        load_questionnaire(path)
    message = str(error.value)
    assert message.startswith(str(path))
    if code:
        assert f"question {code}:" in message
    assert reason in message
    assert list(QuestionnaireVersion.objects.values_list("code", flat=True)) == ["t.0"]


def test_a_follow_up_cannot_depend_on_a_text_question(tmp_path, db):
    data = broken(lambda d: q(d, 1).update(show_if={"question": "1.1", "in": ["yes"]}))
    q(data, 0).update(type="text")
    with pytest.raises(QuestionnaireFileError, match="can depend only on a yes/no or choice"):
        load_questionnaire(write(tmp_path, data))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("version: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("version: '1'\ntitle: x\nsections: []\n", '"sections" must be a non-empty list'),
        ("version: '1'\nversion: '2'\ntitle: x\n", "the key 'version' is given twice"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, db, content, reason):
    load_questionnaire(write(tmp_path, {**GOOD, "version": "t.0"}))
    with pytest.raises(QuestionnaireFileError, match=reason):
        load_questionnaire(write(tmp_path, content))
    assert list(QuestionnaireVersion.objects.values_list("code", flat=True)) == ["t.0"]


def test_missing_file(tmp_path, db):
    with pytest.raises(QuestionnaireFileError, match="no such file"):
        load_questionnaire(tmp_path / "nope.yaml")


def test_bare_yes_no_in_conditions_mean_the_codes(tmp_path, db):
    text = write(tmp_path, GOOD).read_text().replace("- 'yes'", "- yes")
    assert "- yes" in text
    version = load_questionnaire(write(tmp_path, text)).version
    assert version.questions.get(code="1.2").show_if_values == ["yes"]


def test_the_load_command_reports_errors_without_a_traceback(tmp_path, db):
    from django.core.management import CommandError, call_command

    path = write(tmp_path, broken(lambda d: q(d, 0).update(cites=["nothing"])))
    with pytest.raises(CommandError, match=r"question 1\.1: citation 'nothing'"):
        call_command("load_questionnaire", str(path))
