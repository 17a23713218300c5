"""Documents and names in the six languages: a State's name per language (CLDR, the UN English
name in English), UN dates and numbers per language, the national report PDF written in the
report's language (Arabic right to left), and the summary report in its document language."""

import datetime
import re
import subprocess

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from countries.models import Country
from countries.names import cldr_name, country_name
from reports import national_pdf
from reports.languages import django_language, document_language, un_date
from reports.models import NationalReport, SummaryParagraph, SummaryReport
from reports.questionnaire_i18n import translated_texts
from reports.summary.document import build_document, fingerprint, load_report
from reports.summary.numbers import counted, figures, state_list, un_number, un_percent
from reports.summary.render import document_html
from tests import test_summary_report
from tests.conftest import fill_required
from tests.factories import save_answers

# The summary report fixture (a compiled cycle, `compiled`, comes from conftest).
summary = test_summary_report.summary

# -- names of States --------------------------------------------------------------------------


@pytest.mark.django_db
def test_country_names_come_from_cldr_and_english_stays_the_un_name():
    france = Country.objects.get(iso3="FRA")
    assert [country_name(france, lang) for lang in ("en", "fr", "es", "ru", "zh", "ar")] == [
        "France",
        "France",
        "Francia",
        "Франция",
        "法国",
        "فرنسا",
    ]
    civ = Country.objects.get(iso3="CIV")
    assert country_name(civ, "en") == "Côte d'Ivoire"
    assert country_name(civ, "es") == "Côte d’Ivoire"
    assert country_name(civ, "ru") == "Кот-д’Ивуар"
    turkey = Country.objects.get(iso3="TUR")
    assert country_name(turkey, "en") == "Türkiye"  # the UN name, whatever CLDR says
    assert country_name(turkey, "zh-hans") == "土耳其"  # Django's code for Chinese works too
    # The active language when none is given; CLDR directly when the stored names lack one.
    turkey.names = {}
    with translation.override("ru"):
        assert country_name(turkey) == cldr_name("TR", "ru") == "Турция"
    assert country_name(turkey, "de") == "Türkiye"  # not an official language: English


@pytest.mark.django_db
def test_country_name_template_filter_uses_the_current_language():
    template = Template("{% load country_names %}{{ c|country_name }} / {{ c|country_name:'es' }}")
    germany = Country.objects.get(iso3="DEU")
    with translation.override("fr"):
        assert template.render(Context({"c": germany})) == "Allemagne / Alemania"
    with translation.override("ar"):
        assert template.render(Context({"c": germany})).startswith("ألمانيا")


# -- languages, dates and numbers -------------------------------------------------------------


def test_document_and_django_language_codes_map_in_one_place():
    assert django_language("zh") == "zh-hans"
    assert document_language("zh-hans") == "zh"
    assert [django_language(c) for c in ("ar", "en", "fr", "ru", "es")] == [
        "ar",
        "en",
        "fr",
        "ru",
        "es",
    ]
    assert document_language("pt-br") == "en"


@pytest.mark.parametrize(
    ("language", "expected", "first_of_month"),
    [
        ("en", "12 March 2026", "1 June 2026"),
        ("fr", "12 mars 2026", "1er juin 2026"),
        ("es", "12 de marzo de 2026", "1 de junio de 2026"),
        ("ru", "12 марта 2026 года", "1 июня 2026 года"),
        ("zh", "2026年3月12日", "2026年6月1日"),
        ("ar", "12 آذار/مارس 2026", "1 حزيران/يونيه 2026"),
    ],
)
def test_un_dates_per_language(language, expected, first_of_month):
    assert un_date(datetime.date(2026, 3, 12), language) == expected
    assert un_date(datetime.date(2026, 6, 1), language) == first_of_month


def test_un_date_follows_the_active_language():
    with translation.override("zh-hans"):
        assert un_date(datetime.date(2025, 12, 31)) == "2025年12月31日"
    assert un_date(None, "fr") == ""


