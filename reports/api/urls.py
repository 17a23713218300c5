from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reports.api import other_views, views

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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
