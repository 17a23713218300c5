"""The report form in the report's language: the questionnaire's texts in it (English for what is
not translated), the interface in the person's own language, right to left for Arabic."""

import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from reports.models import NationalReport, QuestionnaireTranslation
from reports.questionnaire_i18n import translated_texts
from reports.services import save_answer, start_report
from tests.factories import country
from tests.helpers import question

pytestmark = pytest.mark.django_db

ENGLISH_1_1 = "national coordination agency"


@pytest.fixture
def focal_client(client, submitter):
    client.force_login(submitter)
    return client


def section_url(report, code="1"):
    return reverse("report-section", args=[report.pk, code])


def in_language(report, language):
    NationalReport.objects.filter(pk=report.pk).update(language=language)
    report.refresh_from_db()
    return report


def fieldset_tag(html, code):
    return re.search(rf'<fieldset class="[^"]*"\s+id="q-{re.escape(code)}"[^>]*>', html).group(0)


def french(report):
    return translated_texts(report.cycle.questionnaire, "fr")


def test_a_french_report_shows_the_questionnaire_in_french_and_the_interface_in_english(
    focal_client, ghana_report
):
    report = in_language(ghana_report, "fr")
    texts = french(report)
    html = focal_client.get(section_url(report)).content.decode()

    assert '<html lang="en" dir="ltr">' in html  # the person's interface language
    assert "Coordination nationale" in html  # section title, in the heading and the navigator
    assert html.count("1. Coordination nationale") >= 2
    assert escape(texts.question("1.1").text) in html
    assert ENGLISH_1_1 not in html
    assert 'lang="fr" dir="ltr"' in fieldset_tag(html, "1.1")
    # Choices: the built-in ones through the catalogue, the questionnaire's own from the data.
    block = html[html.index('id="q-1.1"') : html.index('id="q-1.1.1"')]
    assert "> Oui</label>" in block and "> Yes</label>" not in block
    laws = html[html.index('id="q-1.5.1"') :]
    title_column = escape(texts.question("1.5.1").column_label("title"))
    assert f'<th scope="col">{title_column}' in laws
    # The interface's own words stay English.
    assert "Changes are saved automatically." in html
    assert ">Add a row</button>" in html


def test_an_untranslated_string_falls_back_to_its_english(focal_client, ghana_report):
    report = in_language(ghana_report, "fr")
    row = QuestionnaireTranslation.objects.get(version=report.cycle.questionnaire, language="fr")
    del row.texts["question/1.1/help"]
    row.save()

    html = focal_client.get(section_url(report)).content.decode()
    assert "Answer &#x27;Developing&#x27; if the agency" in html  # English help
    assert escape(french(report).question("1.1").text) in html  # French text beside it


