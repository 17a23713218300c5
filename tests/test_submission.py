"""Submitting: completeness check, confirmation, an immutable revision; recall."""

import pytest
from django.urls import reverse

from reports.models import NationalReport, Revision
from reports.services import save_answer
from reports.services.submission import IncompleteReportError, SubmissionRefused, submit_report
from tests.conftest import fill_required
from tests.helpers import accept_directly, question

pytestmark = pytest.mark.django_db


def test_the_check_lists_every_missing_required_answer_with_a_link(client, submitter, ghana_report):
    client.force_login(submitter)
    page = client.get(reverse("report-submit", args=[ghana_report.pk])).content.decode()
    assert "46 required answers are missing" in page
    link = reverse("report-section", args=[ghana_report.pk, "1"]) + "#q-1.1"
    assert f'href="{link}"' in page
    assert 'name="confirm"' not in page


def test_submit_needs_the_confirmation_then_freezes_a_revision(client, submitter, ghana_report):
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    client.force_login(submitter)
    url = reverse("report-submit", args=[ghana_report.pk])
    assert "Tick the box" in client.post(url, {}).content.decode()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    ghana_report.refresh_from_db()
    assert ghana_report.status == NationalReport.Status.SUBMITTED
    assert ghana_report.submitted_by == submitter
    revision = ghana_report.revisions.get()
    assert revision.number == 1 and revision.submitted_by == submitter
    assert revision.answers["1.1"] == "yes"
    overview = client.get(reverse("report-overview", args=[ghana_report.pk])).content.decode()
    assert "Submitted" in overview and "Revision 1" in overview


def test_a_contributor_cannot_submit(client, contributor, ghana_report):
    fill_required(ghana_report)
    client.force_login(contributor)
    url = reverse("report-submit", args=[ghana_report.pk])
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    with pytest.raises(SubmissionRefused):
        submit_report(report=ghana_report, user=contributor)
    assert not Revision.objects.exists()


def test_the_service_refuses_an_incomplete_report(submitter, ghana_report):
    with pytest.raises(IncompleteReportError) as error:
        submit_report(report=ghana_report, user=submitter)
    assert len(error.value.missing) == 46


def test_hidden_follow_ups_are_kept_but_do_not_count(submitter, ghana_report):
    fill_required(ghana_report)
    q11 = question(ghana_report, "1.1")
    save_answer(report=ghana_report, question=q11, value="yes")
    save_answer(report=ghana_report, question=question(ghana_report, "1.1.1"), value="Commission")
    save_answer(report=ghana_report, question=q11, value="no")  # hides 1.1.1
    revision = submit_report(report=ghana_report, user=submitter)
    assert "1.1.1" not in revision.answers
    assert ghana_report.answers.filter(question__code="1.1.1").exists()  # kept


def test_a_follow_up_that_becomes_required_is_checked(submitter, ghana_report):
    """Completeness follows visibility: a required follow-up counts only when shown."""
    from reports.models import Question

    fill_required(ghana_report)
    Question.objects.filter(version_id=ghana_report.cycle.questionnaire_id, code="1.1.1").update(
        required=True
    )
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    with pytest.raises(IncompleteReportError, match=r"1\.1\.1"):
        submit_report(report=ghana_report, user=submitter)
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    submit_report(report=ghana_report, user=submitter)


def test_recall_until_review_starts_and_the_revision_stays_as_submitted(
    client, submitter, ghana_report
):
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    revision = submit_report(report=ghana_report, user=submitter)
    client.force_login(submitter)
    assert client.post(reverse("report-recall", args=[ghana_report.pk])).status_code == 302
    ghana_report.refresh_from_db()
    assert ghana_report.status == NationalReport.Status.DRAFT
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    revision.refresh_from_db()
    assert revision.answers["1.1"] == "yes" and revision.recalled_at is not None
    assert submit_report(report=ghana_report, user=submitter).number == 2


def test_no_recall_once_review_started(client, submitter, ghana_report):
    NationalReport.objects.filter(pk=ghana_report.pk).update(status="under_review")
    client.force_login(submitter)
    response = client.post(reverse("report-recall", args=[ghana_report.pk]), follow=True)
    assert "until the secretariat starts its review" in response.content.decode()
    ghana_report.refresh_from_db()
    assert ghana_report.status == "under_review"


def test_revision_and_print_views(client, submitter, ghana_report):
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="developing")
    submit_report(report=ghana_report, user=submitter)
    client.force_login(submitter)
    page = client.get(reverse("report-revision", args=[ghana_report.pk, 1])).content.decode()
    assert "Revision 1, submitted" in page and "Developing" in page
    printed = client.get(reverse("report-print", args=[ghana_report.pk])).content.decode()
    assert "Current answers" in printed and "Developing" in printed
    assert client.get(reverse("report-revision", args=[ghana_report.pk, 2])).status_code == 404


def test_the_check_mentions_copied_answers_not_yet_confirmed(client, cycles, submitter):
    from reports.models import ReportingCycle
    from reports.services import start_report
    from tests.factories import country

    old = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2024))
    fill_required(old)
    accept_directly(old)
    new = start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), prefill=True
    )
    client.force_login(submitter)
    page = client.get(reverse("report-submit", args=[new.pk])).content.decode()
    assert "46 answers copied from the 2024 report have not been confirmed" in page
    assert 'name="confirm"' in page  # a reminder, not a barrier
