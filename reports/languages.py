"""The six official languages in documents: codes, direction, and dates the UN way.

Reports and summary reports store a document language as "ar", "zh", "en", "fr", "ru" or "es";
Django's catalogues call Chinese "zh-hans". `django_language` and `document_language` are the one
place that maps between the two.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import translation

DOCUMENT_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
RTL_LANGUAGES = frozenset({"ar"})

# Document code -> Django language code (only Chinese differs).
_DJANGO_CODES = {"zh": "zh-hans"}

# The language of the document being written, when it differs from the interface's: a summary
# report's numbers and State names follow it while messages to the editor stay in theirs.
_WRITING = contextvars.ContextVar("document_language", default=None)


@contextmanager
def writing_in(code: str) -> Iterator[None]:
    """Numbers, dates and State names follow `code` inside the block (see `document_language`)."""
    token = _WRITING.set(document_language(code))
    try:
        yield
    finally:
        _WRITING.reset(token)


def document_language(code: str | None = None) -> str:
    """One of DOCUMENT_LANGUAGES for a document or Django code ("zh-hans" -> "zh"); when none is
    given, the language of the document being written (`writing_in`), else the active one;
    English for anything else."""
    code = (code or _WRITING.get() or translation.get_language() or "en").lower().replace("_", "-")
    base = code.split("-")[0]
    return base if base in DOCUMENT_LANGUAGES else "en"


def django_language(code: str | None) -> str:
    """The Django language code to render a document of language `code` under."""
    language = document_language(code or "en")
    return _DJANGO_CODES.get(language, language)


def is_rtl(code: str | None) -> bool:
    return document_language(code) in RTL_LANGUAGES


def html_lang(code: str | None) -> str:
    """The `lang` attribute of a document in `code` (BCP 47: Chinese as zh-Hans)."""
    language = document_language(code)
    return "zh-Hans" if language == "zh" else language


def language_name_in_text(name: str, language: str | None = None) -> str:
    """A language's name as it stands in a sentence of `language`: French, Spanish and Russian
    do not capitalize it ("Original : anglais")."""
    if document_language(language) in ("fr", "es", "ru"):
        return name[:1].lower() + name[1:]
    return name


# -- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
    "es": [
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ],
    # Genitive: "12 марта 2026 года".
    "ru": [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ],
    # UN Arabic gives both the Levantine and the Egyptian month name: "آذار/مارس".
    "ar": [
        "كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو",
        "حزيران/يونيه", "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر",
        "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر",
    ],
}  # fmt: skip


def un_date(value: datetime.date | None, language: str | None = None) -> str:
    """A date as UN documents print it in `language` (the active language by default):
    en "12 March 2026", fr "12 mars 2026" ("1er mars"), es "12 de marzo de 2026",
    ru "12 марта 2026 года", zh "2026年3月12日", ar "12 آذار/مارس 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    language = document_language(language)
    day, year = value.day, value.year
    if language == "zh":
        return f"{year}年{value.month}月{day}日"
    month = _MONTHS[language][value.month - 1]
    if language == "fr":
        return f"{'1er' if day == 1 else day} {month} {year}"
    if language == "es":
        return f"{day} de {month} de {year}"
    if language == "ru":
        return f"{day} {month} {year} года"
    return f"{day} {month} {year}"


def _day(value: datetime.date, language: str) -> str:
    return "1er" if language == "fr" and value.day == 1 else str(value.day)


def un_date_range(
    start: datetime.date | None, end: datetime.date | None, language: str | None = None
) -> str:
    """A meeting's dates as UN documents print them in `language` (the active one by default):
    en "16–20 June 2014", "30 June–4 July 2014"; fr "16-20 juin 2014"; es "16 a 20 de junio de
    2014"; ru "16–20 июня 2014 года"; zh "2014年6月16日至20日"; ar "16-20 حزيران/يونيه 2014".
    What the two dates share (month, year) is written once; a single day reads as `un_date`."""
    if start is None or end is None or start == end:
        return un_date(start or end, language)
    language = document_language(language)
    same_year = start.year == end.year
    same_month = same_year and start.month == end.month
    if language == "zh":
        if same_month:
            return f"{start.year}年{start.month}月{start.day}日至{end.day}日"
        if same_year:
            return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"
        return f"{un_date(start, language)}至{un_date(end, language)}"
    months = _MONTHS[language]
    first, last = _day(start, language), str(end.day)
    if language == "es":
        if same_month:
            return f"{first} a {last} de {months[end.month - 1]} de {end.year}"
        if same_year:
            return f"{first} de {months[start.month - 1]} a {un_date(end, language)}"
        return f"{un_date(start, language)} a {un_date(end, language)}"
    # Arabic and French join with a hyphen: in right-to-left text an en dash between two
    # numbers is neutral and would put the days in reverse order ("20–16").
    dash = {"en": "–", "ru": "–"}.get(language, "-")
    if same_month:
        return f"{first}{dash}{un_date(end, language)}"
    # Across months the joint is spaced where a month name (of several words in Arabic and
    # Russian) stands on its left.
    joint = dash if language in ("en", "fr") else f" {dash} "
    if same_year:
        left = f"{first} {months[start.month - 1]}"
        return f"{left}{joint}{un_date(end, language)}"
    return f"{un_date(start, language)}{joint}{un_date(end, language)}"