def test_an_arabic_report_reads_right_to_left_with_arabic_interface(
    client, submitter, ghana_report
):
    submitter.preferred_language = "ar"
    submitter.save()
    client.force_login(submitter)
    report = in_language(ghana_report, "ar")
    html = client.get(section_url(report, "3")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "تقاريري" in html  # "My reports"
    assert "حفظ" in html  # "Save"
    tag = fieldset_tag(html, "3.1")
    assert 'lang="ar" dir="rtl"' in tag
    # Codes and numbers stay left to right inside the right-to-left page.
    assert '<span class="code" dir="ltr">3.1</span>' in html
    assert re.search(r'<input type="text" inputmode="numeric"[^>]*dir="ltr"', html)
    assert '<ol lang="ar" dir="rtl">' in html  # the navigator


def test_the_questionnaire_follows_the_report_not_the_interface(client, submitter, ghana_report):
    """An English report read with a French interface: French buttons, English questions."""
    submitter.preferred_language = "fr"
    submitter.save()
    client.force_login(submitter)
    html = client.get(section_url(ghana_report)).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert ENGLISH_1_1 in html and "1. National coordination" in html
    assert ">Enregistrer</button>" in html
    assert "> Yes</label>" in html


def test_form_blocks_are_cached_per_language_and_never_mix(
    client, submitter, other_focal, open_cycle
):
    french_report = in_language(start_report(country=country("GHA"), cycle=open_cycle), "fr")
    english_report = start_report(country=country("MEX"), cycle=open_cycle)
    texts = french(french_report)
    french_text = escape(texts.question("1.1").text)

    client.force_login(submitter)
    first = client.get(section_url(french_report)).content.decode()
    client.force_login(other_focal)
    english = client.get(section_url(english_report)).content.decode()
    client.force_login(submitter)
    again = client.get(section_url(french_report)).content.decode()

    assert french_text in first and french_text in again
    assert ENGLISH_1_1 not in first and ENGLISH_1_1 not in again
    assert ENGLISH_1_1 in english and french_text not in english
    assert "> Oui</label>" not in english

    # The same French report under a French interface: the interface's words change too.
    submitter.preferred_language = "fr"
    submitter.save()
    client.force_login(submitter)
    french_interface = client.get(section_url(french_report)).content.decode()
    # "Remove" is in the cached part of a table's block (its head and empty row).
    assert "Retirer" in french_interface and ">Remove<" not in french_interface
    assert ">Remove<" in again and "Retirer" not in again
    assert ">Enregistrer</button>" in french_interface
    assert ">Save</button>" in again


def test_query_count_of_a_translated_page_is_constant(
    client, submitter, ghana_report, django_assert_max_num_queries
):
    """One more query than an English page (the translation's freshness), whatever the answers."""
    client.force_login(submitter)
    url = section_url(ghana_report, "3")
    client.get(url)  # warm
    with django_assert_max_num_queries(12) as english:
        client.get(url)
    english_count = len(english.captured_queries)  # read now: the next request resets the log

    report = in_language(ghana_report, "fr")
    client.get(url)  # warm the French texts
    with django_assert_max_num_queries(english_count + 1) as few:
        client.get(url)
    exports = question(report, "3.7.1")
    save_answer(report=report, question=question(report, "3.7"), value="yes")
    rows = [{"category": "sa_rifles_carbines", "quantity": str(n)} for n in range(1, 40)]
    save_answer(report=report, question=exports, value=rows)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('name="q-3.7.1-') > 39
    assert "Armes légères : fusils et carabines" in page  # a column choice, in French


# -- the report's language: chosen at the start, changed while a draft ----------------------------


def test_a_report_starts_in_the_chosen_language(client, submitter, open_cycle):
    client.force_login(submitter)
    page = client.get(reverse("my-reports")).content.decode()
    assert '<select id="language-' in page and '<option value="ar"' in page
    client.post(
        reverse("report-start", args=[country("GHA").pk, 2026]), {"prefill": "0", "language": "zh"}
    )
    report = NationalReport.objects.get(country__iso3="GHA", cycle=open_cycle)
    assert report.language == "zh"
    overview = client.get(reverse("report-overview", args=[report.pk])).content.decode()
    assert "Written in Chinese" in overview
    assert '<option value="zh" selected>' in overview


def test_without_a_choice_a_report_starts_in_the_interface_language(client, submitter, cycles):
    submitter.preferred_language = "es"
    submitter.save()
    client.force_login(submitter)
    client.post(reverse("report-start", args=[country("GHA").pk, 2026]), {"prefill": "0"})
    assert NationalReport.objects.get(country__iso3="GHA").language == "es"


def test_the_submitter_changes_the_language_of_a_draft(focal_client, ghana_report):
    url = reverse("report-language", args=[ghana_report.pk])
    response = focal_client.post(url, {"language": "ru"})
    assert response.status_code == 302
    ghana_report.refresh_from_db()
    assert ghana_report.language == "ru"
    assert ghana_report.events.filter(new_value="ru").exists()

    # A bad code changes nothing and says why.
    focal_client.post(url, {"language": "xx"})
    ghana_report.refresh_from_db()
    assert ghana_report.language == "ru"
    page = focal_client.get(reverse("report-overview", args=[ghana_report.pk])).content.decode()
    assert "Choose one of the six languages." in page


def test_only_the_submitter_of_a_draft_changes_its_language(
    client, contributor, submitter, ghana_report
):
    url = reverse("report-language", args=[ghana_report.pk])
    client.force_login(contributor)
    assert client.post(url, {"language": "fr"}).status_code == 403
    assert (
        'id="report-language"'
        not in client.get(reverse("report-overview", args=[ghana_report.pk])).content.decode()
    )
    NationalReport.objects.filter(pk=ghana_report.pk).update(status="submitted")
    client.force_login(submitter)
    assert client.post(url, {"language": "fr"}).status_code == 403
    ghana_report.refresh_from_db()
    assert ghana_report.language == "en"


def test_the_script_reads_its_words_from_a_json_block(client, submitter, ghana_report):
    submitter.preferred_language = "fr"
    submitter.save()
    client.force_login(submitter)
    html = client.get(section_url(ghana_report)).content.decode()
    block = re.search(
        r'<script id="report-form-strings" type="application/json">(.*?)</script>', html, re.S
    )
    assert block
    words = json.loads(block.group(1))
    assert {"saving", "saved", "allSaved", "conflict", "keepMine", "useTheirs"} <= set(words)


def test_the_print_view_review_page_and_public_page_show_the_questions_in_the_report_language(
    focal_client, client, submitted_report, secretariat_reviewer
):
    from tests.helpers import SignedInClient, accept_directly

    report = in_language(submitted_report, "fr")
    texts = french(report)
    french_1_1 = escape(texts.question("1.1").text)

    printed = focal_client.get(reverse("report-print", args=[report.pk])).content.decode()
    assert french_1_1 in printed and ENGLISH_1_1 not in printed
    assert "1. Coordination nationale" in printed

    staff = SignedInClient()
    staff.force_login(secretariat_reviewer)
    review = staff.get(reverse("review-report", args=[report.pk])).content.decode()
    assert french_1_1 in review and "Coordination nationale" in review

    from django.utils import timezone

    revision = accept_directly(report, status="published")
    revision.published_at = timezone.now()
    revision.save(update_fields=["published_at"])
    public = SignedInClient().get(reverse("public-report", args=[report.pk])).content.decode()
    assert french_1_1 in public

    # An English report keeps the questionnaire's English.
    english = in_language(report, "en")
    printed = focal_client.get(reverse("report-print", args=[english.pk])).content.decode()
    assert ENGLISH_1_1 in printed and french_1_1 not in printed
