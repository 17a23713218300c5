"""The report list's one query: a page of rows and the total, in one round trip of plain SQL.

Programs poll GET /api/v1/reports/, so it is the API's hot path. Through the ORM it cost four
queries (two permission look-ups for `access.is_secretariat`, COUNT, page), each paying about a
millisecond of SQL compilation on the project machine. Here the SQL text is put together from
fixed pieces (table and column names come from the models). The total is a scalar subquery with
the same WHERE (PostgreSQL counts once and still reads only the top rows of the page;
`COUNT(*) OVER ()` measured eight times slower). Who may see what is `access.py`'s rule, written
in SQL in one place, `visibility()`: tests/test_api_list_visibility.py proves the list and the
gatekeeper agree for every kind of user, with every filter. What is left of the query's time is
mostly PostgreSQL planning it, hence as few joins as the order needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property

from countries.models import Country, CountryMembership, ReportRegion
from reports import access
from reports.models import NationalReport, ReportingCycle, Revision

# The permissions any one of which makes a staff member secretariat (access.staff_role).
SECRETARIAT_PERMISSIONS = (
    access.PUBLISH_PERMISSION,
    access.REVIEW_PERMISSION,
    access.SECRETARIAT_VIEW_PERMISSION,
)
# What has_perm runs through: with these as Django wrote them, the SQL below is its rule.
PERMISSION_METHODS = (
    "has_perm",
    "get_all_permissions",
    "get_user_permissions",
    "get_group_permissions",
    "_get_permissions",
    "_get_user_permissions",
    "_get_group_permissions",
)

# The columns of a row, in the order ReportRows.item() reads them.
COLUMNS = (
    "id",
    "country__iso3",
    "country__un_name",
    "country__report_region__code",
    "cycle__year",
    "status",
    "language",
    "submitted_at",
    "current_revision_number",
    "created_at",
    "updated_at",
)
# PostgreSQL's OFFSET is a bigint; a page number beyond any real page is simply not found.
MAX_OFFSET = 2**62


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _sql() -> dict[str, str]:
    """The fixed pieces of SQL, from the models' table and column names (built once)."""
    q = connection.ops.quote_name
    r, c, cy = NationalReport, Country, ReportingCycle
    # Only the tables the order needs are joined; the region's code and the revision's number
    # are read for the page's rows alone (subqueries): fewer joins for the planner to weigh,
    # which took half of the query's time.
    tables = {
        "from": f"FROM {_table(r)} r ",
        "country": f"JOIN {_table(c)} c ON c.{q('id')} = r.{_column(r, 'country')} ",
        "cycle": f"JOIN {_table(cy)} cy ON cy.{q('id')} = r.{_column(r, 'cycle')} ",
    }
    joins = "".join(tables.values())
    region_code = (
        f"(SELECT rr.{_column(ReportRegion, 'code')} FROM {_table(ReportRegion)} rr "
        f"WHERE rr.{q('id')} = c.{_column(c, 'report_region')})"
    )
    revision_number = (
        f"(SELECT rev.{_column(Revision, 'number')} FROM {_table(Revision)} rev "
        f"WHERE rev.{q('id')} = r.{_column(r, 'current_revision')})"
    )

    def select(when) -> str:
        return ", ".join(
            [
                f"r.{q('id')}",
                f"c.{_column(c, 'iso3')}",
                f"c.{_column(c, 'un_name')}",
                region_code,
                f"cy.{_column(cy, 'year')}",
                *(f"r.{_column(r, name)}" for name in ("status", "language")),
                when(f"r.{_column(r, 'submitted_at')}"),
                revision_number,
                *(when(f"r.{_column(r, name)}") for name in ("created_at", "updated_at")),
            ]
        )

    m = CountryMembership
    member = (
        f"r.{_column(r, 'country')} IN (SELECT {_column(m, 'country')} FROM {_table(m)} "
        f"WHERE {_column(m, 'user')} = %s AND {_column(m, 'is_active')})"
    )
    user_perms = get_user_model()._meta.get_field("user_permissions").remote_field.through
    group_perms = Group._meta.get_field("permissions").remote_field.through
    user_groups = get_user_model()._meta.get_field("groups").remote_field.through
    up_user, up_perm = _m2m_columns(get_user_model(), "user_permissions")
    ug_user, ug_group = _m2m_columns(get_user_model(), "groups")
    gp_group, gp_perm = _m2m_columns(Group, "permissions")
    pairs = ", ".join(["(%s, %s)"] * len(SECRETARIAT_PERMISSIONS))
    # ModelBackend.has_perm for an active user who is not a superuser: the permission is the
    # user's own or one of their groups'.
    has_permission = (
        f"EXISTS (SELECT 1 FROM {_table(Permission)} p "
        f"JOIN {_table(ContentType)} ct ON ct.{q('id')} = p.{_column(Permission, 'content_type')} "
        f"WHERE (ct.{_column(ContentType, 'app_label')}, p.{_column(Permission, 'codename')}) "
        f"IN ({pairs}) AND (p.{q('id')} IN (SELECT {up_perm} FROM {_table(user_perms)} "
        f"WHERE {up_user} = %s) OR p.{q('id')} IN (SELECT gp.{gp_perm} "
        f"FROM {_table(group_perms)} gp JOIN {_table(user_groups)} ug "
        f"ON ug.{ug_group} = gp.{gp_group} WHERE ug.{ug_user} = %s)))"
    )
    return {
        **{f"table_{name}": text for name, text in tables.items()},
        "joins": joins,
        "select": select(lambda column: column),
        # PostgreSQL writes the dates and times as DRF does (in UTC), which saves reading each
        # into a datetime only to write it out again, a third of the list's Python time.
        "select_text": select(_drf_utc_text) if connection.vendor == "postgresql" else None,
        "member": member,
        "has_permission": has_permission,
        "order": f"cy.{_column(cy, 'year')} DESC, c.{_column(c, 'sort_key')}, r.{q('id')}",
        "iso3": f"c.{_column(c, 'iso3')} = %s",
        "region": (
            f"c.{_column(c, 'report_region')} IN (SELECT rr.{q('id')} FROM {_table(ReportRegion)} "
            f"rr WHERE rr.{_column(ReportRegion, 'code')} = %s)"
        ),
        "cycle": f"cy.{_column(cy, 'year')} = %s",
        "status": f"r.{_column(r, 'status')} = %s",
    }


