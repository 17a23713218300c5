"""The review workflow: every allowed and refused transition, the supersede rule, the trail."""

import pytest

from reports.models import NationalReport, ReportEvent, Revision
from reports.services import save_answer
from reports.services.submission import recall_report, submit_report
from reports.services.workflow import (
    WorkflowRefused,
    accept_report,
    add_comment,
    publish_report,
    reopen_report,
    return_for_revision,
    start_review,
)
from tests.conftest import fill_required
from tests.helpers import question

pytestmark = pytest.mark.django_db
Status = NationalReport.Status


def status_of(report):
    report.refresh_from_db()
    return report.status


def test_the_whole_way_to_publication(submitted_report, secretariat_reviewer, secretariat_admin):
    report = submitted_report
    start_review(report=report, user=secretariat_reviewer)
    assert status_of(report) == Status.UNDER_REVIEW
    accept_report(report=report, user=secretariat_reviewer)
    assert status_of(report) == Status.ACCEPTED
    assert report.current_revision.number == 1
    assert report.current_revision.accepted_by == secretariat_reviewer
    publish_report(report=report, user=secretariat_admin)
    assert status_of(report) == Status.PUBLISHED
    assert report.current_revision.published_at is not None
    trail = list(report.events.filter(kind="transition").values_list("from_status", "to_status"))
    assert trail == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "accepted"),
        ("accepted", "published"),
    ]


def test_return_shares_comments_and_the_country_resubmits(
    submitted_report, secretariat_reviewer, submitter
):
    report = submitted_report
    start_review(report=report, user=secretariat_reviewer)
    q = question(report, "1.1")
    note = add_comment(report=report, user=secretariat_reviewer, body="Please check.", question=q)
    assert note.by_secretariat and note.shared_at is None
    return_for_revision(report=report, user=secretariat_reviewer, message="Two answers to revise.")
    assert status_of(report) == Status.RETURNED
    assert report.comments.filter(by_secretariat=True, shared_at__isnull=True).count() == 0
    reply = add_comment(report=report, user=submitter, body="Checked and fixed.", question=q)
    assert not reply.by_secretariat and reply.shared_at is not None
    save_answer(report=report, question=q, value="developing", user=submitter)
    assert submit_report(report=report, user=submitter).number == 2
    assert status_of(report) == Status.SUBMITTED


def test_reopening_keeps_the_accepted_revision_until_the_new_one_is_accepted(
    submitted_report, secretariat_reviewer, secretariat_admin, submitter
):
    report = submitted_report
    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    publish_report(report=report, user=secretariat_admin)
    reopen_report(report=report, user=secretariat_admin, message="New figures for 2025.")
    assert status_of(report) == Status.RETURNED
    first = Revision.objects.get(report=report, number=1)
    assert report.current_revision == first and first.superseded_at is None
    submit_report(report=report, user=submitter)
    start_review(report=report, user=secretariat_reviewer)
    accept_report(report=report, user=secretariat_reviewer)
    report.refresh_from_db()
    first.refresh_from_db()
    assert report.current_revision.number == 2
    assert first.superseded_at is not None


REFUSALS = [
    # (what, status the report is put in, function, actor fixture, message part)
    ("review a draft", "draft", start_review, "secretariat_reviewer", "Only a submitted report"),
    ("accept a submitted one", "submitted", accept_report, "secretariat_reviewer", "under review"),
    (
        "focal point starts review",
        "submitted",
        start_review,
        "submitter",
        "Only secretariat reviewers",
    ),
    ("observer accepts", "under_review", accept_report, "observer", "Only secretariat reviewers"),
    ("reviewer publishes", "accepted", publish_report, "secretariat_reviewer", "administrators"),
    ("publish unaccepted", "under_review", publish_report, "secretariat_admin", "Only an accepted"),
    ("accept a returned one", "returned", accept_report, "secretariat_reviewer", "under review"),
    ("accept twice", "accepted", accept_report, "secretariat_admin", "under review"),
    ("focal point accepts", "under_review", accept_report, "submitter", "Only secretariat"),
    ("focal point publishes", "accepted", publish_report, "submitter", "administrators"),
    ("observer publishes", "accepted", publish_report, "observer", "administrators"),
    ("observer starts review", "submitted", start_review, "observer", "Only secretariat"),
    ("review twice", "under_review", start_review, "secretariat_admin", "Only a submitted"),
]


