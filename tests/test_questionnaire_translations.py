"""The questionnaire's texts per language, as data: files, loading, fallback, admin editing."""

import pytest
import yaml
from django.urls import reverse

from reports.admin import translation_field_name
from reports.models import QuestionnaireTranslation, QuestionnaireVersion
from reports.questionnaire_files import (
    QuestionnaireFileError,
    parse_translation_file,
    read_questionnaire_file,
    translation_files_for,
)
from reports.questionnaire_i18n import (
    english_strings,
    translated_texts,
    translation_completeness,
    version_strings,
)
from reports.services import (
    DEFAULT_QUESTIONNAIRE_FILE,
    QuestionnaireFrozenError,
    copy_questionnaire_version,
    load_questionnaire,
)
from tests.factories import CycleFactory

SMALL = {
    "version": "t.1",
    "title": "Small questionnaire",
    "description": "About agencies.",
    "choice_sets": {
        "regions": [{"code": "africa", "label": "Africa"}, {"code": "europe", "label": "Europe"}]
    },
    "sections": [
        {
            "code": "1",
            "title": "Coordination",
            "help": "Who coordinates.",
            "questions": [
                {
                    "code": "1.1",
                    "text": "Is there an agency?",
                    "help": "Answer no if none.",
                    "type": "yes_no_developing",
                    "cites": ["PoA II.4"],
                },
                {
                    "code": "1.2",
                    "text": "Where does it work?",
                    "type": "multi_choice",
                    "choice_set": "regions",
                    "other": True,
                    "cites": ["PoA II.4"],
                },
                {
                    "code": "1.3",
                    "text": "Members",
                    "type": "integer",
                    "unit": "persons",
                    "cites": ["PoA II.4"],
                },
                {
                    "code": "1.4",
                    "text": "Offices",
                    "type": "table",
                    "cites": ["PoA II.4"],
                    "columns": [
                        {"code": "city", "label": "City", "type": "text"},
                        {"code": "region", "label": "Region", "type": "choice",
                         "choice_set": "regions"},
                        {"code": "kind", "label": "Kind", "type": "choice",
                         "choices": [{"code": "main", "label": "Main office"}]},
                    ],
                },
            ],
        }
    ],
}  # fmt: skip

FRENCH = {
    "language": "fr",
    "version": "t.1",
    "title": "Petit questionnaire",
    "sections": {"1": {"title": "Coordination nationale"}},
    "choice_sets": {"regions": {"africa": "Afrique"}},
    "questions": {
        "1.1": {"text": "Existe-t-il un organisme ?"},
        "1.2": {"choices": {"europe": "Europe (fr)"}},
        "1.4": {
            "columns": {"city": "Ville", "kind": {"label": "Type", "choices": {"main": "Siège"}}}
        },
    },
}


def write(tmp_path, main=None, **translations):
    """The small questionnaire in tmp_path, with translation files by language."""
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(main or SMALL, allow_unicode=True), encoding="utf-8")
    for language, content in translations.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        (tmp_path / f"small.{language}.yaml").write_text(text, encoding="utf-8")
    return path


def changed(base, **changes):
    data = yaml.safe_load(yaml.safe_dump(base, allow_unicode=True))
    data.update(changes)
    return data


# -- the shipped files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_source():
    return read_questionnaire_file(DEFAULT_QUESTIONNAIRE_FILE)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_shipped_translation_covers_every_string(shipped_source, language):
    files = dict(translation_files_for(DEFAULT_QUESTIONNAIRE_FILE))
    assert language in files, "the shipped questionnaire must include French and Spanish"
    texts = parse_translation_file(files[language], shipped_source, language=language)["texts"]
    english = english_strings(shipped_source.spec)
    missing = [key for key in english if not texts.get(key)]
    assert missing == []
    assert set(texts) == set(english)
    # a translation, not a copy: only a few short labels (e.g. "Calibre", "Transit") coincide
    same = [key for key in english if texts[key] == english[key]]
    assert len(same) < len(english) / 20, same


