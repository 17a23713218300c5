"""The summary report as HTML for the PDF (the same content the preview shows), in the
document's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from reports.summary.document import SummaryDocument


def document_html(document: SummaryDocument) -> str:
    with translation.override(document.django_language):
        return render_to_string("reports/summary/pdf.html", {"doc": document})
