"""The Secretary-General-style summary report: UN number style, wording templates filled from the
statistics, the assembled document, the editor pages, and the PDF rendered once per set of inputs.
"""

import re
import subprocess

import pytest

from countries.models import Country
from reports.models import (
    RenderedPdf,
    SummaryParagraph,
    SummaryReport,
)
from reports.summary import services
from reports.summary.document import build_document, fingerprint, load_report
from reports.summary.numbers import state_list, un_number, un_percent
from reports.summary.wording import Footnotes, fill, paragraph_html

# -- numbers and lists (no database) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "start", "expected"),
    [
        (7, False, "seven"),
        (9, False, "nine"),
        (10, False, "10"),
        (68, False, "68"),
        (1250, False, "1,250"),
        (68, True, "Sixty-eight"),
        (7, True, "Seven"),
        (120, True, "One hundred and twenty"),
        (0, False, "zero"),
    ],
)
def test_un_numbers(number, start, expected):
    assert un_number(number, sentence_start=start) == expected


def test_un_percentages():
    assert un_percent(45.4) == "45 per cent"
    assert un_percent(45, sentence_start=True) == "Forty-five per cent"
    assert un_percent(100) == "100 per cent"


@pytest.mark.django_db
def test_lists_of_states_use_in_sentence_names_in_un_order():
    states = Country.objects.filter(iso3__in=["ECU", "BFA", "BOL", "BEN"])
    assert (
        state_list(states) == "Benin, the Plurinational State of Bolivia, Burkina Faso and Ecuador"
    )
    assert state_list(Country.objects.filter(iso3="NER"), sentence_start=True) == "The Niger"
    assert state_list([]) == "no State"


def test_placeholders_know_when_they_open_a_sentence():
    def resolve(name, args, start):
        return "Sixty-eight" if start else "68"

    text, problems = fill(
        "{n} States reported. Of those, {n} did. All.[^Note.] {n} more; {n}", resolve
    )
    assert (
        text == "Sixty-eight States reported. Of those, 68 did. All.[^Note.] Sixty-eight more; 68"
    )
    assert problems == []
    assert fill("Braces {{literal}}", resolve)[0] == "Braces {literal}"


def test_markup_escapes_everything_typed():
    html = paragraph_html(
        "Lead <script>alert(1)</script> *italic* see A/69/50 and resolution 68/48."
        "[^Note <b>x</b>]\n"
        "- first item\n- second <img src=x>",
        Footnotes(),
    )
    assert "<script>" not in html.lead and "&lt;script&gt;" in html.lead
    assert "<em>italic</em>" in html.lead
    assert 'href="https://undocs.org/A/69/50"' in html.lead
    assert 'href="https://undocs.org/A/RES/68/48"' in html.lead
    assert 'class="footnote" data-n="1">Note &lt;b&gt;x&lt;/b&gt;</span>' in html.lead
    assert [letter for letter, _ in html.items] == ["a", "b"]
    assert "&lt;img src=x&gt;" in html.items[1][1]


# -- the document -----------------------------------------------------------------------------


@pytest.fixture
def summary(compiled, secretariat_reviewer):
    return services.create_summary_report(cycle=compiled, user=secretariat_reviewer)


def paragraph(report: SummaryReport, generator: str) -> SummaryParagraph:
    return SummaryParagraph.objects.get(section__report=report, generator=generator)


