"""Data for the load test, written into the load test's own database, and the plan the simulated
users follow (written as JSON for bench/load/locustfile.py).

On top of `generate_history` (195 States x 2 cycles; every report of the open cycle submitted):
- 50 States get a draft report of the open cycle instead, partly answered as a State still
  filling it would have (`reports.demo.write_cycle_reports`, the demo data's own code), and one
  focal point each (a country membership as submitter), who signs in with a password;
- 5 secretariat reviewers, signed in by sessions written here (see `staff_session`);
- the statistics of both cycles compiled, for the statistics dashboard.

    python bench/load/prepare.py PLAN.json [--plan-only]   (DATABASE_URL: the load test's database)

--plan-only writes the plan again for a database prepared before (`run_load.py --reuse-db`).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from accounts.services import REVIEWERS, ensure_role_groups  # noqa: E402
from countries.models import Country, CountryMembership  # noqa: E402
from reports.demo import write_cycle_reports  # noqa: E402
from reports.models import Answer, NationalReport, QuestionType, ReportingCycle  # noqa: E402
from reports.statistics.compile import compile_cycle  # noqa: E402
from reports.synthetic import SyntheticAnswers  # noqa: E402

FOCAL_POINTS = 50
STAFF = 5
PASSWORD = "load-test-2026"
FOCAL_DOMAIN = "@focal.load.test"
STAFF_DOMAIN = "@staff.load.test"
# The types an autosave sends as one plain field (text, number, one choice).
SIMPLE_TYPES = (
    QuestionType.TEXT,
    QuestionType.INTEGER,
    QuestionType.YES_NO,
    QuestionType.YES_NO_DEVELOPING,
    QuestionType.SINGLE_CHOICE,
)


def drafts_for(cycle: ReportingCycle, countries: list[Country]) -> None:
    """Replace these States' reports of the open cycle by drafts being filled in."""
    NationalReport.objects.filter(cycle=cycle, country__in=countries).delete()
    rng = random.Random(f"load-{cycle.year}")
    codes = list(Country.objects.values_list("iso3", flat=True))
    write_cycle_reports(
        cycle=cycle,
        countries=countries,
        status=NationalReport.Status.DRAFT,
        rng=rng,
        generator=SyntheticAnswers(rng, codes),
        questions=list(cycle.questionnaire.questions.order_by("position")),
    )


def staff_session(user) -> str:
    """A signed-in session for a staff member, as `django.contrib.auth.login` writes it.

    Staff must sign in with a second factor (accounts/two_factor.py): a session counts as verified
    when it carries the confirmed authenticator that verified it, as `django_otp.login` records
    it. Writing such sessions here keeps one-time codes out of the load test; the focal points
    sign in through the form, which is what the test measures of signing in.
    """
    # The backend a password sign-in records: the last one (django-axes' only guards the others).
    backend = [b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes.")][-1]
    session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if "django_otp.plugins.otp_totp" in settings.INSTALLED_APPS:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def create_people() -> None:
    """The drafts, their focal points and the reviewers; then the statistics."""
    User = get_user_model()
    cycles = list(ReportingCycle.objects.select_related("questionnaire").order_by("-year"))
    open_cycle = next(c for c in cycles if c.is_open())
    countries = list(Country.objects.with_groupings().order_by("sort_key"))
    drafting = random.Random(8).sample(countries, FOCAL_POINTS)
    password = make_password(PASSWORD)  # one hash for all: hashing is not what is prepared here
    with transaction.atomic():
        drafts_for(open_cycle, drafting)
        for country in drafting:
            user = User.objects.create(
                email=f"focal.{country.iso3.lower()}{FOCAL_DOMAIN}",
                password=password,
                first_name="Focal point",
                last_name=country.un_name,
            )
            CountryMembership.objects.create(
                user=user, country=country, role=CountryMembership.Role.SUBMITTER
            )
        reviewers = ensure_role_groups()[REVIEWERS]
        for number in range(1, STAFF + 1):
            user = User.objects.create(
                email=f"reviewer{number}{STAFF_DOMAIN}", password=password, is_staff=True
            )
            user.groups.add(reviewers)
    for cycle in cycles:
        compile_cycle(cycle, force=True, reason="load test")


def write_plan(plan_path: str) -> None:
    """What the simulated people need, read from the database as it is now (the answers'
    versions change with every run, so a reused database gets a fresh plan)."""
    User = get_user_model()
    cycles = list(ReportingCycle.objects.select_related("questionnaire").order_by("-year"))
    open_cycle = next(c for c in cycles if c.is_open())
    questions = list(
        open_cycle.questionnaire.questions.filter(type__in=SIMPLE_TYPES)
        .select_related("section")
        .order_by("position")
    )
    sections: dict[str, list[dict]] = {}
    for question in questions:
        if question.show_if_question_id:
            continue  # a follow-up may be hidden; the script saves only what the page shows
        sections.setdefault(question.section.code, []).append(
            {
                "code": question.code,
                "type": question.type,
                "choices": question.choice_codes(),
            }
        )
    memberships = CountryMembership.objects.filter(
        user__email__endswith=FOCAL_DOMAIN
    ).select_related("user")
    reports = {
        r.country_id: r.pk
        for r in NationalReport.objects.filter(cycle=open_cycle, status=NationalReport.Status.DRAFT)
    }
    versions: dict[int, dict[str, int]] = {}
    for report_id, code, version in Answer.objects.filter(
        report_id__in=reports.values()
    ).values_list("report_id", "question__code", "version"):
        versions.setdefault(report_id, {})[code] = version
    submitted = list(
        NationalReport.objects.filter(
            cycle=open_cycle, status=NationalReport.Status.SUBMITTED
        ).values_list("pk", flat=True)
    )
    staff = User.objects.filter(email__endswith=STAFF_DOMAIN).order_by("email")
    plan = {
        "focal_points": [
            {
                "email": m.user.email,
                "password": PASSWORD,
                "report": reports[m.country_id],
                "versions": versions.get(reports[m.country_id], {}),
            }
            for m in memberships.order_by("user__email")
        ],
        "sections": sections,
        "staff_sessions": [staff_session(user) for user in staff],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "submitted_reports": submitted,
        "years": [c.year for c in cycles],
    }
    Path(plan_path).write_text(json.dumps(plan, indent=1))
    print(
        f"Load test plan: {len(plan['focal_points'])} focal points with drafts, "
        f"{len(plan['staff_sessions'])} reviewers, {len(submitted)} submitted reports to review, "
        f"{sum(len(q) for q in sections.values())} questions to save."
    )


def main(argv: list[str]) -> None:
    if "--plan-only" not in argv:
        create_people()
    write_plan(argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
