"""Pages of the national focal points: their reports, the report form, submission."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.db.models import Max
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from countries.models import Country
from reports import access
from reports.answers import AnswerValidationError, clean_answer
from reports.files import (
    ACCEPTED_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    FileRefused,
    download_response,
)
from reports.form_html import DJANGO_LANGUAGE, RTL, question_html
from reports.models import (
    NationalReport,
    Question,
    QuestionType,
    ReportingCycle,
    Revision,
    Section,
)
from reports.progress import load_states, section_progress, visibility
from reports.report_forms import (
    QuestionView,
    display_value,
    field_name,
    fingerprint,
    posted,
    posted_version,
    raw_value,
    readable,
    unchanged_by_user,
)
from reports.selectors import (
    answer_records,
    country_comments,
    has_follow_ups,
    question_by_code,
    questionnaire_of,
    questionnaire_texts,
    section_answers,
)
from reports.services import (
    AnswerConflictError,
    ReportNotEditableError,
    confirm_prefilled,
    save_answer,
    start_report,
)
from reports.services.answers import change_report_language
from reports.services.attachments import add_attachment, remove_attachment
from reports.services.submission import (
    IncompleteReportError,
    SubmissionRefused,
    recall_report,
    submit_report,
)

# What file questions tell people about uploads, on the page and in re-rendered blocks.
UPLOAD_HINTS = {
    "accepted_extensions": ACCEPTED_EXTENSIONS,
    "max_upload_mb": MAX_ATTACHMENT_BYTES // 1024 // 1024,
}


def _today() -> datetime.date:
    return datetime.date.today()


def days_left(cycle: ReportingCycle, today: datetime.date | None = None) -> int:
    return (cycle.due_on - (today or _today())).days


# -- my reports ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    report: NationalReport
    sections: list
    answered_required: int
    required: int
    days_left: int

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass
class CountryPanel:
    country: Country
    role: str
    rows: list[ReportRow]
    startable: list[tuple[ReportingCycle, NationalReport | None]]
    can_manage_team: bool


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    memberships = list(access.active_memberships(request.user))
    countries = [m.country for m in memberships]
    reports = list(
        NationalReport.objects.for_user(request.user)
        .filter(country__in=countries)
        .select_related("cycle", "country")
        .order_by("-cycle__year")
    )
    states = load_states([r.pk for r in reports])
    questionnaires: dict[int, tuple[list[Section], list[Question]]] = {}
    rows_by_country: dict[int, list[ReportRow]] = {c.pk: [] for c in countries}
    for report in reports:
        version_id = report.cycle.questionnaire_id
        if version_id not in questionnaires:
            questionnaires[version_id] = questionnaire_of(report)
        sections, questions = questionnaires[version_id]
        progress = section_progress(sections, questions, states[report.pk])
        rows_by_country[report.country_id].append(
            ReportRow(
                report=report,
                sections=progress,
                answered_required=sum(p.answered_required for p in progress),
                required=sum(p.required for p in progress),
                days_left=days_left(report.cycle),
            )
        )
    open_cycles = list(ReportingCycle.objects.open())
    accepted_years = dict(
        NationalReport.objects.filter(country__in=countries, current_revision__isnull=False)
        .values_list("country_id")
        .annotate(year=Max("cycle__year"))
    )
    panels = []
    for membership in memberships:
        have = {row.report.cycle_id for row in rows_by_country[membership.country_id]}
        startable = [
            (cycle, accepted_years.get(membership.country_id))
            for cycle in open_cycles
            if cycle.pk not in have
        ]
        panels.append(
            CountryPanel(
                country=membership.country,
                role=membership.get_role_display(),
                rows=rows_by_country[membership.country_id],
                startable=startable,
                can_manage_team=membership.role == "submitter",
            )
        )
    return render(
        request,
        "reports/focal/my_reports.html",
        {
            "panels": panels,
            "is_secretariat": access.is_secretariat(request.user),
            "report_languages": NationalReport.Language.choices,
            "default_language": default_report_language(),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, country_id: int, year: int) -> HttpResponse:
    country = access.country_for(request.user, country_id)
    cycle = get_object_or_404(ReportingCycle.objects.open(), year=year)
    prefill = request.POST.get("prefill") == "1"
    report = start_report(
        country=country,
        cycle=cycle,
        user=request.user,
        prefill=prefill,
        language=_posted_language(request),
    )
    if prefill and report.prefilled_from_id:
        messages.success(
            request,
            _(
                "The report starts from your %(year)s report. Answers copied from it are marked "
                "until you confirm or change them."
            )
            % {"year": report.prefilled_from.cycle.year},
        )
    return redirect("report-overview", report_id=report.pk)


def _posted_language(request: HttpRequest) -> str:
    """The report language the form chose; the interface's language when none (or a bad one)
    was sent: a focal point reading the site in French most likely writes in French."""
    choices = {code for code, _label in NationalReport.Language.choices}
    posted_code = request.POST.get("language", "")
    if posted_code in choices:
        return posted_code
    return default_report_language()


def default_report_language() -> str:
    from django.utils import translation

    code = (translation.get_language() or "en").split("-")[0]
    return code if code in {c for c, _label in NationalReport.Language.choices} else "en"


def _language_context(report) -> dict:
    """How the questionnaire's words are marked up: its language and direction."""
    return {
        "report_lang": DJANGO_LANGUAGE.get(report.language, report.language),
        "report_dir": "rtl" if report.language in RTL else "ltr",
    }