@pytest.mark.django_db
def test_new_report_has_the_standard_structure_and_numbers(summary):
    assert summary.session == "Eighty-first session"
    assert summary.symbol == "A/81/XXX"
    document = build_document(load_report(summary.pk), with_charts=False)
    assert document.problems == []
    headings = [(b.label, b.title) for b in document.blocks if b.kind == "heading"]
    assert headings[:4] == [
        ("I.", "Introduction"),
        ("II.", "National reports on the implementation of the instruments"),
        ("A.", "Reporting"),
        ("B.", "Implementation at the national level"),
    ]
    assert headings[-1] == ("III.", "Observations and conclusions")
    numbers = [b.number for b in document.blocks if b.kind == "paragraph"]
    assert numbers == list(range(1, len(numbers) + 1))  # straight through the body
    texts = {b.paragraph_id: b.html.lead for b in document.blocks if b.kind == "paragraph"}
    reporting = texts[paragraph(summary, "reporting").pk]
    assert "As at 31 March 2026, three States had submitted a national report" in reporting
    assert "that is, 2 per cent of all States" in reporting
    # The footnote between "States." and the next number: that number still opens a sentence.
    assert "Three States reported for the first time" in reporting
    assistance = texts[paragraph(summary, "assistance").pk]
    # One State (singular), none offering ("no State"), an acronym kept in capitals.
    assert assistance.startswith("One State requested assistance")
    assert "and no State offered it" in assistance
    assert "were disarmament, demobilization and reintegration (DDR)." in assistance
    tracing = texts[paragraph(summary, "tracing").pk]
    assert "sent 35 tracing requests" in tracing and "received 14, of which 12" in tracing
    # Footnotes numbered through the document: the introduction's, then the reporting one's.
    assert document.footnotes[0].startswith("See ")
    assert "portal" in document.footnotes[1]


