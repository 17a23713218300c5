"""Dates on pages as UN documents print them in the page's language.

`{{ value|un_date }}` gives en "12 March 2026", fr "12 mars 2026", es "12 de marzo de 2026",
ru "12 марта 2026 года", zh "2026年3月12日", ar "12 آذار/مارس 2026" (reports.languages.un_date);
`{{ value|un_datetime }}` adds the time (24-hour clock, in the current time zone);
`{{ cycle|meeting_dates }}` or `{{ start|un_date_range:end }}` give a meeting's dates: en
"16–20 June 2014", fr "16-20 juin 2014", zh "2014年6月16日至20日" (reports.languages.un_date_range).
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import pgettext

from reports.languages import un_date as format_un_date
from reports.languages import un_date_range as format_un_date_range

register = template.Library()


@register.filter
def un_date(value: datetime.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_un_date(value)


@register.filter
def un_datetime(value: datetime.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    # The joint differs by language (ar "،", zh none).
    return pgettext("date, time", "%(date)s, %(time)s") % {
        "date": format_un_date(value),
        "time": f"{value:%H:%M}",
    }


@register.filter
def un_date_range(start: datetime.date | None, end: datetime.date | None) -> str:
    return format_un_date_range(start or None, end or None)


@register.filter
def meeting_dates(cycle) -> str:
    """A cycle's meeting dates in the page's language ("" while they are not set)."""
    if not cycle:
        return ""
    return format_un_date_range(cycle.meeting_starts_on, cycle.meeting_ends_on)