# -- a report ------------------------------------------------------------------------------


def _visible_comments(report) -> dict[int | None, list]:
    """Comments the country sees: its own, and the secretariat's once shared (on return)."""
    grouped: dict[int | None, list] = {}
    for comment in country_comments(report):
        grouped.setdefault(comment.question_id, []).append(comment)
    return grouped


def _navigator(report, progress, texts, current=None) -> SafeString:
    """The items of the section list beside the form, written out (the page's hottest loop:
    through the template engine, a dozen lookups per section)."""
    # One reverse for all the links; the placeholder comes back quoted as reverse quotes.
    url = reverse("report-section", args=[report.pk, "__section__"])
    items = []
    for p in progress:
        section = p.section
        is_current = current is not None and section.id == current.id
        css = f"{'current' if is_current else ''} {'complete' if p.complete else ''}"
        code = conditional_escape(section.code)
        link = conditional_escape(url.replace("__section__", quote(section.code, safe="")))
        current_attribute = 'aria-current="page"' if is_current else ""
        title = conditional_escape(texts.section(section.code).title)
        items.append(
            f'\n    <li class="{css}">\n      <a href="{link}" {current_attribute}>\n'
            f'        <span class="nav-title" dir="auto">{code}. {title}</span>\n'
            f'        <span class="nav-count" dir="ltr" data-section-progress="{code}">'
            f"{p.answered_required}/{p.required}</span>\n      </a>\n    </li>"
        )
    return mark_safe("".join(items))


def _report_context(request, report, state=None, section=None) -> dict:
    sections, questions = questionnaire_of(report)
    if state is None:
        state = load_states([report.pk])[report.pk]
    visible = visibility(questions, state)
    progress = section_progress(sections, questions, state, visible)
    texts = questionnaire_texts(report)
    answered = sum(p.answered_required for p in progress)
    return {
        **_language_context(report),
        "texts": texts,
        "report": report,
        "sections": sections,
        "questions": questions,
        "state": state,
        "visible": visible,
        "progress": progress,
        "navigator": _navigator(report, progress, texts, section),
        "answered_required": answered,
        # The count the page's script updates, inside the translated "… of … required answers".
        "answered_html": format_html('<span data-head-progress dir="ltr">{}</span>', answered),
        "required": sum(p.required for p in progress),
        "can_edit": access.can_edit(request.user, report),
        "can_submit": access.can_submit(request.user, report),
        "can_recall": access.can_recall(request.user, report),
        "days_left": days_left(report.cycle),
    }


