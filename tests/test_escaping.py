"""Script and markup typed anywhere reach every page, PDF and e-mail as text, never as markup.

Each place user text lands gets its own tagged payload, so a failure names the place: every
question type's answer (long text, contact block, table text and link cells, "other (specify)"),
comments, the reason for a return, attachment file names, a State's name, and the summary report's
narrative, wording templates, footnotes and header fields. The pages are those people read them
on (the form, the read-only revision, the print view, the review page, the diff, the history, the
public pages); the PDFs are checked in the HTML handed to WeasyPrint, and once as the text of the
rendered PDF.
"""

from __future__ import annotations

import html
import subprocess

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from reports.models import NationalReport

pytestmark = pytest.mark.django_db


def payload(tag: str) -> str:
    """What an attacker types: a script, an attribute break-out, template syntax, a style end."""
    return (
        f'<script>alert("{tag}")</script>"><img src=x onerror=alert("{tag}")>'
        f"{{{{ 7*7 }}}}</style>{tag}"
    )


def live_markup(tag: str) -> list[str]:
    """The pieces of `payload(tag)` that would act if they reached the page unescaped."""
    return [f'<script>alert("{tag}")', f'<img src=x onerror=alert("{tag}")', f"</style>{tag}"]


def assert_inert(page: str, tag: str, text: str | None = None) -> None:
    """The payload is on the page, shown as the text it is (escaped once, not twice, and not
    evaluated as a template), and none of its markup is live."""
    text = text or payload(tag)
    for piece in [*live_markup(tag), text]:
        assert piece not in page, f"{tag}: live markup {piece!r} on the page"
    assert text in html.unescape(page), f"{tag}: the text is missing or mangled"


# File names cannot hold "/" (a path), so theirs is the attribute break-out alone.
FILE_NAME = '"><img src=x onerror=alert("file")><svg onload=alert(1)>{{ 7*7 }}.pdf'
# Accepted as an http(s) address (no spaces), yet it breaks out of an href if unescaped.
LINK = 'https://example.org/"><svg/onload=alert("link")>'
# A quoted local part is a valid e-mail address (RFC 5322), and a submitter may invite one.
EMAIL = "\"<script>alert('email')</script><img/src=x/onerror=alert(1)>\"@example.org"
# A State's name has room for 60 characters.
STATE = '"><img src=x onerror=alert("state")>{{ 7*7 }}'


