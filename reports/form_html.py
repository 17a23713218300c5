"""The report form's question blocks, written out in Python.

A section page holds a dozen or more questions, each with its fields, choices and table cells;
through the template engine (an `{% include %}` per question and per table cell, a dozen type
tests per question) they took most of the page's server time. Here each block is built from
plain strings, and what depends only on the question (its heading, citations, help, choice
labels, table head and the empty row scripts copy) is built once per question and kept on the
question object, which the questionnaire structure cache shares for the life of the process
(`reports.selectors.questionnaire_of`; a version that reports use is frozen).

The markup is that of the former `templates/reports/focal/question.html` and `cell.html`; the
comments under a question still come from a template (`_question_comments.html`), since they are
rare. Every value that comes from data goes through `conditional_escape`, as in a template.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from reports.models import Question, QuestionType
from reports.questionnaire_i18n import QuestionnaireTexts, QuestionTexts
from reports.report_forms import CellView, QuestionView

CHOICE_TYPES = frozenset(
    {QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE}
)
# The contact block's fields, named in the report's language like the rest of the questionnaire.
CONTACT_LABELS = {
    "name": gettext_lazy("Name"),
    "position": gettext_lazy("Position"),
    "organization": gettext_lazy("Ministry, agency or organization"),
    "address": gettext_lazy("Address"),
    "phone": gettext_lazy("Telephone"),
    "email": gettext_lazy("E-mail"),
}
# The built-in answers' words (reports.models): marked here so that the catalogues hold them,
# since `translated_texts` translates them by their English text.
BUILT_IN_ANSWER_WORDS = (
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Developing"),
    gettext_noop("Other (specify)"),
)
# Django's code for a report's language, for lang attributes and overrides ("zh" is "zh-hans").
DJANGO_LANGUAGE = {"zh": "zh-hans"}
RTL = frozenset({"ar"})


def e(value) -> str:
    """Escaped as `{{ value }}` would be in a template."""
    return conditional_escape(value)


def question_html(
    view: QuestionView,
    *,
    can_edit: bool,
    report,
    accepted_extensions: str,
    max_upload_mb: int,
    texts: QuestionnaireTexts,
    request=None,
) -> SafeString:
    """The whole `<fieldset>` of one question, as the form shows it.

    The questionnaire's words (text, help, choices, columns) come from `texts`, in the report's
    language; the interface's words (buttons, hints, messages) are in the active language.
    """
    question = view.question
    static = _static(question, texts)
    disabled = "" if can_edit else "disabled"
    classes = static.classes
    if view.error:
        classes += " has-error"
    if view.conflict_theirs is not None:
        classes += " has-conflict"
    code = static.code
    parts = [
        f'<fieldset class="{classes}"\n  {static.attributes}\n  {"" if view.visible else "hidden"}'
        ">",
        static.heading,
        f'\n  <input type="hidden" name="v-{code}" value="{e(view.version)}" data-version>'
        f'\n  <input type="hidden" name="o-{code}" value="{e(view.original)}" data-original>',
    ]
    if view.prefilled_from_year:
        # Messages outside the f-strings: xgettext does not read calls inside them.
        confirm_label = e(_("Confirm for this report"))
        copied_from = e(_("From %(year)s") % {"year": view.prefilled_from_year})
        confirm = (
            f'<button type="submit" name="confirm" value="{code}" class="link">'
            f"{confirm_label}</button>"
            if can_edit
            else ""
        )
        parts.append(f'\n  <p class="prefilled" data-prefilled>{copied_from}\n    {confirm}</p>')
    if view.conflict_theirs is not None:
        theirs = f"<span data-theirs>{e(view.conflict_theirs)}</span>"
        keep_label = e(_("keep theirs"))
        keep = (
            f'<button type="submit" name="take_theirs" value="{code}" class="link">'
            f"{keep_label}</button>"
        )
        headline = e(_("A colleague saved a different answer while you were editing."))
        their_answer = e(_("Their answer: %(answer)s")) % {"answer": theirs}
        still = e(
            _("Your answer is still in the form below. Save again to keep yours, or %(keep)s.")
        ) % {"keep": keep}
        parts.append(
            '\n  <div class="conflict" role="alert">'
            f"\n    <p><strong>{headline}</strong></p>"
            f"\n    <p>{their_answer}</p>"
            f"\n    <p>{still}</p>"
            "\n  </div>"
        )
    if view.error:
        parts.append(
            f'\n  <p class="field-error" role="alert" id="error-{code}">{e(view.error)}</p>'
        )
    parts.append('\n  <div class="answer">\n')
    parts.append(
        _answer(view, static, disabled, can_edit, report, accepted_extensions, max_upload_mb)
    )
    parts.append("\n  </div>")
    if view.comments:
        parts.append(
            render_to_string(
                "reports/focal/_question_comments.html",
                {"view": view, "report": report},
                request=request,
            )
        )
    parts.append('\n  <p class="q-status" data-q-status aria-live="polite"></p>\n</fieldset>\n')
    return mark_safe("".join(parts))


class _Static:
    """What a question's block shows whatever the answer: built once per question, report
    language and interface language."""

    def __init__(self, question: Question, words: QuestionTexts, language: str) -> None:
        code = self.code = e(question.code)
        parent = question.show_if_question
        self.classes = "question follow-up" if parent else "question"
        # The block carries the report's language: an Arabic questionnaire reads right to left
        # (and a Chinese one takes its font) whatever language the interface is in.
        direction = "rtl" if language in RTL else "ltr"
        attributes = (
            f'id="q-{code}" data-code="{code}" data-type="{e(question.type)}" '
            f'lang="{DJANGO_LANGUAGE.get(language, language)}" dir="{direction}"'
        )
        if parent:
            values = e(" ".join(question.show_if_values))
            attributes += f'\n  data-show-if="{e(parent.code)}" data-show-values="{values}"'
        self.attributes = attributes
        required = (
            f'<span class="required" title="{e(_("A required answer"))}">{e(_("required"))}</span>'
            if question.required
            else ""
        )
        cites = "".join(
            f'<span class="cite" dir="ltr">{e(cite)}</span>' for cite in question.citations
        )
        help_text = (
            f'\n  <p class="help" id="help-{code}" dir="auto">{e(words.help)}</p>'
            if words.help
            else ""
        )
        self.heading = (
            f'\n  <legend>\n    <span class="code" dir="ltr">{code}</span>'
            f'\n    <span class="text" dir="auto">{e(words.text)}</span>'
            f"\n    {required}\n  </legend>"
            f'\n  <p class="cites">{cites}</p>{help_text}'
        )
        self.unit = e(words.unit)
        self.choices = [
            (e(c["code"]), c["code"], e(words.choice_label(c["code"])))
            for c in question.choice_list()
        ]
        self.text_label = f'<label class="visually-hidden" for="f-{code}">{e(words.text)}</label>'
        with translation.override(DJANGO_LANGUAGE.get(language, language)):
            self.contact_labels = {code: e(str(label)) for code, label in CONTACT_LABELS.items()}
            yes_no = (e(_("Yes")), e(_("No")))
        self.columns = [_Column(column, words, yes_no) for column in question.columns]
        head = "".join(column.head for column in self.columns)
        self.table_head = f"<thead><tr>{head}"
        # The empty row scripts copy: only on editable forms, so never disabled.
        self.template_row = "".join(
            f"<td>{column.cell(f'q-{code}-__row__-{column.code}', '', '')}</td>"
            for column in self.columns
        )
        # The interface's words, in the language the static block was built under.
        self.no_answer = e(_("No answer"))
        self.please_specify = e(_("Please specify"))
        self.remove = e(_("Remove"))
        self.add_row = e(_("Add a row"))
        self.no_file = e(_("No file attached yet."))
        self.attach = e(_("Attach a file"))


class _Column:
    """One table column: its head and how its cells are written."""

    def __init__(self, column: dict, words: QuestionTexts, yes_no: tuple[str, str]) -> None:
        self.code = e(column["code"])
        self.type = column["type"]
        self.label = e(words.column_label(column["code"]))
        mark = (
            f' <span class="required-mark" title="{e(_("required"))}">*</span>'
            if column.get("required")
            else ""
        )
        self.head = f'<th scope="col">{self.label}{mark}</th>'
        self.options = [
            (
                choice["code"],
                e(choice["code"]),
                e(words.column_choice_label(column["code"], choice["code"])),
            )
            for choice in column.get("choices", [])
        ]
        self.yes, self.no = yes_no
        self.iso_label = e(
            _("%(column)s (ISO code)") % {"column": words.column_label(column["code"])}
        )
        self.iso_example = e(_("e.g. FRA"))

    def cell(self, name: str, value, disabled: str) -> str:
        label = self.label
        kind = self.type
        if kind == "choice":
            options = "".join(
                f'<option value="{escaped}" {"selected" if raw == value else ""}>{text}</option>'
                for raw, escaped, text in self.options
            )
            return (
                f'<select name="{name}" aria-label="{label}" {disabled}>'
                f'<option value="">—</option>{options}</select>'
            )
        if kind == "yes_no":
            yes = "selected" if value == "yes" else ""
            no = "selected" if value == "no" else ""
            return (
                f'<select name="{name}" aria-label="{label}" {disabled}><option value="">—</option>'
                f'<option value="yes" {yes}>{self.yes}</option>'
                f'<option value="no" {no}>{self.no}</option></select>'
            )
        value = e(value)
        # Codes, numbers, dates and addresses stay left to right inside an Arabic form.
        if kind == "country":
            return (
                f'<input type="text" list="states" name="{name}" value="{value}" dir="ltr" '
                f'aria-label="{self.iso_label}" maxlength="3" size="5" '
                f'placeholder="{self.iso_example}" {disabled}>'
            )
        if kind == "integer":
            return (
                f'<input type="text" inputmode="numeric" name="{name}" value="{value}" dir="ltr" '
                f'aria-label="{label}" size="8" {disabled}>'
            )
        if kind == "date":
            return (
                f'<input type="date" name="{name}" value="{value}" aria-label="{label}" dir="ltr" '
                f"{disabled}>"
            )
        if kind == "url":
            return (
                f'<input type="url" name="{name}" value="{value}" aria-label="{label}" dir="ltr" '
                f'placeholder="https://" {disabled}>'
            )
        return (
            f'<input type="text" name="{name}" value="{value}" aria-label="{label}" dir="auto" '
            f'maxlength="2000" {disabled}>'
        )


def _static(question: Question, texts: QuestionnaireTexts) -> _Static:
    """The question's static block for these texts under the active interface language.

    Kept on the shared question object per (report language, interface language); a rebuilt
    `texts` (its translation changed) replaces the entry, so the cache never outgrows the
    number of language pairs.
    """
    cache = question.__dict__.get("_form_html_static")
    if cache is None:
        cache = question.__dict__["_form_html_static"] = {}
    key = (texts.language, translation.get_language())
    entry = cache.get(key)
    if entry is None or entry[0] is not texts:
        language = _report_language(texts.language)
        entry = cache[key] = (texts, _Static(question, texts.question(question.code), language))
    return entry[1]


def _report_language(code: str) -> str:
    """The report's language code ("zh") for a texts language ("zh-hans")."""
    return code.split("-")[0]


