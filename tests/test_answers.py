"""Answers are checked against their question's type and stored in typed, SQL-countable rows."""

import datetime
import re

import pytest
from django.db.models import Count, Sum

from reports.answers import AnswerValidationError, clean_answer
from reports.models import Answer, AnswerCell, AnswerChoice, NationalReport, QuestionType
from reports.selectors import report_answer_values
from reports.services import ReportNotEditableError, save_answer
from tests.factories import CycleFactory, QuestionFactory, ReportFactory, SectionFactory, country

pytestmark = pytest.mark.django_db

TOPICS = [{"code": "marking", "label": "Marking"}, {"code": "tracing", "label": "Tracing"}]
LAW_COLUMNS = [
    {"code": "title", "label": "Title", "type": "text", "required": True},
    {"code": "adopted", "label": "Adopted", "type": "date", "required": False},
    {"code": "link", "label": "Link", "type": "url", "required": False},
    {"code": "items", "label": "Items", "type": "integer", "required": False, "min": 0},
    {"code": "topic", "label": "Topic", "type": "choice", "required": False, "choices": TOPICS},
    {"code": "partner", "label": "Partner", "type": "country", "required": False},
    {"code": "public", "label": "Public", "type": "yes_no", "required": False},
]


@pytest.fixture
def section():
    return SectionFactory()


@pytest.fixture
def report(section):
    return ReportFactory(cycle=CycleFactory(questionnaire=section.version))


def make(section, qtype, **fields):
    return QuestionFactory(section=section, type=qtype, **fields)


# -- validation, type by type ------------------------------------------------------------

VALID = [
    (QuestionType.YES_NO_DEVELOPING, {}, "developing", "developing"),
    (QuestionType.YES_NO, {}, "no", "no"),
    (QuestionType.SINGLE_CHOICE, {"choices": TOPICS}, "tracing", "tracing"),
    (
        QuestionType.MULTI_CHOICE,
        {"choices": TOPICS, "allow_other": True},
        {"choices": ["other", "tracing"], "other": "DNA marking"},
        {"choices": ["tracing", "other"], "other": "DNA marking"},
    ),
    (
        QuestionType.MULTI_CHOICE,
        {"choices": TOPICS},
        ["marking"],
        {"choices": ["marking"], "other": ""},
    ),
    (QuestionType.INTEGER, {"min_value": 0}, "1,250", 1250),
    (QuestionType.INTEGER, {"min_value": 0, "max_value": 100}, 100, 100),
    (QuestionType.TEXT, {"max_length": 20}, "  Ministry of Defence ", "Ministry of Defence"),
    (QuestionType.DATE, {}, "2024-06-18", datetime.date(2024, 6, 18)),
    (
        QuestionType.CONTACT,
        {},
        {"name": "Amina Diallo", "email": "amina@gov.example"},
        {
            "name": "Amina Diallo",
            "position": "",
            "organization": "",
            "address": "",
            "phone": "",
            "email": "amina@gov.example",
        },
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [
            {"title": "Firearms Act", "adopted": "2019-02-01", "link": "https://law.example/1"},
            {"title": "", "adopted": ""},  # a blank row is dropped
            {
                "title": "Decree 12",
                "items": "40",
                "topic": "marking",
                "partner": "fra",
                "public": "yes",
            },
        ],
        [
            {
                "title": "Firearms Act",
                "adopted": datetime.date(2019, 2, 1),
                "link": "https://law.example/1",
                "items": None,
                "topic": None,
                "partner": None,
                "public": None,
            },
            {
                "title": "Decree 12",
                "adopted": None,
                "link": None,
                "items": 40,
                "topic": "marking",
                "partner": "FRA",
                "public": "yes",
            },
        ],
    ),
]


@pytest.mark.parametrize(("qtype", "fields", "given", "expected"), VALID)
def test_valid_answers_are_normalised_stored_and_read_back(
    section, report, qtype, fields, given, expected
):
    question = make(section, qtype, **fields)
    assert clean_answer(question, given) == expected
    save_answer(report=report, question=question, value=given)
    assert report_answer_values(report) == {question.code: expected}


