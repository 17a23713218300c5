"""The gatekeeper: who may see and do what; another country's report is 404, like a missing one."""

import pytest
from django.urls import reverse

from reports.models import NationalReport
from reports.services import start_report
from tests.factories import MembershipFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def mexico_report(open_cycle):
    return start_report(country=country("MEX"), cycle=open_cycle)


def report_urls(report):
    return {
        "overview": ("get", reverse("report-overview", args=[report.pk])),
        "section": ("get", reverse("report-section", args=[report.pk, "1"])),
        "save section": ("post", reverse("report-section", args=[report.pk, "1"])),
        "autosave": ("post", reverse("report-autosave", args=[report.pk])),
        "upload": ("post", reverse("report-upload", args=[report.pk, "1.2.2"])),
        "submit": ("get", reverse("report-submit", args=[report.pk])),
        "recall": ("post", reverse("report-recall", args=[report.pk])),
        "print": ("get", reverse("report-print", args=[report.pk])),
        "workbook": ("get", reverse("report-workbook", args=[report.pk])),
        "workbook upload": ("get", reverse("report-workbook-upload", args=[report.pk])),
        "revision": ("get", reverse("report-revision", args=[report.pk, 1])),
    }


def send(client, method, url):
    return client.get(url) if method == "get" else client.post(url, {})


def test_anonymous_visitors_are_sent_to_sign_in(client, ghana_report):
    for name, (method, url) in report_urls(ghana_report).items():
        response = send(client, method, url)
        assert response.status_code == 302, name
        assert reverse("login") in response["Location"], name


def test_another_countrys_focal_point_gets_404_everywhere(client, ghana_report, other_focal):
    client.force_login(other_focal)
    for name, (method, url) in report_urls(ghana_report).items():
        assert send(client, method, url).status_code == 404, name


def test_a_report_that_does_not_exist_answers_the_same(client, other_focal, ghana_report):
    client.force_login(other_focal)
    missing = NationalReport(pk=999999)
    for name, (method, url) in report_urls(missing).items():
        assert send(client, method, url).status_code == 404, name


EXPECTED_FOR_OWN_COUNTRY = {
    "overview": 200,
    "section": 200,
    "save section": 302,
    "autosave": 400,  # no question given
    "upload": 302,  # back to the form with "choose a file"
    "submit": 200,
    "recall": 302,  # back to the report with a message
    "print": 200,
    "workbook": 200,
    "workbook upload": 200,
    "revision": 404,  # no revision yet
}


@pytest.mark.parametrize("role", ["submitter", "contributor"])
def test_focal_points_of_the_country_reach_every_page(request, client, ghana_report, role):
    client.force_login(request.getfixturevalue(role))
    for name, (method, url) in report_urls(ghana_report).items():
        expected = EXPECTED_FOR_OWN_COUNTRY[name]
        if role == "contributor" and name == "submit":
            expected = 403
        assert request_status(client, method, url) == expected, name


def request_status(client, method, url):
    return send(client, method, url).status_code


def test_secretariat_reads_but_cannot_edit(client, ghana_report, reviewer):
    client.force_login(reviewer)
    assert request_status(client, "get", reverse("report-overview", args=[ghana_report.pk])) == 200
    section = reverse("report-section", args=[ghana_report.pk, "1"])
    page = client.get(section)
    assert page.status_code == 200
    assert b"you can read it but not change it" in page.content
    assert client.post(section, {}).status_code == 403
    autosave = client.post(reverse("report-autosave", args=[ghana_report.pk]), {})
    assert autosave.status_code == 403


def test_staff_without_the_view_permission_see_no_reports(client, ghana_report):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(email="it@un.example", is_superuser=False))
    assert request_status(client, "get", reverse("report-overview", args=[ghana_report.pk])) == 404


def test_an_inactive_membership_gives_no_access(client, ghana_report, submitter):
    submitter.memberships.update(is_active=False)
    client.force_login(submitter)
    assert request_status(client, "get", reverse("report-overview", args=[ghana_report.pk])) == 404


