"""The interface in six languages: the switcher, the saved preference, every template string marked
for translation, and catalogues that are complete and in step with the sources."""

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
LOCALE = ROOT / "locale"
# gettext's directory names for the five languages besides English.
CATALOGUE_LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]


# -- the switcher and the saved preference ------------------------------------------------------


def html_tag(response) -> str:
    return re.search(r"<html [^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
def test_every_page_offers_the_six_languages_in_their_own_names(client):
    page = client.get(reverse("home")).content.decode()
    switcher = re.search(r'<form class="language-switcher".*?</form>', page, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in switcher
    for code, name in [
        ("ar", "العربيّة"),
        ("zh-hans", "简体中文"),
        ("en", "English"),
        ("fr", "français"),
        ("ru", "Русский"),
        ("es", "español"),
    ]:
        assert f'value="{code}" lang="{code}"' in switcher
        assert name in switcher


@pytest.mark.django_db
def test_switching_to_arabic_turns_the_page_right_to_left_and_translates_it(client):
    assert html_tag(client.get(reverse("home"))) == '<html lang="en" dir="ltr">'

    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"

    page = client.get(reverse("home"))
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert page["Content-Language"] == "ar"
    text = page.content.decode()
    assert "دورات الإبلاغ" in text  # "Reporting cycles"
    assert "Reporting cycles" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, heading",
    [
        ("fr", "Cycles de présentation des rapports"),
        ("es", "Ciclos de presentación de informes"),
        ("ru", "Отчетные циклы"),
        ("zh-hans", "报告周期"),
    ],
)
def test_the_home_page_in_each_language(client, code, heading):
    client.post(reverse("set_language"), {"language": code, "next": "/"})
    page = client.get(reverse("home"))
    assert html_tag(page) == f'<html lang="{code}" dir="ltr">'
    assert heading in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert html_tag(client.get(reverse("home"))) == '<html lang="en" dir="ltr">'


@pytest.mark.django_db
def test_the_choice_is_saved_for_a_signed_in_person_and_applied_at_the_next_sign_in(client):
    from django.test import Client

    user = UserFactory(email="ana@gov.example")
    user.set_password("a long pass phrase")
    user.save()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "fr"

    # Another browser, whose cookie and Accept-Language say Russian: the saved choice wins,
    # from the response to the sign-in on.
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert html_tag(browser.get(reverse("home"))) == '<html lang="ru" dir="ltr">'
    signed_in = browser.post(
        reverse("login"), {"username": "ana@gov.example", "password": "a long pass phrase"}
    )
    assert signed_in.status_code == 302
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert html_tag(browser.get(reverse("home"))) == '<html lang="fr" dir="ltr">'

    # Signed out, the browser keeps the language the person last used.
    browser.post(reverse("logout"))
    assert html_tag(browser.get(reverse("home"))) == '<html lang="fr" dir="ltr">'


@pytest.mark.django_db
def test_the_saved_choice_wins_over_a_stale_cookie_on_every_request(client):
    user = UserFactory(preferred_language="ar")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("home"))
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


@pytest.mark.django_db
def test_a_person_without_a_saved_choice_gets_the_browser_language(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    assert html_tag(page) == '<html lang="es" dir="ltr">'


# -- every template string is marked ------------------------------------------------------------

# Templates another part of issue 9 still has to mark. Each is expected to fail the scan below;
# strict, so a template that becomes complete must be taken off this list.
NOT_YET_MARKED: set[str] = set()

# Text that is the same in every language: the product's name, document symbols, units.
UNTRANSLATED = ["PoA Reports", "PoA", "ITI", "PDF", "XLSX", "CSV", "SVG", "PNG", "ISO", "UN"]

_BLOCKS = [
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}",
    r"\{#.*?#\}",
    r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}",
    r"<script\b.*?</script>",
    r"<style\b.*?</style>",
    r"\{%.*?%\}",
    r"\{\{.*?\}\}",
]
_HUMAN_ATTRIBUTES = re.compile(r'\b(?:title|alt|aria-label|placeholder)="([^"]*)"')