@pytest.fixture
def poisoned(ghana_report, submitter, secretariat_reviewer, secretariat_admin):
    """A Ghana report with a payload in every kind of field, submitted twice (returned once with
    a payload as the reason), accepted and published; the State's name carries one too."""
    from countries.models import Country
    from countries.services import invite_focal_point
    from reports.services import save_answer
    from reports.services.attachments import add_attachment
    from reports.services.submission import submit_report
    from reports.services.workflow import (
        accept_report,
        add_comment,
        publish_report,
        return_for_revision,
        start_review,
    )
    from tests.conftest import fill_required
    from tests.helpers import question

    report = fill_required(ghana_report)
    values = {
        "1.1": "yes",
        "1.1.1": payload("long-text"),
        "1.2": "yes",
        "1.3": {
            "name": payload("contact"),
            "position": "Director",
            "organization": "Commission",
            "address": "Accra",
            "phone": "+233 30 000 0000",
            "email": "focal@gh.example",
        },
        "1.5": "yes",
        "1.5.1": [{"title": payload("table-text"), "adopted": "2024-01-15", "link": LINK}],
        "2.3": "yes",
        "2.3.1": {"choices": ["other"], "other": payload("other")},
        "5.5": "yes",
        "5.5.1": "other",
        "5.5.2": payload("single-other"),  # a single choice's "other: please specify"
    }
    for code, value in values.items():
        save_answer(report=report, question=question(report, code), value=value, user=submitter)
    add_attachment(
        report=report,
        question=question(report, "1.2.2"),
        upload=SimpleUploadedFile(FILE_NAME, b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        user=submitter,
    )
    Country.objects.filter(iso3="GHA").update(un_name=STATE)

    submit_report(report=report, user=submitter)
    start_review(report=report, user=secretariat_reviewer)
    add_comment(
        report=report,
        user=secretariat_reviewer,
        body=payload("comment"),
        question=question(report, "1.1.1"),
    )
    return_for_revision(report=report, user=secretariat_reviewer, message=payload("return"))
    colleague = invite_focal_point(
        country=report.country,
        email=EMAIL,
        role="submitter",
        invited_by=submitter,
        site_url="https://poa.example",
    ).user
    save_answer(
        report=report, question=question(report, "9.2"), value=payload("text-r2"), user=colleague
    )
    submit_report(report=report, user=colleague)  # revision 2 is "submitted by" the address
    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    publish_report(report=report, user=secretariat_admin)
    return NationalReport.objects.select_related("country", "cycle").get(pk=report.pk)


def _check_answers(page: str, *, files: bool = True, comments: bool = False) -> None:
    for tag in ("long-text", "contact", "table-text", "other", "single-other", "text-r2"):
        assert_inert(page, tag)
    assert_inert(page, "state", STATE)
    assert_inert(page, "link", LINK)
    if files:  # the review and public pages list no attachments
        assert_inert(page, "file", FILE_NAME)
    if comments:
        assert_inert(page, "comment")


def test_the_focal_form_shows_every_answer_as_text(client, poisoned, submitter, secretariat_admin):
    from reports.services.workflow import reopen_report

    client.force_login(submitter)

    def section(code: str) -> str:
        return client.get(f"/reports/{poisoned.pk}/sections/{code}/").content.decode()

    for editable in (False, True):  # published (read-only), then reopened (fields to edit)
        first = section("1")
        for tag in ("long-text", "contact", "table-text"):
            assert_inert(first, tag)
        assert_inert(first, "file", FILE_NAME)
        assert_inert(first, "link", LINK)
        assert_inert(section("2"), "other")
        assert_inert(section("5"), "single-other")
        assert_inert(section("9"), "text-r2")
        if not editable:
            reopen_report(report=poisoned, user=secretariat_admin, message=payload("reopen"))
            assert 'name="q-1.1.1"' in section("1") and "disabled" not in section("9")
    overview = client.get(f"/reports/{poisoned.pk}/").content.decode()
    assert_inert(overview, "state", STATE)


def test_revision_print_review_diff_history_and_public_pages(
    client, poisoned, submitter, secretariat_reviewer
):
    client.force_login(submitter)
    for url in (f"/reports/{poisoned.pk}/revisions/2/", f"/reports/{poisoned.pk}/print/"):
        page = client.get(url)
        assert page.status_code == 200, url
        _check_answers(page.content.decode())
    revision = client.get(f"/reports/{poisoned.pk}/revisions/2/").content.decode()
    assert_inert(revision, "email", EMAIL)
    team = client.get(f"/countries/{poisoned.country_id}/team/").content.decode()
    assert_inert(team, "email", EMAIL)

    client.force_login(secretariat_reviewer)
    review = client.get(f"/review/reports/{poisoned.pk}/").content.decode()
    _check_answers(review, files=False, comments=True)
    assert_inert(review, "return")
    assert_inert(review, "email", EMAIL)
    diff = client.get(f"/review/reports/{poisoned.pk}/diff/?from=1&to=2").content.decode()
    assert_inert(diff, "text-r2")
    history = client.get(f"/review/reports/{poisoned.pk}/history/").content.decode()
    assert_inert(history, "return")
    assert_inert(history, "file", FILE_NAME)
    assert_inert(history, "email", EMAIL)
    queue = client.get("/review/").content.decode()
    assert_inert(queue, "state", STATE)

    client.logout()
    public = client.get(f"/public/reports/{poisoned.pk}/").content.decode()
    _check_answers(public, files=False)
    country = client.get("/public/countries/GHA/").content.decode()
    assert_inert(country, "state", STATE)


def test_the_return_reason_is_escaped_in_the_e_mail(poisoned, django_capture_on_commit_callbacks):
    from reports.models import ReportEvent
    from reports.tasks import send_transition_emails

    event = poisoned.events.filter(kind=ReportEvent.Kind.TRANSITION, to_status="returned").get()
    mail.outbox.clear()
    send_transition_emails(event.pk)
    assert mail.outbox
    message = mail.outbox[0]
    html_body = next(body for body, kind in message.alternatives if kind == "text/html")
    assert_inert(html_body, "return")
    assert payload("return") in message.body  # the plain-text part says it as typed


def national_html(report: NationalReport, number: int) -> str:
    from reports import national_pdf

    revision = report.revisions.get(number=number)
    facts = national_pdf._revision_facts(report, revision, national_pdf._latest_number(report))
    return render_to_string(
        national_pdf.NATIONAL_TEMPLATE, national_pdf.revision_context(report, revision, facts)
    )


def test_the_pdfs_get_the_text_escaped(poisoned):
    from reports import national_pdf

    _check_answers(national_html(poisoned, 2))

    old, new = poisoned.revisions.get(number=1), poisoned.revisions.get(number=2)
    latest = national_pdf._latest_number(poisoned)
    context = national_pdf.diff_context(
        poisoned,
        old,
        new,
        national_pdf._revision_facts(poisoned, old, latest),
        national_pdf._revision_facts(poisoned, new, latest),
    )
    diff = render_to_string(national_pdf.DIFF_TEMPLATE, context)
    assert_inert(diff, "text-r2")
    assert_inert(diff, "state", STATE)


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_a_rendered_pdf_prints_the_markup_as_text(poisoned):
    from reports.pdf import html_to_pdf

    text = pdf_text(html_to_pdf(national_html(poisoned, 2)))
    # The PDF wraps long lines; the payload's pieces each appear literally.
    for piece in ('<script>alert("long-text")</script>', 'onerror=alert("long-text")>', "7*7"):
        assert piece in text


def test_the_api_returns_the_text_as_json_data(client, poisoned, submitter):
    client.force_login(submitter)
    response = client.get(f"/api/v1/reports/{poisoned.pk}/answers/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    body = response.content.decode()
    assert payload("long-text").replace('"', '\\"') in body


# -- the summary report ------------------------------------------------------------------------


@pytest.fixture
def poisoned_summary(open_cycle, secretariat_reviewer):
    from reports.models import SummaryParagraph
    from reports.statistics.compile import compile_cycle
    from reports.summary import services
    from tests.helpers import accepted_snapshot

    accepted_snapshot(open_cycle, "GHA", {"1.1": "yes", "9.3": 4, "9.4": 12, "9.5": 10})
    compile_cycle(open_cycle)
    summary = services.create_summary_report(cycle=open_cycle, user=secretariat_reviewer)
    summary.summary = payload("summary") + " [^" + payload("summary-note") + "]"
    summary.title = payload("title")
    summary.agenda_titles = payload("agenda")
    summary.save()
    narrative = SummaryParagraph.objects.filter(section__report=summary, kind="narrative").first()
    narrative.text = (
        f"{payload('narrative')} *in italics* [^*{payload('italic')}*]\n- {payload('sub-item')}"
    )
    narrative.save()
    generated = SummaryParagraph.objects.filter(section__report=summary, kind="generated").first()
    # A wording template: its placeholders are filled, the rest is text like any other.
    generated.text = payload("wording") + " {region_reports:africa} [^" + payload("footnote") + "]"
    generated.save()
    section = narrative.section
    section.title = payload("heading")
    section.save()
    return summary


def printed(tag: str) -> str:
    """A payload as printed. In a generated paragraph's wording template "{{" and "}}" are
    literal braces, so it shows "{ 7*7 }" (and never 49); other text is shown as typed."""
    if tag not in ("wording", "footnote"):
        return payload(tag)
    return payload(tag).replace("{{", "{").replace("}}", "}")


SUMMARY_TAGS = [
    "summary",
    "summary-note",
    "title",
    "agenda",
    "narrative",
    "italic",
    "sub-item",
    "wording",
    "footnote",
    "heading",
]


def test_the_summary_editor_preview_and_pdf_html_escape_everything(
    client, poisoned_summary, secretariat_reviewer
):
    from reports.models import SummaryParagraph
    from reports.summary.document import build_document, load_report
    from reports.summary.render import document_html

    client.force_login(secretariat_reviewer)
    editor = client.get(f"/review/summaries/{poisoned_summary.pk}/").content.decode()
    for tag in ("narrative", "italic", "sub-item", "wording", "heading", "title"):
        assert_inert(editor, tag)
    preview = client.get(f"/review/summaries/{poisoned_summary.pk}/preview/").content.decode()
    for tag in SUMMARY_TAGS:
        assert_inert(preview, tag, printed(tag))

    narrative = SummaryParagraph.objects.filter(
        section__report=poisoned_summary, kind="narrative"
    ).first()
    live = client.post(
        f"/review/summaries/{poisoned_summary.pk}/paragraphs/{narrative.pk}/preview/",
        {"text": payload("live")},
    ).json()
    assert_inert(live["html"], "live", printed("live"))

    pdf_html = document_html(build_document(load_report(poisoned_summary.pk), with_charts=False))
    for tag in SUMMARY_TAGS:
        assert_inert(pdf_html, tag, printed(tag))
    assert "<em>in italics</em>" in pdf_html  # the markup still works around escaped text


def test_an_api_token_name_is_shown_as_text(client, submitter):
    from accounts.tokens import create_token

    create_token(user=submitter, name=payload("token"))
    client.force_login(submitter)
    assert_inert(client.get("/accounts/tokens/").content.decode(), "token")
    created = client.post("/accounts/tokens/", {"name": payload("new-token"), "days": "30"})
    assert_inert(created.content.decode(), "new-token")  # the table and the message
