"""A national report through the API: answers, workflow, comments, revisions, changes, files.

Thin views: who may see a report is decided by reports.access (another country's report is 404,
like a missing one), what may happen to it by the services (reports.services.*); the views only
translate requests and refusals. Refusals about the user's role are 403, about the report's state
409, about the request 400 (413 and 415 for files too large or of a kind not accepted).

Unknown question codes: in the URL (answers/<code>/) 404 with the code "unknown_question"; in a
body ("question" of a comment or an upload) 400 with the field named.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from countries.models import CountryMembership
from reports import access
from reports.answers import AnswerValidationError
from reports.api import report_serializers as rs
from reports.api.errors import Conflict, ErrorSerializer
from reports.api.parsers import SafeJSONParser
from reports.api.serializers import ReportSerializer
from reports.diff import compare, compare_files
from reports.files import (
    MAX_ATTACHMENT_BYTES,
    EmptyFile,
    FileKindRefused,
    FileRefused,
    FileTooLarge,
    download_response,
)
from reports.models import Answer, Attachment, NationalReport, Question, Revision
from reports.report_forms import jsonable
from reports.selectors import answer_records, question_by_code, questionnaire_of, visible_comments
from reports.services.answers import (
    AnswerConflictError,
    ReportNotEditableError,
    save_answer,
)
from reports.services.attachments import OneFileOnly, add_attachment, remove_attachment
from reports.services.submission import (
    IncompleteReportError,
    SubmissionRefused,
    recall_report,
    submit_report,
)
from reports.services.workflow import (
    WorkflowRefused,
    accept_report,
    add_comment,
    publish_report,
    reopen_report,
    return_for_revision,
    start_review,
)


def errors(*codes: int) -> dict[int, type[ErrorSerializer]]:
    return {code: ErrorSerializer for code in codes}


READ_ERRORS = errors(401, 404, 429)

# -- plumbing -------------------------------------------------------------------------------


class Refused(exceptions.APIException):
    """A refusal with its own status and machine code; the message says why."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"

    def __init__(self, message: str, code: str, status_code: int = 409) -> None:
        super().__init__(message, code)
        self.status_code = status_code


class ReportApiView(APIView):
    # Refuses bodies larger than `max_body` bytes (413) before reading them. (A comment, not a
    # docstring: the schema would show a docstring as every endpoint's description.)

    parser_classes = [SafeJSONParser]
    max_body = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body:
            raise Refused(
                _("The request body is %(length)s bytes; at most %(limit)s are accepted.")
                % {"length": f"{length:,}", "limit": f"{self.max_body:,}"},
                "request_too_large",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )


def require_editor(user, report: NationalReport) -> None:
    """403 unless the user is a focal point of the report's country and it is editable."""
    if access.role_in(user, report.country_id) is None:
        raise exceptions.PermissionDenied(
            _("Only the country's focal points can change its report."), code="not_focal_point"
        )
    if not access.can_edit(user, report):
        raise exceptions.PermissionDenied(
            _(
                "The report is %(status)s: it can change only while it is a draft or returned "
                "for revision."
            )
            % {"status": report.get_status_display().lower()},
            code="not_editable",
        )


def report_data(report_id: int) -> dict[str, Any]:
    report = NationalReport.objects.select_related(
        "country__report_region", "cycle", "current_revision"
    ).get(pk=report_id)
    return ReportSerializer(report).data


REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The report's id")

# -- answers --------------------------------------------------------------------------------


def _question_or_404(report: NationalReport, code: str) -> Question:
    question = question_by_code(report, code)
    if question is None:
        raise Refused(
            _("The report's questionnaire has no question %(codes)s.") % {"codes": repr(code[:40])},
            "unknown_question",
            status.HTTP_404_NOT_FOUND,
        )
    return question


def _answer_item(question: Question, record, updated_at) -> dict[str, Any]:
    value, version, prefilled = record if record else (None, 0, None)
    return {
        "question": question.code,
        "value": jsonable(value),
        "version": version,
        "updated_at": updated_at,
        "prefilled_from_year": prefilled,
    }


