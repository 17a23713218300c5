"""National-report PDFs: one revision, the changes between two, and the published one on the
public portal. Rendered once per set of inputs, served from the stored file afterwards; answers
are text, never markup, and the renderer fetches nothing but the project's static files."""

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import reports.pdf
import reports.services.documents
from reports import national_pdf
from reports.models import RenderedPdf
from reports.pdf import BASE_URL, RefusedResource, static_only_fetcher
from reports.selectors import questionnaire_of
from reports.services import start_report
from reports.services.attachments import add_attachment
from reports.services.submission import submit_report
from reports.services.workflow import (
    accept_report,
    publish_report,
    return_for_revision,
    start_review,
)
from tests.conftest import fill_required
from tests.factories import RevisionFactory, country, save_answers
from tests.helpers import question

pytestmark = pytest.mark.django_db

EVIL = '<img src="http://evil.example/x.png"> <link rel=stylesheet href="file:///etc/passwd">'

RICH_ANSWERS = {
    "1.2": "yes",
    "1.5": "yes",
    "1.5.1": [
        {
            "title": "Arms and Ammunition Act, 1962 (Act 118)",
            "adopted": "1962-10-01",
            "link": "https://example.org/laws/act-118",
        },
        {"title": "Arms and Ammunition (Amendment) Regulations", "adopted": "", "link": ""},
    ],
    "3.7": "yes",
    "3.7.1": [
        {
            "category": "sa_revolvers_pistols",
            "partner": "NGA",
            "quantity": "1250",
            "description": "Pistols for the police",
        },
        {"category": "sa_rifles_carbines", "partner": "CIV", "quantity": "40"},
    ],
    "9.2": "Ghana National Commission on Small Arms\nP.O. Box 123, Accra",
}


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order, runs of spaces as one; pages end with a form feed."""
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", result.stdout.decode("utf-8"))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rich(report, user, extra=None):
    """The report with every required answer, two tables, a two-line text and a file."""
    fill_required(report)
    save_answers(report, user, {**RICH_ANSWERS, **(extra or {})})
    add_attachment(
        report=report,
        question=question(report, "1.2.2"),
        upload=SimpleUploadedFile("action-plan.pdf", b"%PDF-1.4\n" + b"x" * 3000),
    )
    submit_report(report=report, user=user)
    report.refresh_from_db()
    return report


@pytest.fixture
def report(ghana_report, submitter):
    return rich(ghana_report, submitter)


@pytest.fixture
def render_calls(monkeypatch):
    """Counts the PDFs actually laid out (not served from storage)."""
    calls = []
    real = reports.services.documents.html_to_pdf_pages

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(reports.services.documents, "html_to_pdf_pages", counting)
    return calls


def revision_url(report, number=1):
    return reverse("report-revision-pdf", args=(report.pk, number))


def diff_url(report, query=""):
    return reverse("report-diff-pdf", args=(report.pk,)) + query


# -- the national report of one revision --------------------------------------------------------


def test_revision_pdf_holds_the_whole_report(client, submitter, report):
    client.force_login(submitter)
    response = client.get(revision_url(report))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="poa-report-gha-2026-r1.pdf"'
    text = pdf_text(body(response))
    flat = " ".join(text.split())  # table cells wrap over several lines
    for expected in [
        "United Nations",
        "Ghana",
        "Ninth Biennial Meeting of States",
        "Reporting period: 1 January 2024 to 31 December 2025",
        "Revision",
        "Submitted",
        "National coordination",
        "1.5.1",
        "Please list the relevant laws",
        "PoA II.23",  # a citation
        "Title of the law",  # a table's column header
        "Arms and Ammunition Act, 1962 (Act 118)",
        "1 October 1962",
        "Nigeria",  # a State code in a table, by its UN name
        "1,250",
        "Small arms: revolvers and self-loading pistols",  # a choice cell, by its label
        "action-plan.pdf",
        "2.9 KB",
        "Page 1 of",
    ]:
        assert expected in flat, expected
    # A two-line answer keeps its line break.
    lines = [line.strip() for line in text.splitlines()]
    first = lines.index("Ghana National Commission on Small Arms")
    assert lines[first + 1] == "P.O. Box 123, Accra"
    # Later pages carry the State and the cycle as a running header.
    second_page = text.split("\f")[1]
    assert "Ghana" in second_page and "National report 2026 · Revision 1" in second_page


def test_revision_pdf_is_rendered_once_and_then_served_from_storage(
    client, submitter, secretariat_reviewer, report, render_calls
):
    client.force_login(submitter)
    first = body(client.get(revision_url(report)))
    second = body(client.get(revision_url(report)))

    assert len(render_calls) == 1
    assert first == second
    stored = RenderedPdf.objects.get()
    assert (stored.kind, stored.subject) == ("national", f"revision:{report.revisions.get().pk}")
    assert stored.status == RenderedPdf.Status.DONE and stored.pages > 1

    # The status printed on the first page is an input too: accepting renders it anew.
    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    text = pdf_text(body(client.get(revision_url(report))))
    assert len(render_calls) == 2
    assert "Accepted" in text


def test_another_countrys_revision_answers_404_like_a_missing_one(
    client, other_focal, submitter, report
):
    client.force_login(other_focal)
    assert client.get(revision_url(report)).status_code == 404
    assert client.get(diff_url(report, "?from=1&to=1")).status_code == 404
    client.force_login(submitter)
    assert client.get(revision_url(report, 9)).status_code == 404
    assert client.get(reverse("report-revision-pdf", args=(987654, 1))).status_code == 404
    assert RenderedPdf.objects.count() == 0


def test_staff_download_any_revision(client, secretariat_reviewer, report):
    client.force_login(secretariat_reviewer)
    response = client.get(revision_url(report))
    assert response.status_code == 200
    assert "Ghana" in pdf_text(body(response))


# -- changes between two revisions --------------------------------------------------------------


@pytest.fixture
def two_revisions(report, submitter, secretariat_reviewer):
    start_review(report=report, user=secretariat_reviewer)
    return_for_revision(report=report, user=secretariat_reviewer, message="Update the exports.")
    rows = [dict(row) for row in RICH_ANSWERS["3.7.1"]]
    rows[0]["quantity"] = "1300"
    save_answers(report, submitter, {"3.7.1": rows, "9.2": "Ministry of the Interior, Accra"})
    submit_report(report=report, user=submitter)
    report.refresh_from_db()
    return report


def test_diff_pdf_lists_what_changed(client, submitter, two_revisions):
    client.force_login(submitter)
    response = client.get(diff_url(two_revisions, "?from=1&to=2"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'inline; filename="poa-report-gha-2026-r1-r2-changes.pdf"'
    )
    text = pdf_text(body(response))
    for expected in [
        "Changes to the national report between two revisions",
        "Revision 1 (before)",
        "Revision 2 (after)",
        "9.2",
        "Ghana National Commission on Small Arms",  # before
        "Ministry of the Interior, Accra",  # after
        "3.7.1",
        "1,250",
        "1,300",
        "Unchanged sections: 1. National coordination; 2. Manufacture and marking;",
        "Page 1 of",
    ]:
        assert expected in text, expected
    assert "1.5.1" not in text  # unchanged answers are only summarised


def test_diff_pdf_is_stored_once(client, secretariat_reviewer, two_revisions, render_calls):
    client.force_login(secretariat_reviewer)
    client.get(diff_url(two_revisions, "?from=1&to=2"))
    client.get(diff_url(two_revisions, "?from=1&to=2"))
    assert len(render_calls) == 1
    first, second = two_revisions.revisions.order_by("number")
    assert RenderedPdf.objects.get().subject == f"diff:{first.pk}:{second.pk}"


@pytest.mark.parametrize(
    "query",
    ["", "?from=1", "?to=1", "?from=x&to=1", "?from=1&to=7", "?from=-1&to=1", "?from=١&to=1"],
)
def test_diff_pdf_with_bad_numbers_explains_in_a_400_page(client, submitter, report, query):
    client.force_login(submitter)
    response = client.get(diff_url(report, query))
    assert response.status_code == 400
    assert b"Cannot compare these revisions" in response.content
    assert b"This report has revision 1." in response.content
    assert RenderedPdf.objects.count() == 0


# -- the public portal --------------------------------------------------------------------------


def test_public_pdf_is_the_published_revision_only(
    client, report, secretariat_reviewer, secretariat_admin
):
    url = reverse("public-report-pdf", args=(report.pk,))
    assert client.get(url).status_code == 404  # submitted, not published

    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    assert client.get(url).status_code == 404  # accepted, not yet published
    publish_report(report=report, user=secretariat_admin)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="poa-report-gha-2026-r1.pdf"'
    text = pdf_text(body(response))
    assert "Ghana" in text and "Published" in text
    assert client.post(url).status_code == 405


def test_download_links_on_the_pages(client, submitter, secretariat_reviewer, two_revisions):
    client.force_login(submitter)
    page = client.get(reverse("report-revision", args=(two_revisions.pk, 2))).content.decode()
    assert revision_url(two_revisions, 2) in page
    assert diff_url(two_revisions, "?from=1&amp;to=2") in page

    client.force_login(secretariat_reviewer)
    page = client.get(reverse("review-report", args=(two_revisions.pk,))).content.decode()
    assert revision_url(two_revisions, 2) in page
    page = client.get(reverse("review-diff", args=(two_revisions.pk,))).content.decode()
    assert diff_url(two_revisions, "?from=1&amp;to=2") in page


def test_public_report_page_links_to_the_pdf(
    client, report, secretariat_reviewer, secretariat_admin
):
    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    publish_report(report=report, user=secretariat_admin)
    page = client.get(reverse("public-report", args=(report.pk,))).content.decode()
    assert reverse("public-report-pdf", args=(report.pk,)) in page


# -- answers are text; the renderer reads only static files -------------------------------------


def test_markup_in_an_answer_is_printed_as_text_and_never_fetched(
    client, ghana_report, submitter, monkeypatch
):
    report = rich(ghana_report, submitter, {"12.8": EVIL})
    asked = []
    real = reports.pdf.static_only_fetcher

    def watching(url, *args, **kwargs):
        asked.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(reports.pdf, "static_only_fetcher", watching)
    client.force_login(submitter)
    text = pdf_text(body(client.get(revision_url(report))))

    assert asked == [BASE_URL + "static/css/pdf-national.css"]
    assert '<img src="http://evil.example/x.png">' in text
    assert 'href="file:///etc/passwd">' in text
    revision = report.revisions.get()
    facts = national_pdf._revision_facts(report, revision, 1)
    html = render_to_string(
        national_pdf.NATIONAL_TEMPLATE, national_pdf.revision_context(report, revision, facts)
    )
    assert "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in html
    assert "<img" not in html and "file:///" not in html.replace("file:///etc/passwd&quot;", "")


def test_static_only_fetcher_serves_static_files_and_data_urls_only():
    css = static_only_fetcher(BASE_URL + "static/css/pdf-national.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert static_only_fetcher("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    for url in [
        "http://evil.example/x.png",
        "https://evil.example/static/css/pdf-national.css",
        "file:///etc/passwd",
        BASE_URL + "static/../settings.py",
        BASE_URL + "static/%2e%2e/config/settings/base.py",
        BASE_URL + "static/css/pdf-national.css?x=1",
        BASE_URL + "media/documents/x.pdf",
        BASE_URL + "static/css/missing.css",
    ]:
        with pytest.raises(RefusedResource):
            static_only_fetcher(url)


# -- queries ------------------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_answers(
    client, report, other_focal, open_cycle, django_assert_max_num_queries
):
    """A revision of three answers and one of fifty cost the same queries."""
    small = start_report(country=country("MEX"), cycle=open_cycle)
    RevisionFactory(
        report=small,
        answers={"1.1": "yes", "3.7": "yes", "3.7.1": [{"category": "sa_other", "partner": "GHA"}]},
    )
    assert len(report.revisions.get().answers) > 40
    questionnaire_of(small)  # the structure is read once per process

    counts = []
    for subject, user in ((small, other_focal), (report, report.submitted_by)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as rendering:
            assert client.get(revision_url(subject)).status_code == 200
        with django_assert_max_num_queries(8):  # served from storage
            assert client.get(revision_url(subject)).status_code == 200
        counts.append(len(rendering))
    assert counts[0] == counts[1] <= 20


def test_a_pdf_that_cannot_be_made_is_explained_not_a_500(client, submitter, report, monkeypatch):
    def broken(html):
        raise RuntimeError("Pango could not load a font")

    monkeypatch.setattr("reports.services.documents.html_to_pdf_pages", broken)
    client.force_login(submitter)
    response = client.get(revision_url(report))
    assert response.status_code == 503
    assert "The PDF could not be made" in response.content.decode()
    failed = RenderedPdf.objects.get()
    assert failed.status == RenderedPdf.Status.FAILED
    assert "Pango could not load a font" in failed.error
    # Once the cause is gone, the next request renders it.
    monkeypatch.undo()
    assert client.get(revision_url(report)).status_code == 200
