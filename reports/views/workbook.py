"""Offline filling: download the report as an Excel workbook and upload it back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import access
from reports.files import XLSX, FileRefused, check_upload
from reports.workbook import WorkbookRefused, build_workbook, read_workbook

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024


@login_required
@require_safe
def download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    name = f"poa-report-{slugify(report.country.iso3)}-{report.cycle.year}.xlsx"
    response = HttpResponse(build_workbook(report), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def upload(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    context = {"report": report, "can_edit": access.can_edit(request.user, report)}
    if not context["can_edit"]:
        return render(request, "reports/focal/not_editable.html", {"report": report}, status=403)
    if request.method != "POST":
        return render(request, "reports/focal/workbook_upload.html", context)
    upload_file = request.FILES.get("workbook")
    status = 400
    try:
        if upload_file is None:
            raise WorkbookRefused(_("Choose the filled-in workbook (.xlsx) to upload."))
        if upload_file.size > MAX_WORKBOOK_BYTES:
            raise WorkbookRefused(
                _("The workbook is larger than %(max)d MB; is it the right file?")
                % {"max": MAX_WORKBOOK_BYTES // 1024 // 1024}
            )
        try:
            kind = check_upload(upload_file.name, upload_file.size, upload_file)
        except FileRefused as refused:
            raise WorkbookRefused(str(refused)) from refused
        if kind != XLSX:
            raise WorkbookRefused(
                _("%(name)s is a %(kind)s, not an Excel workbook.")
                % {"name": upload_file.name, "kind": kind.label}
            )
        result = read_workbook(report, upload_file.read(), user=request.user)
    except WorkbookRefused as refused:
        context["refused"] = str(refused)
        return render(request, "reports/focal/workbook_upload.html", context, status=status)
    if result.errors:
        context["errors"] = result.errors
        return render(request, "reports/focal/workbook_upload.html", context, status=status)
    messages.success(
        request,
        _("The workbook is read: %(checked)s answers checked, %(changed)s changed.")
        % {"checked": result.checked, "changed": result.changed},
    )
    return redirect("report-overview", report_id=report.pk)
