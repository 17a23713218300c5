from django.urls import path

from reports.views import documents, focal, public, review, statistics, workbook

urlpatterns = [
    path("", public.home, name="home"),
    path("public/", public.public_cycles, name="public-cycles"),
    path("public/<int:year>/", public.public_cycle, name="public-cycle"),
    path("public/countries/<str:iso3>/", public.public_country, name="public-country"),
    path("public/reports/<int:report_id>/", public.public_report, name="public-report"),
    path(
        "public/reports/<int:report_id>/report.csv",
        public.public_report_csv,
        name="public-report-csv",
    ),
    path(
        "public/reports/<int:report_id>/report.pdf",
        documents.public_report_pdf,
        name="public-report-pdf",
    ),
    path("review/", review.queue, name="review-queue"),
    path("review/reports/<int:report_id>/", review.report_page, name="review-report"),
    path("review/reports/<int:report_id>/transition/", review.transition, name="review-transition"),
    path("review/reports/<int:report_id>/diff/", review.diff, name="review-diff"),
    path("review/reports/<int:report_id>/history/", review.history, name="review-history"),
    path("review/statistics/", statistics.index, name="statistics-index"),
    path(
        "review/statistics/compile-all/", statistics.compile_all_view, name="statistics-compile-all"
    ),
    path("review/statistics/<int:year>/", statistics.cycle_page, name="statistics-cycle"),
    path(
        "review/statistics/<int:year>/compile/",
        statistics.compile_view,
        name="statistics-compile",
    ),
    path(
        "review/statistics/<int:year>/settings/",
        statistics.settings_view,
        name="statistics-settings",
    ),
    path(
        "review/statistics/<int:year>/status.json",
        statistics.status_view,
        name="statistics-status",
    ),
    path(
        "review/statistics/<int:year>/charts/<str:name>.svg",
        statistics.chart_view,
        name="statistics-chart",
    ),
    path(
        "review/statistics/<int:year>/statistics.xlsx",
        statistics.xlsx_view,
        name="statistics-xlsx",
    ),
    path(
        "review/statistics/<int:year>/<str:table>.csv",
        statistics.csv_view,
        name="statistics-csv",
    ),
    path("reports/<int:report_id>/comments/", review.comment, name="report-comment"),
    path("questionnaires/<str:code>/", public.questionnaire_detail, name="questionnaire-detail"),
    path("my-reports/", focal.my_reports, name="my-reports"),
    path("countries/<int:country_id>/cycles/<int:year>/start/", focal.start, name="report-start"),
    path("reports/<int:report_id>/", focal.overview, name="report-overview"),
    path("reports/<int:report_id>/language/", focal.change_language, name="report-language"),
    path(
        "reports/<int:report_id>/sections/<str:section_code>/",
        focal.section_page,
        name="report-section",
    ),
    path("reports/<int:report_id>/autosave/", focal.autosave, name="report-autosave"),
    path(
        "reports/<int:report_id>/questions/<str:question_code>/attachments/",
        focal.upload_attachment,
        name="report-upload",
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/",
        focal.download_attachment,
        name="report-attachment",
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/delete/",
        focal.delete_attachment,
        name="report-attachment-delete",
    ),
    path("reports/<int:report_id>/submit/", focal.submit, name="report-submit"),
    path("reports/<int:report_id>/recall/", focal.recall, name="report-recall"),
    path(
        "reports/<int:report_id>/revisions/<int:number>/",
        focal.revision_view,
        name="report-revision",
    ),
    path(
        "reports/<int:report_id>/revisions/<int:number>/report.pdf",
        documents.revision_report_pdf,
        name="report-revision-pdf",
    ),
    path("reports/<int:report_id>/diff.pdf", documents.diff_report_pdf, name="report-diff-pdf"),
    path("reports/<int:report_id>/print/", focal.print_view, name="report-print"),
    path("reports/<int:report_id>/workbook.xlsx", workbook.download, name="report-workbook"),
    path(
        "reports/<int:report_id>/workbook/upload/",
        workbook.upload,
        name="report-workbook-upload",
    ),
]