def unmarked_text(source: str, *, is_html: bool) -> list[str]:
    """The pieces of human text in a template that are outside the translation tags."""
    for pattern in _BLOCKS:
        source = re.sub(pattern, " ", source, flags=re.S)
    pieces = []
    if is_html:
        pieces += _HUMAN_ATTRIBUTES.findall(source)
        source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
        source = re.sub(r"<[^>]*>", "\n", source)
    pieces += source.splitlines()
    found = []
    for piece in pieces:
        text = html.unescape(piece)
        for word in UNTRANSLATED:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
        if re.search(r"[^\W\d_]", text):  # a letter is left
            found.append(piece.strip())
    return found


def template_names() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.suffix in {".html", ".txt"}
    )


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason="not marked yet")
            if name in NOT_YET_MARKED
            else (),
        )
        for name in template_names()
    ],
)
def test_template_text_is_marked_for_translation(name):
    path = TEMPLATES / name
    found = unmarked_text(path.read_text(), is_html=path.suffix == ".html")
    assert not found, f"{name}: text outside {{% translate %}}: {found}"


def test_the_scan_finds_unmarked_text_and_accepts_marked_text():
    assert unmarked_text("<p>Hello {{ name }}</p>", is_html=True) == ["Hello"]
    assert unmarked_text('<img alt="A chart" src="{{ url }}">', is_html=True) == ["A chart"]
    assert unmarked_text("Dear {{ name }},", is_html=False) == ["Dear  ,"]
    assert unmarked_text("<p>{% translate 'Hi' %} there</p>", is_html=True) == ["there"]
    marked = """{% load i18n %}<h1 title="{% translate 'Hi' %}">{% translate "Hello" %}</h1>
    <p>{% blocktranslate trimmed with name=user.name %}Hello {{ name }},
    welcome.{% endblocktranslate %} 12 · PoA Reports &nbsp;— ITI</p>{# a note #}
    <script>const x = "code";</script>"""
    assert unmarked_text(marked, is_html=True) == []


def test_every_template_is_checked():
    assert set(template_names()) >= NOT_YET_MARKED


# -- the catalogues -----------------------------------------------------------------------------


def read_catalogue(path: Path) -> dict[tuple[str, str], list[str]]:
    """{(msgctxt, msgid): [msgstr, …]} of a .po file, without its header or obsolete entries."""
    entries: dict[tuple[str, str], list[str]] = {}
    fields: dict[str, str] = {}
    current = None

    def flush():
        if fields.get("msgid"):
            strings = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
            entries[(fields.get("msgctxt", ""), fields["msgid"])] = strings
        fields.clear()

    for line in [*path.read_text().splitlines(), ""]:
        line = line.strip()
        if not line:
            flush()
            current = None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[current] += _unquote(line)
        else:
            current, _, value = line.partition(" ")
            if current in ("msgctxt", "msgid") and "msgid" in fields:
                flush()
            fields[current] = _unquote(value)
    return entries