@login_required
@require_POST
def change_language(request: HttpRequest, report_id: int) -> HttpResponse:
    """The submitter changes the language the report is written in, while it is a draft."""
    report = access.report_for(request.user, report_id)
    if not can_change_language(request.user, report):
        return _not_editable(request, report)
    language = request.POST.get("language", "")
    if language not in dict(NationalReport.Language.choices):
        messages.error(request, _("Choose one of the six languages."))
    else:
        try:
            change_report_language(report=report, language=language, user=request.user)
        except ReportNotEditableError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The report is now in %(language)s.") % {"language": _language_name(language)},
            )
    return redirect("report-overview", report_id=report.pk)


@login_required
@require_safe
def overview(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    context = _report_context(request, report)
    context["can_change_language"] = can_change_language(request.user, report)
    context["report_languages"] = NationalReport.Language.choices
    context["revisions"] = list(report.revisions.select_related("submitted_by"))
    context["report_comments"] = _visible_comments(report).get(None, [])
    return render(request, "reports/focal/overview.html", context)


def can_change_language(user, report) -> bool:
    """The submitter chooses the report's language while it is a draft (not once returned: the
    secretariat has read it in its language)."""
    return report.status == NationalReport.Status.DRAFT and access.can_submit(user, report)


def _language_name(code: str) -> str:
    return str(dict(NationalReport.Language.choices).get(code, code))


def _section_or_404(sections: list[Section], code: str) -> Section:
    for section in sections:
        if section.code == code:
            return section
    raise Http404("No such section")


def _question_views(
    report, questions, section, records, state, attachments, overrides=None, visible=None
):
    if visible is None:
        visible = visibility(questions, state)
    overrides = overrides or {}
    views = []
    for question in questions:
        if question.section_id != section.id:
            continue
        value, version, prefilled = records.get(question.id, (None, 0, None))
        view = QuestionView(
            question=question,
            value=display_value(question, value),
            version=version,
            visible=visible[question.id],
            prefilled_from_year=prefilled,
            attachments=attachments.get(question.id, []),
            original=fingerprint(value),
        )
        for name, override in overrides.get(question.pk, {}).items():
            setattr(view, name, override)
        if question.pk in overrides:
            view.visible = True  # a problem is never hidden inside a folded follow-up
        views.append(view)
    return views


@login_required
def section_page(request: HttpRequest, report_id: int, section_code: str) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    sections, questions = questionnaire_of(report)
    section = _section_or_404(sections, section_code)
    overrides: dict[int, dict] = {}
    problems: list = []
    status = 200
    if request.method == "POST":
        if not access.can_edit(request.user, report):
            return _not_editable(request, report)
        overrides, problems = _save_section(request, report, section, questions)
        if not problems:
            messages.success(request, _("Your answers are saved."))
            target = request.POST.get("next_section")
            if target and any(s.code == target for s in sections):
                return redirect("report-section", report_id=report.pk, section_code=target)
            url = reverse("report-section", args=[report.pk, section.code])
            add_row = request.POST.get("add_row", "")
            tables = {
                q.code
                for q in questions
                if q.section_id == section.pk and q.type == QuestionType.TABLE
            }
            if add_row in tables:
                return redirect(f"{url}?{urlencode({'add_row': add_row})}#q-{add_row}")
            return redirect(url)
        status = 400
    # Read after any save, so the page and its progress show what did save.
    loaded = section_answers(report, section)
    context = _report_context(request, report, loaded.state, section)
    views = _question_views(
        report,
        questions,
        section,
        loaded.records,
        loaded.state,
        loaded.attachments,
        overrides,
        context["visible"],
    )
    context["problems"] = problems
    comments = _visible_comments(report) if loaded.has_comments else {}
    for view in views:
        view.comments = comments.get(view.question.pk, [])
    add_row = request.GET.get("add_row")
    can_edit = context["can_edit"]
    texts = context["texts"]
    for view in views:
        if view.code == add_row and view.question.type == QuestionType.TABLE:
            view.extra_rows = 1
        view.html = question_html(
            view, can_edit=can_edit, report=report, request=request, texts=texts, **UPLOAD_HINTS
        )
    position = [s.code for s in context["sections"]].index(section.code)
    sections = context["sections"]
    previous_section = sections[position - 1] if position else None
    next_section = sections[position + 1] if position + 1 < len(sections) else None
    context.update(
        {
            "section": section,
            "section_texts": texts.section(section.code),
            "views": views,
            "questions_html": mark_safe("".join(view.html for view in views)),
            "has_comments": bool(comments),
            "add_row": add_row,
            "previous_section": _titled(previous_section, texts),
            "next_section": _titled(next_section, texts),
            **UPLOAD_HINTS,
            "prefilled_count": sum(1 for v in views if v.prefilled_from_year),
            "script_strings": script_strings(),
            "country_choices": Country.objects.order_by("sort_key").values_list("iso3", "un_name"),
            "has_country_columns": any(
                c["type"] == "country" for v in views for c in v.question.columns
            ),
        }
    )
    return render(request, "reports/focal/section.html", context, status=status)


def script_strings() -> dict[str, str]:
    """The words static/js/report-form.js shows, in the interface's language (read from a JSON
    block on the page: the Content-Security-Policy allows no inline script)."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "allSaved": _("All changes saved."),
        "notSavedYet": _("Not saved yet…"),
        "notSaved": _("Not saved"),
        "notSavedQuestions": _("Not saved: question %(codes)s. See the message at the question."),
        "signedOutShort": _("Not saved: you are signed out"),
        "signedOut": _(
            "You are signed out, so nothing can be saved. Sign in again in another tab; this "
            "page keeps your changes and saves them once you are back."
        ),
        "retrying": _("Connection lost; trying again…"),
        "offline": _(
            "Offline: your changes are kept on this page and will be saved when the connection "
            "returns."
        ),
        "conflict": _("A colleague saved a different answer while you were editing."),
        "theirAnswer": _("Their answer:"),
        "yoursKept": _("Your answer is still in the form."),
        "keepMine": _("Keep mine"),
        "useTheirs": _("Use theirs"),
        "chooseAnswer": _("Not saved: choose an answer"),
        "theirsKept": _("Their answer is kept"),
        "uploading": _("Uploading %(name)s…"),
        "attached": _("File attached"),
        "uploadFailed": _("The upload did not get through; check the connection and try again."),
    }


def _titled(section, texts):
    """A neighbouring section's code and title in the report's language (for the pager)."""
    return texts.section(section.code) if section is not None else None


STALE_FORM = gettext_lazy(
    "This form is out of date (reload the page); nothing was saved for this question."
)
NOT_EDITABLE = gettext_lazy("This report can no longer be changed.")
UNKNOWN_QUESTION = gettext_lazy("Unknown question; please reload the page.")


def _save_section(request, report, section, questions):
    """Save every posted question of the section that the user changed.

    Returns (overrides for the re-rendered form, problems as (question, message) pairs).
    """
    by_code = {q.code: q for q in questions if q.section_id == section.pk}
    overrides: dict[int, dict] = {}
    problems: list[tuple[Question, str]] = []
    confirm = request.POST.getlist("confirm")
    if request.POST.get("confirm_section") == section.code:
        confirm = list(by_code)
    if confirm:
        confirm_prefilled(
            report=report,
            question_ids=[by_code[c].pk for c in confirm if c in by_code],
            user=request.user,
        )
    take_theirs = set(request.POST.getlist("take_theirs"))

    def problem(question, message, **override):
        overrides[question.pk] = {"error": message, **override}
        problems.append((question, message))

    for question in by_code.values():
        if question.type == QuestionType.FILE:
            upload = request.FILES.get(field_name(question, "file"))
            if upload:
                try:
                    add_attachment(
                        report=report, question=question, upload=upload, user=request.user
                    )
                except (FileRefused, AnswerValidationError, ReportNotEditableError) as error:
                    problem(question, str(error))
            continue
        if not posted(question, request.POST) or question.code in take_theirs:
            continue
        value = raw_value(question, request.POST)
        base_version = posted_version(question, request.POST)
        try:
            clean = clean_answer(question, value)
            if unchanged_by_user(question, request.POST, clean):
                continue  # untouched: a colleague's newer answer must not be overwritten
            if base_version is None:
                problem(question, str(STALE_FORM), value=value)
                continue
            save_answer(
                report=report,
                question=question,
                value=clean,
                user=request.user,
                base_version=base_version,
            )
        except AnswerValidationError as error:
            problem(question, error.message, value=value)
        except AnswerConflictError as conflict:
            theirs = readable(question, conflict.current_value)
            overrides[question.pk] = {
                "value": value,
                "conflict_theirs": theirs,
                "version": conflict.current_version,
                "original": fingerprint(conflict.current_value),
            }
            problems.append(
                (question, _("a colleague saved another answer: %(answer)s") % {"answer": theirs})
            )
        except ReportNotEditableError as error:
            problem(question, str(error), value=value)
    return overrides, problems


def _not_editable(request, report) -> HttpResponse:
    return render(
        request,
        "reports/focal/not_editable.html",
        {"report": report},
        status=403,
    )


@login_required
@require_POST
def autosave(request: HttpRequest, report_id: int) -> JsonResponse:
    """Save one question in the background; JSON for the page's script."""
    report = access.report_for(request.user, report_id)
    if not access.can_edit(request.user, report):
        return JsonResponse(
            {"status": "not_editable", "message": str(NOT_EDITABLE)},
            status=403,
        )
    question = question_by_code(report, request.POST.get("question", ""))
    if question is None or question.type == QuestionType.FILE or not posted(question, request.POST):
        return JsonResponse(
            {"status": "invalid", "message": str(UNKNOWN_QUESTION)},
            status=400,
        )
    base_version = posted_version(question, request.POST)
    if base_version is None:
        return JsonResponse({"status": "invalid", "message": str(STALE_FORM)}, status=400)
    value = raw_value(question, request.POST)
    try:
        answer = save_answer(
            report=report,
            question=question,
            value=value,
            user=request.user,
            base_version=base_version,
        )
    except AnswerValidationError as error:
        return JsonResponse({"status": "invalid", "message": error.message}, status=400)
    except AnswerConflictError as conflict:
        return JsonResponse(
            {
                "status": "conflict",
                "theirs": readable(question, conflict.current_value),
                "version": conflict.current_version,
                "original": fingerprint(conflict.current_value),
                "current_html": _question_html(request, report, question),
            },
            status=409,
        )
    except ReportNotEditableError as error:
        return JsonResponse({"status": "not_editable", "message": str(error)}, status=403)
    saved = {
        "status": "saved",
        "version": answer.version if answer else 0,
        "original": fingerprint(clean_answer(question, value)),
        "saved_at": (answer.updated_at if answer else report.updated_at).isoformat(),
    }
    # Counts change only when a question gains or loses its answer (version 1: just created,
    # or unchanged, which costs a needless count at worst) or when follow-ups depend on it.
    # Otherwise, as for most saves while typing, the page keeps the progress it shows.
    if answer is None or answer.version == 1 or has_follow_ups(report, question):
        sections, questions = questionnaire_of(report)
        progress = section_progress(sections, questions, load_states([report.pk])[report.pk])
        saved["progress"] = {p.section.code: [p.answered_required, p.required] for p in progress}
        saved["answered_required"] = sum(p.answered_required for p in progress)
    return JsonResponse(saved)


def _question_html(request, report, question) -> str:
    """The question's block as stored now (for "use theirs" after a conflict)."""
    sections, questions = questionnaire_of(report)
    section = next(s for s in sections if s.pk == question.section_id)
    loaded = section_answers(report, section)
    views = _question_views(
        report, questions, section, loaded.records, loaded.state, loaded.attachments
    )
    view = next(v for v in views if v.question.pk == question.pk)
    return question_html(
        view,
        can_edit=True,
        report=report,
        request=request,
        texts=questionnaire_texts(report),
        **UPLOAD_HINTS,
    )


# -- attachments ---------------------------------------------------------------------------


@login_required
@require_POST
def upload_attachment(request: HttpRequest, report_id: int, question_code: str) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    question = Question.objects.filter(
        version_id=report.cycle.questionnaire_id, code=question_code
    ).first()
    section_url = (
        reverse("report-section", args=[report.pk, question.section.code]) + f"#q-{question.code}"
        if question
        else reverse("report-overview", args=[report.pk])
    )
    error = None
    if not access.can_edit(request.user, report):
        error = str(NOT_EDITABLE)
    elif question is None:
        error = str(UNKNOWN_QUESTION)
    elif "file" not in request.FILES:
        error = _("Choose a file to upload.")
    else:
        try:
            add_attachment(
                report=report,
                question=question,
                upload=request.FILES["file"],
                user=request.user,
            )
        except (FileRefused, AnswerValidationError, ReportNotEditableError) as refused:
            error = str(refused)
    if wants_json:
        if error:
            return JsonResponse({"status": "refused", "message": error}, status=400)
        return JsonResponse({"status": "saved", "html": _question_html(request, report, question)})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return redirect(section_url)


@login_required
@require_safe
def download_attachment(request: HttpRequest, report_id: int, attachment_id: int):
    report = access.report_for(request.user, report_id)
    attachment = get_object_or_404(report.attachments, pk=attachment_id)
    return download_response(attachment)


@login_required
@require_POST
def delete_attachment(request: HttpRequest, report_id: int, attachment_id: int):
    report = access.report_for(request.user, report_id)
    attachment = get_object_or_404(
        report.attachments.current().select_related("question__section"), pk=attachment_id
    )
    url = reverse("report-section", args=[report.pk, attachment.question.section.code])
    if not access.can_edit(request.user, report):
        return _not_editable(request, report)
    try:
        remove_attachment(attachment=attachment, user=request.user)
        messages.success(request, _("%(file)s is removed.") % {"file": attachment.original_name})
    except ReportNotEditableError as error:
        messages.error(request, str(error))
    return redirect(f"{url}#q-{attachment.question.code}")


# -- submission ----------------------------------------------------------------------------

log = logging.getLogger(__name__)
SUBMIT_FAILED = gettext_lazy(
    "The report could not be submitted: the database did not accept the change. Nothing was "
    "submitted and your answers are as you left them. Please try again in a few minutes."
)


@login_required
def submit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    context = _report_context(request, report)
    if not context["can_submit"]:
        return render(request, "reports/focal/submit.html", context, status=403)
    from reports.progress import missing_required

    missing = missing_required(context["questions"], context["state"])
    sections = {s.pk: s for s in context["sections"]}
    texts = context["texts"]

    def in_language(question):
        # The questionnaire's words in the report's language: (question texts, section texts).
        return texts.question(question.code), texts.section(sections[question.section_id].code)

    context["missing"] = [in_language(q) for q in missing]
    shown = visibility(context["questions"], context["state"])
    by_id = {q.pk: q for q in context["questions"]}
    context["unconfirmed"] = [
        in_language(by_id[question_id])
        for question_id in report.answers.filter(prefilled_from_year__isnull=False)
        .order_by("question__position")
        .values_list("question_id", flat=True)
        if shown.get(question_id)
    ]
    if request.method == "POST" and not missing:
        if request.POST.get("confirm") != "yes":
            context["confirm_error"] = _("Tick the box to confirm the submission.")
            return render(request, "reports/focal/submit.html", context, status=400)
        try:
            revision = submit_report(report=report, user=request.user)
        except IncompleteReportError as error:
            context["refused"] = str(error)
            return render(request, "reports/focal/submit.html", context, status=400)
        except SubmissionRefused as error:
            context["refused"] = str(error)
            return render(request, "reports/focal/submit.html", context, status=409)
        except DatabaseError:
            # Nothing of the submission was kept (one transaction); the draft is as it was.
            log.exception("Submitting report %s failed in the database", report.pk)
            context["refused"] = str(SUBMIT_FAILED)
            return render(request, "reports/focal/submit.html", context, status=503)
        messages.success(
            request,
            _("The report is submitted (revision %(number)s). The secretariat has it now.")
            % {"number": revision.number},
        )
        return redirect("report-overview", report_id=report.pk)
    return render(request, "reports/focal/submit.html", context)


@login_required
@require_POST
def recall(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    try:
        recall_report(report=report, user=request.user)
        messages.success(request, _("The report is back to draft; you can change it again."))
    except SubmissionRefused as error:
        messages.error(request, str(error))
    except DatabaseError:
        log.exception("Recalling report %s failed in the database", report.pk)
        messages.error(
            request,
            _(
                "The report could not be recalled: the database did not accept the change. "
                "Please try again in a few minutes."
            ),
        )
    return redirect("report-overview", report_id=report.pk)


# -- read-only views ------------------------------------------------------------------------


@dataclass
class ReadOnlyItem:
    question: Question
    text: str
    files: list


def _readonly_sections(sections, questions, values: dict, files: dict) -> list:
    grouped = []
    for section in sections:
        items = [
            ReadOnlyItem(q, readable(q, values.get(q.code)), files.get(q.code, []))
            for q in questions
            if q.section_id == section.pk and (q.code in values or files.get(q.code))
        ]
        grouped.append((section, items))
    return grouped


@login_required
@require_safe
def revision_view(request: HttpRequest, report_id: int, number: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    revision = get_object_or_404(
        Revision.objects.select_related("submitted_by"), report=report, number=number
    )
    sections, questions = questionnaire_of(report)
    files: dict[str, list] = {}
    for item in revision.attachments:
        files.setdefault(item["question"], []).append(item)
    values = {
        q.code: _from_json(q, revision.answers[q.code])
        for q in questions
        if q.code in revision.answers
    }
    return render(
        request,
        "reports/focal/readonly.html",
        {
            "report": report,
            "revision": revision,
            "grouped": _readonly_sections(sections, questions, values, files),
            "texts": questionnaire_texts(report),
            "printing": request.GET.get("print") == "1",
        },
    )


def _from_json(question: Question, value):
    if question.type == QuestionType.DATE and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


@login_required
@require_safe
def print_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    sections, questions = questionnaire_of(report)
    records = answer_records(report)
    state = load_states([report.pk])[report.pk]
    shown = visibility(questions, state)
    by_id = {q.pk: q for q in questions}
    values = {by_id[qid].code: value for qid, (value, _v, _p) in records.items() if shown[qid]}
    files: dict[str, list] = {}
    for attachment in report.attachments.current().select_related("question"):
        if not shown.get(attachment.question_id):
            continue
        files.setdefault(attachment.question.code, []).append(
            {"name": attachment.original_name, "size": attachment.size, "id": attachment.pk}
        )
    return render(
        request,
        "reports/focal/readonly.html",
        {
            "report": report,
            "revision": None,
            "grouped": _readonly_sections(sections, questions, values, files),
            "texts": questionnaire_texts(report),
            "printing": True,
        },
    )
