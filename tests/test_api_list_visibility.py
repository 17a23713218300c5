"""The report list's own SQL (reports/api/report_list.py) against the gatekeeper (access.py):
for every kind of person, the list shows exactly the reports access.visible_reports lets them
see, with every filter; and its pages behave as DRF's page-number pagination does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.test import override_settings

from accounts.services import ensure_role_groups
from reports import access
from reports.api.report_list import ReportRows
from reports.models import NationalReport, ReportingCycle
from reports.services import start_report
from tests.api_support import bearer
from tests.factories import MembershipFactory, StaffFactory, UserFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(open_cycle):
    older = ReportingCycle.objects.exclude(pk=open_cycle.pk).order_by("-year").first()
    for cycle in (open_cycle, older):
        for iso3 in ("GHA", "MEX", "FRA", "KEN"):
            start_report(country=country(iso3), cycle=cycle)
    NationalReport.objects.filter(country__iso3="KEN", cycle=open_cycle).update(status="submitted")
    return open_cycle, older


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def people(submitter, contributor, other_focal, observer, secretariat_reviewer, secretariat_admin):
    staff_with_own_permission = StaffFactory(email="own-perm@un.example", is_superuser=False)
    staff_with_own_permission.user_permissions.add(_permission(access.REVIEW_PERMISSION))
    no_role_staff = StaffFactory(email="no-role@un.example", is_superuser=False)
    no_role_staff.user_permissions.add(_permission("reports.add_nationalreport"))
    staff_focal_point = StaffFactory(email="staff-focal@un.example", is_superuser=False)
    MembershipFactory(user=staff_focal_point, country=country("FRA"))
    # Holds a secretariat group but is not staff: a focal point like any other.
    not_staff = UserFactory(email="not-staff@fr.example")
    not_staff.groups.add(_admins())
    MembershipFactory(user=not_staff, country=country("FRA"))
    former = UserFactory(email="former@gh.example")
    MembershipFactory(user=former, country=country("GHA"), is_active=False)
    two_countries = UserFactory(email="two@example.org")
    MembershipFactory(user=two_countries, country=country("GHA"))
    MembershipFactory(user=two_countries, country=country("KEN"), role="contributor")
    inactive_staff = StaffFactory(email="gone@un.example", is_superuser=True, is_active=False)
    return {
        "contributor": contributor,
        "submitter": submitter,
        "another country's focal point": other_focal,
        "observer": observer,
        "reviewer": secretariat_reviewer,
        "administrator": secretariat_admin,
        "superuser": StaffFactory(email="root@un.example"),
        "staff with the permission itself": staff_with_own_permission,
        "staff without a secretariat permission": no_role_staff,
        "staff who is a focal point": staff_focal_point,
        "a group's permissions but not staff": not_staff,
        "former focal point": former,
        "focal point of two States": two_countries,
        "inactive superuser": inactive_staff,
        "nobody in particular": UserFactory(email="nobody@example.org"),
    }


def _admins() -> Group:
    from accounts.services import ADMINISTRATORS

    return ensure_role_groups()[ADMINISTRATORS]


def gatekeeper_ids(user, **filters) -> set[int]:
    reports = access.visible_reports(user)
    lookups = {
        "country": "country__iso3",
        "region": "country__report_region__code",
        "cycle": "cycle__year",
        "status": "status",
    }
    reports = reports.filter(**{lookups[name]: value for name, value in filters.items()})
    return set(reports.values_list("id", flat=True))


def list_ids(user, **filters) -> set[int]:
    rows, _total = ReportRows(user, **filters).page(1000, 0)
    return {row[0] for row in rows}


FILTERS = [
    {},
    {"country": "GHA"},
    {"country": "MEX"},
    {"region": "africa"},
    {"cycle": 2026},
    {"status": "submitted"},
    {"country": "KEN", "cycle": 2026, "status": "submitted", "region": "africa"},
]


def test_the_list_and_the_gatekeeper_agree_for_everyone(world, people):
    expected_some = {"contributor", "superuser", "another country's focal point"}
    for who, user in people.items():
        # A fresh object each time, as a request would have: no permission cache carried over.
        user = type(user).objects.get(pk=user.pk)
        for filters in FILTERS:
            assert list_ids(user, **filters) == gatekeeper_ids(user, **filters), (who, filters)
        if who in expected_some:
            assert list_ids(user), who
    mexico = list_ids(people["another country's focal point"])
    assert mexico and all(NationalReport.objects.get(pk=pk).country.iso3 == "MEX" for pk in mexico)
    assert list_ids(people["staff without a secretariat permission"]) == set()
    assert len(list_ids(people["observer"])) == NationalReport.objects.count()


class OwnPermissionsOnly(ModelBackend):
    """A backend with a rule of its own: group permissions do not count."""

    def get_group_permissions(self, user_obj, obj=None):
        return set()


def test_with_another_permission_rule_access_py_decides(world, people, django_assert_num_queries):
    backends = ["axes.backends.AxesStandaloneBackend", f"{__name__}.OwnPermissionsOnly"]
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        for who, user in people.items():
            user = type(user).objects.get(pk=user.pk)
            assert list_ids(user) == gatekeeper_ids(user), who
        # Under this rule the observer (a group's permission) is no longer secretariat.
        observer = type(people["observer"]).objects.get(pk=people["observer"].pk)
        assert list_ids(observer) == set()
    observer = type(people["observer"]).objects.get(pk=people["observer"].pk)
    everything = NationalReport.objects.count()
    with django_assert_num_queries(1):  # the usual rule: decided inside the list's query
        assert len(list_ids(observer)) == everything


def test_over_http_too(client, world, people):
    for who in ("another country's focal point", "observer", "staff who is a focal point"):
        user = people[who]
        body = client.get("/api/v1/reports/?page_size=200", **bearer(user)).json()
        assert {row["id"] for row in body["results"]} == gatekeeper_ids(user), who
        assert body["count"] == len(gatekeeper_ids(user)), who


def test_one_query_for_a_page_and_its_total(world, observer, django_assert_num_queries):
    everything = NationalReport.objects.count()
    with django_assert_num_queries(1):
        rows, total = ReportRows(observer).page(3, 0)
    assert len(rows) == 3 and total == everything
    with django_assert_num_queries(1):
        assert ReportRows(observer).page(3, 1000) == ([], None)


def test_pages(client, world, observer):
    client.force_login(observer)
    total = NationalReport.objects.count()  # 8
    first = client.get("/api/v1/reports/?page_size=3").json()
    assert first["count"] == total and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/reports/?page=2&page_size=3"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/reports/?page_size=3"
    last = client.get("/api/v1/reports/?page_size=3&page=last").json()
    assert last["next"] is None and len(last["results"]) == total - 6
    assert last["previous"].endswith("page=2&page_size=3")
    pages = [first, second, last]
    seen = [row["id"] for page in pages for row in page["results"]]
    assert len(seen) == len(set(seen)) == total
    # In the gatekeeper's order: newest cycle first, then the UN order of countries.
    ordered = access.visible_reports(observer).order_by("-cycle__year", "country__sort_key")
    assert seen == list(ordered.values_list("id", flat=True))
    for page in ("4", "0", "-1", "x", "1.5", "9" * 30):
        response = client.get(f"/api/v1/reports/?page_size=3&page={page}")
        assert response.status_code == 404, page
        assert response.json()["error"] == {"code": "not_found", "message": "Invalid page."}
    # page_size: at most 200; nonsense falls back to the default of 50.
    assert len(client.get("/api/v1/reports/?page_size=abc").json()["results"]) == total
    assert client.get("/api/v1/reports/?page_size=1000").json()["next"] is None


def test_an_empty_list_is_a_page_not_an_error(client, world):
    nobody = UserFactory(email="nobody@example.org")
    body = client.get("/api/v1/reports/", **bearer(nobody)).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get("/api/v1/reports/?page=2", **bearer(nobody)).status_code == 404


def test_times_are_written_as_drf_writes_them(client, world, observer):
    """PostgreSQL writes the list's times (report_list._drf_utc_text): with and without
    microseconds, and none, exactly as ReportSerializer's DateTimeFields do."""
    import datetime

    from reports.api.serializers import ReportSerializer

    reports = list(NationalReport.objects.order_by("pk")[:3])
    exact = datetime.datetime(2026, 3, 31, 23, 59, 59, tzinfo=datetime.UTC)
    NationalReport.objects.filter(pk=reports[0].pk).update(submitted_at=exact, created_at=exact)
    NationalReport.objects.filter(pk=reports[1].pk).update(
        submitted_at=exact.replace(microsecond=120), updated_at=exact.replace(microsecond=999999)
    )
    client.force_login(observer)
    listed = {
        row["id"]: row for row in client.get("/api/v1/reports/?page_size=200").json()["results"]
    }
    for report in NationalReport.objects.select_related(
        "country__report_region", "cycle", "current_revision"
    ):
        assert listed[report.pk] == dict(ReportSerializer(report).data), report.pk
    assert listed[reports[0].pk]["submitted_at"] == "2026-03-31T23:59:59Z"
    assert listed[reports[1].pk]["submitted_at"] == "2026-03-31T23:59:59.000120Z"
    assert listed[reports[2].pk]["submitted_at"] is None


def test_in_another_time_zone_python_writes_the_times(world, observer):
    from django.utils import timezone

    from reports.api.serializers import ReportSerializer

    with timezone.override("Asia/Tokyo"):
        rows = ReportRows(observer)
        page, _total = rows.page(200, 0)
        assert not rows.times_as_text
        items = {item["id"]: item for item in map(rows.item, page)}
        for report in NationalReport.objects.select_related(
            "country__report_region", "cycle", "current_revision"
        ):
            assert items[report.pk] == dict(ReportSerializer(report).data)
            assert items[report.pk]["created_at"].endswith("+09:00")
