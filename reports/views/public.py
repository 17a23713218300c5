from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.selectors import cycles_overview, questionnaire_sections, questionnaire_versions


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/home.html",
        {"cycles": cycles_overview(), "versions": questionnaire_versions()},
    )


def questionnaire_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = get_object_or_404(questionnaire_versions(), code=code)
    sections = questionnaire_sections(version)
    return render(
        request,
        "reports/questionnaire_detail.html",
        {"version": version, "sections": sections},
    )
