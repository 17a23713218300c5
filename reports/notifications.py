"""Who hears about what, and the e-mails they get (plain text and HTML)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from countries.models import Country, CountryMembership
from reports.access import PUBLISH_PERMISSION, REVIEW_PERMISSION
from reports.models import NationalReport, ReportEvent, ReportingCycle

Status = NationalReport.Status
# Which transitions are announced, and to whom.
TO_REVIEWERS = {Status.SUBMITTED}
TO_FOCAL_POINTS = {Status.RETURNED, Status.ACCEPTED, Status.PUBLISHED}


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def reviewer_emails() -> list[str]:
    app, review = REVIEW_PERMISSION.split(".")
    _app, publish = PUBLISH_PERMISSION.split(".")
    wanted = Q(content_type__app_label=app, codename__in=[review, publish])
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=_perms(wanted))
            | Q(user_permissions__in=_perms(wanted))
        )
    )
    return sorted(set(users.values_list("email", flat=True)))


def _perms(condition):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


def focal_point_emails(country: Country) -> list[str]:
    return sorted(
        CountryMembership.objects.filter(
            country=country, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def recipients_for(event: ReportEvent) -> list[str]:
    if event.kind != ReportEvent.Kind.TRANSITION:
        return []
    if event.to_status in TO_REVIEWERS:
        return reviewer_emails()
    if event.to_status in TO_FOCAL_POINTS:
        return focal_point_emails(event.report.country)
    return []


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """{address: the language its person chose with the switcher}, for those who chose one."""
    users = get_user_model().objects.filter(email__in=[address.lower() for address in addresses])
    return dict(users.exclude(preferred_language="").values_list("email", "preferred_language"))


def send(*, template: str, context: dict, to: list[str], subject: str) -> int:
    """One message per recipient (no one sees another's address), in the language the recipient
    chose (else the site's); returns how many went out. `subject` may be lazy: it is read in
    each recipient's language."""
    languages = recipient_languages(to)
    rendered: dict[str, tuple[str, str, str]] = {}
    sent = 0
    for address in to:
        language = languages.get(address.lower(), settings.LANGUAGE_CODE)
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (
                    str(subject),
                    render_to_string(f"emails/{template}.txt", context),
                    render_to_string(f"emails/{template}.html", context),
                )
        subject_text, text, html = rendered[language]
        message = EmailMultiAlternatives(subject=subject_text, body=text, to=[address])
        message.attach_alternative(html, "text/html")
        sent += message.send()
    return sent


def _lazy_text(build) -> str:
    """A text built when it is read, in the language active then (see send)."""
    return lazy(build, str)()


def transition_message(event: ReportEvent) -> tuple[str, dict]:
    report = event.report
    to_staff = event.to_status in TO_REVIEWERS
    path = (
        reverse("review-report", args=[report.pk])
        if to_staff
        else reverse("report-overview", args=[report.pk])
    )
    subject = _lazy_text(
        lambda: (
            _("PoA Reports: %(country)s %(year)s — %(status)s")
            % {
                "country": report.country.un_name,
                "year": report.cycle.year,
                "status": str(event.get_to_status_label()).lower(),
            }
        )
    )
    return subject, {"event": event, "report": report, "link": site_url(path)}


def reminder_message(cycle: ReportingCycle, country: Country, days_left: int) -> tuple[str, dict]:
    subject = _lazy_text(
        lambda: (
            ngettext(
                "PoA Reports: the %(year)s national report of %(country)s is due in %(days)s day",
                "PoA Reports: the %(year)s national report of %(country)s is due in %(days)s days",
                days_left,
            )
            % {"year": cycle.year, "country": country.un_name, "days": days_left}
        )
    )
    context = {
        "cycle": cycle,
        "country": country,
        "days_left": days_left,
        "due_on": cycle.due_on,
        "link": site_url(reverse("my-reports")),
    }
    return subject, context


def reminder_steps() -> list[int]:
    return sorted(settings.REPORT_REMINDER_DAYS, reverse=True)


def due_step(days_left: int) -> int | None:
    """The reminder step that applies with `days_left` days to go (the smallest not yet past):
    a day the task did not run is caught up the next day, without sending earlier steps too."""
    steps = [step for step in reminder_steps() if days_left <= step]
    return min(steps) if steps and days_left >= 0 else None


def today() -> datetime.date:
    return datetime.date.today()
