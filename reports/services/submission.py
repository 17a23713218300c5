"""Writes: submitting a report (freezing a revision) and recalling it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import access
from reports.models import CountingRule, NationalReport, Question, Revision
from reports.progress import load_states, missing_required, visibility
from reports.report_forms import jsonable
from reports.selectors import report_answer_values
from reports.services.workflow import record_transition
from reports.statistics.compile import request_compile
from reports.statistics.rows import write_revision_rows


class SubmissionRefused(Exception):
    """The report cannot be submitted or recalled now; the message says why."""


class IncompleteReportError(SubmissionRefused):
    def __init__(self, missing: list[Question]) -> None:
        self.missing = missing
        codes = ", ".join(q.code for q in missing[:10])
        if len(missing) > 10:
            codes = ngettext(
                "%(codes)s and %(more)d more", "%(codes)s and %(more)d more", len(missing) - 10
            ) % {"codes": codes, "more": len(missing) - 10}
        super().__init__(
            ngettext(
                "%(count)d required answer is missing: %(codes)s.",
                "%(count)d required answers are missing: %(codes)s.",
                len(missing),
            )
            % {"count": len(missing), "codes": codes}
        )


def snapshot_answers(report: NationalReport, questions: list[Question]) -> dict[str, Any]:
    """The answers that count (hidden follow-ups left out), as JSON, keyed by question code."""
    state = load_states([report.pk])[report.pk]
    shown = visibility(questions, state)
    codes_shown = {q.code for q in questions if shown[q.pk]}
    values = report_answer_values(report)
    return {code: jsonable(value) for code, value in values.items() if code in codes_shown}


def submit_report(*, report: NationalReport, user) -> Revision:
    """Freeze the answers as a new revision and mark the report submitted.

    Only a submitter of the report's country may submit, only a draft or returned report, and
    only when every required question that is shown has an answer.
    """
    with transaction.atomic():
        report = (
            NationalReport.objects.select_for_update().select_related("cycle").get(pk=report.pk)
        )
        if not access.can_submit(user, report):
            raise SubmissionRefused(
                _("Only the country's submitter can submit, and only a draft or returned report.")
            )
        questions = list(
            Question.objects.filter(version_id=report.cycle.questionnaire_id).order_by("position")
        )
        state = load_states([report.pk])[report.pk]
        missing = missing_required(questions, state)
        if missing:
            raise IncompleteReportError(missing)
        now = timezone.now()
        shown = visibility(questions, state)
        number = (report.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = Revision.objects.create(
            report=report,
            number=number,
            answers=snapshot_answers(report, questions),
            attachments=[
                {
                    "id": attachment.pk,
                    "question": attachment.question.code,
                    "name": attachment.original_name,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                }
                for attachment in report.attachments.current().select_related("question")
                if shown.get(attachment.question_id)
            ],
            submitted_by=user,
            submitted_at=now,
            status_before=report.status,
        )
        from_status = report.status
        report.status = NationalReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        record_transition(report, user, from_status, f"Revision {number}")
        write_revision_rows([revision])
        if report.cycle.counting_rule == CountingRule.SUBMITTED:
            request_compile(report.cycle, reason=f"{report.country} submitted", user=user)
    return revision


def recall_report(*, report: NationalReport, user) -> NationalReport:
    """Take a submission back to draft while the secretariat has not started its review."""
    with transaction.atomic():
        report = (
            NationalReport.objects.select_for_update().select_related("cycle").get(pk=report.pk)
        )
        if not access.can_recall(user, report):
            raise SubmissionRefused(
                _(
                    "Only the country's submitter can recall a report, and only until the "
                    "secretariat starts its review."
                )
            )
        revision = report.revisions.order_by("-number").first()
        report.status = NationalReport.Status.DRAFT
        report.submitted_at = None
        report.submitted_by = None
        if revision is not None:
            revision.recalled_at = timezone.now()
            revision.recalled_by = user
            revision.save(update_fields=["recalled_at", "recalled_by", "updated_at"])
            # Back to what it was: a report returned for revision stays returned.
            report.status = revision.status_before
        report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        # The focal points recalled it themselves: nobody needs an e-mail about it.
        record_transition(report, user, NationalReport.Status.SUBMITTED, "Recalled", notify=False)
        if report.cycle.counting_rule == CountingRule.SUBMITTED:
            request_compile(report.cycle, reason=f"{report.country} recalled", user=user)
    return report