def _answer(view, static, disabled, can_edit, report, accepted_extensions, max_upload_mb) -> str:
    question = view.question
    qtype = question.type
    code = static.code
    name = f"q-{code}"
    if qtype in CHOICE_TYPES:
        value = view.value
        inline = "" if qtype == QuestionType.SINGLE_CHOICE else "inline"
        items = "".join(
            f'\n      <label class="choice"><input type="radio" name="{name}" value="{escaped}" '
            f"{'checked' if value and raw == value else ''} {disabled}> {label}</label>"
            for escaped, raw, label in static.choices
        )
        clear = (
            f'<label class="choice clear"><input type="radio" name="{name}" value="" '
            f"{'' if value else 'checked'}> {static.no_answer}</label>"
            if can_edit
            else ""
        )
        return f'    <div class="choice-list {inline}">{items}\n    {clear}\n    </div>'
    if qtype == QuestionType.MULTI_CHOICE:
        value = view.value
        ticked = set(value.get("choices", [])) if isinstance(value, dict) else set()
        items = []
        for escaped, raw, label in static.choices:
            items.append(
                f'\n      <label class="choice"><input type="checkbox" name="{name}" '
                f'value="{escaped}" {"checked" if raw in ticked else ""} {disabled}> '
                f"{label}</label>"
            )
            if raw == "other":
                items.append(
                    f'\n      <label class="other-text">{static.please_specify} <input '
                    f'type="text" name="{name}-other" value="{e(view.other_text)}" dir="auto" '
                    f'maxlength="2000" {disabled}></label>'
                )
        return f'    <div class="choice-list">{"".join(items)}\n    </div>'
    if qtype == QuestionType.INTEGER:
        described = f'aria-describedby="help-{code}"' if question.help else ""
        unit = f' <span class="unit">{static.unit}</span>' if static.unit else ""
        return (
            f"    {static.text_label}\n"
            f'    <input type="text" inputmode="numeric" id="f-{code}" name="{name}" '
            f'value="{e(view.value)}" class="number" dir="ltr" {described} {disabled}>{unit}'
        )
    if qtype == QuestionType.TEXT:
        return (
            f"    {static.text_label}\n"
            f'    <textarea id="f-{code}" name="{name}" rows="4" dir="auto" '
            f'maxlength="{e(question.max_length or 10000)}" {disabled}>{e(view.value)}</textarea>'
        )
    if qtype == QuestionType.DATE:
        return (
            f"    {static.text_label}\n"
            f'    <input type="date" id="f-{code}" name="{name}" value="{e(view.value)}" '
            f'dir="ltr" {disabled}>'
        )
    if qtype == QuestionType.CONTACT:
        fields = "".join(
            f"\n      <label>{_contact_label(static, cell)}"
            f' <input type="{_contact_input_type(cell)}" name="{e(cell.name)}" '
            f'value="{e(cell.value)}" dir="{_contact_direction(cell)}" maxlength="500" '
            f"{disabled}></label>"
            for cell in view.contact_fields
        )
        return f'    <div class="contact-grid">{fields}\n    </div>'
    if qtype == QuestionType.TABLE:
        return _table(view, static, disabled, can_edit)
    if qtype == QuestionType.FILE:
        return _files(view, static, can_edit, report, accepted_extensions, max_upload_mb)
    return ""