def _one_answer(report: NationalReport, question: Question) -> dict[str, Any]:
    sections, _questions = questionnaire_of(report)
    section = next(s for s in sections if s.pk == question.section_id)
    record = answer_records(report, section).get(question.pk)
    updated_at = (
        Answer.objects.filter(report=report, question=question)
        .order_by()
        .values_list("updated_at", flat=True)
        .first()
    )
    return _answer_item(question, record, updated_at)


def etag(version: int) -> str:
    return f'"{version}"'


def _if_match(request) -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise exceptions.ValidationError(
            {"If-Match": [_('Give the version the value is based on as an ETag, e.g. "3".')]}
        )
    return int(text)


ANSWER_PARAMS = [
    REPORT_ID,
    OpenApiParameter("code", str, OpenApiParameter.PATH, description="The question's code"),
]
ETAG_HEADER = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200], description='The version, e.g. "3"'
)


SAVE_DESCRIPTION = (
    "Only the country's focal points, while the report is a draft or returned for "
    "revision. Send the version your value is based on (0 for a new answer) in the body "
    'or as If-Match: "3". When a colleague saved a newer version first, the answer is '
    "409 with the current value and version, and nothing changes; a value equal to the "
    'stored one is no conflict and changes nothing. An empty value (null, "", [], {}) '
    "removes the answer."
)
SAVE_SCHEMA = {
    "parameters": [
        *ANSWER_PARAMS,
        OpenApiParameter(
            "If-Match",
            str,
            OpenApiParameter.HEADER,
            description='The version the value is based on, e.g. "3" (instead of "version")',
        ),
        ETAG_HEADER,
    ],
    "request": rs.AnswerWriteSerializer,
    "responses": {
        200: rs.AnswerSerializer,
        409: rs.ConflictSerializer,
        **errors(400, 401, 403, 404, 413, 415, 429),
    },
}