INVALID = [
    (QuestionType.YES_NO_DEVELOPING, {}, "maybe", "'maybe' is not one of the choices"),
    (QuestionType.YES_NO, {}, "developing", "'developing' is not one of the choices"),
    (QuestionType.YES_NO, {}, True, "is not one of the choices"),
    (QuestionType.SINGLE_CHOICE, {"choices": TOPICS}, "brokering", "not one of the choices"),
    (QuestionType.MULTI_CHOICE, {"choices": TOPICS}, ["marking", "x"], "'x' is not one of"),
    (
        QuestionType.MULTI_CHOICE,
        {"choices": TOPICS, "allow_other": True},
        {"choices": ["other"], "other": ""},
        '"Other" is ticked: please specify',
    ),
    (QuestionType.MULTI_CHOICE, {"choices": TOPICS}, "marking", "expected a list"),
    (QuestionType.INTEGER, {"min_value": 0}, "twelve", "expected a whole number"),
    (QuestionType.INTEGER, {"min_value": 0}, 2.5, "expected a whole number"),
    (QuestionType.INTEGER, {"min_value": 0}, -3, "at least 0"),
    (QuestionType.INTEGER, {"min_value": 0, "max_value": 100}, 101, "at most 100"),
    (QuestionType.INTEGER, {"min_value": 0}, 10**16, "at most"),
    (QuestionType.TEXT, {"max_length": 5}, "too long", "at most 5 fit"),
    (QuestionType.TEXT, {}, 42, "expected text"),
    (QuestionType.DATE, {}, "18/06/2024", "is not a date"),
    (QuestionType.CONTACT, {}, {"email": "not-an-address"}, "not a valid e-mail address"),
    (QuestionType.CONTACT, {}, {"fax": "123"}, "unknown contact field(s): fax"),
    (QuestionType.TABLE, {"columns": LAW_COLUMNS}, {"title": "x"}, "expected a list of rows"),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"adopted": "2020-01-01"}],
        "row 1, Title: this column is required",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "link": "ftp://x"}],
        "is not a web address",
    ),
    (QuestionType.TABLE, {"columns": LAW_COLUMNS}, [{"title": "A", "items": "-1"}], "at least 0"),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "partner": "XXX"}],
        "unknown State code(s): XXX",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "colour": "red"}],
        "unknown column(s) colour",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS, "max_rows": 1},
        [{"title": "A"}, {"title": "B"}],
        "at most 1 rows fit",
    ),
    (QuestionType.FILE, {}, "report.pdf", "attached by uploading"),
]


VALID_BY_TYPE = {
    QuestionType.YES_NO_DEVELOPING: "yes",
    QuestionType.YES_NO: "yes",
    QuestionType.SINGLE_CHOICE: "tracing",
    QuestionType.MULTI_CHOICE: ["marking"],
    QuestionType.INTEGER: 5,
    QuestionType.TEXT: "ok",
    QuestionType.DATE: "2024-01-01",
    QuestionType.CONTACT: {"name": "Amina Diallo"},
    QuestionType.TABLE: [{"title": "Act"}],
}


@pytest.mark.parametrize(("qtype", "fields", "given", "message"), INVALID)
def test_wrong_answers_are_refused_naming_the_question(
    section, report, qtype, fields, given, message
):
    question = make(section, qtype, **fields)
    if qtype != QuestionType.FILE:  # a valid answer first: a refused one must not replace it
        save_answer(report=report, question=question, value=VALID_BY_TYPE[qtype])
    before = report_answer_values(report)
    with pytest.raises(AnswerValidationError) as error:
        save_answer(report=report, question=question, value=given)
    assert str(error.value).startswith(f"Question {question.code}: ")
    assert message in str(error.value)
    assert report_answer_values(report) == before


# -- storage ------------------------------------------------------------------------------


def test_an_empty_value_removes_the_answer(section, report):
    question = make(section, QuestionType.TEXT)
    save_answer(report=report, question=question, value="Yes, since 2015.")
    save_answer(report=report, question=question, value="   ")
    assert not Answer.objects.exists()


def test_saving_again_replaces_choices_and_cells(section, report):
    checklist = make(section, QuestionType.MULTI_CHOICE, choices=TOPICS)
    table = make(section, QuestionType.TABLE, columns=LAW_COLUMNS)
    save_answer(report=report, question=checklist, value=["marking", "tracing"])
    save_answer(report=report, question=table, value=[{"title": "A"}, {"title": "B"}])
    save_answer(report=report, question=checklist, value=["tracing"])
    save_answer(report=report, question=table, value=[{"title": "C"}])
    assert list(AnswerChoice.objects.values_list("code", flat=True)) == ["tracing"]
    assert list(AnswerCell.objects.values_list("value_text", flat=True)) == ["C"]


def test_a_question_of_another_questionnaire_is_refused(report):
    stranger = QuestionFactory()
    with pytest.raises(AnswerValidationError, match="not part of the report's questionnaire"):
        save_answer(report=report, question=stranger, value="yes")


def test_a_submitted_report_cannot_change(section, report):
    question = make(section, QuestionType.YES_NO)
    NationalReport.objects.filter(pk=report.pk).update(status=NationalReport.Status.SUBMITTED)
    report.refresh_from_db()
    with pytest.raises(ReportNotEditableError, match="is submitted"):
        save_answer(report=report, question=question, value="yes")