def _contact_input_type(cell: CellView) -> str:
    code = cell.column["code"]
    return "email" if code == "email" else "tel" if code == "phone" else "text"


def _contact_label(static: _Static, cell: CellView) -> str:
    return static.contact_labels.get(cell.column["code"]) or e(cell.column["label"])


def _contact_direction(cell: CellView) -> str:
    return "ltr" if cell.column["code"] in ("email", "phone") else "auto"


def _table(view, static, disabled, can_edit) -> str:
    code = static.code
    rows = view.rows
    body = []
    for index, row in enumerate(rows):
        cells = "".join(
            f"<td>{column.cell(e(cell.name), cell.value, disabled)}</td>"
            for column, cell in zip(static.columns, row, strict=True)
        )
        remove = (
            f'<td><label class="remove-row"><input type="checkbox" name="q-{code}-{index}-DELETE"'
            f' value="1"> {static.remove}</label></td>'
            if can_edit
            else ""
        )
        body.append(
            f"\n        <tr data-row>\n          {cells}\n          {remove}\n        </tr>"
        )
    remove_head = (
        f'<th scope="col"><span class="visually-hidden">{static.remove}</span></th>'
        if can_edit
        else ""
    )
    html = (
        '    <div class="table-scroll">\n    <table class="data answer-table" data-table>'
        f"\n      {static.table_head}{remove_head}</tr></thead>"
        f"\n      <tbody data-rows>{''.join(body)}\n      </tbody>\n    </table>\n    </div>"
        f'\n    <input type="hidden" name="q-{code}-rows" value="{len(rows)}" data-row-count>'
    )
    if can_edit:
        html += (
            f"\n    <template data-row-template><tr data-row>{static.template_row}"
            f'<td><button type="button" class="link" data-remove-row>{static.remove}</button>'
            f'</td></tr></template>\n    <button type="submit" name="add_row" value="{code}" '
            f"data-add-row>{static.add_row}</button>"
        )
    return html