def _unquote(text: str) -> str:
    return text[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_message_is_translated(language):
    catalogue = read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert catalogue
    missing = [msgid for (_context, msgid), strings in catalogue.items() if not all(strings)]
    assert not missing, f"{len(missing)} messages without a {language} translation: {missing[:10]}"


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_catalogues_are_valid_and_have_no_fuzzy_entries(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    # msgfmt --check: placeholders of every translation match the English ones.
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_the_interface_is_translated_for_the_switcher_navigation_and_home_page():
    """What is translated already, in every language: the header, the footer, the home page."""
    wanted = {
        ("", "Published reports"),
        ("navigation", "Review"),
        ("", "Reporting cycles"),
        ("", "Sign in"),
        ("", "Language"),
    }
    for language in CATALOGUE_LANGUAGES:
        catalogue = read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
        for key in wanted:
            assert catalogue[key][0], (language, key)


def test_catalogues_are_in_step_with_the_sources(tmp_path, settings):
    """makemessages on a copy of the sources finds exactly the messages the catalogues hold."""
    copy = tmp_path / "tree"
    for folder in ["accounts", "config", "countries", "reports", "templates"]:
        shutil.copytree(
            ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    here = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["fr"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(here)
    fresh = set(read_catalogue(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    for language in CATALOGUE_LANGUAGES:
        committed = set(read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po"))
        assert fresh - committed == set(), (
            f"{language}: new messages not in the catalogue — run makemessages"
        )
        assert committed - fresh == set(), f"{language}: messages no longer used — run makemessages"


# -- e-mails in the recipient's language --------------------------------------------------------


@pytest.mark.django_db
def test_each_recipient_gets_the_e_mail_in_the_language_they_chose(mailoutbox):
    from reports import notifications

    UserFactory(email="ana@gov.example", preferred_language="ar")
    sent = notifications.send(
        template="transition",
        context={"event": None, "report": None, "link": "https://example.org/"},
        to=["ana@gov.example", "someone@else.example"],
        subject=notifications._lazy_text(lambda: str(translation.get_language())),
    )
    assert sent == 2
    arabic, default = mailoutbox
    assert arabic.to == ["ana@gov.example"] and arabic.subject == "ar"
    assert '<html lang="ar" dir="rtl">' in arabic.alternatives[0][0]
    assert default.subject == "en"
    assert '<html lang="en" dir="ltr">' in default.alternatives[0][0]


@pytest.mark.parametrize(
    ("language", "ninth_meeting", "fourth_conference"),
    [
        ("en", "Ninth Biennial Meeting of States", "Fourth Review Conference"),
        ("fr", "Neuvième Réunion biennale des États", "Quatrième Conférence d'examen"),
        (
            "ru",
            "Девятое совещание государств, проводимое раз в два года",
            "Четвертая Конференция по рассмотрению",
        ),
        ("zh-hans", "第九次两年期国家会议", "第四次审议大会"),
        ("ar", "الاجتماع التاسع للدول الذي يُعقد مرة كل سنتين", "المؤتمر الاستعراضي الرابع"),
    ],
)
def test_meeting_names_are_whole_phrases_in_each_language(
    language, ninth_meeting, fourth_conference
):
    """The ordinal's place and gender depend on the language, so each name is one message."""
    from django.utils import translation

    from reports.models import ReportingCycle

    with translation.override(language):
        assert ReportingCycle(meeting_type="BMS", meeting_number=9).meeting_name == ninth_meeting
        conference = ReportingCycle(meeting_type="RevCon", meeting_number=4)
        assert conference.meeting_name == fourth_conference


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "31 March 2026 · 1 March 2026, 09:05"),
        ("fr", "31 mars 2026 · 1er mars 2026 à 09:05"),
        ("es", "31 de marzo de 2026 · 1 de marzo de 2026, a las 09:05"),
        ("ru", "31 марта 2026 года · 1 марта 2026 года, 09:05"),
        ("zh-hans", "2026年3月31日 · 2026年3月1日 09:05"),
        ("ar", "31 آذار/مارس 2026 · 1 آذار/مارس 2026، الساعة 09:05"),
    ],
)
def test_pages_print_dates_as_un_documents_do_in_the_page_language(language, expected):
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load un_dates %}{{ due|un_date }} · {{ at|un_datetime }}")
    at = datetime.datetime(2026, 3, 1, 9, 5, tzinfo=datetime.UTC)
    with translation.override(language):
        rendered = template.render(Context({"due": datetime.date(2026, 3, 31), "at": at}))
    assert rendered == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "1er-5 juin 2026"), ("zh-hans", "2026年6月1日至5日"), ("ar", "1-5 حزيران/يونيه 2026")],
)
def test_the_home_page_prints_the_meeting_dates_in_the_page_language(
    client, open_cycle, language, expected
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    text = client.get(reverse("home")).content.decode()
    assert expected in text
    assert "June" not in text


def test_the_meeting_dates_filters_follow_the_active_language():
    import datetime

    from django.template import Context, Template

    from reports.models import ReportingCycle

    cycle = ReportingCycle(
        meeting_starts_on=datetime.date(2022, 6, 27), meeting_ends_on=datetime.date(2022, 7, 1)
    )
    template = Template(
        "{% load un_dates %}{{ cycle|meeting_dates }} · "
        "{{ cycle.meeting_starts_on|un_date_range:cycle.meeting_ends_on }}"
    )
    with translation.override("es"):
        rendered = template.render(Context({"cycle": cycle}))
    assert rendered == "27 de junio a 1 de julio de 2022 · 27 de junio a 1 de julio de 2022"
    with translation.override("fr"):
        assert template.render(Context({"cycle": ReportingCycle()})) == " · "


# -- what a walk through the pages in Arabic and French found still in English ----------------


def _in_language(client, user, language):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


@pytest.mark.django_db
def test_the_review_queue_names_regions_and_regional_groups_in_the_page_language(
    client, secretariat_reviewer, open_cycle
):
    page = _in_language(client, secretariat_reviewer, "ar").get(reverse("review-queue"))
    text = page.content.decode()
    assert ">أفريقيا</option>" in text and ">الدول الأفريقية</option>" in text
    for english in (">Africa<", ">African States<", ">Asia and the Pacific<"):
        assert english not in text


@pytest.mark.django_db
def test_a_region_renamed_by_staff_shows_as_typed():
    from countries.names import grouping_name

    with translation.override("fr"):
        assert grouping_name("Africa") == "Afrique"
        assert grouping_name("Sub-Saharan Africa (renamed)") == "Sub-Saharan Africa (renamed)"
        assert grouping_name("") == ""  # never the catalogue's header


@pytest.mark.django_db
def test_the_statistics_page_in_french_reads_the_questionnaire_and_regions_in_french(
    client, observer, open_cycle
):
    from reports.questionnaire_i18n import translated_texts
    from reports.statistics.compile import compile_cycle
    from tests.helpers import accepted_snapshot

    accepted_snapshot(
        open_cycle,
        "GHA",
        {
            "1.1": "yes",
            "3.7": "yes",
            "3.7.1": [{"category": "sa_rifles_carbines", "partner": "TGO", "quantity": 12}],
            "10.1": "yes",
            "10.1.1": [{"topic": "marking", "description": "Machines"}],
        },
    )
    compile_cycle(open_cycle)
    texts = translated_texts(open_cycle.questionnaire, "fr")
    page = _in_language(client, observer, "fr").get(
        reverse("statistics-cycle", args=[open_cycle.year])
    )
    text = html.unescape(page.content.decode())
    board = page.context["board"]
    assert board.sections[0].title == texts.section("1").title != "National coordination"
    assert texts.question("1.1").text in text
    exports = next(t for t in board.transfers if t.key == "exports")
    assert exports.label == "Exportations d'armes légères et de petit calibre"
    rifles = next(r for r in exports.categories if r.code == "sa_rifles_carbines")
    assert rifles.label == texts.question("3.7.1").column_choice_label(
        "category", "sa_rifles_carbines"
    )
    marking = next(t for t in board.assistance if t.code == "marking")
    assert marking.label == texts.question("10.1.1").column_choice_label("topic", "marking")
    assert "Afrique" in board.region_names.values()
    for english in ("National coordination", ">Africa<", "Exports of small arms"):
        assert english not in text


@pytest.mark.django_db
def test_the_submit_confirmation_names_the_state_in_the_page_language():
    from django.template import Context, Template

    from tests.factories import country

    template = Template("{% load country_names %}{{ c|country_in_sentence }}")
    niger = country("NER")
    with translation.override("en"):
        assert template.render(Context({"c": niger})) == niger.name_in_sentence
    with translation.override("ar"):
        assert template.render(Context({"c": niger})) == "النيجر"


@pytest.mark.django_db
def test_a_table_answer_reads_as_labels_and_state_names_not_codes(open_cycle):
    from reports.models import Question
    from reports.report_forms import readable

    table = Question.objects.get(version=open_cycle.questionnaire, code="3.7.1")
    rows = [{"category": "sa_rifles_carbines", "partner": "TGO", "quantity": 12}]
    with translation.override("fr"):
        text = readable(table, rows)
    assert "sa_rifles_carbines" not in text and "TGO" not in text
    assert "Small arms: rifles and carbines" in text  # the report's (English) label
    assert "Togo" in text and "12" in text


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_lists_on_the_statistics_page_use_the_language_s_separator(language):
    with translation.override(language):
        assert translation.pgettext("list separator", ", ") != ", "


@pytest.mark.django_db
def test_the_admin_names_the_site_and_our_apps_in_the_page_language(client, secretariat_admin):
    page = _in_language(client, secretariat_admin, "ar").get(reverse("admin:index"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "إدارة PoA Reports" in text and "التقارير الوطنية" in text and "الدول والمناطق" in text
    for english in ("PoA Reports administration", "States and regions", ">Secretariat<"):
        assert english not in text


@pytest.mark.django_db
def test_an_english_summary_report_stays_english_for_an_editor_working_in_arabic(
    client, secretariat_reviewer, open_cycle
):
    from reports.models import SummaryParagraph
    from reports.statistics.compile import compile_cycle
    from reports.summary import services
    from tests.helpers import accepted_snapshot

    accepted_snapshot(open_cycle, "GHA", {"1.1": "yes"})
    compile_cycle(open_cycle)
    with translation.override("ar"):  # started by an editor working in Arabic
        summary = services.create_summary_report(cycle=open_cycle, user=secretariat_reviewer)
    target = SummaryParagraph.objects.get(section__report=summary, generator="regions")
    with translation.override("en"):
        meeting = open_cycle.meeting_name
    assert summary.summary.endswith(f"ahead of the {meeting}.")
    _in_language(client, secretariat_reviewer, "ar")

    preview = client.post(
        reverse("summary-paragraph-preview", args=[summary.pk, target.pk]),
        {"text": "For the {meeting}: {region_name:africa}, {region_reports:africa} reported."},
    )
    assert preview.json()["html"] == f"<p>For the {meeting}: Africa, one reported.</p>"
    page = html.unescape(client.get(reverse("summary-preview", args=[summary.pk])).content.decode())
    assert f"for the {meeting}" in page  # the generated "reporting" paragraph
    with translation.override("ar"):
        assert open_cycle.meeting_name not in page.split("</header>")[-1]


@pytest.mark.django_db
def test_the_summary_editor_names_heading_levels_in_the_page_language(
    client, secretariat_reviewer, open_cycle
):
    from reports.summary import services

    summary = services.create_summary_report(cycle=open_cycle, user=secretariat_reviewer)
    _in_language(client, secretariat_reviewer, "fr")
    text = client.get(reverse("summary-edit", args=[summary.pk])).content.decode()
    assert ">I. Chapitre</option>" in text and ">1. Sous-section</option>" in text
    assert "I. Chapter" not in text and "Subsection" not in text


@pytest.mark.parametrize(
    ("report_language", "attrs"),
    [
        ("en", 'lang="en" dir="ltr"'),
        ("ar", 'lang="ar" dir="rtl"'),
        ("zh", 'lang="zh-hans" dir="ltr"'),
    ],
)
def test_a_report_s_questions_keep_their_own_direction_on_a_page_in_another_language(
    report_language, attrs
):
    from django.template.loader import render_to_string

    from reports.models import NationalReport, Question

    report = NationalReport(language=report_language)
    question = Question(code="1.1", text="Does it?", citations=["PoA II.4"])
    page_language = "en" if report_language == "ar" else "ar"
    with translation.override(page_language):
        line = render_to_string(
            "reports/_question_line.html", {"report": report, "question": question}
        )
    assert f'<p class="ro-q" {attrs}>' in line


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "45,964"),
        ("fr", "45\u202f964"),
        ("es", "45.964"),
        ("ar", "45,964"),
        ("zh-hans", "45,964"),
    ],
)
def test_statistics_counts_are_grouped_the_way_of_the_page_language(language, expected):
    from django.template import Context, Template

    template = Template("{% load statistics_tags %}{{ n|un_figures }}|{{ none|un_figures }}")
    with translation.override(language):
        assert template.render(Context({"n": 45964, "none": None})) == f"{expected}|"
