"""The demo data set and the large synthetic history used by benchmarks."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.services import OBSERVERS, REVIEWERS, ensure_role_groups
from accounts.two_factor import ensure_demo_device
from countries.models import Country, CountryMembership
from countries.services import sync_reference_countries
from reports.models import (
    Answer,
    AnswerCell,
    AnswerChoice,
    NationalReport,
    Question,
    ReportingCycle,
    Revision,
)
from reports.report_forms import jsonable
from reports.services import bulk_store_answers, create_missing_cycles, load_questionnaire
from reports.synthetic import REGION_CAPACITY, SyntheticAnswers

# Reports per past cycle in the demo history. 2014 (68) and 2018 (120, the highest) are the
# real figures; the others are plausible.
DEMO_REPORT_COUNTS = {
    2010: 56,
    2012: 84,
    2014: 68,
    2016: 105,
    2018: 120,
    2020: 96,
    2022: 88,
    2024: 101,
}
# The open cycle: some States have submitted, others are still drafting.
DEMO_OPEN_CYCLE_SUBMITTED = 45
DEMO_OPEN_CYCLE_DRAFTS = 20
# How much more likely States of each region are to report (rates differ widely by region).
REGION_REPORTING_WEIGHT = {"europe": 3.0, "americas": 2.0, "asia_pacific": 1.4, "africa": 1.2}

DEMO_PASSWORD = "poa-demo-2026"
DEMO_FOCAL_POINT_COUNTRIES = ["GHA", "MEX", "PHL"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    # Staff sign in with a second step: the authenticator key and the unused recovery codes.
    authenticator_key: str = ""
    recovery_codes: tuple[str, ...] = ()


def load_reference_data() -> None:
    """Countries, the shipped questionnaire, the real cycles and the staff roles; safe again."""
    ensure_role_groups()
    sync_reference_countries()
    load_questionnaire()
    create_missing_cycles()


def _pick_reporters(rng: random.Random, countries: list[Country], count: int) -> list[Country]:
    """`count` distinct States, drawn with region weights (weighted sampling without repeats)."""
    keyed = sorted(
        countries,
        key=lambda c: rng.random() ** (1 / REGION_REPORTING_WEIGHT[c.report_region.code]),
        reverse=True,
    )
    return keyed[:count]


def _submitted_at(cycle: ReportingCycle, rng: random.Random) -> datetime.datetime:
    day = cycle.opens_on + datetime.timedelta(
        days=rng.randint(0, max((cycle.due_on - cycle.opens_on).days + 60, 1))
    )
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=datetime.UTC)


def write_cycle_reports(
    *,
    cycle: ReportingCycle,
    countries: list[Country],
    status: str,
    rng: random.Random,
    generator: SyntheticAnswers,
    questions: list[Question],
) -> int:
    """Create one report per State with synthetic answers, in bulk; returns answers written."""
    submitted = status != NationalReport.Status.DRAFT
    reports = NationalReport.objects.bulk_create(
        NationalReport(
            country=country,
            cycle=cycle,
            status=status,
            language=NationalReport.Language.ENGLISH,
            submitted_at=_submitted_at(cycle, rng) if submitted else None,
        )
        for country in countries
    )
    items = []
    for report, country in zip(reports, countries, strict=True):
        capacity = REGION_CAPACITY[country.report_region.code]
        completeness = 0.9 if submitted else 0.35
        for question, value in generator.for_report(
            questions, capacity=capacity, cycle=cycle, iso2=country.iso2, completeness=completeness
        ):
            items.append((report, question, value))
    written = bulk_store_answers(items)
    if submitted:
        _freeze_revisions(reports, items, status)
    return written


def _freeze_revisions(reports: list[NationalReport], items, status: str) -> None:
    """A first revision for each submitted report, as its submission would have frozen it
    (accepted and published too for reports of closed cycles)."""
    snapshots: dict[int, dict] = {report.pk: {} for report in reports}
    for report, question, value in items:
        snapshots[report.pk][question.code] = jsonable(value)
    done = status in (NationalReport.Status.ACCEPTED, NationalReport.Status.PUBLISHED)
    published = status == NationalReport.Status.PUBLISHED
    revisions = Revision.objects.bulk_create(
        Revision(
            report=report,
            number=1,
            answers=snapshots[report.pk],
            submitted_at=report.submitted_at,
            accepted_at=report.submitted_at if done else None,
            published_at=report.submitted_at if published else None,
        )
        for report in reports
    )
    if done:
        for report, revision in zip(reports, revisions, strict=True):
            report.current_revision = revision
        NationalReport.objects.bulk_update(reports, ["current_revision"])


def seed_demo_history(seed: int = 2026) -> dict[int, int]:
    """Reports for every seeded cycle that has none yet; returns {year: reports created}."""
    countries = list(Country.objects.with_groupings())
    codes = [country.iso3 for country in countries]
    created: dict[int, int] = {}
    for cycle in ReportingCycle.objects.select_related("questionnaire").order_by("year"):
        if cycle.reports.exists():
            continue
        rng = random.Random(f"{seed}-{cycle.year}")
        generator = SyntheticAnswers(rng, codes)
        questions = list(cycle.questionnaire.questions.order_by("position"))
        with transaction.atomic():
            if cycle.year in DEMO_REPORT_COUNTS:
                reporters = _pick_reporters(rng, countries, DEMO_REPORT_COUNTS[cycle.year])
                if cycle.year == max(DEMO_REPORT_COUNTS):
                    reporters = _with_focal_countries(reporters, countries)
                write_cycle_reports(
                    cycle=cycle,
                    countries=reporters,
                    status=NationalReport.Status.PUBLISHED,
                    rng=rng,
                    generator=generator,
                    questions=questions,
                )
                created[cycle.year] = len(reporters)
            elif cycle.is_open():
                created[cycle.year] = _seed_open_cycle(cycle, countries, rng, generator, questions)
    refresh_planner_statistics()
    return created


def _with_focal_countries(reporters: list[Country], countries: list[Country]) -> list[Country]:
    """The demo focal points' States reported last time, so a new report can start from it."""
    focal = [c for c in countries if c.iso3 in DEMO_FOCAL_POINT_COUNTRIES]
    others = [c for c in reporters if c.iso3 not in DEMO_FOCAL_POINT_COUNTRIES]
    return focal + others[: len(reporters) - len(focal)]