def _files(view, static, can_edit, report, accepted_extensions, max_upload_mb) -> str:
    items = []
    for attachment in view.attachments:
        link = reverse("report-attachment", args=[report.pk, attachment.pk])
        remove = ""
        if can_edit:
            action = reverse("report-attachment-delete", args=[report.pk, attachment.pk])
            remove = (
                f'<button type="submit" class="link" formaction="{e(action)}" formnovalidate>'
                f"{static.remove}</button>"
            )
        items.append(
            f'\n      <li><a href="{e(link)}"><bdi>{e(attachment.original_name)}</bdi></a> '
            f'<small dir="ltr">({e(filesizeformat(attachment.size))})</small>'
            f"\n        {remove}</li>"
        )
    if not items:
        items.append(f'\n      <li class="meta">{static.no_file}</li>')
    html = f'    <ul class="files" data-files>{"".join(items)}\n    </ul>'
    if can_edit:
        kinds = _("PDF, Word, Excel, OpenDocument text, PNG or JPEG; at most %(size)s MB.") % {
            "size": max_upload_mb
        }
        html += (
            f'\n    <label>{static.attach} <input type="file" name="q-{static.code}-file" '
            f'accept="{e(accepted_extensions)}" data-upload></label>'
            f'\n    <p class="meta">{e(kinds)}</p>'
        )
    return html
