"""What the report pages can do beyond answers and workflow: start a report, confirm answers
copied from the last report, fill the report in offline with the Excel workbook, read its history.

As in report_views: who may see a report is decided by reports.access (another country's report
is 404, like a missing one), what may happen to it by the services; refusals about the user's role
are 403, about the request 400 (413 and 415 for files too large or of a kind not accepted).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from countries.models import Country
from reports import access
from reports.api import more_serializers as ms
from reports.api.other_views import SECRETARIAT
from reports.api.report_views import (
    REPORT_ID,
    AnyAccept,
    Refused,
    ReportApiView,
    errors,
    report_data,
    require_editor,
)
from reports.files import XLSX, EmptyFile, FileKindRefused, FileRefused, FileTooLarge, check_upload
from reports.models import Answer, ReportingCycle
from reports.selectors import answer_records, questionnaire_of
from reports.services.answers import (
    ReportNotEditableError,
    confirm_prefilled,
    lock_editable_report,
    start_report,
)
from reports.views.workbook import MAX_WORKBOOK_BYTES
from reports.workbook import WorkbookRefused, build_workbook, read_workbook

# -- starting a report (POST /reports/, served by views.ReportList) -------------------------

CREATE_DESCRIPTION = (
    "The country's focal points (submitters and contributors) start its report for an open "
    "cycle, as on the My reports page. 201 with the new draft; when the State already has a "
    "report for the cycle, 200 with that report and nothing changes (language and prefill are "
    "then ignored). With prefill, a new report starts from the State's last accepted report: its "
    "answers are copied and marked with prefilled_from_year until confirmed (answers/confirm/) "
    "or changed. A State you are not a focal point of: 404, as for one that does not exist "
    "(403 for the secretariat, who never start reports). A cycle that does not exist or is not "
    "open: 400."
)


def create_report(request) -> Response:
    body = ms.ReportCreateSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    country = Country.objects.filter(iso3=data["country"].upper()).first()
    if country is None or not access.can_start_report(request.user, country):
        if country is not None and access.is_secretariat(request.user):
            raise exceptions.PermissionDenied(
                _("Only the country's focal points can start its report."), code="role_not_allowed"
            )
        raise Http404("No such country")
    cycle = ReportingCycle.objects.filter(year=data["cycle"]).select_related("questionnaire")
    cycle = cycle.first()
    if cycle is None:
        raise exceptions.ValidationError(
            {"cycle": [_("There is no %(year)s cycle.") % {"year": data["cycle"]}]}
        )
    if not cycle.is_open():
        raise exceptions.ValidationError(
            {"cycle": [_("The %(year)s cycle is not open for reports.") % {"year": cycle.year}]}
        )
    existed = country.reports.filter(cycle=cycle).exists()
    report = start_report(
        country=country,
        cycle=cycle,
        user=request.user,
        language=data["language"],
        prefill=data["prefill"],
    )
    return Response(
        report_data(report.pk),
        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        headers={"Location": reverse("api:report-detail", args=[report.pk])},
    )


# -- confirming copied answers ---------------------------------------------------------------


class ConfirmView(ReportApiView):
    @extend_schema(
        summary="Confirm answers copied from the last report",
        description="Only the country's focal points, while the report is a draft or returned. "
        'Give the questions (["1.1", …]) or a section ("1": all its questions), as the form\'s '
        "confirm boxes do. Answers that are not copied, or confirmed already, are left as they "
        "are; the answer lists those confirmed now. The values and versions do not change.",
        parameters=[REPORT_ID],
        request=ms.ConfirmSerializer,
        responses={200: ms.ConfirmedSerializer, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        require_editor(request.user, report)
        body = ms.ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sections, questions = questionnaire_of(report)
        if "section" in body.validated_data:
            code = body.validated_data["section"]
            section = next((s for s in sections if s.code == code), None)
            if section is None:
                raise exceptions.ValidationError(
                    {
                        "section": [
                            _("The report's questionnaire has no section %(code)s.")
                            % {"code": repr(code)}
                        ]
                    }
                )
            chosen = [q for q in questions if q.section_id == section.pk]
        else:
            by_code = {q.code: q for q in questions}
            codes = body.validated_data["questions"]
            unknown = [c for c in codes if c not in by_code]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        "questions": [
                            _("The report's questionnaire has no question %(codes)s.")
                            % {"codes": ", ".join(map(repr, unknown[:20]))}
                        ]
                    }
                )
            chosen = [by_code[c] for c in dict.fromkeys(codes)]
        ids = [q.pk for q in chosen]
        try:
            with transaction.atomic():
                # The service's lock, taken first: what is read here is what it confirms.
                lock_editable_report(report.pk, _("Copied answers can be confirmed"))
                copied = set(
                    Answer.objects.filter(
                        report=report, question_id__in=ids, prefilled_from_year__isnull=False
                    ).values_list("question_id", flat=True)
                )
                confirm_prefilled(report=report, question_ids=ids, user=request.user)
        except ReportNotEditableError as error:
            raise exceptions.PermissionDenied(str(error), code="not_editable") from error
        return Response({"confirmed": [q.code for q in chosen if q.pk in copied]})


# -- the workbook ----------------------------------------------------------------------------

WORKBOOK_REFUSALS = {
    FileTooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    FileKindRefused: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


def _row_errors(result) -> dict[str, list[str]]:
    """{question code (the sheet's title for a problem with a whole sheet): [messages]}."""
    fields: dict[str, list[str]] = {}
    for error in result.errors:
        fields.setdefault(error.code or error.sheet, []).append(
            _("Sheet %(sheet)s, row %(row)s: %(message)s")
            % {"sheet": repr(error.sheet), "row": error.row, "message": error.message}
        )
    return fields


class WorkbookView(ReportApiView):
    parser_classes = [MultiPartParser]
    content_negotiation_class = AnyAccept
    # The workbook may be 10 MB; the rest of a multipart body is small.
    max_body = MAX_WORKBOOK_BYTES + 1024 * 1024

    @extend_schema(
        summary="The report as an Excel workbook, to fill in offline",
        description="One sheet per section with the questions, their answers and lists of the "
        "choices; answers copied from the last report are marked. Upload it back with POST.",
        parameters=[REPORT_ID],
        responses={
            (200, XLSX.content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook (.xlsx)"
            ),
            **errors(401, 404, 429),
        },
    )
    def get(self, request, pk: int) -> HttpResponse:
        report = access.report_for(request.user, pk)
        name = f"poa-report-{slugify(report.country.iso3)}-{report.cycle.year}.xlsx"
        response = HttpResponse(build_workbook(report), content_type=XLSX.content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        summary="Upload the filled-in workbook: all or nothing",
        description="Only the country's focal points, while the report is a draft or returned. "
        "Every line is checked first; answers change only when none is wrong. Otherwise 400 "
        "with error.code workbook_invalid and error.fields listing the problems by question "
        "code (by sheet title for a sheet that is not a section), each naming its sheet and "
        "row; nothing is changed. An answer changed online since the download, and changed in "
        "the workbook too, is such a problem. A file that is not a workbook of this report: 400 "
        "(415 for a file of another kind, 413 over 10 MB).",
        parameters=[REPORT_ID],
        request={"multipart/form-data": ms.WorkbookUploadSerializer},
        responses={
            200: ms.WorkbookResultSerializer,
            **errors(400, 401, 403, 404, 413, 415, 429),
        },
    )
    def post(self, request, pk: int) -> Response:
        report = access.report_for(request.user, pk)
        require_editor(request.user, report)
        body = ms.WorkbookUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > MAX_WORKBOOK_BYTES:
            raise Refused(
                _("The workbook is larger than %(max)d MB; is it the right file?")
                % {"max": MAX_WORKBOOK_BYTES // 1024 // 1024},
                "request_too_large",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            kind = check_upload(upload.name, upload.size, upload)
        except EmptyFile as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        except FileRefused as error:
            code = WORKBOOK_REFUSALS.get(type(error), status.HTTP_400_BAD_REQUEST)
            raise Refused(str(error), error.code, code) from error
        if kind != XLSX:
            raise Refused(
                _("%(name)s is a %(kind)s, not an Excel workbook.")
                % {"name": upload.name, "kind": kind.label},
                "not_a_workbook",
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        upload.seek(0)
        before = answer_records(report)
        try:
            result = read_workbook(report, upload.read(), user=request.user)
        except WorkbookRefused as refused:
            raise exceptions.ValidationError({"file": [str(refused)]}) from refused
        if result.errors:
            count = len(result.errors)
            return Response(
                {
                    "error": {
                        "code": "workbook_invalid",
                        "message": ngettext(
                            "%(count)d problem in the workbook; nothing was changed.",
                            "%(count)d problems in the workbook; nothing was changed.",
                            count,
                        )
                        % {"count": count},
                        "fields": _row_errors(result),
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        after = answer_records(report)
        _sections, questions = questionnaire_of(report)
        changed = [q.code for q in questions if before.get(q.pk) != after.get(q.pk)]
        return Response(
            {"checked": result.checked, "changed": result.changed, "questions": changed}
        )


# -- history ---------------------------------------------------------------------------------


class HistoryView(generics.ListAPIView):
    serializer_class = ms.EventSerializer
    permission_classes = SECRETARIAT  # anyone else: 404 whatever the method, as the page

    @extend_schema(
        summary="The report's history, newest first",
        description="For the secretariat (anyone else: 404, as for the history page): every "
        "status change (from_status → to_status, with the message given), answer edit "
        "(old_value → new_value), confirmation of a copied answer, comment, file attached or "
        "removed (message names the file).",
        parameters=[REPORT_ID],
        responses={200: ms.EventSerializer(many=True), **errors(400, 401, 404, 429)},
    )
    def get(self, request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        report = access.report_for(self.request.user, self.kwargs["pk"])
        return report.events.select_related("actor", "question").order_by("-created_at", "-id")