@pytest.mark.parametrize(
    ("language", "small", "large", "opening", "thousands", "percent", "percent_opening"),
    [
        ("en", "seven", "45", "Forty-five", "1,250", "45 per cent", "Forty-five per cent"),
        ("fr", "sept", "45", "Quarante-cinq", "1\u202f250", "45\u202f%", "Quarante-cinq pour cent"),
        (
            "es",
            "siete",
            "45",
            "Cuarenta y cinco",
            "1.250",
            "45\u00a0%",
            "Cuarenta y cinco por ciento",
        ),
        ("ru", "семь", "45", "Сорок пять", "1\u00a0250", "45\u00a0%", "Сорок пять процентов"),
        # num2words has no Chinese: figures throughout.
        ("zh", "7", "45", "45", "1,250", "45%", "45%"),
        ("ar", "سبعة", "45", "خمسة وأربعون", "1,250", "45 في المائة", "خمسة وأربعون في المائة"),
    ],
)
def test_un_numbers_per_language(
    language, small, large, opening, thousands, percent, percent_opening
):
    assert un_number(7, language=language) == small
    assert un_number(45, language=language) == large
    assert un_number(45, sentence_start=True, language=language) == opening
    assert figures(1250, language) == thousands
    assert un_percent(45.2, language=language) == percent
    assert un_percent(45, sentence_start=True, language=language) == percent_opening


def test_numbers_follow_the_active_language_and_russian_percent_agrees():
    with translation.override("fr"):
        assert un_number(3) == "trois"
    assert un_percent(21, sentence_start=True, language="ru") == "Двадцать один процент"
    assert un_percent(3, sentence_start=True, language="ru") == "Три процента"


@pytest.mark.django_db
def test_lists_of_states_per_language():
    states = list(Country.objects.filter(iso3__in=["DEU", "FRA", "ESP"]))
    assert state_list(states, language="en") == "France, Germany and Spain"
    assert state_list(states, language="fr") == "Allemagne, Espagne et France"
    assert state_list(states, language="es") == "Alemania, España y Francia"
    assert state_list([], language="fr") == "aucun État"


# -- the national report in the report's language ---------------------------------------------

ARABIC_TEXTS = {
    "section/1/title": "التنسيق الوطني",
    "question/1.2/text": "هل توجد جهة تنسيق وطنية؟",
}


@pytest.fixture
def submitted(ghana_report, submitter):
    from reports.services.submission import submit_report

    fill_required(ghana_report)
    save_answers(
        ghana_report,
        submitter,
        {
            "1.2": "yes",
            "1.5": "yes",
            "1.5.1": [{"title": "Arms Act", "adopted": "2024-03-12", "link": ""}],
            "3.7": "yes",
            "3.7.1": [
                {"category": "sa_rifles_carbines", "partner": "FRA", "quantity": "1250"},
            ],
        },
    )
    submit_report(report=ghana_report, user=submitter)
    ghana_report.refresh_from_db()
    return ghana_report


def with_language(report: NationalReport, language: str) -> NationalReport:
    NationalReport.objects.filter(pk=report.pk).update(language=language)
    report.refresh_from_db()
    return report


def national_html(report: NationalReport) -> str:
    """The national PDF's HTML, exactly as revision_pdf renders it."""
    revision = report.revisions.get(number=1)
    with translation.override(national_pdf.report_language(report)):
        facts = national_pdf._revision_facts(report, revision, 1)
        return render_to_string(
            national_pdf.NATIONAL_TEMPLATE, national_pdf.revision_context(report, revision, facts)
        )


def _add_arabic_texts(report):
    from reports.models import QuestionnaireTranslation

    QuestionnaireTranslation.objects.update_or_create(
        version=report.cycle.questionnaire, language="ar", defaults={"texts": ARABIC_TEXTS}
    )


