"""Writes: files attached to file questions."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.answers import AnswerValidationError
from reports.files import FileRefused, check_upload, sha256_of
from reports.models import Attachment, NationalReport, Question, QuestionType, ReportEvent
from reports.services.answers import lock_editable_report
from reports.services.audit import record_event

MAX_ORIGINAL_NAME = 255


class OneFileOnly(FileRefused):
    """The question takes one file and has one already."""

    code = "one_file_only"


def add_attachment(
    *, report: NationalReport, question: Question, upload: UploadedFile, user=None
) -> Attachment:
    """Check the file by its content and store it under a random name.

    Raises FileRefused (with the reason) for a file that is too large, of a kind not accepted or
    disguised under another extension; AnswerValidationError for a question that takes no files.
    """
    if question.version_id != report.cycle.questionnaire_id or question.type != QuestionType.FILE:
        raise AnswerValidationError(question.code, _("this question does not take files."))
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][-MAX_ORIGINAL_NAME:]
    kind = check_upload(name, upload.size or 0, upload)
    digest = sha256_of(upload)
    with transaction.atomic():
        lock_editable_report(report.pk, _("Files can be added"))
        if (
            not question.multiple
            and report.attachments.current().filter(question=question).exists()
        ):
            raise OneFileOnly(
                _("Question %(code)s takes one file; remove the current one first.")
                % {"code": question.code}
            )
        attachment = Attachment(
            report=report,
            question=question,
            original_name=name,
            content_type=kind.content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=user,
        )
        attachment.file.save("upload", upload, save=False)
        attachment.save()
        record_event(
            report=report,
            kind=ReportEvent.Kind.UPLOAD,
            actor=user,
            question=question,
            message=f"{name} ({upload.size:,} bytes)",
        )
    return attachment


def remove_attachment(*, attachment: Attachment, user=None) -> None:
    with transaction.atomic():
        lock_editable_report(attachment.report_id, _("Files can be removed"))
        record_event(
            report=attachment.report,
            kind=ReportEvent.Kind.REMOVAL,
            actor=user,
            question=attachment.question,
            message=attachment.original_name,
        )
        listed = any(
            item.get("id") == attachment.pk
            for attachments in attachment.report.revisions.values_list("attachments", flat=True)
            for item in attachments
        )
        if listed:
            # A submitted revision lists this file: it must stay readable there.
            attachment.removed_at = timezone.now()
            attachment.save(update_fields=["removed_at", "updated_at"])
            return
        stored = attachment.file.name
        attachment.delete()
        # Delete the stored bytes only once the row is gone for good.
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))