@pytest.mark.django_db
def test_edited_wording_with_a_bad_placeholder_is_reported_not_lost(
    client, secretariat_reviewer, summary
):
    client.force_login(secretariat_reviewer)
    target = paragraph(summary, "regions")
    response = client.post(
        f"/review/summaries/{summary.pk}/paragraphs/{target.pk}/",
        {"action": "save", "text": "{region_reports:atlantis} States of Atlantis reported."},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no region &#x27;atlantis&#x27;" in page or "no region 'atlantis'" in page
    target.refresh_from_db()
    assert target.text == "{region_reports:atlantis} States of Atlantis reported."
    # No PDF while the wording has a problem.
    response = client.post(f"/review/summaries/{summary.pk}/pdf/", follow=True)
    assert "Fix the wording first" in response.content.decode()
    assert not RenderedPdf.objects.exists()


@pytest.mark.django_db
def test_an_empty_paragraph_is_refused_and_the_old_text_kept(client, secretariat_reviewer, summary):
    client.force_login(secretariat_reviewer)
    target = paragraph(summary, "tracing")
    before = target.text
    response = client.post(
        f"/review/summaries/{summary.pk}/paragraphs/{target.pk}/", {"text": "   "}, follow=True
    )
    assert "The paragraph is empty" in response.content.decode()
    target.refresh_from_db()
    assert target.text == before


@pytest.mark.django_db
def test_live_preview_fills_the_wording_without_saving(client, secretariat_reviewer, summary):
    client.force_login(secretariat_reviewer)
    target = paragraph(summary, "regions")
    response = client.post(
        f"/review/summaries/{summary.pk}/paragraphs/{target.pk}/preview/",
        {"text": "{region_reports:africa} of {region_states:africa} States of Africa."},
    )
    assert response.json() == {"html": "<p>Two of 54 States of Africa.</p>", "problems": []}
    target.refresh_from_db()
    assert target.text.startswith("Reporting rates differed")


@pytest.mark.django_db
def test_header_form_keeps_what_was_typed_when_refused(client, secretariat_reviewer, summary):
    client.force_login(secretariat_reviewer)
    data = {
        "symbol": "not a symbol",
        "session": "Eighty-first session",
        "agenda_item": "Item 99",
        "agenda_titles": "General and complete disarmament",
        "title": "Report of the Secretary-General",
        "date": "2026-07-10",
        "distribution": "General",
        "original_language": "English",
        "language": "en",
        "summary": "A summary typed with care.",
    }
    response = client.post(f"/review/summaries/{summary.pk}/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A document symbol looks like" in page
    assert "A summary typed with care." in page
    data["symbol"] = "A/81/123"
    client.post(f"/review/summaries/{summary.pk}/", data)
    summary.refresh_from_db()
    assert (summary.symbol, summary.agenda_item) == ("A/81/123", "Item 99")


@pytest.mark.django_db
def test_sections_and_paragraphs_are_added_moved_and_deleted(client, secretariat_reviewer, summary):
    client.force_login(secretariat_reviewer)
    client.post(f"/review/summaries/{summary.pk}/sections/", {"title": "Annex notes", "level": "1"})
    report = load_report(summary.pk)
    last = report.section_list[-1]
    assert (last.title, last.level) == ("Annex notes", 1)
    client.post(
        f"/review/summaries/{summary.pk}/sections/{last.pk}/",
        {"action": "add-paragraph", "kind": "generated", "generator": "tracing"},
    )
    added = last.paragraphs.get()
    assert added.text.startswith("States reported having sent")
    client.post(f"/review/summaries/{summary.pk}/sections/{last.pk}/", {"action": "up"})
    report = load_report(summary.pk)
    assert report.section_list[-2].pk == last.pk
    response = client.post(
        f"/review/summaries/{summary.pk}/sections/{last.pk}/", {"action": "delete"}, follow=True
    )
    assert "still has paragraphs" in response.content.decode()
    client.post(f"/review/summaries/{summary.pk}/paragraphs/{added.pk}/", {"action": "delete"})
    client.post(f"/review/summaries/{summary.pk}/sections/{last.pk}/", {"action": "delete"})
    assert not report.sections.filter(pk=last.pk).exists()


@pytest.mark.django_db
def test_summary_pages_are_for_the_secretariat(client, submitter, observer, summary):
    client.force_login(submitter)
    assert client.get("/review/summaries/").status_code == 404
    assert client.get(f"/review/summaries/{summary.pk}/").status_code == 404
    client.force_login(observer)
    assert client.get(f"/review/summaries/{summary.pk}/").status_code == 200
    assert client.get(f"/review/summaries/{summary.pk}/preview/").status_code == 200
    target = paragraph(summary, "tracing")
    response = client.post(
        f"/review/summaries/{summary.pk}/paragraphs/{target.pk}/", {"text": "Changed"}, follow=True
    )
    assert "Only secretariat reviewers and administrators" in response.content.decode()
    target.refresh_from_db()
    assert target.text != "Changed"


@pytest.mark.django_db
def test_editor_and_preview_query_counts(client, observer, summary, django_assert_max_num_queries):
    client.force_login(observer)
    with django_assert_max_num_queries(45):
        assert client.get(f"/review/summaries/{summary.pk}/").status_code == 200
    # More paragraphs of every kind: not one query more.
    section = load_report(summary.pk).section_list[0]
    for generator in ("reporting", "regions", "topics", "tracing", "transfers", "assistance"):
        services.add_paragraph(section=section, kind="generated", generator=generator)
        services.add_paragraph(section=section, kind="narrative", text="More.[^A note.]")
    with django_assert_max_num_queries(45):
        assert client.get(f"/review/summaries/{summary.pk}/").status_code == 200
    with django_assert_max_num_queries(45):
        assert client.get(f"/review/summaries/{summary.pk}/preview/").status_code == 200


def pdf_text(path_or_bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.mark.django_db
def test_pdf_is_rendered_once_per_set_of_inputs(
    client, secretariat_reviewer, summary, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import pdf as pdf_module

    calls = []
    real = pdf_module.html_to_pdf_pages

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr("reports.services.documents.html_to_pdf_pages", counting)
    client.force_login(secretariat_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/review/summaries/{summary.pk}/pdf/")
    document = RenderedPdf.objects.get()
    assert document.status == RenderedPdf.Status.DONE, document.error
    assert len(calls) == 1
    # Unchanged: served at once, nothing rendered again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/summaries/{summary.pk}/pdf/", follow=True)
    assert "The PDF is ready" in response.content.decode()
    assert len(calls) == 1 and RenderedPdf.objects.count() == 1
    download = client.get(f"/review/summaries/{summary.pk}/pdf/{document.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="a-81-xxx.pdf"' in download["Content-Disposition"]
    text = pdf_text(b"".join(download.streaming_content))
    assert "United Nations" in text and "A/81/XXX" in text
    assert "Distr.: General" in text and "Eighty-first session" in text
    assert "Report of the Secretary-General" in text
    assert "Three States had submitted" not in text  # not at a sentence start there
    assert "three States had submitted a national report" in text
    assert "Annex I" in text and "Benin" in text
    assert document.pages >= 3
    # Paragraphs numbered 1, 2, 3 … straight through the body (the annexes are not numbered).
    body = text.split("Annex I")[0]
    numbers = [int(n) for n in re.findall(r"^\s{0,12}(\d{1,2})\.\s{2,}", body, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 9
    # Footnotes at the foot of their page, numbered through the document.
    assert re.search(r"^\s*1\s*See A/80/XXX\.", text, re.MULTILINE)
    assert re.search(r"^\s*2\s*The national reports are available", text, re.MULTILINE)
    # The page numbers "n/N" and the symbol as running header from page 2.
    assert re.search(r"^\s*1/\d+\s*$", text, re.MULTILINE)
    # A change to the text: a new fingerprint, a new render.
    before = fingerprint(load_report(summary.pk))
    target = paragraph(summary, "tracing")
    target.text = "States sent {sum:9.3} tracing requests."
    target.save()
    assert fingerprint(load_report(summary.pk)) != before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/review/summaries/{summary.pk}/pdf/")
    assert len(calls) == 2 and RenderedPdf.objects.count() == 2


@pytest.mark.django_db
def test_typed_markup_cannot_make_the_renderer_fetch_anything(
    summary, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import pdf as pdf_module

    fetched = []
    real = pdf_module.static_only_fetcher

    def watching(url, *args, **kwargs):
        fetched.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "static_only_fetcher", watching)
    summary.summary = (
        '<img src="http://evil.example/x.png"> <link rel="stylesheet" href="file:///etc/passwd">'
    )
    summary.save()
    narrative = SummaryParagraph.objects.filter(section__report=summary, kind="narrative").first()
    narrative.text = (
        'See <img src="file:///etc/passwd"> and <iframe src="https://evil.example/"></iframe>'
        '[^<object data="file:///etc/shadow"></object>]'
    )
    narrative.save()
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_pdf(summary)
    document.refresh_from_db()
    assert document.status == RenderedPdf.Status.DONE, document.error
    assert not [url for url in fetched if "evil" in url or "passwd" in url]
    assert all(
        url.startswith(("https://pdf.poa-reports.invalid/static/", "data:")) for url in fetched
    )
    text = pdf_text(document.file.open("rb"))
    assert "http://evil.example/x.png" in text  # shown as the text it is
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


@pytest.mark.django_db
def test_odd_numbers_in_forms_are_refused_not_a_500(client, secretariat_reviewer, summary):
    client.force_login(secretariat_reviewer)
    response = client.post("/review/summaries/", {"cycle": "²"}, follow=True)
    assert response.status_code == 200
    assert "Choose the reporting cycle" in response.content.decode()
    response = client.post(
        f"/review/summaries/{summary.pk}/sections/",
        {"title": "More", "level": "1", "after": "²"},
        follow=True,
    )
    assert response.status_code == 200
    assert load_report(summary.pk).section_list[-1].title == "More"


@pytest.mark.django_db
def test_a_report_edited_before_its_pdf_is_made_is_not_stored_under_the_old_text(
    summary, django_capture_on_commit_callbacks
):
    from reports.tasks import render_summary_pdf

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.request_pdf(summary)
    target = paragraph(summary, "tracing")
    target.text = "Edited after the PDF was asked for."
    target.save()
    assert len(callbacks) == 1
    assert render_summary_pdf(summary.pk, document.pk) == RenderedPdf.Status.FAILED
    document.refresh_from_db()
    assert document.status == RenderedPdf.Status.FAILED
    assert "changed while its PDF was waiting" in document.error
    assert not document.file
