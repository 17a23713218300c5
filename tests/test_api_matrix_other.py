"""Every API endpoint of reports/api/views.py and other_views.py × GET/POST/PUT/DELETE × every role
→ the exact status; and the list endpoints' queries do not grow with the number of rows.

The world: Ghana's 2026 report is submitted (revision 1); the cycle is compiled; a summary report
exists with its PDF ready (stored under the fingerprint of its inputs, so nothing renders).
Another country's report answers 404, exactly as a missing one; the secretariat's endpoints answer
404 to focal points.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from reports.models import RenderedPdf, SummaryParagraph
from reports.services import start_report
from reports.services.submission import submit_report
from reports.services.workflow import accept_report, start_review
from reports.statistics.compile import compile_cycle
from reports.summary.services import create_summary_report
from tests.conftest import _member, fill_required
from tests.factories import country
from tests.helpers import ROLES, authenticator, expected_status

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "delete"]


@pytest.fixture(autouse=True)
def _no_throttle_left():
    cache.clear()
    yield
    cache.clear()


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
    from reports.summary.document import fingerprint, load_report

    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    fill_required(ghana)
    submit_report(report=ghana, user=submitter)
    start_review(report=ghana, user=secretariat_reviewer)
    accept_report(report=ghana, user=secretariat_reviewer)
    compile_cycle(open_cycle)
    summary = create_summary_report(cycle=open_cycle, user=secretariat_admin)
    # One State's answers leave some wording without a number (sums, assistance requested):
    # word the generated paragraphs plainly, so the PDF can be made.
    SummaryParagraph.objects.filter(section__report=summary, kind="generated").update(
        kind=SummaryParagraph.Kind.NARRATIVE, generator="", text="Transfers were reported."
    )
    document = RenderedPdf.objects.create(
        kind=RenderedPdf.Kind.SUMMARY,
        subject=f"summary:{summary.pk}",
        fingerprint=fingerprint(load_report(summary.pk)),
        status=RenderedPdf.Status.DONE,
        progress=100,
        pages=1,
    )
    document.file.save("summary.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {"ghana": ghana, "summary": summary, "users": users_by_role}


def client_for(world, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        if world["users"][role].is_staff:  # staff need two-step verification, tokens too
            authenticator(world["users"][role])
        _token, raw = create_token(user=world["users"][role], name="matrix")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def matrix(w):
    g, sr = w["ghana"].pk, w["summary"].pk
    everyone = {"*": 200}
    ghana_only = {"gha": 200, "mexico": 404, "staff": 200}
    staff = {"gha": 404, "mexico": 404, "staff": 200}
    # A wrong method answers 405 before any object is looked up, so it reveals nothing; but the
    # secretariat's endpoints answer 404 to anyone else whatever the method, as the pages do.
    not_allowed = {"*": 405}
    staff_not_allowed = {"gha": 404, "mexico": 404, "staff": 405}
    read = {"post": not_allowed, "put": not_allowed, "delete": not_allowed}
    staff_read = {"post": staff_not_allowed, "put": staff_not_allowed, "delete": staff_not_allowed}
    return {
        ("country-list", ()): {"get": everyone, **read},
        ("country-detail", ("GHA",)): {"get": everyone, **read},
        ("country-detail", ("XXX",)): {"get": {"*": 404}, **read},
        ("cycle-list", ()): {"get": everyone, **read},
        ("cycle-detail", (2026,)): {"get": everyone, **read},
        ("cycle-detail", (1901,)): {"get": {"*": 404}, **read},
        ("questionnaire-list", ()): {"get": everyone, **read},
        ("questionnaire-detail", ("2026.1",)): {"get": everyone, **read},
        # POST starts a report (tests/test_api_matrix_reports.py); an empty body is a 400.
        ("report-list", ()): {"get": everyone, **read, "post": {"*": 400}},
        ("report-detail", (g,)): {
            "get": ghana_only,
            **read,
        },
        ("report-detail", (g + 1000,)): {"get": {"*": 404}, **read},
        ("revision-pdf", (g, 1)): {
            "get": ghana_only,
            **read,
        },
        ("revision-pdf", (g, 2)): {
            "get": {"*": 404},
            **read,
        },
        ("statistics", (2026,)): {"get": staff, **staff_read},
        ("statistics", (1901,)): {"get": {"gha": 404, "mexico": 404, "staff": 404}, **staff_read},
        ("statistics-compile", (2026,)): {
            "get": staff_not_allowed,
            "post": {"gha": 404, "mexico": 404, "observer": 403, "reviewer": 202, "admin": 202},
            "put": staff_not_allowed,
            "delete": staff_not_allowed,
        },
        ("summary-list", ()): {"get": staff, **staff_read},
        ("summary-pdf", (sr,)): {
            "get": staff,
            "post": {"gha": 404, "mexico": 404, "staff": 202},
            "put": staff_not_allowed,
            "delete": staff_not_allowed,
        },
        ("summary-pdf", (sr + 1000,)): {
            "get": {"gha": 404, "mexico": 404, "staff": 404},
            "post": {"gha": 404, "mexico": 404, "staff": 404},
            "put": staff_not_allowed,
            "delete": staff_not_allowed,
        },
        ("summary-pdf-download", (sr,)): {"get": staff, **staff_read},
    }


def expected(spec: dict, role: str) -> int:
    if role == "anonymous":
        return 401  # every endpoint needs a signed-in user or a token; no 405 before that
    return expected_status(spec, role)


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(world, role):
    client = client_for(world, role)
    failures = []
    for (name, args), methods in matrix(world).items():
        url = reverse(f"api:{name}", args=args)
        for method in METHODS:
            want = expected(methods[method], role)
            response = getattr(client, method)(url, format="json")
            if response.status_code != want:
                failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
            if response.status_code >= 400:
                body = response.json()
                assert set(body["error"]) >= {"code", "message"}, (method, url, body)
    assert not failures, "\n".join(failures)


def test_error_codes(world):
    """Anonymous: not_authenticated (401 with WWW-Authenticate); observer compiling: 403."""
    url = reverse("api:statistics", args=[2026])
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    response = client_for(world, "observer").post(reverse("api:statistics-compile", args=[2026]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_downloads_are_pdfs(world):
    client = client_for(world, "reviewer")
    response = client.get(reverse("api:summary-pdf-download", args=[world["summary"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    status = client.get(reverse("api:summary-pdf", args=[world["summary"].pk])).json()
    assert status["status"] == "done"
    assert status["download_url"] == reverse("api:summary-pdf-download", args=[world["summary"].pk])
    response = client_for(world, "submitter").get(
        reverse("api:revision-pdf", args=[world["ghana"].pk, 1])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_statistics_content(world):
    body = client_for(world, "observer").get(reverse("api:statistics", args=[2026])).json()
    assert body["compiled"] is True
    assert body["headline"]["reports_counted"] == 1
    assert body["headline"]["first_time"] == ["GHA"]
    assert body["compile"]["status"] in ("done", "unchanged")
    assert {r["code"] for r in body["regions"]} >= {"africa", "europe"}
    assert body["sections"] and body["sections"][0]["questions"]


# -- queries ------------------------------------------------------------------------------------


def count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_report_list_queries_do_not_grow_with_rows(open_cycle, secretariat_admin, submitter):
    authenticator(secretariat_admin)
    _token, raw = create_token(user=secretariat_admin, name="queries")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("api:report-list")
    for iso3 in ("GHA", "MEX"):
        start_report(country=country(iso3), cycle=open_cycle)
    client.get(url)  # the token's first use records it ("last used")
    few = count_queries(client, url)
    for iso3 in ("FRA", "DEU", "BRA", "IND", "NGA", "PHL"):
        report = start_report(country=country(iso3), cycle=open_cycle)
        fill_required(report)
        submit_report(report=report, user=_member(f"sub@{iso3.lower()}.example", iso3, "submitter"))
    many = count_queries(client, url)
    assert client.get(url).json()["count"] == 8
    assert few == many

    # A focal point's list goes through the membership join: constant too.
    _token, raw = create_token(user=submitter, name="queries")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(url)
    assert count_queries(client, url) == count_queries(client, url + "?page_size=1")


def test_country_list_queries_do_not_grow_with_rows(secretariat_admin):
    authenticator(secretariat_admin)
    _token, raw = create_token(user=secretariat_admin, name="queries")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("api:country-list")
    client.get(url)
    few = count_queries(client, url + "?page_size=2")
    many = count_queries(client, url + "?page_size=200")
    assert len(client.get(url + "?page_size=200").json()["results"]) > 150
    assert few == many


def test_summary_pdf_refused_while_wording_has_problems(world, secretariat_reviewer):
    fresh = create_summary_report(cycle=world["ghana"].cycle, user=secretariat_reviewer)
    response = client_for(world, "reviewer").post(reverse("api:summary-pdf", args=[fresh.pk]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wording_problems"
    response = client_for(world, "reviewer").get(reverse("api:summary-pdf", args=[fresh.pk]))
    assert response.json()["status"] is None
    assert response.json()["download_url"] is None