@pytest.mark.django_db
def test_arabic_national_report_is_right_to_left_in_arabic(submitted):
    report = with_language(submitted, "ar")
    _add_arabic_texts(report)
    with translation.override("en"):  # the reader's language does not matter
        html = national_html(report)

    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert "غانا" in html  # Ghana, from CLDR
    assert "الأمم المتحدة" in html  # "United Nations" from the Arabic catalogue
    assert "التنسيق الوطني" in html and "هل توجد جهة تنسيق وطنية؟" in html
    assert "1 كانون الثاني/يناير 2024" in html  # the reporting period, UN Arabic dates
    assert "1-5 حزيران/يونيه 2026" in html  # the meeting, days in order right to left
    assert "12 آذار/مارس 2024" in html  # a date answer
    assert "فرنسا" in html  # a State in a table cell
    assert "<bdi>1.2</bdi>" in html  # codes stay left to right
    assert "Ghana" not in html.split("</head>")[1]


@pytest.mark.django_db
def test_french_national_report_is_in_french(submitted):
    report = with_language(submitted, "fr")
    with translation.override("ar"):
        html = national_html(report)

    assert '<html lang="fr" dir="ltr">' in html
    assert "Nations Unies" in html and "Original : français" in html
    assert "1er janvier 2024" in html and "31 décembre 2025" in html
    assert "1er-5 juin 2026" in html  # the meeting's dates in the masthead
    assert "12 mars 2024" in html
    assert "1\u202f250" in html
    assert "France" in html
    # The questionnaire's French texts (shipped with the questionnaire).
    french = translated_texts(report.cycle.questionnaire, "fr").question("1.2").text
    assert escape(french) in html


@pytest.mark.django_db
def test_the_fingerprint_differs_per_language(submitted):
    revision = submitted.revisions.get(number=1)
    prints = set()
    for language in ("en", "fr", "ar"):
        report = with_language(submitted, language)
        with translation.override(national_pdf.report_language(report)):
            facts = national_pdf._revision_facts(report, revision, 1)
            prints.add(national_pdf.revision_fingerprint(report, revision, facts))
    assert len(prints) == 3


