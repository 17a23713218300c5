"""The summary reports' pages (secretariat only)."""

from django.urls import path

from reports.views import summary

urlpatterns = [
    path("review/summaries/", summary.list_view, name="summary-list"),
    path("review/summaries/<int:report_id>/", summary.edit_view, name="summary-edit"),
    path(
        "review/summaries/<int:report_id>/sections/",
        summary.add_section,
        name="summary-add-section",
    ),
    path(
        "review/summaries/<int:report_id>/sections/<int:section_id>/",
        summary.section_action,
        name="summary-section",
    ),
    path(
        "review/summaries/<int:report_id>/paragraphs/<int:paragraph_id>/",
        summary.paragraph_action,
        name="summary-paragraph",
    ),
    path(
        "review/summaries/<int:report_id>/paragraphs/<int:paragraph_id>/preview/",
        summary.paragraph_preview,
        name="summary-paragraph-preview",
    ),
    path("review/summaries/<int:report_id>/preview/", summary.preview, name="summary-preview"),
    path("review/summaries/<int:report_id>/pdf/", summary.request_pdf, name="summary-pdf"),
    path(
        "review/summaries/<int:report_id>/pdf/status.json",
        summary.pdf_status,
        name="summary-pdf-status",
    ),
    path(
        "review/summaries/<int:report_id>/pdf/<int:document_id>/",
        summary.download_pdf,
        name="summary-pdf-download",
    ),
]
