"""Statistics per cycle, the summary reports' PDFs and the national report PDFs.

Statistics and summary reports are the secretariat's, as in the pages: anyone else gets 404, as
for something that does not exist. National report PDFs go through `access.report_for`.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import access
from reports.api import other_serializers as s
from reports.api.errors import ErrorSerializer
from reports.models import RenderedPdf, ReportingCycle, Revision, SummaryReport
from reports.national_pdf import revision_filename, revision_pdf
from reports.services.documents import RenderFailed
from reports.statistics import selectors
from reports.statistics.compile import request_compile

log = logging.getLogger(__name__)

ERRORS = {401: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer}
LIST_ERRORS = {400: ErrorSerializer, **ERRORS}
WRITE_ERRORS = {403: ErrorSerializer, **ERRORS}
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF (application/pdf)")


class NotReady(APIException):
    """The document cannot be made as things stand (nothing was queued)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = gettext_lazy("The document cannot be made yet.")


class PdfUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "pdf_failed"
    default_detail = gettext_lazy("The PDF could not be made; the secretariat has been told.")


class PdfRenderer(BaseRenderer):
    """Lets a client ask for application/pdf; the views answer files, errors stay JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FileView(APIView):
    """A view answering a file; anything else it answers (errors) is JSON."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class SecretariatOnly(BasePermission):
    """Anyone signed in but the secretariat gets 404 (whatever the method), as in the pages."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if not access.is_secretariat(request.user):
            raise Http404("No such page")
        return True


SECRETARIAT = [IsAuthenticated, SecretariatOnly]


def _cycle(year: int) -> ReportingCycle:
    return get_object_or_404(ReportingCycle.objects.select_related("questionnaire"), year=year)


# -- statistics ---------------------------------------------------------------------------------


class StatisticsView(APIView):
    permission_classes = SECRETARIAT

    @extend_schema(
        summary="A cycle's compiled statistics (secretariat)",
        description="Headline numbers, States that reported by report region and regional group, "
        "per question the answers with choice counts and numbers, table totals, assistance "
        "requests with matching offers, and the latest compile's status. `compiled` is false "
        "(and the lists empty) until the cycle has been compiled once.",
        responses={200: s.StatisticsSerializer, **ERRORS},
    )
    def get(self, request, year: int):
        board = selectors.dashboard(_cycle(year))
        return Response(s.StatisticsSerializer(s.statistics_payload(board)).data)


class CompileView(APIView):
    permission_classes = SECRETARIAT

    @extend_schema(
        summary="Compile a cycle's statistics (reviewers and administrators)",
        description="Queues a compile of the cycle (even if nothing changed); poll the "
        "statistics' `compile` for its progress.",
        request=None,
        responses={202: s.CompileRunSerializer, **WRITE_ERRORS},
    )
    def post(self, request, year: int):
        cycle = _cycle(year)
        if not access.can_compile_statistics(request.user):
            raise PermissionDenied(_("Only secretariat reviewers and administrators can compile."))
        with transaction.atomic():
            run = request_compile(cycle, reason="requested through the API", user=request.user)
        run.refresh_from_db()
        return Response(s.CompileRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# -- summary reports ----------------------------------------------------------------------------


class SummaryList(generics.ListAPIView):
    permission_classes = SECRETARIAT

    serializer_class = s.SummaryReportSerializer

    @extend_schema(
        summary="Reports of the Secretary-General (secretariat)",
        responses={200: s.SummaryReportSerializer, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return SummaryReport.objects.select_related("cycle").order_by(
            "-cycle__year", "-created_at", "-id"
        )


def _summary(request, report_id: int) -> SummaryReport:
    return get_object_or_404(SummaryReport.objects.select_related("cycle"), pk=report_id)


def _latest_pdf(report: SummaryReport) -> RenderedPdf | None:
    return (
        RenderedPdf.objects.filter(subject=f"summary:{report.pk}")
        .order_by("-created_at", "-id")
        .first()
    )


class SummaryPdf(APIView):
    permission_classes = SECRETARIAT

    @extend_schema(
        summary="The PDF of a summary report: status and progress",
        description="`download_url` is set once the latest PDF is ready.",
        responses={200: s.PdfStatusSerializer, **ERRORS},
    )
    def get(self, request, report_id: int):
        report = _summary(request, report_id)
        return Response(s.pdf_status(report, _latest_pdf(report)))

    @extend_schema(
        summary="Make the PDF of a summary report",
        description="The stored PDF when nothing changed; otherwise a render queued for a worker. "
        "409 when the wording has unknown placeholders or the cycle's statistics have not been "
        "compiled.",
        request=None,
        responses={202: s.PdfStatusSerializer, 409: ErrorSerializer, **WRITE_ERRORS},
    )
    def post(self, request, report_id: int):
        from reports.summary import services
        from reports.summary.document import build_document, load_report

        report = _summary(request, report_id)
        document = build_document(load_report(report.pk), with_charts=False)
        if document.problems:
            raise NotReady(
                _("Fix the wording first: %(problems)s")
                % {"problems": "; ".join(document.problems[:5])},
                "wording_problems",
            )
        if document.stats is None:
            raise NotReady(
                _("Compile the %(year)s statistics first.") % {"year": report.cycle.year},
                "statistics_not_compiled",
            )
        with transaction.atomic():
            pdf = services.request_pdf(report, request.user)
        pdf.refresh_from_db()
        return Response(s.pdf_status(report, pdf), status=status.HTTP_202_ACCEPTED)


class SummaryPdfDownload(FileView):
    permission_classes = SECRETARIAT

    @extend_schema(
        summary="Download the latest ready PDF of a summary report",
        responses={(200, "application/pdf"): PDF, **ERRORS},
    )
    def get(self, request, report_id: int):
        report = _summary(request, report_id)
        document = (
            RenderedPdf.objects.filter(
                subject=f"summary:{report.pk}", status=RenderedPdf.Status.DONE
            )
            .exclude(file="")
            .order_by("-created_at", "-id")
            .first()
        )
        if document is None:
            raise Http404("No PDF is ready yet")
        name = re.sub(r"[^A-Za-z0-9]+", "-", report.symbol).strip("-").lower() or "summary-report"
        response = FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{name}.pdf",
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


# -- national report PDFs -----------------------------------------------------------------------


class RevisionPdf(FileView):
    @extend_schema(
        summary="The national report of one revision, as a PDF",
        responses={(200, "application/pdf"): PDF, 503: ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: int, number: int):
        report = access.report_for(request.user, pk)
        revision = get_object_or_404(Revision, report=report, number=number)
        try:
            document = revision_pdf(report, revision, user=request.user)
        except RenderFailed as error:
            log.error("PDF rendering failed: %s", error)
            raise PdfUnavailable() from error
        response = FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=revision_filename(report, revision),
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