class AnswerList(ReportApiView):
    @extend_schema(
        summary="Every answer of a report",
        description="Not paginated: a report has one answer at most per question. Files are "
        "listed under attachments/.",
        parameters=[REPORT_ID],
        responses={200: rs.AnswerSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        _sections, questions = questionnaire_of(report)
        records = answer_records(report)
        updated = dict(
            Answer.objects.filter(report=report).order_by().values_list("question_id", "updated_at")
        )
        data = [
            _answer_item(question, records[question.pk], updated.get(question.pk))
            for question in questions
            if question.pk in records
        ]
        return Response(data)


class AnswerDetail(ReportApiView):
    @extend_schema(
        summary="One answer (version 0 and value null when unanswered)",
        parameters=[*ANSWER_PARAMS, ETAG_HEADER],
        responses={200: rs.AnswerSerializer, **READ_ERRORS},
    )
    def get(self, request, pk: int, code: str) -> Response:
        report = access.report_for(request.user, pk)
        data = _one_answer(report, _question_or_404(report, code))
        return Response(data, headers={"ETag": etag(data["version"])})

    @extend_schema(summary="Save one answer", description=SAVE_DESCRIPTION, **SAVE_SCHEMA)
    def put(self, request, pk: int, code: str) -> Response:
        return self.write(request, pk, code)

    @extend_schema(
        summary="Save one answer (the same as PUT)",
        description=SAVE_DESCRIPTION
        + " PATCH does exactly what PUT does, with the same version rule: an answer has one "
        "thing to change, its value, so a PATCH without a value is refused (400) rather than "
        "taken as a change of nothing.",
        **SAVE_SCHEMA,
    )
    def patch(self, request, pk: int, code: str) -> Response:
        return self.write(request, pk, code, partial=True)

    def write(self, request, pk: int, code: str, *, partial: bool = False) -> Response:
        report = access.report_for(request.user, pk)
        require_editor(request.user, report)
        question = _question_or_404(report, code)
        body = rs.AnswerWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        if "value" not in body.validated_data:  # PATCH (PUT's serializer requires it)
            raise exceptions.ValidationError(
                {"value": [_('Give the new value (null or "" removes the answer).')]}
            )
        in_body, in_header = body.validated_data.get("version"), _if_match(request)
        if in_body is not None and in_header is not None and in_body != in_header:
            raise exceptions.ValidationError(
                {"version": [_("The body and the If-Match header give different versions.")]}
            )
        base_version = in_body if in_body is not None else in_header
        if base_version is None:
            raise exceptions.ValidationError(
                {
                    "version": [
                        _(
                            "Give the version your value is based on (0 for a new answer), in "
                            "the body or as If-Match."
                        )
                    ]
                }
            )
        try:
            save_answer(
                report=report,
                question=question,
                value=body.validated_data["value"],
                user=request.user,
                base_version=base_version,
            )
        except AnswerValidationError as error:
            raise exceptions.ValidationError({"value": [error.message]}) from error
        except AnswerConflictError as conflict:
            raise Conflict(
                str(conflict),
                current={
                    "value": jsonable(conflict.current_value),
                    "version": conflict.current_version,
                },
            ) from conflict
        except ReportNotEditableError as error:
            raise exceptions.PermissionDenied(str(error), code="not_editable") from error
        data = _one_answer(report, question)
        return Response(data, headers={"ETag": etag(data["version"])})


# -- workflow -------------------------------------------------------------------------------


def _is_submitter(user, report: NationalReport) -> bool:
    return access.role_in(user, report.country_id) == CountryMembership.Role.SUBMITTER


def _reviewer(user, report: NationalReport) -> bool:
    return access.can_review(user)


def _administrator(user, report: NationalReport) -> bool:
    return access.can_publish(user)


class Transition(ReportApiView):
    # POST: one step of the workflow, by the role allowed to take it (403 for other roles;
    # 409 when the report's status does not allow it).

    allowed = staticmethod(_reviewer)
    role_message = ""
    with_message = False

    def perform(self, report: NationalReport, user, message: str) -> None:
        raise NotImplementedError

    def post(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        if not self.allowed(request.user, report):
            raise exceptions.PermissionDenied(self.role_message, code="role_not_allowed")
        message = ""
        if self.with_message:
            body = rs.MessageSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            message = body.validated_data["message"]
        try:
            self.perform(report, request.user, message)
        except IncompleteReportError as error:
            return Response(
                {
                    "error": {
                        "code": "report_incomplete",
                        "message": str(error),
                        "missing": [question.code for question in error.missing],
                    }
                },
                status=status.HTTP_409_CONFLICT,
            )
        except (WorkflowRefused, SubmissionRefused) as error:
            raise Refused(str(error), "transition_refused") from error
        return Response(report_data(report.pk))


def _transition(
    name: str, summary: str, perform, allowed, role_message: str, *, with_message=False, extra=()
):
    responses = {200: ReportSerializer, **errors(401, 403, 404, 409, 429)}
    if with_message:
        responses.update(errors(400, 413, 415))
    responses.update(extra)

    # A function of its own per view: the schema is attached to the function object.
    @extend_schema(
        summary=summary,
        parameters=[REPORT_ID],
        request=rs.MessageSerializer if with_message else None,
        responses=responses,
    )
    def post(self, request, pk: int) -> Response:
        return Transition.post(self, request, pk)

    return type(
        name,
        (Transition,),
        {
            "__module__": __name__,
            "allowed": staticmethod(allowed),
            "role_message": role_message,
            "with_message": with_message,
            "perform": lambda self, report, user, message: perform(report, user, message),
            "post": post,
        },
    )


SubmitView = _transition(
    "SubmitView",
    "Submit the report (the country's submitters): freezes a new revision",
    lambda report, user, message: submit_report(report=report, user=user),
    _is_submitter,
    gettext_lazy("Only the country's submitters can submit its report."),
    extra={
        409: OpenApiResponse(
            rs.IncompleteErrorSerializer,
            "Refused; when answers are missing, "
            "error.code is report_incomplete and error.missing lists the questions",
        )
    },
)
RecallView = _transition(
    "RecallView",
    "Recall the submission (the country's submitters), until the review starts",
    lambda report, user, message: recall_report(report=report, user=user),
    _is_submitter,
    gettext_lazy("Only the country's submitters can recall its report."),
)
StartReviewView = _transition(
    "StartReviewView",
    "Start the review of a submitted report (secretariat reviewers)",
    lambda report, user, message: start_review(report=report, user=user),
    _reviewer,
    gettext_lazy("Only secretariat reviewers can start a review."),
)
ReturnView = _transition(
    "ReturnView",
    "Return the report to the country for revision (secretariat reviewers)",
    lambda report, user, message: return_for_revision(report=report, user=user, message=message),
    _reviewer,
    gettext_lazy("Only secretariat reviewers can return a report."),
    with_message=True,
)
AcceptView = _transition(
    "AcceptView",
    "Accept the latest revision (secretariat reviewers)",
    lambda report, user, message: accept_report(report=report, user=user),
    _reviewer,
    gettext_lazy("Only secretariat reviewers can accept a report."),
)
PublishView = _transition(
    "PublishView",
    "Publish the accepted report (secretariat administrators)",
    lambda report, user, message: publish_report(report=report, user=user),
    _administrator,
    gettext_lazy("Only secretariat administrators can publish a report."),
)
ReopenView = _transition(
    "ReopenView",
    "Reopen an accepted or published report for a new revision (secretariat administrators)",
    lambda report, user, message: reopen_report(report=report, user=user, message=message),
    _administrator,
    gettext_lazy("Only secretariat administrators can reopen a report."),
    with_message=True,
)

# -- comments -------------------------------------------------------------------------------


def _comment_item(comment, viewer_is_secretariat: bool) -> dict[str, Any]:
    show_author = viewer_is_secretariat or not comment.by_secretariat
    return {
        "id": comment.pk,
        "question": comment.question.code if comment.question_id else None,
        "by_secretariat": comment.by_secretariat,
        "author": comment.author.email if show_author and comment.author_id else None,
        "body": comment.body,
        "created_at": comment.created_at,
        "shared_at": comment.shared_at,
    }


class CommentList(ReportApiView):
    @extend_schema(
        summary="The report's comments you may read",
        description="The secretariat reads every comment; the country's focal points read "
        "their own side's and the secretariat's once shared with them (when the report is "
        "returned). Oldest first; not paginated.",
        parameters=[REPORT_ID],
        responses={200: rs.CommentSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        staff = access.is_secretariat(request.user)
        return Response([_comment_item(c, staff) for c in visible_comments(request.user, report)])

    @extend_schema(
        summary="Comment on the report or one of its questions",
        description="Secretariat reviewers and the country's focal points. The secretariat's "
        "comments reach the country when the report is returned (at once if it is).",
        parameters=[REPORT_ID],
        request=rs.CommentWriteSerializer,
        responses={201: rs.CommentSerializer, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        user = request.user
        if not (access.can_review(user) or access.role_in(user, report.country_id)):
            raise exceptions.PermissionDenied(
                _("Only secretariat reviewers and the country's focal points can comment."),
                code="role_not_allowed",
            )
        body = rs.CommentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = None
        code = body.validated_data.get("question")
        if code:
            question = question_by_code(report, code)
            if question is None:
                raise exceptions.ValidationError(
                    {
                        "question": [
                            _("The report's questionnaire has no question %(codes)s.")
                            % {"codes": repr(code)}
                        ]
                    }
                )
        try:
            comment = add_comment(
                report=report, user=user, body=body.validated_data["body"], question=question
            )
        except WorkflowRefused as error:
            raise exceptions.ValidationError({"body": [str(error)]}) from error
        return Response(
            _comment_item(comment, access.is_secretariat(user)), status=status.HTTP_201_CREATED
        )


# -- revisions and changes ------------------------------------------------------------------


def _email(user) -> str | None:
    return user.email if user is not None else None


def _revision_item(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "submitted_at": revision.submitted_at,
        "submitted_by": _email(revision.submitted_by),
        "status_before": revision.status_before,
        "recalled_at": revision.recalled_at,
        "recalled_by": _email(revision.recalled_by),
        "accepted_at": revision.accepted_at,
        "accepted_by": _email(revision.accepted_by),
        "published_at": revision.published_at,
        "superseded_at": revision.superseded_at,
    }


REVISION_USERS = ("submitted_by", "recalled_by", "accepted_by")


class RevisionList(ReportApiView):
    @extend_schema(
        summary="The report's revisions (one per submission), oldest first",
        parameters=[REPORT_ID],
        responses={200: rs.RevisionSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        revisions = (
            report.revisions.select_related(*REVISION_USERS)
            .defer("answers", "attachments")
            .order_by("number")
        )
        return Response([_revision_item(revision) for revision in revisions])


class RevisionDetail(ReportApiView):
    @extend_schema(
        summary="One revision: its answers and files as submitted",
        parameters=[
            REPORT_ID,
            OpenApiParameter("number", int, OpenApiParameter.PATH, description="1, 2, …"),
        ],
        responses={200: rs.RevisionDetailSerializer, **READ_ERRORS},
    )
    def get(self, request, pk: int, number: int) -> Response:
        report = access.report_for(request.user, pk)
        revision = get_object_or_404(
            report.revisions.select_related(*REVISION_USERS), number=number
        )
        return Response(
            {
                **_revision_item(revision),
                "answers": revision.answers,
                "attachments": [
                    {
                        "id": item.get("id"),
                        "question": item.get("question"),
                        "name": item.get("name"),
                        "size": item.get("size"),
                        "sha256": item.get("sha256"),
                    }
                    for item in revision.attachments
                ],
            }
        )


def _revision_number(raw: str | None) -> int | None:
    if raw is None or not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        return None
    return int(raw)


class DiffView(ReportApiView):
    @extend_schema(
        summary="What changed between two revisions",
        description="By default from the second-to-last revision to the last. Table rows are "
        "matched by their key columns. Numbers that are not revisions of the report: 400.",
        parameters=[
            REPORT_ID,
            OpenApiParameter("from", int, description="The older revision's number"),
            OpenApiParameter("to", int, description="The newer revision's number"),
        ],
        responses={200: rs.DiffSerializer, **errors(400, 401, 404, 429)},
    )
    def get(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        numbers = list(report.revisions.order_by("number").values_list("number", flat=True))
        if not numbers:
            raise Refused(_("The report has no revisions yet."), "no_revisions", 400)
        defaults = {"to": numbers[-1], "from": numbers[-2] if len(numbers) > 1 else numbers[-1]}
        wanted, problems = {}, {}
        for name, default in defaults.items():
            raw = request.query_params.get(name)
            number = default if raw is None else _revision_number(raw)
            if number not in numbers:
                problems[name] = [
                    _("Not a revision of this report; the revisions are %(numbers)s.")
                    % {"numbers": ", ".join(map(str, numbers))}
                ]
            wanted[name] = number
        if problems:
            raise exceptions.ValidationError(problems)
        revisions = {r.number: r for r in report.revisions.filter(number__in=wanted.values())}
        old, new = revisions[wanted["from"]], revisions[wanted["to"]]
        sections, questions = questionnaire_of(report)
        changed = [
            {
                "section": part.section.code,
                "title": part.section.title,
                "changes": [
                    {
                        "question": change.question.code,
                        "status": change.status,
                        "old": old.answers.get(change.question.code),
                        "new": new.answers.get(change.question.code),
                        "old_text": change.old_text,
                        "new_text": change.new_text,
                        "rows": [
                            {
                                "status": row.status,
                                "old": row.old,
                                "new": row.new,
                                "changed_columns": row.changed_columns,
                            }
                            for row in change.rows
                        ],
                    }
                    for change in part.changes
                ],
            }
            for part in compare(sections, questions, old.answers, new.answers)
            if not part.unchanged
        ]
        files = compare_files(old.attachments, new.attachments)
        return Response(
            {
                "from_revision": old.number,
                "to_revision": new.number,
                "sections": changed,
                "files": {"added": files.added, "removed": files.removed},
            }
        )


# -- attachments ----------------------------------------------------------------------------


def _attachment_item(attachment: Attachment, question_code: str) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "question": question_code,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.created_at,
        "download": reverse(
            "api:report-attachment-download", args=[attachment.report_id, attachment.pk]
        ),
    }


FILE_REFUSALS = {
    FileTooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    FileKindRefused: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    OneFileOnly: status.HTTP_409_CONFLICT,
}


class AttachmentList(ReportApiView):
    parser_classes = [MultiPartParser]
    # A file may be 20 MB; the rest of a multipart body is small.
    max_body = MAX_ATTACHMENT_BYTES + 1024 * 1024

    @extend_schema(
        summary="The files attached to the report now",
        parameters=[REPORT_ID],
        responses={200: rs.AttachmentSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        attachments = (
            report.attachments.current()
            .select_related("question")
            .order_by("question__position", "created_at", "id")
        )
        return Response([_attachment_item(a, a.question.code) for a in attachments])

    @extend_schema(
        summary="Attach a file to a file question",
        description="Only the country's focal points, while the report is a draft or returned. "
        "The file's kind is judged by its content: PDF, Word, Excel, OpenDocument text, PNG or "
        "JPEG, named with its kind's extension (else 415); at most 20 MB (else 413); a question "
        "that takes one file and has one: 409.",
        parameters=[REPORT_ID],
        request={"multipart/form-data": rs.AttachmentUploadSerializer},
        responses={201: rs.AttachmentSerializer, **errors(400, 401, 403, 404, 409, 413, 415, 429)},
    )
    def post(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        require_editor(request.user, report)
        body = rs.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = body.validated_data["question"]
        question = question_by_code(report, code)
        if question is None:
            raise exceptions.ValidationError(
                {
                    "question": [
                        _("The report's questionnaire has no question %(codes)s.")
                        % {"codes": repr(code)}
                    ]
                }
            )
        try:
            attachment = add_attachment(
                report=report,
                question=question,
                upload=body.validated_data["file"],
                user=request.user,
            )
        except AnswerValidationError as error:
            raise exceptions.ValidationError({"question": [error.message]}) from error
        except EmptyFile as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        except FileRefused as error:
            raise Refused(str(error), error.code, FILE_REFUSALS.get(type(error), 400)) from error
        except ReportNotEditableError as error:
            raise exceptions.PermissionDenied(str(error), code="not_editable") from error
        return Response(_attachment_item(attachment, question.code), status=201)


class AnyAccept(BaseContentNegotiation):
    # Downloads answer with the file whatever the client accepts; errors are JSON.

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


ATTACHMENT_PARAMS = [
    REPORT_ID,
    OpenApiParameter("aid", int, OpenApiParameter.PATH, description="The attachment's id"),
]


class AttachmentDownload(ReportApiView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="Download a file",
        description="Also a file removed since, as long as a revision lists it.",
        parameters=ATTACHMENT_PARAMS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its content type and name"
            ),
            **READ_ERRORS,
        },
    )
    def get(self, request, pk: int, aid: int) -> FileResponse:
        report = access.report_for(request.user, pk)
        attachment = get_object_or_404(report.attachments, pk=aid)
        return download_response(attachment)


class AttachmentDetail(ReportApiView):
    @extend_schema(
        summary="Remove a file",
        description="Only the country's focal points, while the report is a draft or returned. "
        "A file a revision lists stays readable there.",
        parameters=ATTACHMENT_PARAMS,
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, pk: int, aid: int) -> Response:
        report = access.report_for(request.user, pk)
        require_editor(request.user, report)
        attachment = get_object_or_404(
            report.attachments.current().select_related("question", "report"), pk=aid
        )
        try:
            remove_attachment(attachment=attachment, user=request.user)
        except ReportNotEditableError as error:
            raise exceptions.PermissionDenied(str(error), code="not_editable") from error
        return Response(status=status.HTTP_204_NO_CONTENT)
