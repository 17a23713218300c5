"""A State's name in one of the six official languages.

English is the UN short name from our data ("Türkiye", "Côte d'Ivoire"); the other languages use
the CLDR names stored on the country (`Country.names`, loaded from Babel) and, for a name missing
there, Babel's CLDR data directly; English when CLDR has none either.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

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
