"""The report form: one section per page, every question type, saving without scripts."""

import pytest
from django.urls import reverse

from reports.selectors import report_answer_values
from reports.services import save_answer
from tests.helpers import accept_directly, post_fields, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_client(client, submitter):
    client.force_login(submitter)
    return client


def section_url(report, code):
    return reverse("report-section", args=[report.pk, code])


def test_a_section_shows_codes_text_help_and_citations(focal_client, ghana_report):
    html = focal_client.get(section_url(ghana_report, "1")).content.decode()
    assert 'id="q-1.1"' in html
    assert "national coordination agency" in html
    assert "PoA II.4" in html
    assert "Answer &#x27;Developing&#x27; if the agency" in html
    assert 'data-show-if="1.1"' in html  # follow-ups carry their condition for the script
    assert "1. National coordination" in html and "12. Sustainable" in html  # navigator


@pytest.mark.parametrize("code", [str(n) for n in range(1, 13)])
def test_every_section_renders(focal_client, ghana_report, code):
    assert focal_client.get(section_url(ghana_report, code)).status_code == 200


def test_an_unknown_section_is_404(focal_client, ghana_report):
    assert focal_client.get(section_url(ghana_report, "99")).status_code == 404


def test_saving_the_section_without_scripts(focal_client, ghana_report):
    q11, q111 = question(ghana_report, "1.1"), question(ghana_report, "1.1.1")
    contact = question(ghana_report, "1.3")
    laws = question(ghana_report, "1.5.1")
    data = {
        **post_fields(q11, **{"": "yes"}),
        **post_fields(q111, **{"": "The National Commission on Small Arms"}),
        **post_fields(contact, name="Kofi Mensah", email="kofi@gov.example"),
        **post_fields(
            laws, rows="2", **{"0-title": "Arms and Ammunition Act", "0-adopted": "1962-05-01"}
        ),
    }
    response = focal_client.post(section_url(ghana_report, "1"), data)
    assert response.status_code == 302
    values = report_answer_values(ghana_report)
    assert values["1.1"] == "yes"
    assert values["1.1.1"] == "The National Commission on Small Arms"
    assert values["1.3"]["email"] == "kofi@gov.example"
    assert values["1.5.1"][0]["title"] == "Arms and Ammunition Act"


def test_a_wrong_value_is_shown_beside_its_field_and_kept(focal_client, ghana_report):
    women = question(ghana_report, "1.1.2")
    q11 = question(ghana_report, "1.1")
    data = {**post_fields(women, **{"": "twelve"}), **post_fields(q11, **{"": "yes"})}
    response = focal_client.post(section_url(ghana_report, "1"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-1.1.2"' in html and "expected a whole number" in html
    assert 'value="twelve"' in html
    # the valid answer beside it is saved all the same
    assert report_answer_values(ghana_report) == {"1.1": "yes"}


def test_a_tampered_question_code_changes_nothing(focal_client, ghana_report):
    response = focal_client.post(
        section_url(ghana_report, "1"),
        {"v-99.9": "0", "q-99.9": "yes", "v-3.1": "0", "q-3.1": "yes"},
    )
    assert response.status_code == 302  # nothing of this section was posted
    assert report_answer_values(ghana_report) == {}


def test_add_a_row_without_scripts(focal_client, ghana_report):
    laws = question(ghana_report, "1.5.1")
    data = {**post_fields(laws, rows="1", **{"0-title": "Firearms Act"}), "add_row": "1.5.1"}
    response = focal_client.post(section_url(ghana_report, "1"), data)
    assert response.status_code == 302
    assert "add_row=1.5.1" in response["Location"]
    html = focal_client.get(response["Location"]).content.decode()
    assert 'name="q-1.5.1-1-title"' in html  # the new, empty second row
    assert 'name="q-1.5.1-rows" value="2"' in html


def test_removing_a_row(focal_client, ghana_report):
    laws = question(ghana_report, "1.5.1")
    save_answer(report=ghana_report, question=laws, value=[{"title": "A"}, {"title": "B"}])
    data = post_fields(
        laws, version=1, rows="2", **{"0-title": "A", "1-title": "B", "0-DELETE": "1"}
    )
    focal_client.post(section_url(ghana_report, "1"), data)
    assert [row["title"] for row in report_answer_values(ghana_report)["1.5.1"]] == ["B"]


def test_follow_ups_hidden_by_the_saved_answer_render_hidden(focal_client, ghana_report):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    html = focal_client.get(section_url(ghana_report, "1")).content.decode()
    start = html.index('id="q-1.1.1"')
    tag = html[html.rindex("<fieldset", 0, start) : html.index(">", start)]
    assert " hidden" in tag


def test_check_all_with_other_specify(focal_client, ghana_report):
    marking = question(ghana_report, "2.3.1")
    data = {
        **post_fields(question(ghana_report, "2.3"), **{"": "yes"}),
        **post_fields(marking, other="Importer code"),
        "q-2.3.1": ["manufacturer", "serial_number", "other"],
    }
    assert focal_client.post(section_url(ghana_report, "2"), data).status_code == 302
    assert report_answer_values(ghana_report)["2.3.1"] == {
        "choices": ["manufacturer", "serial_number", "other"],
        "other": "Importer code",
    }


def test_page_queries_do_not_grow_with_answers(
    focal_client, ghana_report, django_assert_max_num_queries
):
    from tests.conftest import fill_required

    url = section_url(ghana_report, "3")
    exports = question(ghana_report, "3.7.1")
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "3.7"), value="yes")
    save_answer(report=ghana_report, question=exports, value=[{"category": "sa_rifles_carbines"}])
    with django_assert_max_num_queries(12) as few:
        focal_client.get(url)
    rows = [{"category": "sa_rifles_carbines", "quantity": str(n)} for n in range(1, 60)]
    save_answer(report=ghana_report, question=exports, value=rows)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = focal_client.get(url)
    assert page.content.decode().count('name="q-3.7.1-') > 59