def _seed_open_cycle(cycle, countries, rng, generator, questions) -> int:
    # Ghana and Mexico have a 2026 draft under way; the Philippines has not started yet.
    focal = [c for c in countries if c.iso3 in DEMO_FOCAL_POINT_COUNTRIES[:2]]
    others = [c for c in countries if c.iso3 not in DEMO_FOCAL_POINT_COUNTRIES]
    picked = _pick_reporters(rng, others, DEMO_OPEN_CYCLE_SUBMITTED + DEMO_OPEN_CYCLE_DRAFTS)
    submitted = picked[:DEMO_OPEN_CYCLE_SUBMITTED]
    drafts = picked[DEMO_OPEN_CYCLE_SUBMITTED:] + focal
    write_cycle_reports(
        cycle=cycle,
        countries=submitted,
        status=NationalReport.Status.SUBMITTED,
        rng=rng,
        generator=generator,
        questions=questions,
    )
    write_cycle_reports(
        cycle=cycle,
        countries=drafts,
        status=NationalReport.Status.DRAFT,
        rng=rng,
        generator=generator,
        questions=questions,
    )
    return len(submitted) + len(drafts)


def create_demo_users() -> list[DemoLogin]:
    """An administrator, a secretariat reviewer and focal points for a few States."""
    User = get_user_model()
    logins: list[DemoLogin] = []

    def ensure(email: str, role: str, **flags) -> object:
        user, created = User.objects.get_or_create(email=email, defaults=flags)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        login = DemoLogin(email=email, role=role)
        if user.is_staff:
            key, codes = ensure_demo_device(user)
            login = DemoLogin(email, role, authenticator_key=key, recovery_codes=tuple(codes))
        logins.append(login)
        return user

    ensure(
        "admin@poa-reports.local",
        "secretariat administrator",
        is_staff=True,
        is_superuser=True,
        first_name="Ada",
        last_name="Admin",
    )
    reviewer = ensure(
        "reviewer@poa-reports.local",
        "secretariat reviewer",
        is_staff=True,
        first_name="Rui",
        last_name="Reviewer",
    )
    groups = ensure_role_groups()
    reviewer.groups.add(groups[REVIEWERS])
    observer = ensure(
        "observer@poa-reports.local",
        "read-only observer",
        is_staff=True,
        first_name="Olu",
        last_name="Observer",
    )
    observer.groups.add(groups[OBSERVERS])
    for country in Country.objects.filter(iso3__in=DEMO_FOCAL_POINT_COUNTRIES):
        user = ensure(
            f"focal.{country.iso2.lower()}@poa-reports.local",
            f"national focal point, {country.un_name}",
            first_name="Focal point",
            last_name=country.un_name,
        )
        CountryMembership.objects.get_or_create(
            user=user, country=country, defaults={"role": CountryMembership.Role.SUBMITTER}
        )
    return logins