def _drf_utc_text(column: str) -> str:
    """A timestamptz as DRF's DateTimeField writes it in UTC: ISO 8601 with "Z", microseconds
    only when there are some (Python's isoformat); NULL stays NULL."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"mod(EXTRACT(MICROSECONDS FROM {utc})::bigint, 1000000) = 0 THEN '' "
        f"ELSE to_char({utc}, '.US') END || 'Z'"
    )


def _when(value) -> str | None:
    """A date and time as DRF writes them (ISO 8601, "Z" for UTC), from the database's value."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's raw rows (development): text in UTC
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored in UTC (USE_TZ), read without a time zone
        value = value.replace(tzinfo=UTC)
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _m2m_columns(model, name: str) -> tuple[str, str]:
    """(the column naming `model`, the column naming the other side) of a many-to-many table."""
    m2m = model._meta.get_field(name)
    q = connection.ops.quote_name
    return q(m2m.m2m_column_name()), q(m2m.m2m_reverse_name())


@cache
def _permissions_are_model_backends(backends: tuple[str, ...]) -> bool:
    """Whether permissions come only from Django's ModelBackend rule: every backend that grants
    permissions is a ModelBackend that changes none of its permission methods (a backend without
    has_perm, such as django-axes's, grants none), and the user class asks them as Django does."""
    if get_user_model().has_perm is not PermissionsMixin.has_perm:
        return False
    granting = [load_backend(path) for path in backends]
    granting = [backend for backend in granting if hasattr(backend, "has_perm")]
    return bool(granting) and all(
        isinstance(backend, ModelBackend)
        and all(
            getattr(type(backend), name) is getattr(ModelBackend, name)
            for name in PERMISSION_METHODS
        )
        for backend in granting
    )


class Visibility(NamedTuple):
    """Who sees which report, in SQL: a condition on the report `r`, and what it needs first."""

    condition: str
    params: list[Any]
    with_sql: str = ""  # a WITH clause the condition refers to, evaluated once per query
    with_params: tuple[Any, ...] = ()


