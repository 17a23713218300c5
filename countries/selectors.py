"""Reads for the countries app."""

from collections.abc import Iterable

from countries.models import Country


def join_un_list(names: Iterable[str]) -> str:
    """Join names the way UN prose does: "A, B and C" (no serial comma)."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def states_in_sentence(countries: Iterable[Country]) -> str:
    """States in UN order with their in-sentence names, e.g.
    "Benin, the Plurinational State of Bolivia, Burkina Faso and Ecuador"."""
    ordered = sorted(countries, key=lambda country: country.sort_key)
    return join_un_list(country.name_in_sentence for country in ordered)