def test_the_shipped_translations_use_the_official_terms(shipped_source):
    files = dict(translation_files_for(DEFAULT_QUESTIONNAIRE_FILE))
    french = parse_translation_file(files["fr"], shipped_source)["texts"]
    spanish = parse_translation_file(files["es"], shipped_source)["texts"]
    assert "commerce illicite des armes légères sous tous ses aspects" in french["description"]
    assert "point de contact national" in french["question/1.3/text"].lower()
    assert "Instrument international de traçage" in french["question/1.4.1/text"]
    assert (
        "Tráfico Ilícito de Armas Pequeñas y Ligeras en Todos Sus Aspectos"
        in (spanish["description"])
    )
    assert "Instrumento Internacional de Localización" in spanish["question/1.4.1/text"]
    assert "armas pequeñas y armas ligeras" in spanish["question/2.1/text"]


# -- loading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_questionnaire_loads_its_translations(shipped_questionnaire):
    for language in ("fr", "es"):
        completeness = translation_completeness(shipped_questionnaire, language)
        assert completeness.missing == 0 and completeness.translated > 400
    assert translation_completeness(shipped_questionnaire, "ru").translated == 0


@pytest.mark.django_db
def test_loading_is_idempotent(tmp_path):
    path = write(tmp_path, fr=FRENCH)
    first = load_questionnaire(path)
    assert first.translations == {"fr": "created"}
    row = QuestionnaireTranslation.objects.get(version=first.version, language="fr")
    assert row.texts["question/1.1/text"] == "Existe-t-il un organisme ?"
    # a choice set is translated once, for every question and column that uses it
    assert row.texts["question/1.2/choice/africa"] == "Afrique"
    assert row.texts["question/1.4/column/region/choice/africa"] == "Afrique"
    assert row.texts["question/1.2/choice/europe"] == "Europe (fr)"
    stamp = row.updated_at

    again = load_questionnaire(path)
    assert (again.outcome, again.translations) == ("unchanged", {"fr": "unchanged"})
    row.refresh_from_db()
    assert row.updated_at == stamp


BAD_FILES = [
    ({"questions": {"9.9": {"text": "x"}}}, "question 9.9: no such question"),
    ({"questions": {"1.2": {"choices": {"asia": "Asie"}}}}, "unknown choice code 'asia'"),
    ({"questions": {"1.1": {"txt": "x"}}}, "unknown key(s) txt"),
    ({"questions": {"1.1": {"choices": {"yes": "Oui"}}}}, "no choices of its own"),
    ({"questions": {"1.3": {"help": "Aide"}}}, "has no help to translate"),
    ({"questions": {"1.4": {"columns": {"town": "Ville"}}}}, "unknown column 'town'"),
    ({"questions": {"1.4": {"columns": {"city": {"choices": {"a": "b"}}}}}}, "no choices"),
    ({"questions": {"1.1": {"text": ""}}}, "must be non-empty text"),
    ({"sections": {"2": {"title": "Deux"}}}, "section 2: no such section"),
    ({"choice_sets": {"colours": {"red": "rouge"}}}, "unknown choice set 'colours'"),
    ({"language": "de"}, "not a translation language"),
    ({"language": "es"}, "the file name says 'fr'"),
    ({"version": "t.2"}, "not the questionnaire's version"),
    ({"colour": "bleu"}, "unknown key(s) colour"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "reason"), BAD_FILES)
def test_a_malformed_translation_is_refused_whole(tmp_path, change, reason):
    path = write(tmp_path, fr=changed(FRENCH, **change))
    with pytest.raises(QuestionnaireFileError) as error:
        load_questionnaire(path)
    assert "small.fr.yaml" in str(error.value)
    assert reason in str(error.value)
    # nothing was stored: not the questionnaire, not the translation
    assert not QuestionnaireVersion.objects.filter(code="t.1").exists()
    assert not QuestionnaireTranslation.objects.exists()


@pytest.mark.django_db
def test_unquoted_codes_and_unknown_languages_in_file_names_are_refused(tmp_path):
    path = write(tmp_path, fr='language: fr\nversion: "t.1"\nquestions:\n  1.1: {text: "x"}\n')
    with pytest.raises(QuestionnaireFileError, match="must be quoted"):
        load_questionnaire(path)
    (tmp_path / "small.fr.yaml").unlink()
    write(tmp_path, xx=FRENCH)
    with pytest.raises(QuestionnaireFileError, match="unknown language 'xx' in the file name"):
        load_questionnaire(path)
    assert not QuestionnaireVersion.objects.exists()