def visibility(user) -> Visibility:
    """`access.visible_reports(user)` as an SQL condition on the report `r`.

    The gatekeeper's rule: nobody signed in sees nothing; secretariat staff (`is_staff` and one
    of the three report permissions, `access.staff_role`) see every report; anyone else sees the
    reports of the countries they are an active focal point of. Whether staff hold a permission
    is decided inside the query (Django's ModelBackend rule: a superuser holds every permission,
    an inactive user none, anyone else their own and their groups'), which saves the two
    permission look-ups. With another authentication backend the question goes to access.py.
    """
    if not user.is_authenticated:
        return Visibility("FALSE", [])
    sql = _sql()
    member = Visibility(sql["member"], [user.pk])
    if not user.is_staff:
        return member
    if not _permissions_are_model_backends(tuple(settings.AUTHENTICATION_BACKENDS)):
        return Visibility("TRUE", []) if access.is_secretariat(user) else member
    if not user.is_active:
        return member
    if user.is_superuser:
        return Visibility("TRUE", [])
    labels = [part for perm in SECRETARIAT_PERMISSIONS for part in perm.split(".", 1)]
    return Visibility(
        f"((SELECT secretariat FROM staff) OR {member.condition})",
        member.params,
        f"WITH staff AS (SELECT {sql['has_permission']} AS secretariat) ",
        (*labels, user.pk, user.pk),
    )


@dataclass
class ReportRows:
    """The reports `user` may see, filtered: `page()` reads a page and the total at once."""

    user: Any
    country: str | None = None
    region: str | None = None
    cycle: int | None = None
    status: str | None = None
    times_as_text: bool = False
    _where: tuple[str, list[Any]] | None = field(default=None, repr=False)
    _visibility: Visibility | None = field(default=None, repr=False)

    def where(self) -> tuple[str, list[Any]]:
        if self._where is None:
            sql = _sql()
            self._visibility = visibility(self.user)
            conditions, params = [self._visibility.condition], list(self._visibility.params)
            for name, value in (
                ("iso3", self.country),
                ("region", self.region),
                ("cycle", self.cycle),
                ("status", self.status),
            ):
                if value is not None:
                    conditions.append(sql[name])
                    params.append(value)
            self._where = (" AND ".join(conditions), params)
        return self._where

    def count_sql(self) -> str:
        """SELECT COUNT(*) with only the joins the filters need (visibility needs none)."""
        sql = _sql()
        needed = ["from"]
        if self.country is not None or self.region is not None:
            needed.append("country")
        if self.cycle is not None:
            needed.append("cycle")
        tables = "".join(sql[f"table_{name}"] for name in needed)
        return f"SELECT COUNT(*) {tables}WHERE {self.where()[0]}"

    def count(self) -> int:
        _where, params = self.where()
        seen = self._visibility
        with connection.cursor() as cursor:
            cursor.execute(seen.with_sql + self.count_sql(), [*seen.with_params, *params])
            return cursor.fetchone()[0]

    def page(self, limit: int, offset: int) -> tuple[list[tuple], int | None]:
        """The rows (in COLUMNS order) and the total (None when the page is empty)."""
        sql = _sql()
        where, params = self.where()
        # DRF writes times in the current time zone; the database writes them only in UTC.
        utc = timezone.get_current_timezone_name() in ("UTC", "Etc/UTC")
        self.times_as_text = bool(sql["select_text"]) and utc
        select = sql["select_text"] if self.times_as_text else sql["select"]
        query = (
            f"{self._visibility.with_sql}SELECT {select}, ({self.count_sql()}) "
            f"{sql['joins']}WHERE {where} ORDER BY {sql['order']} "
            "LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*self._visibility.with_params, *params, *params, limit, offset])
            rows = cursor.fetchall()
        if not rows:
            return [], None
        return [row[:-1] for row in rows], rows[0][-1]

    def item(self, row: tuple) -> dict[str, Any]:
        """One row of page() as ReportSerializer shows the report (a test compares them)."""
        (pk, iso3, name, region, year, status, language, submitted, revision, created, updated) = (
            row
        )
        if not self.times_as_text:
            submitted, created, updated = _when(submitted), _when(created), _when(updated)
        return {
            "id": pk,
            "country": iso3,
            "country_name": name,
            "region": region,
            "cycle": year,
            "status": status,
            "language": language,
            "submitted_at": submitted,
            "current_revision": revision,
            "created_at": created,
            "updated_at": updated,
        }


class OneQueryPaginator(Paginator):
    """Django's paginator over ReportRows: the page and the count come from one query.

    Only "last" needs the count before the page (a second query). An empty page after the first
    is out of range whatever the count, so it is refused without counting.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.count()

    def page(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        offset = (number - 1) * self.per_page
        if offset >= MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        rows, total = self.object_list.page(self.per_page, offset)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = total or 0
        return RowsPage(rows, number, self)


class RowsPage(Page):
    # DRF copies the page with list(page): Page's Sequence iteration would index it row by row.
    def __iter__(self):
        return iter(self.object_list)
