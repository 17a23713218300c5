"""E-mails on transitions and deadline reminders: to the right people, once, in text and HTML."""

import datetime

import pytest
from django.core import mail

from reports.models import NationalReport, ReminderSent, ReportEvent
from reports.services.submission import submit_report
from reports.services.workflow import accept_report, return_for_revision, start_review
from reports.tasks import send_deadline_reminders, send_transition_emails
from tests.conftest import fill_required

pytestmark = pytest.mark.django_db


def test_a_submission_is_announced_to_reviewers_after_commit(
    ghana_report,
    submitter,
    secretariat_reviewer,
    secretariat_admin,
    observer,
    django_capture_on_commit_callbacks,
):
    fill_required(ghana_report)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_report(report=ghana_report, user=submitter)
    assert mail.outbox == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["admin@unoda.example", "reviewer@unoda.example"]
    message = mail.outbox[0]
    assert "Ghana 2026" in message.subject and "submitted" in message.subject
    assert "/review/reports/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<strong>submitted</strong>" in html


def test_return_and_acceptance_are_announced_to_the_focal_points(
    submitted_report,
    secretariat_reviewer,
    submitter,
    contributor,
    other_focal,
    django_capture_on_commit_callbacks,
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return_for_revision(
            report=submitted_report, user=secretariat_reviewer, message="Please add the laws."
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contributor@gh.example",
        "submitter@gh.example",
    ]
    assert "Please add the laws." in mail.outbox[0].body
    assert "returned for revision" in mail.outbox[0].subject


def test_a_transition_e_mail_goes_out_once_even_if_the_task_runs_twice(
    submitted_report, secretariat_reviewer, submitter
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    accept_report(report=submitted_report, user=secretariat_reviewer)
    event = submitted_report.events.filter(to_status="accepted").get()
    ReportEvent.objects.filter(pk=event.pk).update(notified_at=None)
    mail.outbox.clear()
    assert send_transition_emails(event.pk) == 1
    assert send_transition_emails(event.pk) == 0
    assert len(mail.outbox) == 1


# -- reminders ------------------------------------------------------------------------------


def on(days_before_due, cycle):
    return (cycle.due_on - datetime.timedelta(days=days_before_due)).isoformat()


@pytest.fixture
def reminder_setup(open_cycle, submitter, other_focal):
    """Ghana has a draft; Mexico has submitted; both have focal points."""
    from reports.services import start_report
    from tests.factories import country

    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    mexico = start_report(country=country("MEX"), cycle=open_cycle)
    fill_required(mexico)
    submit_report(report=mexico, user=other_focal)
    mail.outbox.clear()
    return open_cycle, ghana


def test_reminders_go_to_states_that_have_not_submitted(reminder_setup):
    cycle, _ghana = reminder_setup
    assert send_deadline_reminders(on(30, cycle)) == 1
    assert [m.to for m in mail.outbox] == [["submitter@gh.example"]]
    assert "due in 30 days" in mail.outbox[0].subject
    assert "31 March 2026" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_running_the_reminder_task_twice_sends_each_reminder_once(reminder_setup):
    cycle, _ = reminder_setup
    send_deadline_reminders(on(7, cycle))
    send_deadline_reminders(on(7, cycle))
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().days_before == 7


def test_each_step_once_and_a_missed_day_is_caught_up(reminder_setup):
    cycle, _ = reminder_setup
    send_deadline_reminders(on(31, cycle))  # too early: nothing
    assert mail.outbox == []
    send_deadline_reminders(on(29, cycle))  # the 30-day run was missed: sent now
    send_deadline_reminders(on(20, cycle))  # same step: nothing more
    send_deadline_reminders(on(6, cycle))  # the 7-day step
    send_deadline_reminders(on(0, cycle))  # the 1-day step, on the day itself
    send_deadline_reminders(on(-1, cycle))  # overdue: no more reminders
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [1, 7, 30]
    assert len(mail.outbox) == 3


def test_a_reminder_row_already_written_is_never_sent_again(reminder_setup):
    """A worker that died after writing the row and before sending: the retry sends nothing."""
    from tests.factories import country

    cycle, _ = reminder_setup
    ReminderSent.objects.create(cycle=cycle, country=country("GHA"), days_before=7)
    assert send_deadline_reminders(on(7, cycle)) == 0
    assert mail.outbox == []


def test_no_reminder_after_submission(reminder_setup, submitter):
    cycle, ghana = reminder_setup
    NationalReport.objects.filter(pk=ghana.pk).update(status="submitted")
    assert send_deadline_reminders(on(1, cycle)) == 0


def test_the_beat_schedule_runs_the_reminders():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == "reports.tasks.send_deadline_reminders"
    assert settings.REPORT_REMINDER_DAYS == [30, 7, 1]


def test_a_recall_sends_no_e_mail(submitted_report, submitter, django_capture_on_commit_callbacks):
    from reports.services.submission import recall_report

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recall_report(report=submitted_report, user=submitter)
    assert mail.outbox == []
    assert submitted_report.events.filter(message="Recalled").exists()
