"""Factories for test data. Countries come from the data migration, so they are looked up."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from countries.models import Country, CountryMembership
from reports.models import (
    NationalReport,
    Question,
    QuestionnaireVersion,
    QuestionType,
    ReportingCycle,
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