def test_my_reports_lists_only_own_countries(client, ghana_report, mexico_report, submitter):
    client.force_login(submitter)
    page = client.get(reverse("my-reports")).content.decode()
    assert "Ghana" in page
    assert "Mexico" not in page
    assert reverse("report-overview", args=[mexico_report.pk]) not in page


def test_the_queryset_gatekeeper(ghana_report, mexico_report, submitter, reviewer):
    from django.contrib.auth.models import AnonymousUser

    assert list(NationalReport.objects.for_user(submitter)) == [ghana_report]
    assert set(NationalReport.objects.for_user(reviewer)) == {ghana_report, mexico_report}
    assert not NationalReport.objects.for_user(AnonymousUser()).exists()


def test_starting_a_report_for_another_country_is_404(client, open_cycle, other_focal):
    client.force_login(other_focal)
    url = reverse("report-start", args=[country("GHA").pk, 2026])
    assert client.post(url, {"prefill": "0"}).status_code == 404
    assert not NationalReport.objects.filter(country__iso3="GHA").exists()


def test_a_closed_cycle_cannot_be_started(client, cycles, submitter):
    client.force_login(submitter)
    url = reverse("report-start", args=[country("GHA").pk, 2024])
    assert client.post(url, {}).status_code == 404


def test_the_page_gate_lets_in_exactly_whom_the_queryset_gatekeeper_does(
    ghana_report, mexico_report, submitter, contributor, other_focal, reviewer, observer
):
    """`report_for` is hand-written SQL for speed; it must keep `visible_reports`'s rule."""
    from django.http import Http404

    from reports import access
    from tests.factories import StaffFactory, UserFactory

    lapsed = UserFactory(email="lapsed@gh.example")
    MembershipFactory(user=lapsed, country=country("GHA"), role="submitter", is_active=False)
    people = [
        submitter,
        contributor,
        other_focal,
        reviewer,
        observer,
        lapsed,
        UserFactory(email="nobody@example.org"),
        StaffFactory(email="it@un.example", is_superuser=False),
    ]
    for person in people:
        visible = set(NationalReport.objects.for_user(person))
        for report in (ghana_report, mexico_report):
            try:
                got = access.report_for(person, report.pk)
            except Http404:
                assert report not in visible, (person.email, report)
            else:
                assert report in visible, (person.email, report)
                assert got == report
    assert len({p.email for p in people if set(NationalReport.objects.for_user(p))}) == 5


def test_the_page_gate_builds_the_objects_the_orm_would(
    ghana_report, submitter, django_assert_num_queries
):
    from reports import access

    with django_assert_num_queries(1) as queries:
        got = access.report_for(submitter, ghana_report.pk)
        # Country, cycle and the person's role come with the report.
        assert (got.country.iso3, got.cycle.year) == ("GHA", 2026)
        assert access.can_submit(submitter, got) and access.can_edit(submitter, got)
    # Logged with its parameters, like every query (a prepared statement on PostgreSQL).
    assert f"r.id = {ghana_report.pk}" in queries.captured_queries[0]["sql"]
    orm = NationalReport.objects.select_related("country", "cycle").get(pk=ghana_report.pk)
    for mine, theirs in ((got, orm), (got.country, orm.country), (got.cycle, orm.cycle)):
        fields = [f.attname for f in type(theirs)._meta.concrete_fields]
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
        assert not mine._state.adding
    got.save(update_fields=["language"])  # a real model instance, saved as usual


def test_the_page_gate_refuses_odd_ids_and_locks_when_asked(ghana_report, submitter):
    from django.db import transaction
    from django.http import Http404

    from reports import access

    for odd in ("abc", None, "1.5", 10**12):
        with pytest.raises(Http404):
            access.report_for(submitter, odd)
    with transaction.atomic():
        assert access.report_for(submitter, str(ghana_report.pk), for_update=True) == ghana_report
