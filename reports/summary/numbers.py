"""Numbers and lists the way United Nations documents write them, in the document's language.

Each function takes the language (a document or Django code); by default the active one, which is
the document's language while a summary report is built and rendered (see document.py).

English: under 10 in words, 10 and up in figures, always in words at the start of a sentence;
percentages in figures with "per cent" ("45 per cent"; "Forty-five per cent" to open a
sentence); lists of States by their in-sentence names, in UN order, joined with "and" and no
serial comma. French, Spanish, Russian and Arabic follow the same rule with num2words' words in
that language; Chinese always uses figures (num2words has no Chinese). Figures are grouped the
CLDR way of the language, always in European digits as UN documents print them ("1 250" fr,
"1.250" es, "1 250" ru). Percentages: "45 %" fr (narrow no-break space), "45 %" es and ru
(no-break space), "45%" zh, "45 في المائة" ar.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.numbers import format_decimal
from num2words import num2words

from countries.models import Country
from countries.names import country_name
from countries.reference_data import un_sort_key
from reports.languages import document_language

# Languages whose words num2words writes (it has none for Chinese).
WORD_LANGUAGES = frozenset({"en", "fr", "es", "ru", "ar"})
BABEL_LOCALES = {"ar": "ar", "zh": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}

PERCENT_FIGURES = {
    "fr": "{}\u202f%",
    "es": "{}\u00a0%",
    "ru": "{}\u00a0%",
    "zh": "{}%",
    "ar": "{} في المائة",
}
PERCENT_WORDS = {"fr": "pour cent", "es": "por ciento", "ar": "في المائة"}

# Lists: the separator, the last separator ("and"), and "no State".
LIST_WORDS = {
    "en": (", ", " and ", "no State"),
    "fr": (", ", " et ", "aucun État"),
    "es": (", ", " y ", "ningún Estado"),
    "ru": (", ", " и ", "ни одного государства"),
    "zh": ("、", "和", "没有国家"),
    "ar": ("، ", " و", "لا توجد أي دولة"),
}


def in_words(number: int, language: str | None = None) -> str:
    language = document_language(language)
    if language not in WORD_LANGUAGES:
        return figures(number, language)
    words = num2words(number, lang=language)
    if language == "ar":
        # Arabic writes the conjunction "wa" joined to the next word: "خمسة وأربعون".
        words = words.replace(" و ", " و")
    return words


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def figures(number: int, language: str | None = None) -> str:
    """1,250 in English; grouped the way of the document's language otherwise."""
    language = document_language(language)
    if language == "en":
        return f"{number:,}"
    return format_decimal(number, locale=BABEL_LOCALES[language], numbering_system="latn")


def un_number(number: int, *, sentence_start: bool = False, language: str | None = None) -> str:
    language = document_language(language)
    if language not in WORD_LANGUAGES:
        return figures(number, language)
    if sentence_start:
        return capitalize_first(in_words(number, language))
    if 0 <= number < 10:
        return in_words(number, language)
    return figures(number, language)


def counted(
    number: int, noun: str, *, sentence_start: bool = False, language: str | None = None
) -> str:
    """'one State', 'three States', '68 States', 'no State' (a noun in the singular).

    French and Spanish: the number in the language's style and the noun's regular plural
    ("trois États", "tres Estados"); Russian, Arabic and Chinese: the noun as the wording gives
    it (their plurals depend on the number and the noun; write the form the sentence needs).
    """
    language = document_language(language)
    if language != "en":
        shown = un_number(number, sentence_start=sentence_start, language=language)
        if language == "es" and number == 1:
            shown = "Un" if sentence_start else "un"  # "un Estado" (before a masculine noun)
        return f"{shown} {_plural_of(noun, number, language)}"
    if number == 0:
        text = f"no {noun}"
    else:
        text = f"{un_number(number, language=language)} {noun if number == 1 else plural(noun)}"
    return capitalize_first(text) if sentence_start else text


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _plural_of(noun: str, number: int, language: str) -> str:
    if language == "fr" and abs(number) >= 2:
        if noun.endswith(("s", "x", "z")):
            return noun
        return noun + ("x" if noun.endswith(("eau", "au", "eu")) else "s")
    if language == "es" and number != 1:
        return noun + ("s" if noun[-1:].lower() in "aeiouáéó" else "es")
    return noun


def _russian_percent_word(number: int) -> str:
    if number % 10 == 1 and number % 100 != 11:
        return "процент"
    if number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14):
        return "процента"
    return "процентов"


def un_percent(
    value: float | int | None, *, sentence_start: bool = False, language: str | None = None
) -> str:
    language = document_language(language)
    if value is None:
        return "no" if language == "en" else "—"
    whole = round(value)
    if language == "en":
        if sentence_start:
            return f"{capitalize_first(in_words(whole, language))} per cent"
        return f"{whole} per cent"
    if sentence_start and language in WORD_LANGUAGES:
        word = _russian_percent_word(whole) if language == "ru" else PERCENT_WORDS[language]
        return f"{capitalize_first(in_words(whole, language))} {word}"
    return PERCENT_FIGURES[language].format(whole)


def _joined(items: list[str], language: str) -> str:
    separator, last, _none = LIST_WORDS[language]
    if len(items) == 1:
        return items[0]
    return separator.join(items[:-1]) + last + items[-1]


def state_list(
    countries: Iterable[Country], *, sentence_start: bool = False, language: str | None = None
) -> str:
    """'Benin, the Plurinational State of Bolivia, Burkina Faso and Ecuador'; in another
    language the States' names in that language, in its alphabetical order (accents ignored)."""
    language = document_language(language)
    if language == "en":
        names = [c.name_in_sentence for c in sorted(countries, key=lambda c: c.sort_key)]
    else:
        names = sorted((country_name(c, language) for c in countries), key=un_sort_key)
    text = _joined(names, language) if names else LIST_WORDS[language][2]
    return capitalize_first(text) if sentence_start else text


def plain_list(items: list[str], language: str | None = None) -> str:
    """'a, b and c'; with semicolons when an item has an "and" of its own."""
    language = document_language(language)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if language == "en" and any(" and " in item or "," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return _joined(items, language)
