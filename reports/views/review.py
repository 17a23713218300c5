"""The secretariat's pages: review queue, review page, diff between revisions, history."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from countries.models import Country, RegionalGroup, ReportRegion
from reports import access
from reports.diff import compare, compare_files
from reports.models import NationalReport, Question, ReportingCycle, Revision
from reports.report_forms import readable
from reports.selectors import questionnaire_of, questionnaire_texts, report_answer_values
from reports.services.workflow import (
    WorkflowRefused,
    accept_report,
    add_comment,
    publish_report,
    reopen_report,
    return_for_revision,
    start_review,
)

Status = NationalReport.Status
PAGE_SIZE = 50


def secretariat_only(view):
    """Staff pages: anyone else gets 404, as for a page that does not exist."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_secretariat(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


@secretariat_only
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    cycles = list(ReportingCycle.objects.order_by("-year"))
    year = request.GET.get("cycle") or (str(cycles[0].year) if cycles else "")
    reports = NationalReport.objects.for_user(request.user).select_related(
        "country__report_region", "country__regional_group", "cycle", "submitted_by"
    )
    if year.isascii() and year.isdigit():
        reports = reports.filter(cycle__year=int(year))
    filters = {
        "region": request.GET.get("region", ""),
        "group": request.GET.get("group", ""),
        "status": request.GET.get("status", ""),
        "overdue": request.GET.get("overdue", ""),
        "sort": request.GET.get("sort", "submitted"),
    }
    if filters["region"]:
        reports = reports.filter(country__report_region__code=filters["region"])
    if filters["group"]:
        reports = reports.filter(country__regional_group__code=filters["group"])
    counts = dict(reports.values_list("status").annotate(n=Count("id")))
    if filters["status"] in Status.values:
        reports = reports.filter(status=filters["status"])
    if filters["overdue"] == "1":
        reports = reports.filter(
            cycle__due_on__lt=datetime.date.today(), status__in=[Status.DRAFT, Status.RETURNED]
        )
    # Reports not submitted yet come last either way (databases differ on where NULLs go).
    submitted = F("submitted_at")
    order = (
        submitted.desc(nulls_last=True)
        if filters["sort"] == "-submitted"
        else submitted.asc(nulls_last=True)
    )
    reports = reports.order_by(order, "country__sort_key")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    not_started = Country.objects.none()
    if year.isascii() and year.isdigit():
        not_started = Country.objects.exclude(reports__cycle__year=int(year))
        if filters["region"]:
            not_started = not_started.filter(report_region__code=filters["region"])
        if filters["group"]:
            not_started = not_started.filter(regional_group__code=filters["group"])
    return render(
        request,
        "reports/review/queue.html",
        {
            "page": page,
            "cycles": cycles,
            "year": year,
            "filters": filters,
            "regions": ReportRegion.objects.all(),
            "groups": RegionalGroup.objects.all(),
            "statuses": Status.choices,
            "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
            "total": sum(counts.values()),
            "not_started": list(not_started.order_by("sort_key").values_list("un_name", flat=True)),
        },
    )


def _revision_values(revision: Revision | None, report: NationalReport) -> dict:
    return revision.answers if revision else report_answer_values(report)


@secretariat_only
@require_safe
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    sections, questions = questionnaire_of(report)
    revisions = list(report.revisions.select_related("submitted_by", "accepted_by"))
    latest = revisions[0] if revisions else None
    values = _revision_values(latest, report)
    comments: dict[int | None, list] = {}
    for comment in report.comments.select_related("author", "question"):
        comments.setdefault(comment.question_id, []).append(comment)
    grouped = []
    for section in sections:
        items = [
            {
                "question": q,
                "text": readable(q, values.get(q.code)),
                "answered": q.code in values,
                "comments": comments.get(q.pk, []),
            }
            for q in questions
            if q.section_id == section.pk
        ]
        grouped.append((section, items))
    user = request.user
    return render(
        request,
        "reports/review/report.html",
        {
            "report": report,
            "latest": latest,
            "revisions": revisions,
            "grouped": grouped,
            "texts": questionnaire_texts(report),
            "report_comments": comments.get(None, []),
            "can_review": access.can_review(user),
            "can_publish": access.can_publish(user),
            "actions": _allowed_actions(report, user),
        },
    )


