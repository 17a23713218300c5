from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]` in a template, or None (a region or cycle with no entry)."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


@register.filter
def un_figures(number: Any) -> str:
    """A count grouped the way of the page's language, in European digits as UN documents print
    them: 45,964 en, 45 964 fr, 45.964 es, 45,964 ar. Anything not a whole number as given."""
    from reports.summary.numbers import figures

    if isinstance(number, bool) or not isinstance(number, int):
        return "" if number is None else str(number)
    return figures(number)