@pytest.mark.django_db
def test_arabic_national_pdf_has_arabic_text_and_its_own_stored_file(submitted):
    """One real render: the Arabic text survives into the PDF (fonts found, text shaped), and
    the PDF is stored apart from the English one of the same revision."""
    revision = submitted.revisions.get(number=1)
    english = national_pdf.revision_pdf(submitted, revision)
    report = with_language(submitted, "ar")
    _add_arabic_texts(report)
    arabic = national_pdf.revision_pdf(report, revision)

    assert arabic.pk != english.pk and arabic.fingerprint != english.fingerprint
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=arabic.file.read(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    for expected in ("غانا", "الأمم المتحدة", "التنسيق الوطني", "GHA/2026/R1", "1.2"):
        assert expected in text, expected


# -- the summary report in its document language ----------------------------------------------


def summary_in(summary, language: str):
    SummaryReport.objects.filter(pk=summary.pk).update(
        language=language, date=datetime.date(2026, 3, 12)
    )
    return load_report(summary.pk)


@pytest.mark.django_db
def test_french_summary_report(summary):
    report = summary_in(summary, "fr")
    with translation.override("en"):  # the editor's language does not matter
        document = build_document(report, with_charts=False)
        html = document_html(document)

    assert '<html lang="fr" dir="ltr">' in html
    assert '<article class="un-doc" lang="fr" dir="ltr">' in html
    assert "Nations Unies" in html and "Assemblée générale" in html
    assert "12 mars 2026" in html
    assert "Original : anglais" in html  # the original's language, named in French
    texts = [b.html.lead for b in document.blocks if b.kind == "paragraph"]
    reporting = next(t for t in texts if "31 mars 2026" in t)  # {due_date}, French UN date
    assert "trois States" in reporting  # French numbers (the wording is the staff's English)
    assert "2\u202f%" in reporting
    annex = document.annexes[0]
    all_names = [name for _region, names in annex.groups for name in names]
    assert {"Bénin", "France", "Ghana"} <= set(all_names)


@pytest.mark.django_db
def test_arabic_summary_report_is_right_to_left(summary):
    report = summary_in(summary, "ar")
    document = build_document(report, with_charts=False)
    html = document_html(document)

    assert '<html lang="ar" dir="rtl">' in html
    assert "الأمم المتحدة" in html
    assert "12 آذار/مارس 2026" in html
    assert '<bdi dir="ltr">A/81/XXX</bdi>' in html
    names = [name for _region, group in document.annexes[0].groups for name in group]
    assert {"بنين", "غانا", "فرنسا"} <= set(names)
    texts = " ".join(b.html.lead for b in document.blocks if b.kind == "paragraph")
    assert "ثلاثة" in texts  # "three", in Arabic words


@pytest.mark.django_db
def test_summary_language_changes_the_fingerprint_not_the_editors_messages(summary):
    english = fingerprint(load_report(summary.pk))
    report = summary_in(summary, "ar")
    assert fingerprint(report) != english
    paragraph = SummaryParagraph.objects.filter(section__report=summary, kind="generated").first()
    paragraph.text = "{no_such_thing} States."
    paragraph.save()
    with translation.override("en"):
        document = build_document(load_report(summary.pk), with_charts=False)
    assert document.problems and document.problems[0].startswith("Paragraph ")


def test_counted_nouns_take_the_regular_plural_in_french_and_spanish():
    assert [counted(n, "État", language="fr") for n in (0, 1, 3, 12)] == [
        "zéro État",
        "un État",
        "trois États",
        "12 États",
    ]
    assert counted(1, "Estado", language="es") == "un Estado"
    assert counted(3, "país", sentence_start=True, language="es") == "Tres países"
    assert counted(3, "государства", language="ru") == "три государства"  # as written


@pytest.mark.django_db
def test_staff_choose_the_summary_report_language_in_the_header_form(
    client, secretariat_reviewer, summary
):
    client.force_login(secretariat_reviewer)
    page = client.get(f"/review/summaries/{summary.pk}/").content.decode()
    assert 'name="language"' in page
    data = {
        "symbol": "A/81/123",
        "session": "Quatre-vingt-unième session",
        "agenda_item": "Point 99",
        "agenda_titles": "Désarmement général et complet",
        "title": "Rapport du Secrétaire général",
        "date": "2026-07-10",
        "distribution": "General",
        "original_language": "English",
        "language": "fr",
        "summary": "Le présent rapport.",
    }
    client.post(f"/review/summaries/{summary.pk}/", data)
    summary.refresh_from_db()
    assert summary.language == "fr"
    preview = client.get(f"/review/summaries/{summary.pk}/preview/").content.decode()
    assert 'lang="fr"' in preview and "10 juillet 2026" in preview


# -- pages: the report's language for staff, State names in the reader's language ---------------


@pytest.mark.django_db
def test_staff_see_each_reports_language_in_the_queue_and_on_the_review_page(
    client, secretariat_reviewer, submitted
):
    with_language(submitted, "ar")
    client.force_login(secretariat_reviewer)
    queue = client.get(reverse("review-queue"), {"cycle": submitted.cycle.year})
    assert '<td class="report-language" data-language="ar">Arabic</td>' in queue.content.decode()
    page = client.get(reverse("review-report", args=(submitted.pk,))).content.decode()
    assert 'data-language="ar">Language: <strong>Arabic</strong>' in page


@pytest.mark.django_db
def test_public_pages_name_the_state_in_the_readers_language(client):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = client.get(reverse("public-country", args=("DEU",))).content.decode()
    assert "Alemania" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("public-country", args=("TUR",))).content.decode()
    assert "Türkiye" in page
