"""Every URL of the app × every role × GET and POST → the expected status (never a 500).

The world: Ghana's 2026 report is submitted (revision 1, one file); France's is published.
Another country's objects answer 404, exactly as missing ones.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.services import start_report
from reports.services.attachments import add_attachment
from reports.services.submission import submit_report
from reports.services.workflow import accept_report, publish_report, start_review
from reports.statistics.compile import compile_cycle
from reports.summary.services import create_summary_report
from tests.conftest import _member, fill_required
from tests.factories import country
from tests.helpers import ROLES, expected_status, question
from tests.helpers import SignedInClient as Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    open_cycle,
    submitter,
    contributor,
    other_focal,
    observer,
    secretariat_reviewer,
    secretariat_admin,
    users_by_role,
):
    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    fill_required(ghana)
    attachment = add_attachment(
        report=ghana,
        question=question(ghana, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"),
    )
    submit_report(report=ghana, user=submitter)
    france = start_report(country=country("FRA"), cycle=open_cycle)
    fill_required(france)
    submit_report(report=france, user=_member("sub@fr.example", "FRA", "submitter"))
    start_review(report=france, user=secretariat_reviewer)
    accept_report(report=france, user=secretariat_reviewer)
    publish_report(report=france, user=secretariat_admin)
    compile_cycle(open_cycle)
    summary = create_summary_report(cycle=open_cycle, user=secretariat_admin)
    return {
        "ghana": ghana,
        "france": france,
        "attachment": attachment,
        "users": users_by_role,
        "summary": summary,
    }


def anon(code):  # anonymous visitors of a signed-in page go to the sign-in page
    return code


# (url name, args[, query string]) → ({role group: expected GET}, {role group: expected POST})
# role groups: anonymous, gha (contributor/submitter), mexico, staff (observer/reviewer/admin);
# a role name overrides its group.
def matrix(w):
    g, f, a = w["ghana"].pk, w["france"].pk, w["attachment"].pk
    gha_country = country("GHA").pk
    public = {"anonymous": 200, "gha": 200, "mexico": 200, "staff": 200}
    staff_page = {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200}
    staff_page_post = {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405}
    staff_action_get = {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405}
    staff_action = {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 302}
    sr = w["summary"].pk
    section = w["summary"].sections.order_by("position").first().pk
    paragraph = w["summary"].sections.order_by("position").first().paragraphs.first().pk
    return {
        ("home", ()): (public, {"*": 405}),
        ("questionnaire-detail", ("2026.1",)): (public, {"*": 405}),
        ("public-cycles", ()): (public, {"*": 405}),
        ("public-cycle", (2026,)): (public, {"*": 405}),
        ("public-country", ("FRA",)): (public, {"*": 405}),
        ("public-report", (f,)): (public, {"*": 405}),
        ("public-report-csv", (f,)): (public, {"*": 405}),
        ("public-report", (g,)): ({"*": 404}, {"*": 405}),  # not published
        ("public-report-pdf", (f,)): (public, {"*": 405}),
        ("public-report-pdf", (g,)): ({"*": 404}, {"*": 405}),  # not published
        ("my-reports", ()): (
            {"anonymous": 302, "gha": 200, "mexico": 200, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-start", (gha_country, 2026)): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 302, "mexico": 404, "staff": 404},
        ),
        ("report-overview", (g,)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-section", (g, "1")): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
        ),
        ("report-autosave", (g,)): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
        ),
        ("report-upload", (g, "1.2.2")): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 302, "mexico": 404, "staff": 302},
        ),
        ("report-attachment", (g, a)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"anonymous": 302, "*": 405},  # the same for a missing or foreign report
        ),
        ("report-attachment-delete", (g, a)): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
        ),
        ("report-submit", (g,)): (
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
        ),
        ("report-revision", (g, 1)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-revision-pdf", (g, 1)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-revision-pdf", (g, 2)): (  # no such revision
            {"anonymous": 302, "*": 404},
            {"*": 405, "anonymous": 302},
        ),
        ("report-diff-pdf", (g,), "?from=1&to=1"): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-diff-pdf", (g,), "?from=1&to=x"): (  # bad numbers: a 400 page, never a 500
            {"anonymous": 302, "gha": 400, "mexico": 404, "staff": 400},
            {"*": 405, "anonymous": 302},
        ),
        ("report-print", (g,)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-workbook", (g,)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 200},
            {"*": 405, "anonymous": 302},
        ),
        ("report-workbook-upload", (g,)): (
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
            {"anonymous": 302, "gha": 403, "mexico": 404, "staff": 403},
        ),
        ("report-comment", (g,)): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 302, "mexico": 404, "staff": 302},
        ),
        ("country-team", (gha_country,)): (
            {"anonymous": 302, "gha": 200, "mexico": 404, "staff": 404},
            {"anonymous": 302, "contributor": 403, "submitter": 400, "mexico": 404, "staff": 404},
        ),
        ("review-queue", ()): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405},
        ),
        ("review-report", (g,)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405},
        ),
        ("review-transition", (g,)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 302},
        ),
        ("review-diff", (g,)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405},
        ),
        ("review-history", (g,)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 405},
        ),
        ("statistics-index", ()): (staff_page, staff_page_post),
        ("statistics-cycle", (2026,)): (staff_page, staff_page_post),
        ("statistics-status", (2026,)): (staff_page, staff_page_post),
        ("statistics-chart", (2026, "regions")): (staff_page, staff_page_post),
        ("statistics-chart", (2026, "trend")): (staff_page, staff_page_post),
        ("statistics-xlsx", (2026,)): (staff_page, staff_page_post),
        ("statistics-csv", (2026, "assistance")): (staff_page, staff_page_post),
        # Observers are told they may not; the page redirects back either way.
        ("statistics-compile", (2026,)): (staff_action_get, staff_action),
        ("statistics-compile-all", ()): (staff_action_get, staff_action),
        ("statistics-settings", (2026,)): (staff_action_get, staff_action),
        ("summary-list", ()): (staff_page, staff_action),
        ("summary-edit", (sr,)): (
            staff_page,
            # An empty header form is refused and shown again with its errors.
            {"anonymous": 302, "gha": 404, "mexico": 404, "observer": 302, "staff": 200},
        ),
        ("summary-add-section", (sr,)): (staff_action_get, staff_action),
        ("summary-section", (sr, section)): (staff_action_get, staff_action),
        ("summary-paragraph", (sr, paragraph)): (staff_action_get, staff_action),
        ("summary-paragraph-preview", (sr, paragraph)): (
            staff_action_get,
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 200},
        ),
        ("summary-preview", (sr,)): (staff_page, staff_page_post),
        ("summary-pdf", (sr,)): (staff_action_get, staff_action),
        ("summary-pdf-status", (sr,)): (staff_page, staff_page_post),
        ("summary-pdf-download", (sr, 999999)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 404},
            staff_page_post,
        ),
        ("summary-edit", (999999,)): (
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 404},
            {"anonymous": 302, "gha": 404, "mexico": 404, "staff": 404},
        ),
        # Last: a submitter's recall succeeds and changes the report's status.
        ("report-recall", (g,)): (
            {"anonymous": 302, "*": 405},
            {"anonymous": 302, "gha": 302, "mexico": 404, "staff": 302},
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    failures = []
    for (name, args, *query), (get_table, post_table) in matrix(world).items():
        url = reverse(name, args=args) + "".join(query)
        for method, table in (("GET", get_table), ("POST", post_table)):
            response = client.get(url) if method == "GET" else client.post(url, {})
            want = expected_status(table, role)
            if response.status_code != want:
                failures.append(f"{method} {url}: {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)
