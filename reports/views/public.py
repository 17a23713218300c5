import csv

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from countries.models import Country
from reports.models import NationalReport, ReportingCycle, Revision
from reports.questionnaire_i18n import translated_titles
from reports.report_forms import readable
from reports.selectors import (
    cycles_overview,
    questionnaire_of,
    questionnaire_sections,
    questionnaire_texts,
    questionnaire_versions,
)
from reports.spreadsheets import csv_cell
from reports.statistics.selectors import public_headline


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    versions = list(questionnaire_versions())
    titles = translated_titles([version.pk for version in versions], get_language() or "en")
    for version in versions:
        version.reader_title = titles.get(version.pk, version.title)
    return render(request, "reports/home.html", {"cycles": cycles_overview(), "versions": versions})


@require_safe
def questionnaire_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = get_object_or_404(questionnaire_versions(), code=code)
    sections = questionnaire_sections(version)
    return render(
        request,
        "reports/questionnaire_detail.html",
        {"version": version, "sections": sections},
    )


# -- the public portal: published reports only ----------------------------------------------


def _published():
    """Reports with a published revision: the only ones anonymous visitors ever see."""
    return NationalReport.objects.filter(revisions__published_at__isnull=False).distinct()


@require_safe
def public_cycles(request: HttpRequest) -> HttpResponse:
    cycles = ReportingCycle.objects.annotate(
        published=Count(
            "reports", filter=Q(reports__revisions__published_at__isnull=False), distinct=True
        )
    ).order_by("-year")
    return render(request, "reports/public/cycles.html", {"cycles": cycles})


@require_safe
def public_cycle(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_object_or_404(ReportingCycle, year=year)
    reports = (
        _published()
        .filter(cycle=cycle)
        .select_related("country__report_region")
        .order_by("country__report_region__order", "country__sort_key")
    )
    regions: dict = {}
    for report in reports:
        regions.setdefault(report.country.report_region, []).append(report)
    return render(
        request,
        "reports/public/cycle.html",
        {"cycle": cycle, "regions": regions.items(), "headline": public_headline(cycle)},
    )


@require_safe
def public_country(request: HttpRequest, iso3: str) -> HttpResponse:
    country = get_object_or_404(Country, iso3=iso3.upper())
    reports = _published().filter(country=country).select_related("cycle").order_by("-cycle__year")
    return render(request, "reports/public/country.html", {"country": country, "reports": reports})


def _published_revision(report_id: int) -> Revision:
    revision = (
        Revision.objects.filter(report_id=report_id, published_at__isnull=False)
        .select_related("report__country", "report__cycle")
        .order_by("-number")
        .first()
    )
    if revision is None:
        raise Http404("No published report")
    return revision


@require_safe
def public_report(request: HttpRequest, report_id: int) -> HttpResponse:
    revision = _published_revision(report_id)
    report = revision.report
    sections, questions = questionnaire_of(report)
    grouped = [
        (
            section,
            [
                (q, readable(q, revision.answers.get(q.code)))
                for q in questions
                if q.section_id == section.pk and q.code in revision.answers
            ],
        )
        for section in sections
    ]
    return render(
        request,
        "reports/public/report.html",
        {
            "report": report,
            "revision": revision,
            "grouped": grouped,
            "texts": questionnaire_texts(report),
        },
    )


@require_safe
def public_report_csv(request: HttpRequest, report_id: int) -> HttpResponse:
    revision = _published_revision(report_id)
    report = revision.report
    _sections, questions = questionnaire_of(report)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"poa-report-{report.country.iso3.lower()}-{report.cycle.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["code", "question", "paragraphs", "answer"])
    for q in questions:
        if q.code in revision.answers:
            writer.writerow(
                [
                    q.code,
                    q.text,
                    "; ".join(q.citations),
                    csv_cell(readable(q, revision.answers[q.code])),
                ]
            )
    return response
