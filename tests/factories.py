"""Factories for test data. Countries come from the data migration, so they are looked up."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from countries.models import Country, CountryMembership
from reports.models import (
    NationalReport,
    Question,
    QuestionnaireVersion,
    QuestionType,
    ReportingCycle,
    Revision,
    Section,
)


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password("a-good-test-password")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryMembership

    user = factory.SubFactory(UserFactory)
    country = factory.LazyFunction(lambda: country("GHA"))
    role = CountryMembership.Role.SUBMITTER


class QuestionnaireVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireVersion

    code = factory.Sequence(lambda n: f"test.{n}")
    title = "Test questionnaire"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(QuestionnaireVersionFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Section {n + 1}")
    position = factory.Sequence(lambda n: n + 1)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    version = factory.SelfAttribute("section.version")
    code = factory.Sequence(lambda n: f"9.{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n + 1}?")
    type = QuestionType.YES_NO_DEVELOPING
    citations = factory.LazyFunction(lambda: ["PoA II.4"])


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingCycle

    year = factory.Sequence(lambda n: 2100 + 2 * n)
    meeting_type = ReportingCycle.Meeting.BMS
    meeting_number = 20
    period_start = factory.LazyAttribute(lambda o: datetime.date(o.year - 2, 1, 1))
    period_end = factory.LazyAttribute(lambda o: datetime.date(o.year - 1, 12, 31))
    opens_on = factory.LazyAttribute(lambda o: datetime.date(o.year - 1, 10, 1))
    due_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 31))
    questionnaire = factory.SubFactory(QuestionnaireVersionFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalReport

    country = factory.LazyFunction(lambda: country("GHA"))
    cycle = factory.SubFactory(CycleFactory)


# -- statistics -------------------------------------------------------------------------------
# A small questionnaire whose every number the statistics tests count by hand; its assistance
# tables carry the codes reports/data/statistics.yaml names.

SALW_CATEGORIES = [
    {"code": "pistols", "label": "Revolvers and self-loading pistols"},
    {"code": "rifles", "label": "Rifles and carbines"},
    {"code": "machine_guns", "label": "Light machine guns"},
    {"code": "mortars", "label": "Mortars of calibres less than 75 mm"},
]
ASSISTANCE_TOPICS = [
    {"code": "marking", "label": "Marking"},
    {"code": "tracing", "label": "Tracing"},
]
RECIPIENT_REGIONS = [
    {"code": "africa", "label": "Africa"},
    {"code": "americas", "label": "Latin America and the Caribbean"},
    {"code": "asia_pacific", "label": "Asia and the Pacific"},
    {"code": "europe", "label": "Europe"},
    {"code": "global", "label": "Global or more than one region"},
]


def statistics_questionnaire(version: QuestionnaireVersion | None = None) -> dict[str, Question]:
    """Questions by code: 1.1 yes/no/developing; 1.1.1 a number shown only for "yes"; 1.2 check
    all that apply (marking, tracing, other); 1.2.1 a text shown for marking or tracing; 3.7.1 a
    table of category and quantity; 10.1.1 assistance requested (topic, description); 10.3.1
    assistance offered (topic, description, region)."""
    version = version or QuestionnaireVersionFactory()
    first = SectionFactory(version=version, code="1", position=1)
    transfers = SectionFactory(version=version, code="3", position=2)
    assistance = SectionFactory(version=version, code="10", position=3)

    def make(section, code, position, qtype, **fields):
        return QuestionFactory(section=section, code=code, position=position, type=qtype, **fields)

    policy = make(first, "1.1", 1, QuestionType.YES_NO_DEVELOPING)
    measures = make(
        first, "1.2", 3, QuestionType.MULTI_CHOICE, choices=ASSISTANCE_TOPICS, allow_other=True
    )
    questions = [
        policy,
        make(
            first,
            "1.1.1",
            2,
            QuestionType.INTEGER,
            show_if_question=policy,
            show_if_values=["yes"],
        ),
        measures,
        make(
            first,
            "1.2.1",
            4,
            QuestionType.TEXT,
            show_if_question=measures,
            show_if_values=["marking", "tracing"],
        ),
        make(
            transfers,
            "3.7.1",
            5,
            QuestionType.TABLE,
            columns=[
                {
                    "code": "category",
                    "label": "Category",
                    "type": "choice",
                    "required": True,
                    "choices": SALW_CATEGORIES,
                },
                {"code": "quantity", "label": "Items", "type": "integer", "min": 0},
            ],
        ),
        make(
            assistance,
            "10.1.1",
            6,
            QuestionType.TABLE,
            columns=[
                {
                    "code": "topic",
                    "label": "Topic",
                    "type": "choice",
                    "required": True,
                    "choices": ASSISTANCE_TOPICS,
                },
                {"code": "description", "label": "Description", "type": "text"},
            ],
        ),
        make(
            assistance,
            "10.3.1",
            7,
            QuestionType.TABLE,
            columns=[
                {
                    "code": "topic",
                    "label": "Topic",
                    "type": "choice",
                    "required": True,
                    "choices": ASSISTANCE_TOPICS,
                },
                {"code": "description", "label": "Description", "type": "text"},
                {
                    "code": "region",
                    "label": "Region",
                    "type": "choice",
                    "choices": RECIPIENT_REGIONS,
                },
            ],
        ),
    ]
    return {question.code: question for question in questions}


def focal_point(iso3: str):
    """A submitter of the State's reports."""
    user = UserFactory(email=f"submitter@{iso3.lower()}.example")
    MembershipFactory(user=user, country=country(iso3), role=CountryMembership.Role.SUBMITTER)
    return user


def save_answers(report: NationalReport, user, answers: dict) -> None:
    """Save the answers (question code -> value; None removes one) through the services, in
    order, as the State's focal point would."""
    from reports.services import save_answer

    questions = {
        q.code: q for q in Question.objects.filter(version_id=report.cycle.questionnaire_id)
    }
    for code, value in answers.items():
        save_answer(report=report, question=questions[code], value=value, user=user)


def answer_and_submit(report: NationalReport, user, answers: dict) -> Revision:
    """Save the answers, then submit the report; returns the frozen revision."""
    from reports.services.submission import submit_report

    save_answers(report, user, answers)
    return submit_report(report=report, user=user)


class RevisionFactory(factory.django.DjangoModelFactory):
    """A revision written directly (as bulk-loaded history is): no typed rows yet."""

    class Meta:
        model = Revision

    report = factory.SubFactory(ReportFactory)
    number = factory.LazyAttribute(lambda o: o.report.revisions.count() + 1)
    answers = factory.LazyFunction(dict)
    submitted_at = factory.LazyFunction(timezone.now)


def accepted_revision(report: NationalReport, answers: dict) -> Revision:
    """Give the report an accepted revision with these answers, written directly."""
    now = timezone.now()
    revision = RevisionFactory(report=report, answers=answers, accepted_at=now)
    NationalReport.objects.filter(pk=report.pk).update(
        status=NationalReport.Status.ACCEPTED, current_revision=revision
    )
    report.refresh_from_db()
    return revision
