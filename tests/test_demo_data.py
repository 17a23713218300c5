"""seed_demo: reference data, a plausible history with the real 2014 and 2018 counts, log-ins."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from countries.models import CountryMembership
from reports.demo import DEMO_PASSWORD, DEMO_REPORT_COUNTS
from reports.models import Answer, NationalReport, QuestionnaireVersion, ReportingCycle
from reports.selectors import report_answer_values


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Seed once for the module (it writes ~100,000 rows), and clean up after."""
    import io

    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        NationalReport.objects.all().delete()
        ReportingCycle.objects.all().delete()
        QuestionnaireVersion.objects.all().delete()
        CountryMembership.objects.all().delete()
        get_user_model().objects.all().delete()


pytestmark = pytest.mark.django_db


def submitted(year):
    return NationalReport.objects.filter(cycle__year=year, submitted_at__isnull=False)


def test_2014_and_2018_have_the_real_numbers_of_reports(demo_output):
    assert submitted(2014).count() == 68
    assert submitted(2018).count() == 120
    counts = {year: submitted(year).count() for year in DEMO_REPORT_COUNTS}
    assert max(counts.values()) == 120
    assert "Cycle 2014: 68 demo reports created." in demo_output


def test_the_open_cycle_has_submitted_reports_and_drafts(demo_output):
    statuses = dict(
        NationalReport.objects.filter(cycle__year=2026)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    assert statuses["submitted"] > 0 and statuses["draft"] > 0
    focal_drafts = NationalReport.objects.filter(
        cycle__year=2026, country__iso3__in=["GHA", "MEX"], status="draft"
    )
    assert focal_drafts.count() == 2
    assert not NationalReport.objects.filter(cycle__year=2026, country__iso3="PHL").exists()
    assert NationalReport.objects.filter(cycle__year=2024, country__iso3="PHL").exists()


def test_reporting_rates_differ_by_region(demo_output):
    def rate(region):
        reports = submitted(2018).filter(country__report_region__code=region).count()
        from countries.models import Country

        return reports / Country.objects.filter(report_region__code=region).count()

    assert rate("europe") > rate("africa")


def test_answers_are_plausible(demo_output):
    reports = list(submitted(2018).order_by("pk")[:20])
    questions = {q.code: q for q in reports[0].cycle.questionnaire.questions.all()}
    for report in reports:
        values = report_answer_values(report)
        assert len(values) > 40
        assert all(
            code in values
            for code, q in questions.items()
            if q.required and not q.show_if_question_id and q.type != "file"
        )
        # A follow-up is answered only when its parent's answer shows it.
        for code in values:
            question = questions[code]
            if question.show_if_question_id:
                parent = values[question.show_if_question.code]
                ticked = parent["choices"] if isinstance(parent, dict) else [parent]
                assert set(ticked) & set(question.show_if_values), code


def test_demo_users_can_sign_in(demo_output, client):
    for email in [
        "admin@poa-reports.local",
        "reviewer@poa-reports.local",
        "focal.gh@poa-reports.local",
    ]:
        assert client.login(email=email, password=DEMO_PASSWORD), email
        assert email in demo_output
    focal = get_user_model().objects.get(email="focal.gh@poa-reports.local")
    assert focal.memberships.get().country.iso3 == "GHA"
    assert not focal.is_staff


def test_seeding_again_adds_nothing(demo_output):
    before = (NationalReport.objects.count(), Answer.objects.count())
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert (NationalReport.objects.count(), Answer.objects.count()) == before


def test_demo_staff_sign_in_with_the_printed_key_or_a_recovery_code(demo_output):
    """`make run` prints each staff log-in's authenticator key and recovery codes: both work."""
    import base64
    import re
    import time

    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import TOTP

    key = re.search(r"admin@poa-reports\.local\s+key ([A-Z2-7 ]+)\n", demo_output).group(1)
    secret = key.replace(" ", "")
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time()
    code = re.search(r"recovery codes\s+([a-z2-7]{4}-[a-z2-7]{4}) ", demo_output).group(1)

    for second_step in (f"{totp.token():06d}", code):
        browser = Client()
        first = browser.post(
            reverse("login"), {"username": "admin@poa-reports.local", "password": DEMO_PASSWORD}
        )
        assert first["Location"] == reverse("two-factor-verify")
        done = browser.post(reverse("two-factor-verify"), {"code": second_step})
        assert done.status_code == 302, second_step
        assert browser.get("/review/").status_code == 200