MESSAGE_REFUSALS = [
    (
        "return a submitted one",
        "submitted",
        return_for_revision,
        "secretariat_reviewer",
        "Only a report under review",
    ),
    ("focal point returns", "under_review", return_for_revision, "submitter", "Only secretariat"),
    ("observer returns", "under_review", return_for_revision, "observer", "Only secretariat"),
    ("reopen a draft", "draft", reopen_report, "secretariat_admin", "Only an accepted"),
    ("focal point reopens", "accepted", reopen_report, "submitter", "administrators"),
]


@pytest.mark.parametrize(("what", "status", "transition", "actor", "message"), MESSAGE_REFUSALS)
def test_refused_transitions_with_a_message(
    request, submitted_report, what, status, transition, actor, message
):
    NationalReport.objects.filter(pk=submitted_report.pk).update(status=status)
    with pytest.raises(WorkflowRefused, match=message):
        transition(report=submitted_report, user=request.getfixturevalue(actor), message="Why")
    assert status_of(submitted_report) == status


def test_a_contributor_cannot_submit_or_recall(ghana_report, contributor, submitter):
    from reports.services.submission import SubmissionRefused

    fill_required(ghana_report)
    with pytest.raises(SubmissionRefused):
        submit_report(report=ghana_report, user=contributor)
    submit_report(report=ghana_report, user=submitter)
    with pytest.raises(SubmissionRefused):
        recall_report(report=ghana_report, user=contributor)
    recall_report(report=ghana_report, user=submitter)
    with pytest.raises(SubmissionRefused):  # a draft cannot be recalled
        recall_report(report=ghana_report, user=submitter)


@pytest.mark.parametrize(("what", "status", "transition", "actor", "message"), REFUSALS)
def test_refused_transitions_say_why_and_change_nothing(
    request, submitted_report, what, status, transition, actor, message
):
    NationalReport.objects.filter(pk=submitted_report.pk).update(status=status)
    events = ReportEvent.objects.count()
    with pytest.raises(WorkflowRefused, match=message):
        transition(report=submitted_report, user=request.getfixturevalue(actor))
    assert status_of(submitted_report) == status
    assert ReportEvent.objects.count() == events


def test_return_and_reopen_need_a_message(
    submitted_report, secretariat_reviewer, secretariat_admin
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    with pytest.raises(WorkflowRefused, match="Say what the country should revise"):
        return_for_revision(report=submitted_report, user=secretariat_reviewer, message="  ")
    accept_report(report=submitted_report, user=secretariat_reviewer)
    with pytest.raises(WorkflowRefused, match="Say why"):
        reopen_report(report=submitted_report, user=secretariat_admin, message="")
    with pytest.raises(WorkflowRefused, match="administrators"):
        reopen_report(report=submitted_report, user=secretariat_reviewer, message="x")


def test_recall_is_refused_once_review_started(submitted_report, secretariat_reviewer, submitter):
    from reports.services.submission import SubmissionRefused

    start_review(report=submitted_report, user=secretariat_reviewer)
    with pytest.raises(SubmissionRefused):
        recall_report(report=submitted_report, user=submitter)


def test_the_trail_records_edits_comments_and_files(ghana_report, submitter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.services.attachments import add_attachment, remove_attachment

    q = question(ghana_report, "1.1")
    save_answer(report=ghana_report, question=q, value="yes", user=submitter)
    save_answer(report=ghana_report, question=q, value="no", user=submitter)
    attachment = add_attachment(
        report=ghana_report,
        question=question(ghana_report, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"),
        user=submitter,
    )
    remove_attachment(attachment=attachment, user=submitter)
    edits = list(ghana_report.events.filter(kind="edit").values_list("old_value", "new_value"))
    assert edits == [(None, "yes"), ("yes", "no")]
    kinds = list(ghana_report.events.values_list("kind", flat=True))
    assert kinds == ["edit", "edit", "upload", "removal"]
    assert ghana_report.events.filter(actor=submitter).count() == 4


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, "a\x00b"])
def test_bad_comments_are_refused(submitted_report, secretariat_reviewer, body):
    with pytest.raises(WorkflowRefused):
        add_comment(report=submitted_report, user=secretariat_reviewer, body=body)


def test_another_countrys_focal_point_cannot_comment(submitted_report, other_focal):
    with pytest.raises(WorkflowRefused, match="Only the secretariat"):
        add_comment(report=submitted_report, user=other_focal, body="Hello")


def test_a_comment_on_a_returned_report_reaches_the_country_at_once(
    submitted_report, secretariat_reviewer
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix it.")
    later = add_comment(report=submitted_report, user=secretariat_reviewer, body="One more thing.")
    assert later.shared_at is not None
