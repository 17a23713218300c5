"""`{{ country|country_name }}`: a State's name in the current language (or `:"fr"`);
`{{ country|country_in_sentence }}` the form used inside a sentence;
`{{ region.name|grouping_name }}` a regional group's or report region's name
in the current language."""

from __future__ import annotations

from django import template

from countries.names import country_in_sentence as in_sentence_of
from countries.names import country_name as name_of
from countries.names import grouping_name as grouping_name_of

register = template.Library()


@register.filter
def country_name(country, language: str = "") -> str:
    if country is None or not hasattr(country, "un_name"):
        return "" if country is None else str(country)
    return name_of(country, language or None)


@register.filter
def country_in_sentence(country, language: str = "") -> str:
    if country is None or not hasattr(country, "un_name"):
        return "" if country is None else str(country)
    return in_sentence_of(country, language or None)


@register.filter
def grouping_name(name) -> str:
    return grouping_name_of(str(name)) if name else ""
