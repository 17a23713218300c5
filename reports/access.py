"""The one place that decides who may see and do what with national reports.

Every page, download, API endpoint and task asks here. A report the user may not see is treated
exactly like one that does not exist (404), so no page reveals that another country's report is
there.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from countries.models import Country, CountryMembership
from reports.models import NationalReport, ReportingCycle
from reports.selectors import instance_from_row, model_columns, prepared_cursor

EDITABLE_STATUSES = frozenset({NationalReport.Status.DRAFT, NationalReport.Status.RETURNED})
SECRETARIAT_VIEW_PERMISSION = "reports.view_nationalreport"
REVIEW_PERMISSION = "reports.review_report"
PUBLISH_PERMISSION = "reports.publish_report"


class StaffRole:
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"
    OBSERVER = "observer"


def is_secretariat(user) -> bool:
    """Secretariat staff (any role) see every report; what they may do depends on the role."""
    return staff_role(user) is not None


def staff_role(user) -> str | None:
    """administrator (everything), reviewer (review, comment, return, accept), observer (reads)."""
    if not (user.is_authenticated and user.is_staff):
        return None
    if user.has_perm(PUBLISH_PERMISSION):
        return StaffRole.ADMINISTRATOR
    if user.has_perm(REVIEW_PERMISSION):
        return StaffRole.REVIEWER
    if user.has_perm(SECRETARIAT_VIEW_PERMISSION):
        return StaffRole.OBSERVER
    return None


def can_review(user) -> bool:
    return staff_role(user) in (StaffRole.ADMINISTRATOR, StaffRole.REVIEWER)


def can_publish(user) -> bool:
    return staff_role(user) == StaffRole.ADMINISTRATOR


def can_view_statistics(user) -> bool:
    """The compiled statistics (every State's answers in aggregate) are for the secretariat."""
    return is_secretariat(user)


def can_compile_statistics(user) -> bool:
    return can_review(user)


def can_change_statistics_settings(user) -> bool:
    """Which reports count, and whether the headline numbers are public: administrators."""
    return can_publish(user)


def active_memberships(user) -> QuerySet[CountryMembership]:
    if not user.is_authenticated:
        return CountryMembership.objects.none()
    return CountryMembership.objects.filter(user=user, is_active=True).select_related("country")


def role_in(user, country: Country | int) -> str | None:
    """The user's role for the country ("contributor" or "submitter"), or None."""
    country_id = country if isinstance(country, int) else country.pk
    cache = _role_cache(user)
    if country_id not in cache:
        cache[country_id] = (
            active_memberships(user).filter(country_id=country_id).values_list("role", flat=True)
        ).first()
    return cache[country_id]


def _role_cache(user) -> dict:
    # Remembered on the user object for the length of the request.
    if not hasattr(user, "_country_roles"):
        user._country_roles = {}
    return user._country_roles


def visible_reports(user, queryset: QuerySet[NationalReport] | None = None):
    queryset = NationalReport.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_secretariat(user):
        return queryset
    # A person has at most one membership per country (a unique constraint), so this join
    # never repeats a report and needs no DISTINCT.
    return queryset.filter(country__memberships__user=user, country__memberships__is_active=True)


def report_for(user, report_id: int, *, for_update: bool = False) -> NationalReport:
    """The report if the user may see it; otherwise 404, as for a report that does not exist.

    Every report page starts here, so the gate is one hand-written query (Django's ORM takes
    longer to build it than the database to answer): the report with its country and cycle,
    and for focal points their role for the report's country, read from the membership the
    gate joins anyway, so the `can_*` checks that follow need no query. The rule is
    `visible_reports`'s (tests check that the two agree for every kind of user).
    """
    if not user.is_authenticated:
        raise Http404("No such report")
    try:
        report_id = int(report_id)
    except (ValueError, TypeError) as exc:
        raise Http404("No such report") from exc
    focal_point = not is_secretariat(user)
    sql, columns = _gate_sql(focal_point=focal_point, for_update=for_update)
    params = [user.pk, True, report_id] if focal_point else [report_id]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such report")
    report = _instances(row, columns)
    if focal_point:
        report.user_country_role = row[-1]
        _role_cache(user)[report.country_id] = report.user_country_role
    return report


# (model, alias) of the gate's tables, in the order their columns come in its rows.
_GATE_TABLES = ((NationalReport, "r"), (Country, "c"), (ReportingCycle, "y"))
_GATE_SQL: dict[tuple, tuple[str, list]] = {}


def _gate_sql(*, focal_point: bool, for_update: bool) -> tuple[str, list]:
    """The gate's SQL for this database and each table's columns, built once per process."""
    key = (connection.vendor, focal_point, for_update)
    cached = _GATE_SQL.get(key)
    if cached is not None:
        return cached
    columns = [model_columns(model, alias) for model, alias in _GATE_TABLES]
    select = ", ".join(column.sql for table in columns for column in table)
    report, country, cycle = (model._meta.db_table for model, _alias in _GATE_TABLES)
    membership = CountryMembership._meta.db_table
    sql = (
        f"SELECT {select}{', m.role' if focal_point else ''} FROM {report} r "
        f"JOIN {country} c ON c.id = r.country_id JOIN {cycle} y ON y.id = r.cycle_id "
    )
    if focal_point:
        # The same rule as visible_reports: an active membership of the report's country.
        # One membership per person and country (a unique constraint): at most one row.
        sql += (
            f"JOIN {membership} m ON m.country_id = r.country_id AND m.user_id = %s "
            "AND m.is_active = %s "
        )
    sql += "WHERE r.id = %s"
    if for_update and connection.features.has_select_for_update:
        of = ("r",) if connection.features.has_select_for_update_of else ()
        sql += " " + connection.ops.for_update_sql(of=of)
    _GATE_SQL[key] = sql, columns
    return sql, columns


def _instances(row, columns) -> NationalReport:
    """The report, its country and its cycle from one row of the gate, as the ORM builds them."""
    built = []
    start = 0
    for (model, _alias), table in zip(_GATE_TABLES, columns, strict=True):
        built.append(instance_from_row(model, table, row[start : start + len(table)]))
        start += len(table)
    report, report.country, report.cycle = built
    return report


def can_edit(user, report: NationalReport) -> bool:
    """Focal points of the report's country (either role) edit drafts and returned reports."""
    return report.status in EDITABLE_STATUSES and role_in(user, report.country_id) is not None


def can_submit(user, report: NationalReport) -> bool:
    return (
        report.status in EDITABLE_STATUSES
        and role_in(user, report.country_id) == CountryMembership.Role.SUBMITTER
    )


def can_recall(user, report: NationalReport) -> bool:
    """A submitter may take a submission back until the secretariat starts its review."""
    return (
        report.status == NationalReport.Status.SUBMITTED
        and role_in(user, report.country_id) == CountryMembership.Role.SUBMITTER
    )


def can_start_report(user, country: Country) -> bool:
    return role_in(user, country) is not None


def can_manage_team(user, country: Country) -> bool:
    return role_in(user, country) == CountryMembership.Role.SUBMITTER


def country_for(user, country_id: int) -> Country:
    """A country the user is a focal point of; otherwise 404."""
    membership = active_memberships(user).filter(country_id=country_id).first()
    if membership is None:
        raise Http404("No such country")
    return membership.country