@pytest.mark.django_db
def test_a_frozen_version_still_takes_translation_updates(tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    CycleFactory(questionnaire=version)
    french = changed(FRENCH, title="Petit questionnaire, révisé")
    result = load_questionnaire(write(tmp_path, fr=french, es={**FRENCH, "language": "es"}))
    assert result.outcome == "unchanged"
    assert result.translations == {"es": "created", "fr": "updated"}
    assert translated_texts(version, "fr").title == "Petit questionnaire, révisé"
    # the questionnaire itself still cannot change, and then nothing is stored
    main = changed(SMALL, title="Changed")
    with pytest.raises(QuestionnaireFrozenError):
        load_questionnaire(write(tmp_path, main=main, fr=changed(french, title="Encore")))
    assert translated_texts(version, "fr").title == "Petit questionnaire, révisé"


@pytest.mark.django_db
def test_admin_edits_survive_reloading_an_unchanged_file_but_not_a_changed_one(tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    row = version.translations.get(language="fr")
    row.texts = {**row.texts, "question/1.3/text": "Membres"}
    row.save()
    load_questionnaire(write(tmp_path, fr=FRENCH))
    assert translated_texts(version, "fr").question("1.3").text == "Membres"
    load_questionnaire(write(tmp_path, fr=changed(FRENCH, title="Autre titre")))
    texts = translated_texts(version, "fr")
    assert (texts.title, texts.question("1.3").text) == ("Autre titre", "Members")


@pytest.mark.django_db
def test_translations_carry_over_when_an_unfrozen_version_is_replaced(tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    main = yaml.safe_load(yaml.safe_dump(SMALL))
    main["sections"][0]["questions"][0]["text"] = "Is there a coordination agency?"
    result = load_questionnaire(write(tmp_path, main=main, fr=FRENCH))
    assert (result.outcome, result.translations) == ("replaced", {"fr": "unchanged"})
    assert translated_texts(version, "fr").question("1.1").text == "Existe-t-il un organisme ?"


# -- reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_missing_string_falls_back_to_its_english(tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    texts = translated_texts(version, "fr")
    assert texts.language == "fr"
    assert texts.title == "Petit questionnaire"
    assert texts.description == "About agencies."
    assert (texts.section("1").title, texts.section("1").help) == (
        "Coordination nationale",
        "Who coordinates.",
    )
    question = texts.question("1.1")
    assert (question.text, question.help) == ("Existe-t-il un organisme ?", "Answer no if none.")
    # The built-in answer words come from the interface's catalogue, in the same language.
    assert question.choice_label("developing") == "En cours d'élaboration"
    choices = texts.question("1.2")
    assert choices.choice_label("africa") == "Afrique"
    assert choices.choice_label("europe") == "Europe (fr)"
    assert choices.choice_label("other") == "Autre (préciser)"
    assert texts.question("1.3").unit == "persons"
    table = texts.question("1.4")
    assert [table.column_label(code) for code in ("city", "region", "kind")] == [
        "Ville",
        "Region",
        "Type",
    ]
    assert table.column_choice_label("region", "africa") == "Afrique"
    assert table.column_choice_label("region", "europe") == "Europe"
    assert table.column_choice_label("kind", "main") == "Siège"
    # a blank stored string is no translation either
    row = version.translations.get(language="fr")
    row.texts["question/1.1/text"] = "  "
    row.save()
    assert translated_texts(version, "fr").question("1.1").text == "Is there an agency?"


@pytest.mark.django_db
def test_languages_without_translation_read_english(tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    assert translated_texts(version, "fr-ca").title == "Petit questionnaire"
    for language in ("en", "ru", "xx", ""):
        texts = translated_texts(version, language)
        assert texts.title == "Small questionnaire"
        assert texts.question("1.4").column_label("city") == "City"


@pytest.mark.django_db
def test_reading_a_whole_version_takes_constant_queries_then_one(
    shipped_questionnaire, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        texts = translated_texts(shipped_questionnaire, "es")
    assert len(texts.questions) == shipped_questionnaire.questions.count()
    with django_assert_max_num_queries(1):
        assert translated_texts(shipped_questionnaire, "es") is texts
    # a change shows at once
    row = shipped_questionnaire.translations.get(language="es")
    row.texts["question/1.1/text"] = "¿Hay un organismo?"
    row.save()
    assert translated_texts(shipped_questionnaire, "es").question("1.1").text == (
        "¿Hay un organismo?"
    )


@pytest.mark.django_db
def test_a_copied_version_keeps_its_translations(shipped_questionnaire):
    copy = copy_questionnaire_version(source=shipped_questionnaire, new_code="2026.2")
    assert translation_completeness(copy, "fr").missing == 0
    assert translated_texts(copy, "es").section("1").title == "Coordinación nacional"


# -- the admin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_edit_a_frozen_versions_translation_in_the_admin(staff_client, tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    CycleFactory(questionnaire=version)
    row = version.translations.get(language="fr")

    page = staff_client.get(reverse("admin:reports_questionnaireversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "French: 9 of 18 (50%)" in page.content.decode()
    url = reverse("admin:reports_questionnairetranslation_change", args=[row.pk])
    assert url in page.content.decode()

    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "English: Answer no if none." in html and "Existe-t-il un organisme ?" in html

    data = {translation_field_name(key): row.texts.get(key, "") for key in version_strings(version)}
    data[translation_field_name("question/1.1/help")] = "Répondre non s'il n'y en a pas."
    data[translation_field_name("question/1.4/column/region/choice/europe")] = "Europe"
    data[translation_field_name("question/1.1/text")] = ""  # cleared: English again
    data["surprise/9.9/text"] = "ignored"  # codes come from the version, not from the form
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    row.refresh_from_db()
    assert "surprise/9.9/text" not in row.texts and "question/1.1/text" not in row.texts
    texts = translated_texts(version, "fr")
    assert texts.question("1.1").help == "Répondre non s'il n'y en a pas."
    assert texts.question("1.1").text == "Is there an agency?"
    assert texts.question("1.4").column_choice_label("region", "europe") == "Europe"
    assert translation_completeness(version, "fr").translated == 10


@pytest.mark.django_db
def test_a_too_long_label_is_refused_with_a_message(staff_client, tmp_path):
    version = load_questionnaire(write(tmp_path, fr=FRENCH)).version
    row = version.translations.get(language="fr")
    url = reverse("admin:reports_questionnairetranslation_change", args=[row.pk])
    data = {translation_field_name(key): row.texts.get(key, "") for key in version_strings(version)}
    data[translation_field_name("question/1.3/unit")] = "x" * 61
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "at most 60 characters" in response.content.decode()
    row.refresh_from_db()
    assert "question/1.3/unit" not in row.texts


@pytest.mark.django_db
def test_staff_add_a_translation_for_another_language(staff_client, tmp_path):
    version = load_questionnaire(write(tmp_path)).version
    add = reverse("admin:reports_questionnairetranslation_add")
    page = staff_client.get(f"{add}?version={version.pk}&language=ru")
    assert page.status_code == 200
    response = staff_client.post(add, {"version": version.pk, "language": "ru"})
    assert response.status_code == 302
    row = QuestionnaireTranslation.objects.get(version=version, language="ru")
    assert row.texts == {}
    # the same language twice is refused, not a crash
    response = staff_client.post(add, {"version": version.pk, "language": "ru"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


@pytest.mark.django_db
def test_the_translation_list_shows_completeness(staff_client, shipped_questionnaire):
    page = staff_client.get(reverse("admin:reports_questionnairetranslation_changelist"))
    assert page.status_code == 200
    assert page.content.decode().count("415 of 415 (100%)") == 2


@pytest.mark.django_db
def test_the_command_reports_each_translation(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("load_questionnaire", str(write(tmp_path, fr=FRENCH)), stdout=out)
    assert "translation fr: created" in out.getvalue()
    write(tmp_path, fr=changed(FRENCH, questions={"9.9": {"text": "x"}}))
    with pytest.raises(CommandError, match=r"question 9\.9: no such question"):
        call_command("load_questionnaire", str(tmp_path / "small.yaml"), stdout=out)
