"""The secretariat's summary reports: list and create, edit (header, headings, paragraphs, with a
live preview of generated wording), preview in the browser, and the PDF rendered by a worker."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from reports import access
from reports.models import (
    RenderedPdf,
    ReportingCycle,
    SummaryParagraph,
    SummaryReport,
    SummarySection,
)
from reports.summary import services
from reports.summary.document import build_document, load_report
from reports.summary.generators import GENERATORS
from reports.summary.values import PLACEHOLDERS, StatisticsValues
from reports.summary.wording import Footnotes, fill, paragraph_html
from reports.views.review import secretariat_only
from reports.views.statistics import job_status

# The heading levels (the model's choices) in the editor's language.
LEVEL_NAMES = {
    1: pgettext_lazy("summary heading level", "I. Chapter"),
    2: pgettext_lazy("summary heading level", "A. Section"),
    3: pgettext_lazy("summary heading level", "1. Subsection"),
}

MAX_TEXT = 20_000
SYMBOL_RE = re.compile(r"^[A-Z]{1,4}(/[A-Za-z0-9.\-]+){1,4}$")


class HeaderForm(forms.ModelForm):
    class Meta:
        model = SummaryReport
        fields = [
            "symbol",
            "session",
            "agenda_item",
            "agenda_footnote",
            "agenda_titles",
            "title",
            "date",
            "distribution",
            "original_language",
            "language",
            "summary",
            "annex_reporting_states",
            "annex_statistics",
            "annex_charts",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "agenda_titles": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_symbol(self) -> str:
        symbol = self.cleaned_data["symbol"].strip()
        if not SYMBOL_RE.match(symbol):
            raise forms.ValidationError(
                _(
                    'A document symbol looks like "A/81/123": the organ, then parts separated by '
                    '"/".'
                )
            )
        return symbol

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "The text contains a NUL character; please retype it.")
        return cleaned


def _can_edit(request: HttpRequest) -> bool:
    return access.can_review(request.user)


def _report(report_id: int) -> SummaryReport:
    return get_object_or_404(SummaryReport.objects.select_related("cycle"), pk=report_id)


def _refuse_unless_editor(request: HttpRequest, report: SummaryReport):
    if not _can_edit(request):
        messages.error(
            request, _("Only secretariat reviewers and administrators can edit reports.")
        )
        return redirect("summary-edit", report_id=report.pk)
    return None


def _clean_text(request: HttpRequest, name: str = "text") -> tuple[str, str | None]:
    text = request.POST.get(name, "")
    if "\x00" in text:
        return text, "The text contains a NUL character; please retype it."
    if len(text) > MAX_TEXT:
        return text, f"A paragraph may be at most {MAX_TEXT:,} characters long."
    if not text.strip():
        return text, "The paragraph is empty; write its text (or delete the paragraph)."
    return text, None


@secretariat_only
def list_view(request: HttpRequest) -> HttpResponse:
    cycles = ReportingCycle.objects.order_by("-year")
    if request.method == "POST":
        if not _can_edit(request):
            messages.error(request, _("Only secretariat reviewers and administrators can create."))
            return redirect("summary-list")
        year = request.POST.get("cycle", "")
        cycle = (
            cycles.filter(year=int(year)).first()
            if year.isascii() and year.isdigit() and len(year) <= 4
            else None
        )
        if cycle is None:
            messages.error(request, _("Choose the reporting cycle the report is about."))
            return redirect("summary-list")
        report = services.create_summary_report(cycle=cycle, user=request.user)
        messages.success(
            request,
            _("Summary report %(symbol)s created with the standard text.")
            % {"symbol": report.symbol},
        )
        return redirect("summary-edit", report_id=report.pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    reports = SummaryReport.objects.select_related("cycle").order_by("-cycle__year", "-created_at")
    return render(
        request,
        "reports/summary/list.html",
        {"reports": reports, "cycles": cycles, "can_edit": _can_edit(request)},
    )


def _latest_pdf(report: SummaryReport) -> RenderedPdf | None:
    return (
        RenderedPdf.objects.filter(subject=f"summary:{report.pk}")
        .order_by("-created_at", "-id")
        .first()
    )


@secretariat_only
def edit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    form = HeaderForm(instance=report)
    if request.method == "POST":
        refused = _refuse_unless_editor(request, report)
        if refused:
            return refused
        form = HeaderForm(request.POST, instance=report)
        if form.is_valid():
            form.save()
            messages.success(request, _("The document's header and summary are saved."))
            return redirect("summary-edit", report_id=report.pk)
        messages.error(request, _("Please correct the fields marked below; nothing else changed."))
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    loaded = load_report(report.pk)
    document = build_document(loaded, with_charts=False)
    blocks = {block.paragraph_id: block for block in document.blocks if block.paragraph_id}
    from reports.summary.document import fingerprint

    latest = _latest_pdf(report)
    current = fingerprint(loaded)
    # Text refused on save comes back into its box, with the reason.
    drafts = {
        int(key.rsplit("-", 1)[1]): request.session.pop(key)
        for key in list(request.session.keys())
        if key.startswith("summary-draft-")
    }
    return render(
        request,
        "reports/summary/edit.html",
        {
            "report": loaded,
            "form": form,
            "document": document,
            "blocks": blocks,
            "headings": {b.section_id: b for b in document.blocks if b.kind == "heading"},
            "generators": GENERATORS.values(),
            "placeholders": PLACEHOLDERS,
            "levels": [
                (value, LEVEL_NAMES.get(value, label))
                for value, label in SummarySection._meta.get_field("level").choices
            ],
            "latest_pdf": latest,
            "pdf_is_current": bool(latest and latest.fingerprint == current),
            "can_edit": _can_edit(request),
            "drafts": drafts,
        },
    )


@secretariat_only
@require_POST
def add_section(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    refused = _refuse_unless_editor(request, report)
    if refused:
        return refused
    title = request.POST.get("title", "").strip()
    level = request.POST.get("level", "1")
    if not title or len(title) > 300 or "\x00" in title:
        messages.error(request, _("Give the heading a title (at most 300 characters)."))
    elif level not in ("1", "2", "3"):
        messages.error(request, _("Choose the heading's level: I., A. or 1."))
    else:
        raw_after = request.POST.get("after", "")
        after = (
            report.sections.filter(pk=int(raw_after)).first()
            if raw_after.isascii() and raw_after.isdigit() and len(raw_after) < 10
            else None
        )
        section = services.add_section(report=report, level=int(level), title=title, after=after)
        messages.success(request, _("Heading “%(title)s” added.") % {"title": section.title})
        return redirect(f"{_edit_url(report)}#section-{section.pk}")
    return redirect("summary-edit", report_id=report.pk)


def _edit_url(report: SummaryReport) -> str:
    from django.urls import reverse

    return reverse("summary-edit", args=[report.pk])


def _section(report: SummaryReport, section_id: int) -> SummarySection:
    return get_object_or_404(SummarySection, pk=section_id, report=report)


def _paragraph(report: SummaryReport, paragraph_id: int) -> SummaryParagraph:
    return get_object_or_404(
        SummaryParagraph.objects.select_related("section"), pk=paragraph_id, section__report=report
    )


@secretariat_only
@require_POST
def section_action(request: HttpRequest, report_id: int, section_id: int) -> HttpResponse:
    report = _report(report_id)
    refused = _refuse_unless_editor(request, report)
    if refused:
        return refused
    section = _section(report, section_id)
    action = request.POST.get("action", "save")
    if action in ("up", "down"):
        services.move(section, -1 if action == "up" else 1)
    elif action == "delete":
        if section.paragraphs.exists() and request.POST.get("confirm") != "1":
            messages.error(
                request, _("This heading still has paragraphs: delete or move them first.")
            )
        else:
            section.delete()
            messages.success(request, _("Heading deleted."))
            return redirect("summary-edit", report_id=report.pk)
    elif action == "add-paragraph":
        kind = request.POST.get("kind", SummaryParagraph.Kind.NARRATIVE)
        generator = request.POST.get("generator", "")
        if kind == SummaryParagraph.Kind.GENERATED and generator not in GENERATORS:
            messages.error(request, _("Choose what the generated paragraph reports on."))
        elif kind not in SummaryParagraph.Kind.values:
            messages.error(request, _("Choose a narrative or a generated paragraph."))
        else:
            text = "" if kind == SummaryParagraph.Kind.GENERATED else "New paragraph."
            paragraph = services.add_paragraph(
                section=section,
                kind=kind,
                generator=generator if kind == SummaryParagraph.Kind.GENERATED else "",
                text=text,
            )
            return redirect(f"{_edit_url(report)}#paragraph-{paragraph.pk}")
    else:
        title = request.POST.get("title", "").strip()
        level = request.POST.get("level", str(section.level))
        if not title or len(title) > 300 or "\x00" in title or level not in ("1", "2", "3"):
            messages.error(
                request, _("A heading needs a title (at most 300 characters) and a level.")
            )
        else:
            section.title, section.level = title, int(level)
            section.save(update_fields=["title", "level", "updated_at"])
            messages.success(request, _("Heading saved."))
    return redirect(f"{_edit_url(report)}#section-{section.pk}")


@secretariat_only
@require_POST
def paragraph_action(request: HttpRequest, report_id: int, paragraph_id: int) -> HttpResponse:
    report = _report(report_id)
    refused = _refuse_unless_editor(request, report)
    if refused:
        return refused
    paragraph = _paragraph(report, paragraph_id)
    action = request.POST.get("action", "save")
    if action in ("up", "down"):
        services.move(paragraph, -1 if action == "up" else 1)
    elif action == "delete":
        paragraph.delete()
        messages.success(request, _("Paragraph deleted."))
        return redirect(f"{_edit_url(report)}#section-{paragraph.section_id}")
    elif action == "reset" and paragraph.kind == SummaryParagraph.Kind.GENERATED:
        generator = GENERATORS.get(paragraph.generator)
        if generator:
            paragraph.text = generator.wording
            paragraph.save(update_fields=["text", "updated_at"])
            messages.success(request, _("The standard wording is back."))
    else:
        text, problem = _clean_text(request)
        if problem:
            # Nothing is lost: the page shows what was typed, with the reason beside it.
            request.session[f"summary-draft-{paragraph.pk}"] = {
                "text": text[: MAX_TEXT * 2],
                "error": problem,
            }
            messages.error(request, problem)
        else:
            paragraph.text = text
            paragraph.save(update_fields=["text", "updated_at"])
            messages.success(request, _("Paragraph saved."))
    return redirect(f"{_edit_url(report)}#paragraph-{paragraph.pk}")


@secretariat_only
@require_POST
def paragraph_preview(request: HttpRequest, report_id: int, paragraph_id: int) -> JsonResponse:
    """The paragraph as it would print with the text being typed (not saved)."""
    report = _report(report_id)
    paragraph = _paragraph(report, paragraph_id)
    text, problem = _clean_text(request)
    if problem:
        return JsonResponse({"html": "", "problems": [problem]})
    problems: list[str] = []
    if paragraph.kind == SummaryParagraph.Kind.GENERATED:
        from reports.models import CycleStatistics

        values = StatisticsValues(
            report.cycle, CycleStatistics.objects.filter(cycle=report.cycle).first()
        )
        from reports.languages import writing_in

        with writing_in(report.language):  # numbers, dates, names as the document prints them
            text, problems = fill(text, values)
    html = paragraph_html(text, Footnotes())
    items = "".join(
        f'<li><span class="letter">({letter})</span>{item}</li>' for letter, item in html.items
    )
    return JsonResponse(
        {
            "html": f"<p>{html.lead}</p>" + (f'<ol class="items">{items}</ol>' if items else ""),
            "problems": problems,
        }
    )


@secretariat_only
@require_safe
def preview(request: HttpRequest, report_id: int) -> HttpResponse:
    report = load_report(_report(report_id).pk)
    return render(request, "reports/summary/preview.html", {"doc": build_document(report)})


@secretariat_only
@require_POST
def request_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    document = build_document(load_report(report.pk), with_charts=False)
    if document.problems:
        messages.error(
            request,
            _("Fix the wording first: %(problems)s")
            % {"problems": "; ".join(document.problems[:5])}
            + (
                ngettext(" and %(count)s more.", " and %(count)s more.", len(document.problems) - 5)
                % {"count": len(document.problems) - 5}
                if len(document.problems) > 5
                else ""
            ),
        )
        return redirect("summary-edit", report_id=report.pk)
    if document.stats is None:
        messages.error(
            request, _("Compile the %(year)s statistics first.") % {"year": report.cycle.year}
        )
        return redirect("summary-edit", report_id=report.pk)
    pdf = services.request_pdf(report, request.user)
    pdf.refresh_from_db()
    if pdf.status == RenderedPdf.Status.DONE:
        messages.success(request, _("The PDF is ready."))
    elif pdf.status == RenderedPdf.Status.FAILED:
        messages.error(request, _("The PDF could not be made: %(error)s") % {"error": pdf.error})
    else:
        messages.success(request, _("The PDF is being made; this page shows when it is ready."))
    return redirect("summary-edit", report_id=report.pk)


@secretariat_only
@require_safe
def pdf_status(request: HttpRequest, report_id: int) -> JsonResponse:
    report = _report(report_id)
    latest = _latest_pdf(report)
    return JsonResponse(job_status(latest, "Not made yet"))


@secretariat_only
@require_safe
def download_pdf(request: HttpRequest, report_id: int, document_id: int) -> FileResponse:
    report = _report(report_id)
    document = RenderedPdf.objects.filter(
        pk=document_id, subject=f"summary:{report.pk}", status=RenderedPdf.Status.DONE
    ).first()
    if document is None or not document.file:
        raise Http404("No such PDF")
    name = re.sub(r"[^A-Za-z0-9]+", "-", report.symbol).strip("-").lower() or "summary-report"
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{name}.pdf",
    )
