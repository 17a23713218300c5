"""Numbers and lists the way United Nations documents write them (English).

Under 10 in words, 10 and up in figures, always in words at the start of a sentence; percentages
in figures with "per cent" ("45 per cent"; "Forty-five per cent" to open a sentence); lists of
States by their in-sentence names, in UN order, joined with "and" and no serial comma.
"""

from __future__ import annotations

from collections.abc import Iterable

from num2words import num2words

from countries.models import Country


def in_words(number: int, language: str = "en") -> str:
    return num2words(number, lang=language)


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def figures(number: int) -> str:
    """1,250 (UN English uses a comma for thousands)."""
    return f"{number:,}"


def un_number(number: int, *, sentence_start: bool = False) -> str:
    if sentence_start:
        return capitalize_first(in_words(number))
    if 0 <= number < 10:
        return in_words(number)
    return figures(number)


def counted(number: int, noun: str, *, sentence_start: bool = False) -> str:
    """'one State', 'three States', '68 States', 'no State' (a noun in the singular)."""
    if number == 0:
        text = f"no {noun}"
    else:
        text = f"{un_number(number)} {noun if number == 1 else plural(noun)}"
    return capitalize_first(text) if sentence_start else text


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def un_percent(value: float | int | None, *, sentence_start: bool = False) -> str:
    if value is None:
        return "no"
    whole = round(value)
    if sentence_start:
        return f"{capitalize_first(in_words(whole))} per cent"
    return f"{whole} per cent"


def state_list(countries: Iterable[Country], *, sentence_start: bool = False) -> str:
    """'Benin, the Plurinational State of Bolivia, Burkina Faso and Ecuador'."""
    names = [c.name_in_sentence for c in sorted(countries, key=lambda c: c.sort_key)]
    if not names:
        text = "no State"
    elif len(names) == 1:
        text = names[0]
    else:
        text = ", ".join(names[:-1]) + " and " + names[-1]
    return capitalize_first(text) if sentence_start else text


def plain_list(items: list[str]) -> str:
    """'a, b and c'; with semicolons when an item has an "and" of its own."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if any(" and " in item or "," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]
