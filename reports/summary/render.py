"""The summary report as HTML for the PDF (the same content the preview shows)."""

from __future__ import annotations

from django.template.loader import render_to_string

from reports.summary.document import SummaryDocument


def document_html(document: SummaryDocument) -> str:
    return render_to_string("reports/summary/pdf.html", {"doc": document})
