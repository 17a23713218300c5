"""`{{ country|country_name }}`: a State's name in the current language (or `:"fr"`)."""

from __future__ import annotations

from django import template

from countries.names import country_name as name_of

register = template.Library()


@register.filter
def country_name(country, language: str = "") -> str:
    if country is None or not hasattr(country, "un_name"):
        return "" if country is None else str(country)
    return name_of(country, language or None)
