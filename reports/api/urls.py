from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reports.api import more_views, other_views, views
from reports.api import report_views as rv
from reports.api.errors import not_found

app_name = "api"

v1 = [
    path("countries/", views.CountryList.as_view(), name="country-list"),
    path("countries/<str:iso3>/", views.CountryDetail.as_view(), name="country-detail"),
    path("cycles/", views.CycleList.as_view(), name="cycle-list"),
    path("cycles/<int:year>/", views.CycleDetail.as_view(), name="cycle-detail"),
    path("questionnaires/", views.QuestionnaireList.as_view(), name="questionnaire-list"),
    path(
        "questionnaires/<str:code>/",
        views.QuestionnaireDetail.as_view(),
        name="questionnaire-detail",
    ),
    path("reports/", views.ReportList.as_view(), name="report-list"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="report-detail"),
    # A report's answers, workflow, comments, revisions and files (report_views).
    path("reports/<int:pk>/answers/", rv.AnswerList.as_view(), name="report-answers"),
    # Before answers/<code>/, which would take "confirm" for a question's code.
    path(
        "reports/<int:pk>/answers/confirm/",
        more_views.ConfirmView.as_view(),
        name="report-answers-confirm",
    ),
    path("reports/<int:pk>/answers/<str:code>/", rv.AnswerDetail.as_view(), name="report-answer"),
    path("reports/<int:pk>/submit/", rv.SubmitView.as_view(), name="report-submit"),
    path("reports/<int:pk>/recall/", rv.RecallView.as_view(), name="report-recall"),
    path(
        "reports/<int:pk>/start-review/", rv.StartReviewView.as_view(), name="report-start-review"
    ),
    path("reports/<int:pk>/return/", rv.ReturnView.as_view(), name="report-return"),
    path("reports/<int:pk>/accept/", rv.AcceptView.as_view(), name="report-accept"),
    path("reports/<int:pk>/publish/", rv.PublishView.as_view(), name="report-publish"),
    path("reports/<int:pk>/reopen/", rv.ReopenView.as_view(), name="report-reopen"),
    path("reports/<int:pk>/comments/", rv.CommentList.as_view(), name="report-comments"),
    path("reports/<int:pk>/revisions/", rv.RevisionList.as_view(), name="report-revisions"),
    path(
        "reports/<int:pk>/revisions/<int:number>/",
        rv.RevisionDetail.as_view(),
        name="report-revision",
    ),
    path("reports/<int:pk>/diff/", rv.DiffView.as_view(), name="report-diff"),
    path("reports/<int:pk>/attachments/", rv.AttachmentList.as_view(), name="report-attachments"),
    path(
        "reports/<int:pk>/attachments/<int:aid>/",
        rv.AttachmentDetail.as_view(),
        name="report-attachment",
    ),
    path(
        "reports/<int:pk>/attachments/<int:aid>/download/",
        rv.AttachmentDownload.as_view(),
        name="report-attachment-download",
    ),
    path("reports/<int:pk>/workbook/", more_views.WorkbookView.as_view(), name="report-workbook"),
    path("reports/<int:pk>/history/", more_views.HistoryView.as_view(), name="report-history"),
    path("cycles/<int:year>/statistics/", other_views.StatisticsView.as_view(), name="statistics"),
    path(
        "cycles/<int:year>/statistics/compile/",
        other_views.CompileView.as_view(),
        name="statistics-compile",
    ),
    path("summaries/", other_views.SummaryList.as_view(), name="summary-list"),
    path("summaries/<int:report_id>/pdf/", other_views.SummaryPdf.as_view(), name="summary-pdf"),
    path(
        "summaries/<int:report_id>/pdf/download/",
        other_views.SummaryPdfDownload.as_view(),
        name="summary-pdf-download",
    ),
    path(
        "reports/<int:pk>/revisions/<int:number>/pdf/",
        other_views.RevisionPdf.as_view(),
        name="revision-pdf",
    ),
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a script file (?script), not inline,
    # so the page runs under the Content-Security-Policy with no exception.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ answers 404 in the error shape (no HTML page, no redirect).
    re_path(r"", not_found),
]
