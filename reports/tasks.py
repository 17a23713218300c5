"""Celery tasks: they take ids, re-read the rows, and can run twice without doing twice."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from countries.models import Country
from reports import notifications
from reports.models import NationalReport, ReminderSent, ReportEvent, ReportingCycle

log = logging.getLogger(__name__)
SUBMITTED_OR_LATER = [
    NationalReport.Status.SUBMITTED,
    NationalReport.Status.UNDER_REVIEW,
    NationalReport.Status.ACCEPTED,
    NationalReport.Status.PUBLISHED,
]


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_transition_emails(event_id: int) -> int:
    """E-mail the people concerned by a status change, once."""
    with transaction.atomic():
        event = (
            ReportEvent.objects.select_for_update(skip_locked=True)
            .select_related("report__country", "report__cycle")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return 0  # already done, or being done by another worker
        # Marked first: a worker dying after this line sends nothing twice.
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    recipients = notifications.recipients_for(event)
    if not recipients:
        return 0
    subject, context = notifications.transition_message(event)
    return notifications.send(
        template="transition", context=context, to=recipients, subject=subject
    )


@shared_task(acks_late=True)
def send_deadline_reminders(today: str | None = None) -> int:
    """Remind the States that have not submitted, at each configured step before the due date."""
    day = datetime.date.fromisoformat(today) if today else notifications.today()
    sent = 0
    for cycle in ReportingCycle.objects.open(day):
        days_left = (cycle.due_on - day).days
        step = notifications.due_step(days_left)
        if step is None:
            continue
        done = NationalReport.objects.filter(cycle=cycle, status__in=SUBMITTED_OR_LATER)
        countries = (
            Country.objects.exclude(pk__in=done.values("country_id"))
            .filter(memberships__is_active=True)
            .distinct()
        )
        for country in countries:
            sent += _remind(cycle, country, step, days_left)
    return sent


def _remind(cycle: ReportingCycle, country: Country, step: int, days_left: int) -> int:
    # The row is written (and committed) before the e-mail: a second run, or a retry after a
    # crash, finds it and sends nothing. A crash between the two loses one reminder rather than
    # sending it twice.
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(cycle=cycle, country=country, days_before=step)
    except IntegrityError:
        return 0
    recipients = notifications.focal_point_emails(country)
    subject, context = notifications.reminder_message(cycle, country, days_left)
    count = notifications.send(template="reminder", context=context, to=recipients, subject=subject)
    reminder.sent_at = timezone.now()
    reminder.recipients = recipients
    reminder.save(update_fields=["sent_at", "recipients", "updated_at"])
    log.info("Reminder %s days before sent to %s (%s)", step, country, len(recipients))
    return count
