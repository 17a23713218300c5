"""A State's name in one of the six official languages.

English is the UN short name from our data ("Türkiye", "Côte d'Ivoire"); the other languages use
the CLDR names stored on the country (`Country.names`, loaded from Babel) and, for a name missing
there, Babel's CLDR data directly; English when CLDR has none either.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.utils.translation import gettext, gettext_noop

from countries.models import Country

# Babel locale for each language (the UN writes Chinese in simplified characters).
CLDR_LOCALES = {"ar": "ar", "zh": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}


def _language(language: str | None) -> str:
    if not language:
        from reports.languages import document_language  # the document being written, if any

        return document_language()
    return language.lower().replace("_", "-").split("-")[0]


@lru_cache(maxsize=4096)
def cldr_name(iso2: str, language: str) -> str:
    """CLDR's name of the territory in `language`; "" when CLDR has none."""
    locale = CLDR_LOCALES.get(language)
    if not locale or not iso2:
        return ""
    return Locale.parse(locale).territories.get(iso2.upper(), "")


def country_name(country: Country, language: str | None = None) -> str:
    """The State's name in `language` (a document or Django code; the active language when
    none is given)."""
    language = _language(language)
    if language == "en" or language not in CLDR_LOCALES:
        return country.un_name
    return (
        (country.names or {}).get(language)
        or cldr_name(country.iso2, language)
        or (country.un_name)
    )


# The regional groups' and report regions' names and headings shipped in data/groupings.yaml:
# listed here so that `make messages` puts them in the catalogues. Staff may rename them in the
# admin; a name not in the catalogues then shows as typed.
GROUPING_NAMES = (
    gettext_noop("African States"),
    gettext_noop("Asia-Pacific States"),
    gettext_noop("Eastern European States"),
    gettext_noop("Latin American and Caribbean States"),
    gettext_noop("Western European and other States"),
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Asia and the Pacific"),
    gettext_noop("Europe"),
    gettext_noop("Other regions"),
)


def grouping_name(name: str) -> str:
    """A regional group's or report region's name (or heading) in the active language."""
    # gettext("") would return the catalogue's header.
    return gettext(name) if name else ""


def country_in_sentence(country: Country, language: str | None = None) -> str:
    """The State's name as it reads inside a sentence: "the Niger" in English (our data), the
    plain name in the other languages (their articles depend on the sentence)."""
    if _language(language) == "en":
        return country.name_in_sentence or country.un_name
    return country_name(country, language)