def test_statistics_are_plain_sql_over_the_typed_rows(section):
    cycle = CycleFactory(questionnaire=section.version)
    agency = make(section, QuestionType.YES_NO_DEVELOPING)
    destroyed = make(section, QuestionType.INTEGER, min_value=0)
    topics = make(section, QuestionType.MULTI_CHOICE, choices=TOPICS)
    for iso3, has_agency, count, ticked in [
        ("GHA", "yes", 120, ["marking"]),
        ("MEX", "yes", 3000, ["marking", "tracing"]),
        ("FRA", "developing", 80, ["tracing"]),
    ]:
        report = ReportFactory(country=country(iso3), cycle=cycle)
        save_answer(report=report, question=agency, value=has_agency)
        save_answer(report=report, question=destroyed, value=count)
        save_answer(report=report, question=topics, value=ticked)

    shares = dict(
        Answer.objects.filter(question=agency).values_list("value_choice").annotate(n=Count("id"))
    )
    assert shares == {"yes": 2, "developing": 1}
    assert Answer.objects.filter(question=destroyed).aggregate(total=Sum("value_int")) == {
        "total": 3200
    }
    by_region = dict(
        Answer.objects.filter(question=agency, value_choice="yes")
        .values_list("report__country__report_region__code")
        .annotate(n=Count("id"))
    )
    assert by_region == {"africa": 1, "americas": 1}
    ticks = dict(
        AnswerChoice.objects.filter(answer__question=topics)
        .values_list("code")
        .annotate(n=Count("id"))
    )
    assert ticks == {"marking": 2, "tracing": 2}


MORE_INVALID = [
    (QuestionType.INTEGER, {}, "²", "expected a whole number"),
    (QuestionType.INTEGER, {}, "--5", "expected a whole number"),
    (QuestionType.INTEGER, {}, "1,2,3", "expected a whole number"),
    (QuestionType.INTEGER, {}, "1 0", "expected a whole number"),
    (QuestionType.INTEGER, {}, "9" * 5000, "expected a whole number"),
    (QuestionType.TEXT, {}, "a\x00b", "NUL character"),
    (QuestionType.DATE, {}, "20240618", "is not a date"),
    (QuestionType.DATE, {}, "2024-W25-2", "is not a date"),
    (QuestionType.DATE, {}, "2024-02-30", "is not a date"),
    (QuestionType.CONTACT, {}, {"name": 12}, "the name: expected text"),
    (QuestionType.CONTACT, {}, {"name": "A\x00"}, "NUL character"),
    (
        QuestionType.MULTI_CHOICE,
        {"choices": TOPICS, "allow_other": True},
        {"choices": ["other"], "other": "x\x00"},
        "NUL character",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "adopted": "soon"}],
        "row 1, Adopted: 'soon' is not a date",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "topic": "dance"}],
        "row 1, Topic: 'dance' is not one of the choices",
    ),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS},
        [{"title": "A", "public": "maybe"}],
        "row 1, Public: expected yes or no",
    ),
    (QuestionType.TABLE, {"columns": LAW_COLUMNS}, [{"title": "A\x00"}], "NUL character"),
    (
        QuestionType.TABLE,
        {"columns": LAW_COLUMNS, "min_rows": 2},
        [{"title": "A"}],
        "at least 2 row(s) are needed",
    ),
]


@pytest.mark.parametrize(("qtype", "fields", "given", "message"), MORE_INVALID)
def test_odd_input_is_refused_with_a_message_never_a_crash(
    section, report, qtype, fields, given, message
):
    question = make(section, qtype, **fields)
    earlier = make(section, QuestionType.TEXT)
    save_answer(report=report, question=earlier, value="Kept")
    with pytest.raises(AnswerValidationError, match=re.escape(message)):
        save_answer(report=report, question=question, value=given)
    assert report_answer_values(report) == {earlier.code: "Kept"}


@pytest.mark.parametrize(
    ("qtype", "fields", "given", "expected"),
    [
        (QuestionType.INTEGER, {}, "1 250", 1250),
        (QuestionType.INTEGER, {}, " 42 ", 42),
        (
            QuestionType.TABLE,
            {"columns": LAW_COLUMNS[:3]},
            [{"title": "Act", "link": "  https://law.example/act  "}],
            [{"title": "Act", "adopted": None, "link": "https://law.example/act"}],
        ),
    ],
)
def test_usual_ways_of_typing_are_accepted(section, report, qtype, fields, given, expected):
    assert clean_answer(make(section, qtype, **fields), given) == expected


def test_word_soft_breaks_become_line_breaks_and_control_characters_go():
    from reports.answers import clean_answer
    from reports.models import Question, QuestionType

    question = Question(code="9.9", type=QuestionType.TEXT)
    assert clean_answer(question, "first\x0bsecond\x07 line") == "first\nsecond line"
