"""Writes: the review workflow as an explicit state machine, and comments.

draft → submitted → under review → returned → submitted … → accepted → published.
Each transition is one function: it locks the report, checks the current state and the actor's
role, records who, when and why, and queues the e-mails once the transaction commits. Anything
else is refused with WorkflowRefused and a message saying why.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import access
from reports.models import (
    Comment,
    CountingRule,
    NationalReport,
    Question,
    ReportEvent,
    Revision,
)
from reports.statistics.compile import request_compile

log = logging.getLogger(__name__)

Status = NationalReport.Status


class WorkflowRefused(Exception):
    """A transition or comment that is not allowed now; the message says why."""


def _locked(report: NationalReport) -> NationalReport:
    return (
        NationalReport.objects.select_for_update()
        .select_related("country", "cycle")
        .get(pk=report.pk)
    )


def record_transition(
    report: NationalReport, actor, from_status: str, message: str = "", *, notify: bool = True
):
    """Record a status change and (unless `notify` is off) queue its e-mails after commit."""
    from reports.services.audit import record_event
    from reports.tasks import send_transition_emails

    event = record_event(
        report=report,
        kind=ReportEvent.Kind.TRANSITION,
        actor=actor,
        from_status=from_status,
        to_status=report.status,
        message=message,
    )
    if notify:
        transaction.on_commit(lambda: _queue_emails(send_transition_emails, event))
    return event


def _queue_emails(task, event: ReportEvent) -> None:
    """Runs after the commit: a broker that is down must not turn the done change into an error
    page. The e-mails are then not sent (the event keeps notified_at empty); the error is logged."""
    try:
        task.delay(event.pk)
    except Exception:
        log.exception("Could not queue the e-mails of event %s", event.pk)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowRefused(message)


def _latest_revision(report: NationalReport) -> Revision:
    revision = report.revisions.order_by("-number").first()
    _require(revision is not None, _("The report has no submitted revision."))
    return revision


def start_review(*, report: NationalReport, user) -> NationalReport:
    with transaction.atomic():
        report = _locked(report)
        _require(access.can_review(user), _("Only secretariat reviewers can start a review."))
        _require(
            report.status == Status.SUBMITTED,
            _("Only a submitted report can be taken into review; this one is %(status)s.")
            % {"status": report.get_status_display().lower()},
        )
        report.status = Status.UNDER_REVIEW
        report.save(update_fields=["status", "updated_at"])
        record_transition(report, user, Status.SUBMITTED)
    return report


def return_for_revision(*, report: NationalReport, user, message: str) -> NationalReport:
    """Send the report back to the country; the secretariat's comments become visible to it."""
    message = (message or "").strip()
    with transaction.atomic():
        report = _locked(report)
        _require(access.can_review(user), _("Only secretariat reviewers can return a report."))
        _require(
            report.status == Status.UNDER_REVIEW,
            _("Only a report under review can be returned for revision."),
        )
        _require(bool(message), _("Say what the country should revise."))
        add_comment(report=report, user=user, body=message, check=False)
        # Only this review's comments go to the country; notes from an earlier review that ended
        # in acceptance stay with the secretariat.
        review_started = (
            report.events.filter(kind=ReportEvent.Kind.TRANSITION, to_status=Status.UNDER_REVIEW)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        unshared = report.comments.filter(by_secretariat=True, shared_at__isnull=True)
        if review_started is not None:
            unshared = unshared.filter(created_at__gte=review_started)
        unshared.update(shared_at=timezone.now())
        report.status = Status.RETURNED
        report.save(update_fields=["status", "updated_at"])
        record_transition(report, user, Status.UNDER_REVIEW, message)
    return report


def accept_report(*, report: NationalReport, user) -> NationalReport:
    """Accept the latest revision; it becomes "the" report and supersedes an earlier one."""
    with transaction.atomic():
        report = _locked(report)
        _require(access.can_review(user), _("Only secretariat reviewers can accept a report."))
        _require(
            report.status == Status.UNDER_REVIEW, _("Only a report under review can be accepted.")
        )
        revision = _latest_revision(report)
        now = timezone.now()
        if report.current_revision_id and report.current_revision_id != revision.pk:
            Revision.objects.filter(pk=report.current_revision_id).update(superseded_at=now)
        revision.accepted_at = now
        revision.accepted_by = user
        revision.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        report.current_revision = revision
        report.status = Status.ACCEPTED
        report.save(update_fields=["status", "current_revision", "updated_at"])
        record_transition(report, user, Status.UNDER_REVIEW)
        if report.cycle.counting_rule == CountingRule.ACCEPTED:
            # Only this cycle is recompiled; its other cycles' results stay as they are.
            request_compile(report.cycle, reason=f"{report.country} accepted", user=user)
    return report


def publish_report(*, report: NationalReport, user) -> NationalReport:
    with transaction.atomic():
        report = _locked(report)
        _require(access.can_publish(user), _("Only secretariat administrators can publish."))
        _require(report.status == Status.ACCEPTED, _("Only an accepted report can be published."))
        revision = report.current_revision
        revision.published_at = timezone.now()
        revision.save(update_fields=["published_at", "updated_at"])
        report.status = Status.PUBLISHED
        report.save(update_fields=["status", "updated_at"])
        record_transition(report, user, Status.ACCEPTED)
    return report


def reopen_report(*, report: NationalReport, user, message: str) -> NationalReport:
    """Give an accepted report back to the country for a new revision.

    The accepted (and published) revision keeps counting until the new one is accepted.
    """
    message = (message or "").strip()
    with transaction.atomic():
        report = _locked(report)
        _require(
            access.can_publish(user), _("Only secretariat administrators can reopen a report.")
        )
        _require(
            report.status in (Status.ACCEPTED, Status.PUBLISHED),
            _("Only an accepted or published report can be reopened."),
        )
        _require(bool(message), _("Say why the report is reopened."))
        from_status = report.status
        reason = add_comment(report=report, user=user, body=message, check=False)
        reason.shared_at = timezone.now()  # the reason, and nothing older, goes to the country
        reason.save(update_fields=["shared_at", "updated_at"])
        report.status = Status.RETURNED
        report.save(update_fields=["status", "updated_at"])
        record_transition(report, user, from_status, message)
    return report


MAX_COMMENT = 5000


def add_comment(
    *, report: NationalReport, user, body: str, question: Question | None = None, check=True
) -> Comment:
    """A comment on the report or one of its questions, by the secretariat or a focal point."""
    from reports.services.audit import record_event

    body = (body or "").strip()
    if not body:
        raise WorkflowRefused(_("The comment is empty."))
    if len(body) > MAX_COMMENT:
        raise WorkflowRefused(
            _("A comment may be at most %(limit)s characters long.") % {"limit": f"{MAX_COMMENT:,}"}
        )
    if "\x00" in body:
        raise WorkflowRefused(_("The comment contains a NUL character; please retype it."))
    if question is not None and question.version_id != report.cycle.questionnaire_id:
        raise WorkflowRefused(_("That question is not part of this report."))
    staff = access.can_review(user)
    if check and not staff and access.role_in(user, report.country_id) is None:
        raise WorkflowRefused(_("Only the secretariat and the country's focal points can comment."))
    # A focal point's reply is seen by the secretariat at once; the secretariat's comments reach
    # the country when the report is returned to it (at once if it is already returned).
    status = NationalReport.objects.values_list("status", flat=True).get(pk=report.pk)
    shared = not staff or status == Status.RETURNED
    comment = Comment.objects.create(
        report=report,
        question=question,
        author=user,
        by_secretariat=staff,
        body=body,
        shared_at=timezone.now() if shared else None,
    )
    record_event(
        report=report, kind=ReportEvent.Kind.COMMENT, actor=user, question=question, message=body
    )
    return comment
