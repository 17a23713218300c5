from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reports.api import views

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
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
