"""The secretariat's statistics pages: every cycle's compile status, a cycle's dashboard with its
charts and tables, the downloads, and the settings of what is counted and shown publicly."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reports import access
from reports.models import CountingRule, CycleStatistics, ReportingCycle
from reports.statistics import charts, exports, selectors
from reports.statistics.compile import request_compile
from reports.views.review import secretariat_only

CHARTS = ("regions", "trend")


def _cycle(year: int) -> ReportingCycle:
    return get_object_or_404(ReportingCycle.objects.select_related("questionnaire"), year=year)


def _stored(cycle: ReportingCycle) -> CycleStatistics:
    stats = CycleStatistics.objects.filter(cycle=cycle).select_related("cycle").first()
    if stats is None:
        raise Http404("The statistics of this cycle have not been compiled yet.")
    return stats


@secretariat_only
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/statistics/index.html",
        {
            "cycles": selectors.cycles_with_statistics(),
            "can_compile": access.can_compile_statistics(request.user),
        },
    )


@secretariat_only
@require_safe
def cycle_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    board = selectors.dashboard(cycle)
    return render(
        request,
        "reports/statistics/cycle.html",
        {
            "board": board,
            "cycle": cycle,
            "cycles": ReportingCycle.objects.order_by("-year").values_list("year", flat=True),
            "trend": selectors.trend(),
            "trend_questions": selectors.trend_questions(cycle),
            "tables": exports.TABLE_TITLES,
            "counting_rules": CountingRule.choices,
            "can_compile": access.can_compile_statistics(request.user),
            "can_change_settings": access.can_change_statistics_settings(request.user),
        },
    )


@secretariat_only
@require_POST
def compile_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not access.can_compile_statistics(request.user):
        messages.error(request, _("Only secretariat reviewers and administrators can recompile."))
        return redirect("statistics-cycle", year=cycle.year)
    run = request_compile(cycle, reason="requested by staff", user=request.user, force=True)
    run.refresh_from_db()
    if run.status == run.Status.FAILED:
        messages.error(request, _("The compile failed: %(error)s") % {"error": run.error})
    elif run.is_active:
        messages.success(
            request, _("The %(year)s statistics are being compiled.") % {"year": cycle.year}
        )
    else:
        messages.success(
            request, _("The %(year)s statistics have been compiled.") % {"year": cycle.year}
        )
    return redirect("statistics-cycle", year=cycle.year)


@secretariat_only
@require_POST
def compile_all_view(request: HttpRequest) -> HttpResponse:
    if not access.can_compile_statistics(request.user):
        messages.error(request, _("Only secretariat reviewers and administrators can recompile."))
        return redirect("statistics-index")
    for cycle in ReportingCycle.objects.order_by("year"):
        request_compile(cycle, reason="all cycles, requested by staff", user=request.user)
    messages.success(request, _("Every cycle whose reports changed is being compiled."))
    return redirect("statistics-index")


@secretariat_only
@require_POST
def settings_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not access.can_change_statistics_settings(request.user):
        messages.error(request, _("Only secretariat administrators can change these settings."))
        return redirect("statistics-cycle", year=cycle.year)
    rule = request.POST.get("counting_rule", cycle.counting_rule)
    if rule not in CountingRule.values:
        messages.error(request, _("Choose which reports to count: accepted or submitted ones."))
        return redirect("statistics-cycle", year=cycle.year)
    public = request.POST.get("statistics_public") == "1"
    changed_rule = rule != cycle.counting_rule
    cycle.counting_rule = rule
    cycle.statistics_public = public
    cycle.save(update_fields=["counting_rule", "statistics_public", "updated_at"])
    if changed_rule:
        request_compile(cycle, reason="counting rule changed", user=request.user)
    messages.success(request, _("The statistics settings of the cycle are saved."))
    return redirect("statistics-cycle", year=cycle.year)


@secretariat_only
@require_safe
def status_view(request: HttpRequest, year: int) -> JsonResponse:
    """The latest compile's status and progress, polled by the dashboard while one runs."""
    cycle = _cycle(year)
    runs = selectors.latest_runs(cycle, 1)
    run = runs[0] if runs else None
    return JsonResponse(job_status(run, "Never compiled"))


def job_status(job, never: str) -> dict:
    """A background job's state as the pages poll it (a compile run or a PDF render)."""
    return {
        "status": job.status if job else None,
        "label": job.get_status_display() if job else never,
        "progress": job.progress if job else 0,
        "step": job.step if job else "",
        "error": job.error if job else "",
        "active": bool(job and job.is_active),
    }


@secretariat_only
@require_safe
def chart_view(request: HttpRequest, year: int, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404("No such chart")
    stats = _stored(_cycle(year))
    svg = charts.cached_chart(stats, name)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=60"
    return response


@secretariat_only
@require_safe
def xlsx_view(request: HttpRequest, year: int) -> HttpResponse:
    stats = _stored(_cycle(year))
    response = HttpResponse(
        exports.as_xlsx(stats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="poa-statistics-{year}.xlsx"'
    return response


@secretariat_only
@require_safe
def csv_view(request: HttpRequest, year: int, table: str) -> HttpResponse:
    if table not in exports.BUILDERS:
        raise Http404("No such table")
    stats = _stored(_cycle(year))
    response = HttpResponse(
        exports.as_csv(exports.build_table(stats, table)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="poa-statistics-{year}-{table}.csv"'
    return response
