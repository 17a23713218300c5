"""The meeting's dates become two dates (printed per language) instead of English text."""

import datetime
import re

from django.db import migrations, models

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip

# "16–20 June", "16-20 June 2014", "30 June–4 July 2014", "28 December 2014–2 January 2015".
RANGE = re.compile(
    r"^\s*(\d{1,2})(?:\s+([A-Za-z]+))?(?:\s+(\d{4}))?\s*[–—-]\s*"
    r"(\d{1,2})\s+([A-Za-z]+)(?:\s+(\d{4}))?\s*$"
)


def parse_meeting_dates(text: str, cycle_year: int):
    """(start, end) from the English text, the cycle's year where the text names none; None
    when the text is not a range of that shape."""
    match = RANGE.match(text or "")
    if not match:
        return None
    first_day, first_month, first_year, last_day, last_month, last_year = match.groups()
    try:
        end_month = MONTHS.index(last_month.lower()) + 1
        start_month = MONTHS.index(first_month.lower()) + 1 if first_month else end_month
        end_year = int(last_year) if last_year else cycle_year
        start_year = int(first_year) if first_year else end_year
        start = datetime.date(start_year, start_month, int(first_day))
        end = datetime.date(end_year, end_month, int(last_day))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def fill_dates(apps, schema_editor):
    ReportingCycle = apps.get_model("reports", "ReportingCycle")
    for cycle in ReportingCycle.objects.exclude(meeting_dates=""):
        parsed = parse_meeting_dates(cycle.meeting_dates, cycle.year)
        if parsed:
            cycle.meeting_starts_on, cycle.meeting_ends_on = parsed
            cycle.save(update_fields=["meeting_starts_on", "meeting_ends_on"])


def fill_text(apps, schema_editor):
    ReportingCycle = apps.get_model("reports", "ReportingCycle")
    for cycle in ReportingCycle.objects.exclude(meeting_starts_on=None).exclude(
        meeting_ends_on=None
    ):
        start, end = cycle.meeting_starts_on, cycle.meeting_ends_on
        left = f"{start.day}"
        if (start.year, start.month) != (end.year, end.month):
            left += f" {MONTHS[start.month - 1].title()}"
        if start.year != end.year:
            left += f" {start.year}"
        cycle.meeting_dates = f"{left}–{end.day} {MONTHS[end.month - 1].title()} {end.year}"
        cycle.save(update_fields=["meeting_dates"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_summary_report_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingcycle",
            name="meeting_starts_on",
            field=models.DateField(
                blank=True, help_text="First day of the meeting; empty while not yet set", null=True
            ),
        ),
        migrations.AddField(
            model_name="reportingcycle",
            name="meeting_ends_on",
            field=models.DateField(
                blank=True,
                help_text="Last day of the meeting (the first day if it lasts one)",
                null=True,
            ),
        ),
        migrations.RunPython(fill_dates, fill_text),
        migrations.RemoveField(model_name="reportingcycle", name="meeting_dates"),
        migrations.AddConstraint(
            model_name="reportingcycle",
            constraint=models.CheckConstraint(
                condition=models.Q(meeting_starts_on__lte=models.F("meeting_ends_on")),
                name="cycle_meeting_dates_in_order",
            ),
        ),
    ]
