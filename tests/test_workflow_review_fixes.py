"""Findings of the workflow review, each pinned by a test."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from countries.models import CountryMembership
from reports.models import NationalReport, ReportEvent
from reports.services import save_answer, start_report
from reports.services.submission import recall_report, submit_report
from reports.services.workflow import (
    accept_report,
    add_comment,
    publish_report,
    reopen_report,
    return_for_revision,
    start_review,
)
from reports.tasks import send_deadline_reminders, send_transition_emails
from tests.conftest import fill_required
from tests.factories import country
from tests.helpers import question

pytestmark = pytest.mark.django_db


def accept(report, reviewer):
    start_review(report=report, user=reviewer)
    accept_report(report=report, user=reviewer)


def test_observers_cannot_use_admin_actions_that_change_data(client, observer, contributor):
    membership = contributor.memberships.get()
    client.force_login(observer)
    response = client.post(
        reverse("admin:countries_countrymembership_changelist"),
        {"action": "deactivate", "_selected_action": [membership.pk]},
    )
    assert response.status_code in (200, 302)
    assert CountryMembership.objects.get(pk=membership.pk).is_active


def test_the_report_admin_is_read_only(client, submitted_report, secretariat_admin):
    client.force_login(secretariat_admin)
    url = reverse("admin:reports_nationalreport_change", args=[submitted_report.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"current_revision": ""}).status_code == 403


def test_reopening_does_not_share_old_internal_notes(
    submitted_report, secretariat_reviewer, secretariat_admin
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    note = add_comment(report=submitted_report, user=secretariat_reviewer, body="INTERNAL note")
    accept_report(report=submitted_report, user=secretariat_reviewer)
    reopen_report(report=submitted_report, user=secretariat_admin, message="New figures, please.")
    note.refresh_from_db()
    assert note.shared_at is None
    assert submitted_report.comments.get(body="New figures, please.").shared_at is not None


def test_a_return_shares_only_the_comments_of_that_review(
    submitted_report, secretariat_reviewer, secretariat_admin, submitter
):
    accept(submitted_report, secretariat_reviewer)
    old_note = add_comment(report=submitted_report, user=secretariat_reviewer, body="Old note")
    reopen_report(report=submitted_report, user=secretariat_admin, message="Update 1.1")
    submit_report(report=submitted_report, user=submitter)
    start_review(report=submitted_report, user=secretariat_reviewer)
    new_note = add_comment(report=submitted_report, user=secretariat_reviewer, body="New note")
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix it")
    old_note.refresh_from_db()
    new_note.refresh_from_db()
    assert old_note.shared_at is None and new_note.shared_at is not None


def test_a_mail_error_is_retried_not_lost(submitted_report, secretariat_reviewer, monkeypatch):
    from reports import notifications

    start_review(report=submitted_report, user=secretariat_reviewer)
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix")
    event = submitted_report.events.get(to_status="returned")
    ReportEvent.objects.filter(pk=event.pk).update(notified_at=None)
    mail.outbox.clear()
    real_send = notifications.send

    def failing(**kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr(notifications, "send", failing)
    with pytest.raises(SMTPException):
        send_transition_emails.run(event.pk)
    assert ReportEvent.objects.get(pk=event.pk).notified_at is None
    monkeypatch.setattr(notifications, "send", real_send)
    assert send_transition_emails.run(event.pk) == 1
    assert send_transition_emails.run(event.pk) == 0


def on(days, cycle):
    import datetime

    return (cycle.due_on - datetime.timedelta(days=days)).isoformat()


def test_reminders_skip_returned_reports_and_reach_recalled_drafts(
    open_cycle, submitted_report, secretariat_reviewer, submitter, other_focal
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix")
    mexico = start_report(country=country("MEX"), cycle=open_cycle)
    fill_required(mexico)
    submit_report(report=mexico, user=other_focal)
    recall_report(report=mexico, user=other_focal)
    mail.outbox.clear()
    send_deadline_reminders(on(7, open_cycle))
    assert [m.to for m in mail.outbox] == [["focal@mx.example"]]


def test_one_failing_reminder_does_not_stop_the_others(
    open_cycle, submitter, other_focal, monkeypatch
):
    from reports import notifications

    real_send = notifications.send
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 1:
            raise SMTPException("first address refused")
        return real_send(**kwargs)

    monkeypatch.setattr(notifications, "send", flaky)
    assert send_deadline_reminders(on(7, open_cycle)) == 1
    assert len(calls) == 2


def test_a_recall_clears_the_submission_date(submitted_report, submitter):
    recall_report(report=submitted_report, user=submitter)
    submitted_report.refresh_from_db()
    assert submitted_report.submitted_at is None and submitted_report.submitted_by is None


def test_prefill_comes_from_the_accepted_revision_of_a_reopened_report(
    cycles, secretariat_reviewer, secretariat_admin, submitter
):
    from reports.models import ReportingCycle

    old = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2024))
    fill_required(old)
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    submit_report(report=old, user=submitter)
    accept(old, secretariat_reviewer)
    reopen_report(report=old, user=secretariat_admin, message="Update")
    save_answer(report=old, question=question(old, "1.1"), value="no")  # half-edited
    new = start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), prefill=True
    )
    assert new.answers.get(question__code="1.1").value_choice == "yes"


def test_the_public_page_shows_the_published_revision_not_live_edits(
    client, submitted_report, secretariat_reviewer, secretariat_admin
):
    q = question(submitted_report, "1.1.1")
    first = submitted_report.revisions.get()
    first.answers["1.1"] = "yes"
    first.answers["1.1.1"] = "Published wording"
    first.save()
    accept(submitted_report, secretariat_reviewer)
    publish_report(report=submitted_report, user=secretariat_admin)
    reopen_report(report=submitted_report, user=secretariat_admin, message="Update")
    save_answer(report=submitted_report, question=question(submitted_report, "1.1"), value="yes")
    save_answer(report=submitted_report, question=q, value="Draft wording")
    page = client.get(reverse("public-report", args=[submitted_report.pk])).content.decode()
    assert "Published wording" in page and "Draft wording" not in page


def test_a_public_csv_never_carries_a_formula(
    client, submitted_report, secretariat_reviewer, secretariat_admin
):
    revision = submitted_report.revisions.get()
    revision.answers["1.1"] = "yes"
    revision.answers["1.1.1"] = '=HYPERLINK("http://evil.example","x")'
    revision.save()
    accept(submitted_report, secretariat_reviewer)
    publish_report(report=submitted_report, user=secretariat_admin)
    csv = client.get(reverse("public-report-csv", args=[submitted_report.pk])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv and ',"=HYPERLINK' not in csv


@pytest.mark.parametrize(
    "url",
    [
        "/public/countries/G%00H/",
        "/review/?region=%00",
        "/review/?group=x%00",
    ],
)
def test_nul_characters_get_a_400_not_a_500(client, secretariat_reviewer, cycles, url):
    client.force_login(secretariat_reviewer)
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_a_nul_in_a_posted_field_is_refused(client, submitted_report, secretariat_reviewer):
    client.force_login(secretariat_reviewer)
    url = reverse("report-comment", args=[submitted_report.pk])
    assert client.post(url, {"body": "ok", "question": "1.1\x00"}).status_code == 400
    assert not submitted_report.comments.exists()


def test_the_queue_lists_states_that_have_not_started(client, open_cycle, secretariat_reviewer):
    start_report(country=country("GHA"), cycle=open_cycle)
    client.force_login(secretariat_reviewer)
    html = client.get(reverse("review-queue") + "?cycle=2026&region=africa").content.decode()
    assert "53 States have not started a report for this cycle" in html
    assert "Kenya" in html


def test_the_diff_lists_files_added_and_removed(
    client, ghana_report, submitter, secretariat_reviewer
):
    from reports.services.attachments import add_attachment

    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.2"), value="yes")
    submit_report(report=ghana_report, user=submitter)
    start_review(report=ghana_report, user=secretariat_reviewer)
    return_for_revision(report=ghana_report, user=secretariat_reviewer, message="Attach the plan")
    add_attachment(
        report=ghana_report,
        question=question(ghana_report, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"),
    )
    submit_report(report=ghana_report, user=submitter)
    client.force_login(secretariat_reviewer)
    html = client.get(reverse("review-diff", args=[ghana_report.pk])).content.decode()
    assert "added: 1.2.2: plan.pdf" in html


def test_confirming_a_copied_answer_is_in_the_history(cycles, submitter):
    from reports.models import ReportingCycle
    from reports.services import confirm_prefilled
    from tests.helpers import accept_directly

    old = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2024))
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    accept_directly(old)
    new = start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), prefill=True
    )
    confirm_prefilled(report=new, question_ids=[question(new, "1.1").pk], user=submitter)
    event = new.events.get()
    assert event.actor == submitter and "copied from 2024 confirmed" in event.message
    NationalReport.objects.filter(pk=new.pk).update(status="submitted")
    from reports.services import ReportNotEditableError

    with pytest.raises(ReportNotEditableError):
        confirm_prefilled(report=new, question_ids=[question(new, "1.1").pk])
