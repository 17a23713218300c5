"""The 195 States loaded by the data migration: counts, codes, groups, regions and names."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from countries.models import Country
from countries.reference_data import read_states, un_sort_key
from countries.selectors import states_in_sentence

pytestmark = pytest.mark.django_db


def test_all_member_and_observer_states_are_loaded():
    assert Country.objects.count() == 195
    assert Country.objects.members().count() == 193
    observers = Country.objects.filter(status=Country.Status.OBSERVER)
    assert sorted(observers.values_list("un_name", flat=True)) == ["Holy See", "State of Palestine"]


def test_codes_are_well_formed_and_unique():
    rows = list(Country.objects.values_list("iso2", "iso3", "m49"))
    assert all(len(a2) == 2 and a2.isupper() for a2, _, _ in rows)
    assert all(len(a3) == 3 and a3.isupper() for _, a3, _ in rows)
    assert all(len(m49) == 3 and m49.isdigit() for _, _, m49 in rows)
    assert len({a2 for a2, _, _ in rows}) == len({a3 for _, a3, _ in rows}) == 195
    assert len({m49 for _, _, m49 in rows}) == 195


@pytest.mark.parametrize(
    ("iso3", "iso2", "m49", "un_name"),
    [
        ("BOL", "BO", "068", "Bolivia (Plurinational State of)"),
        ("TUR", "TR", "792", "Türkiye"),
        ("CIV", "CI", "384", "Côte d'Ivoire"),
        ("GBR", "GB", "826", "United Kingdom of Great Britain and Northern Ireland"),
        ("VAT", "VA", "336", "Holy See"),
        ("PSE", "PS", "275", "State of Palestine"),
        ("VNM", "VN", "704", "Viet Nam"),
    ],
)
def test_un_short_names_and_codes(iso3, iso2, m49, un_name):
    country = Country.objects.get(iso3=iso3)
    assert (country.iso2, country.m49, country.un_name) == (iso2, m49, un_name)


@pytest.mark.parametrize(
    ("iso3", "in_sentence"),
    [
        ("BOL", "the Plurinational State of Bolivia"),
        ("NER", "the Niger"),
        ("SDN", "the Sudan"),
        ("BEN", "Benin"),
        ("GBR", "the United Kingdom of Great Britain and Northern Ireland"),
        ("COD", "the Democratic Republic of the Congo"),
    ],
)
def test_in_sentence_names(iso3, in_sentence):
    assert Country.objects.get(iso3=iso3).name_in_sentence == in_sentence


def test_regional_groups_have_the_un_membership():
    counts = dict(
        Country.objects.members().values_list("regional_group__code").annotate(n=Count("id"))
    )
    assert counts == {
        "african": 54,
        "asia_pacific": 54,
        "eastern_european": 23,
        "latin_american_caribbean": 33,
        "western_european_other": 29,
    }
    assert Country.objects.get(iso3="VAT").regional_group is None
    assert Country.objects.get(iso3="PSE").regional_group.code == "asia_pacific"
    assert Country.objects.get(iso3="USA").regional_group.code == "western_european_other"


def test_every_state_has_a_report_region():
    regions = set(Country.objects.values_list("report_region__code", flat=True))
    assert regions == {"africa", "americas", "asia_pacific", "europe"}
    assert Country.objects.get(iso3="GHA").report_region.code == "africa"
    assert Country.objects.get(iso3="CAN").report_region.code == "americas"
    assert Country.objects.get(iso3="FJI").report_region.code == "asia_pacific"
    assert Country.objects.get(iso3="FRA").report_region.code == "europe"
    assert Country.objects.get(iso3="FRA").report_region.heading == "Other regions"


def test_names_in_the_six_languages_come_from_cldr():
    france = Country.objects.get(iso3="FRA")
    assert france.names == {
        "ar": "فرنسا",
        "zh": "法国",
        "en": "France",
        "fr": "France",
        "ru": "Франция",
        "es": "Francia",
    }
    assert all(set(c.names) == {"ar", "zh", "en", "fr", "ru", "es"} for c in Country.objects.all())
    assert Country.objects.get(iso3="DEU").name_for("fr") == "Allemagne"
    # English always uses the UN short name, not CLDR's.
    assert Country.objects.get(iso3="VAT").name_for("en") == "Holy See"


def test_un_order_ignores_accents():
    names = list(Country.objects.values_list("un_name", flat=True))
    assert names.index("Côte d'Ivoire") == names.index("Costa Rica") + 1
    assert names.index("Türkiye") == names.index("Tunisia") + 1
    assert names == sorted(names, key=un_sort_key)


def test_lists_of_states_read_like_un_prose():
    countries = Country.objects.filter(iso3__in=["ECU", "BOL", "BFA", "BEN"])
    assert states_in_sentence(countries) == (
        "Benin, the Plurinational State of Bolivia, Burkina Faso and Ecuador"
    )


def test_reloading_changes_nothing(capsys):
    before = {c.iso3: c.updated_at for c in Country.objects.all()}
    call_command("load_countries")
    assert "0 created, 0 updated, 195 unchanged" in capsys.readouterr().out
    assert {c.iso3: c.updated_at for c in Country.objects.all()} == before


def test_data_file_matches_the_database():
    rows = read_states()
    assert len(rows) == 195
    assert {row["iso3"] for row in rows} == set(Country.objects.values_list("iso3", flat=True))


def test_staff_edits_survive_a_reload_unless_an_update_is_asked(capsys):
    ghana = Country.objects.get(iso3="GHA")
    ghana.un_name = "Ghana (edited)"
    ghana.save()
    call_command("load_countries")
    assert Country.objects.get(iso3="GHA").un_name == "Ghana (edited)"
    call_command("load_countries", "--update")
    assert "1 updated" in capsys.readouterr().out
    assert Country.objects.get(iso3="GHA").un_name == "Ghana"


def test_renaming_a_state_moves_it_in_un_order(staff_client):
    from django.urls import reverse

    ghana = Country.objects.get(iso3="GHA")
    data = {
        "un_name": "Zzland",
        "name_in_sentence": "Zzland",
        "status": "member",
        "iso2": "GH",
        "iso3": "GHA",
        "m49": "288",
        "regional_group": ghana.regional_group_id,
        "report_region": ghana.report_region_id,
    }
    response = staff_client.post(reverse("admin:countries_country_change", args=[ghana.pk]), data)
    assert response.status_code == 302
    assert Country.objects.last().iso3 == "GHA"