def _allowed_actions(report: NationalReport, user) -> list[str]:
    actions = []
    if access.can_review(user):
        if report.status == Status.SUBMITTED:
            actions.append("start_review")
        if report.status == Status.UNDER_REVIEW:
            actions += ["return", "accept"]
    if access.can_publish(user):
        if report.status == Status.ACCEPTED:
            actions.append("publish")
        if report.status in (Status.ACCEPTED, Status.PUBLISHED):
            actions.append("reopen")
    return actions


ACTIONS = {
    "start_review": (
        lambda report, user, message: start_review(report=report, user=user),
        gettext_lazy("The review has started."),
    ),
    "return": (
        lambda report, user, message: return_for_revision(
            report=report, user=user, message=message
        ),
        gettext_lazy("The report is returned to the country with your comments."),
    ),
    "accept": (
        lambda report, user, message: accept_report(report=report, user=user),
        gettext_lazy("The report is accepted."),
    ),
    "publish": (
        lambda report, user, message: publish_report(report=report, user=user),
        gettext_lazy("The report is published."),
    ),
    "reopen": (
        lambda report, user, message: reopen_report(report=report, user=user, message=message),
        gettext_lazy("The report is reopened for a new revision."),
    ),
}


@secretariat_only
@require_POST
def transition(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
    else:
        perform, done = action
        try:
            perform(report, request.user, request.POST.get("message", ""))
            messages.success(request, done)
        except WorkflowRefused as refused:
            messages.error(request, str(refused))
    return redirect("review-report", report_id=report.pk)


@login_required
@require_POST
def comment(request: HttpRequest, report_id: int) -> HttpResponse:
    """A comment by the secretariat (review page) or a focal point's reply (report pages)."""
    report = access.report_for(request.user, report_id)
    code = request.POST.get("question", "")
    question = None
    if code:
        question = Question.objects.filter(
            version_id=report.cycle.questionnaire_id, code=code
        ).first()
        if question is None:
            raise Http404("No such question")
    try:
        add_comment(
            report=report, user=request.user, body=request.POST.get("body", ""), question=question
        )
        messages.success(request, _("Your comment is saved."))
    except WorkflowRefused as refused:
        messages.error(request, str(refused))
    target = request.POST.get("next", "")
    if target.startswith(f"/reports/{report.pk}/") or target.startswith(
        f"/review/reports/{report.pk}/"
    ):
        return redirect(target)
    return redirect("report-overview", report_id=report.pk)


@secretariat_only
@require_safe
def diff(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    revisions = list(report.revisions.order_by("number"))
    if len(revisions) < 1:
        raise Http404("No revisions to compare")
    numbers = [r.number for r in revisions]

    def pick(name: str, default: int) -> Revision:
        raw = request.GET.get(name, "")
        number = int(raw) if raw.isascii() and raw.isdigit() else default
        revision = next((r for r in revisions if r.number == number), None)
        if revision is None:
            raise Http404("No such revision")
        return revision

    new = pick("to", numbers[-1])
    old = pick("from", numbers[-2] if len(numbers) > 1 else numbers[-1])
    sections, questions = questionnaire_of(report)
    return render(
        request,
        "reports/review/diff.html",
        {
            "report": report,
            "revisions": revisions,
            "old": old,
            "new": new,
            "sections": compare(sections, questions, old.answers, new.answers),
            "files": compare_files(old.attachments, new.attachments),
            "texts": questionnaire_texts(report),  # headings and questions in the report's language
        },
    )


@secretariat_only
@require_safe
def history(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    events = report.events.select_related("actor", "question").order_by("-created_at", "-id")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "reports/review/history.html", {"report": report, "page": page})
