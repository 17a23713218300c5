"""PDF downloads: a revision's national report, the changes between two revisions, and the
published report on the public portal.

Signed-in pages go through `access.report_for` (another country's report answers 404, like a
missing one); the public one serves published revisions only. Each PDF is rendered once per set of
inputs and served from the stored file afterwards.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from reports import access
from reports.models import RenderedPdf, Revision
from reports.national_pdf import diff_filename, diff_pdf, revision_filename, revision_pdf
from reports.services.documents import RenderFailed
from reports.views.public import _published_revision

log = logging.getLogger(__name__)


def _failed(request: HttpRequest, error: RenderFailed) -> HttpResponse:
    """A PDF that could not be made: say so (the reason is logged and kept), never a bare 500."""
    log.error("PDF rendering failed: %s", error)
    return render(request, "reports/pdf/failed.html", status=503)


def _pdf_response(document: RenderedPdf, filename: str, *, private: bool) -> FileResponse:
    """The stored file, shown in the browser (inline) under a readable name."""
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=filename,
    )
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def revision_report_pdf(request: HttpRequest, report_id: int, number: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    revision = get_object_or_404(Revision, report=report, number=number)
    try:
        document = revision_pdf(report, revision, user=request.user)
    except RenderFailed as error:
        return _failed(request, error)
    return _pdf_response(document, revision_filename(report, revision), private=True)


def _revision_number(raw: str | None) -> int | None:
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else None


@login_required
@require_safe
def diff_report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """?from=<n>&to=<m>: both must be revisions of the report, or the answer is a 400 page."""
    report = access.report_for(request.user, report_id)
    numbers = list(report.revisions.order_by("number").values_list("number", flat=True))
    wanted = (_revision_number(request.GET.get("from")), _revision_number(request.GET.get("to")))
    if None in wanted or not set(wanted) <= set(numbers):
        return render(
            request,
            "reports/pdf/bad_request.html",
            {
                "report": report,
                "numbers": numbers,
                "given_from": request.GET.get("from", ""),
                "given_to": request.GET.get("to", ""),
                "staff": access.is_secretariat(request.user),
            },
            status=400,
        )
    revisions = {r.number: r for r in report.revisions.filter(number__in=wanted)}
    old, new = revisions[wanted[0]], revisions[wanted[1]]
    try:
        document = diff_pdf(report, old, new, user=request.user)
    except RenderFailed as error:
        return _failed(request, error)
    return _pdf_response(document, diff_filename(report, old, new), private=True)


@require_safe
def public_report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """The published revision only; a report with none answers 404."""
    revision = _published_revision(report_id)
    report = revision.report
    try:
        document = revision_pdf(report, revision)
    except RenderFailed as error:
        return _failed(request, error)
    return _pdf_response(document, revision_filename(report, revision), private=False)