# -- benchmark history --------------------------------------------------------------------


def ensure_cycles(count: int) -> list[ReportingCycle]:
    """The `count` most recent cycles, adding synthetic older ones when there are fewer."""
    cycles = list(ReportingCycle.objects.order_by("-year"))
    if not cycles:
        raise ValueError("No reporting cycles exist; run load_reference_data first.")
    questionnaire = cycles[-1].questionnaire
    while len(cycles) < count:
        year = cycles[-1].year - 2
        cycles.append(
            ReportingCycle.objects.create(
                year=year,
                meeting_type=ReportingCycle.Meeting.SYNTHETIC,
                meeting_number=0,
                period_start=datetime.date(year - 2, 1, 1),
                period_end=datetime.date(year - 1, 12, 31),
                opens_on=datetime.date(year - 1, 10, 1),
                due_on=datetime.date(year, 3, 31),
                closes_on=datetime.date(year, 12, 31),
                questionnaire=questionnaire,
                notes="Synthetic cycle created by generate_history for benchmarks.",
            )
        )
    return cycles[:count]


def generate_history(*, states: int, cycles: int, seed: int = 1, progress=None) -> int:
    """Reports with full synthetic answers for `states` States × `cycles` cycles.

    Existing reports are kept; only missing (State, cycle) pairs are written. Returns the number
    of reports created.
    """
    countries = list(Country.objects.with_groupings()[:states])
    codes = list(Country.objects.values_list("iso3", flat=True))
    created = 0
    for cycle in ensure_cycles(cycles):
        have = set(cycle.reports.values_list("country_id", flat=True))
        missing = [country for country in countries if country.pk not in have]
        if not missing:
            continue
        rng = random.Random(f"{seed}-{cycle.year}")
        questions = list(cycle.questionnaire.questions.order_by("position"))
        status = (
            NationalReport.Status.SUBMITTED if cycle.is_open() else NationalReport.Status.PUBLISHED
        )
        with transaction.atomic():
            answers = write_cycle_reports(
                cycle=cycle,
                countries=missing,
                status=status,
                rng=rng,
                generator=SyntheticAnswers(rng, codes),
                questions=questions,
            )
        created += len(missing)
        if progress:
            progress(f"{cycle.year}: {len(missing)} reports, {answers} answers")
    refresh_planner_statistics()
    return created


def refresh_planner_statistics() -> None:
    """After a bulk load, let PostgreSQL's planner see the new row counts at once instead of
    waiting for autovacuum (stale statistics make it scan whole tables for a handful of rows)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (NationalReport, Answer, AnswerChoice, AnswerCell)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))
