"""Celery tasks: they take ids, re-read the rows, and can run twice without doing twice."""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from countries.models import Country
from reports import notifications
from reports.models import (
    NationalReport,
    ReminderSent,
    ReportEvent,
    ReportingCycle,
    StatisticsRun,
)

log = logging.getLogger(__name__)
# Reminded: States with no report or a draft. A report returned for revision (or reopened) has
# been submitted; the secretariat's message, not a deadline reminder, is what it needs.
NOT_SUBMITTED = [NationalReport.Status.DRAFT]
MAIL_ERRORS = (OSError, SMTPException)


@shared_task(acks_late=True, autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=8)
def send_transition_emails(event_id: int) -> int:
    """E-mail the people concerned by a status change.

    The event row stays locked while the e-mails go out and is marked in the same transaction:
    a second worker waits and then finds it done; a mail error rolls the mark back and the task
    is retried. (Only a worker dying between sending and committing could send twice.)
    """
    with transaction.atomic():
        event = (
            ReportEvent.objects.select_for_update()
            .select_related("report__country", "report__cycle")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return 0  # already done
        recipients = notifications.recipients_for(event)
        sent = 0
        if recipients:
            subject, context = notifications.transition_message(event)
            sent = notifications.send(
                template="transition", context=context, to=recipients, subject=subject
            )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return sent


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
        done = NationalReport.objects.filter(cycle=cycle).exclude(status__in=NOT_SUBMITTED)
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
    # crash, finds it and sends nothing. A crash or mail error between the two leaves the row
    # without sent_at (visible to staff) rather than risk sending the reminder twice.
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(cycle=cycle, country=country, days_before=step)
    except IntegrityError:
        return 0
    recipients = notifications.focal_point_emails(country)
    subject, context = notifications.reminder_message(cycle, country, days_left)
    try:
        count = notifications.send(
            template="reminder", context=context, to=recipients, subject=subject
        )
    except MAIL_ERRORS:
        log.exception("Reminder to %s (%s days) could not be sent", country, step)
        return 0
    reminder.sent_at = timezone.now()
    reminder.recipients = recipients
    reminder.save(update_fields=["sent_at", "recipients", "updated_at"])
    log.info("Reminder %s days before sent to %s (%s)", step, country, len(recipients))
    return count


# -- statistics -------------------------------------------------------------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-compile: the task is delivered again
    autoretry_for=DATABASE_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def compile_cycle_statistics(cycle_id: int, run_id: int | None = None, force: bool = False) -> str:
    """Compile one cycle's statistics (nothing happens when its inputs did not change)."""
    from reports.statistics.compile import compile_cycle

    cycle = ReportingCycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return "gone"
    run = StatisticsRun.objects.filter(pk=run_id, cycle=cycle).first() if run_id else None
    if run is not None and run.status in (
        StatisticsRun.Status.DONE,
        StatisticsRun.Status.UNCHANGED,
    ):
        return run.status  # delivered twice: the first delivery did the work
    try:
        return compile_cycle(cycle, run=run, force=force).status
    except DATABASE_ERRORS:
        raise  # retried
    except Exception:
        return (
            StatisticsRun.Status.FAILED
        )  # kept on the run with its reason; a retry would fail alike


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_all_statistics(force: bool = False) -> dict[int, str]:
    """Compile every cycle in turn, oldest first (what changed is recompiled, the rest skipped)."""
    from reports.statistics.compile import compile_cycle, waiting_run

    results = {}
    for cycle in ReportingCycle.objects.order_by("year"):
        try:
            run = compile_cycle(cycle, run=waiting_run(cycle), force=force, reason="all cycles")
            results[cycle.year] = run.status
        except Exception:
            results[cycle.year] = StatisticsRun.Status.FAILED
    return results


# -- documents --------------------------------------------------------------------------------


class ReportChanged(Exception):
    """A summary report edited between asking for its PDF and the worker making it."""


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-render: the render is delivered again
    autoretry_for=DATABASE_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def render_summary_pdf(report_id: int, document_id: int) -> str:
    """Render a summary report's PDF into its RenderedPdf row (nothing if it is already done)."""
    from reports.models import RenderedPdf
    from reports.services.documents import render_into
    from reports.summary.document import build_document, fingerprint, load_report
    from reports.summary.render import document_html

    document = RenderedPdf.objects.filter(pk=document_id).first()
    if document is None or document.status == RenderedPdf.Status.DONE:
        return "done"

    def build(progress) -> str:
        report = load_report(report_id)
        if fingerprint(report) != document.fingerprint:
            # Edited since the PDF was asked for: this row stands for the old text, which is gone.
            raise ReportChanged(
                "The report changed while its PDF was waiting to be made; ask for it again."
            )
        progress(20, "Filling in the numbers")
        built = build_document(report)
        progress(40, "Drawing the charts")
        return document_html(built)

    try:
        render_into(document, build)
    except DATABASE_ERRORS:
        raise
    except Exception:
        return RenderedPdf.Status.FAILED  # kept on the row with its reason
    return RenderedPdf.Status.DONE