def test_prefilled_answers_are_marked_until_confirmed_or_changed(client, cycles, submitter):
    from reports.models import NationalReport, ReportingCycle
    from reports.services import start_report
    from tests.factories import country

    ghana = country("GHA")
    old = start_report(country=ghana, cycle=ReportingCycle.objects.get(year=2024))
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    save_answer(report=old, question=question(old, "1.2"), value="developing")
    accept_directly(old)

    client.force_login(submitter)
    response = client.post(reverse("report-start", args=[ghana.pk, 2026]), {"prefill": "1"})
    new = NationalReport.objects.get(country=ghana, cycle__year=2026)
    assert response["Location"] == reverse("report-overview", args=[new.pk])
    assert new.prefilled_from == old
    assert report_answer_values(new) == {"1.1": "yes", "1.2": "developing"}
    html = client.get(section_url(new, "1")).content.decode()
    assert html.count("From 2024") == 2

    q11, q12 = question(new, "1.1"), question(new, "1.2")
    client.post(section_url(new, "1"), {"confirm": "1.1"})
    save_answer(report=new, question=q12, value="yes")
    assert not new.answers.filter(prefilled_from_year__isnull=False).exists()
    assert new.answers.get(question=q11).value_choice == "yes"


def test_prefill_skips_answers_that_no_longer_fit(cycles):
    from reports.models import ReportingCycle
    from reports.services import start_report
    from tests.factories import country

    ghana = country("GHA")
    old = start_report(country=ghana, cycle=ReportingCycle.objects.get(year=2024))
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    revision = accept_directly(old, "published")
    # An answer the new questionnaire would refuse (e.g. a choice since removed).
    revision.answers = {"1.1": "maybe"}
    revision.save()
    new = start_report(country=ghana, cycle=ReportingCycle.objects.get(year=2026), prefill=True)
    assert report_answer_values(new) == {}


def test_a_submitted_report_shows_read_only(focal_client, ghana_report):
    from reports.models import NationalReport

    NationalReport.objects.filter(pk=ghana_report.pk).update(status="submitted")
    html = focal_client.get(section_url(ghana_report, "1")).content.decode()
    assert "you can read it but not change it" in html
    assert "disabled" in html
    assert focal_client.post(section_url(ghana_report, "1"), {}).status_code == 403


def test_confirming_all_copied_answers_of_a_section(client, cycles, submitter):
    from reports.models import ReportingCycle
    from reports.services import start_report
    from tests.factories import country

    ghana = country("GHA")
    old = start_report(country=ghana, cycle=ReportingCycle.objects.get(year=2024))
    for code in ("1.1", "1.2", "2.1"):
        save_answer(report=old, question=question(old, code), value="yes")
    accept_directly(old)
    new = start_report(country=ghana, cycle=ReportingCycle.objects.get(year=2026), prefill=True)
    client.force_login(submitter)
    html = client.get(section_url(new, "1")).content.decode()
    assert "2 answers in this section were copied from the 2024 report" in html
    client.post(section_url(new, "1"), {"confirm_section": "1"})
    still_marked = new.answers.filter(prefilled_from_year__isnull=False)
    assert list(still_marked.values_list("question__code", flat=True)) == ["2.1"]


def test_the_section_list_links_every_section_with_its_counts(focal_client, ghana_report):
    """The list beside the form is written in Python (reports/views/focal.py `_navigator`)."""
    import re

    from tests.conftest import fill_required

    fill_required(ghana_report)
    page = focal_client.get(section_url(ghana_report, "2")).content.decode()
    nav = page[page.index('class="section-nav"') : page.index("</nav>", page.index("section-nav"))]
    items = re.findall(r'<li class="([^"]*)">\s*<a href="([^"]+)" ?([^>]*)>', nav)
    assert len(items) == 12
    assert [href for _css, href, _attrs in items][:2] == [
        section_url(ghana_report, "1"),
        section_url(ghana_report, "2"),
    ]
    assert [attrs for _css, _href, attrs in items].count('aria-current="page"') == 1
    assert items[1][0].split() == ["current", "complete"] and items[0][0].split() == ["complete"]
    counts = re.findall(r'data-section-progress="([^"]+)">(\d+)/(\d+)<', nav)
    assert [code for code, _a, _r in counts] == [str(n) for n in range(1, 13)]
    assert all(answered == required for _code, answered, required in counts)


def test_files_show_in_the_order_they_came_and_removed_ones_go(focal_client, ghana_report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Attachment

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    url = reverse("report-upload", args=[ghana_report.pk, "1.2.2"])
    for name in ("b-first.pdf", "a-second.pdf", "c-third.pdf"):
        focal_client.post(url, {"file": SimpleUploadedFile(name, pdf)})
    removed = Attachment.objects.get(original_name="c-third.pdf")
    focal_client.post(reverse("report-attachment-delete", args=[ghana_report.pk, removed.pk]))
    page = focal_client.get(section_url(ghana_report, "1")).content.decode()
    files = page[page.index("data-files") : page.index("</ul>", page.index("data-files"))]
    assert "c-third.pdf" not in files
    assert files.index("b-first.pdf") < files.index("a-second.pdf")
