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
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from reports.models import Question, QuestionType
from reports.report_forms import CellView, QuestionView

CHOICE_TYPES = frozenset(
    {QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO, QuestionType.SINGLE_CHOICE}
)


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
    request=None,
) -> SafeString:
    """The whole `<fieldset>` of one question, as the form shows it."""
    question = view.question
    static = _static(question)
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
        confirm = (
            f'<button type="submit" name="confirm" value="{code}" class="link">'
            "Confirm for this report</button>"
            if can_edit
            else ""
        )
        parts.append(
            f'\n  <p class="prefilled" data-prefilled>From {e(view.prefilled_from_year)}'
            f"\n    {confirm}</p>"
        )
    if view.conflict_theirs is not None:
        parts.append(
            '\n  <div class="conflict" role="alert">'
            "\n    <p><strong>A colleague saved a different answer while you were editing."
            "</strong></p>"
            f"\n    <p>Their answer: <span data-theirs>{e(view.conflict_theirs)}</span></p>"
            "\n    <p>Your answer is still in the form below. Save again to keep yours, or"
            f'\n      <button type="submit" name="take_theirs" value="{code}" class="link">'
            "keep theirs</button>.</p>\n  </div>"
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
    """What a question's block shows whatever the answer: built once per question."""

    def __init__(self, question: Question) -> None:
        code = self.code = e(question.code)
        parent = question.show_if_question
        self.classes = "question follow-up" if parent else "question"
        attributes = f'id="q-{code}" data-code="{code}" data-type="{e(question.type)}"'
        if parent:
            values = e(" ".join(question.show_if_values))
            attributes += f'\n  data-show-if="{e(parent.code)}" data-show-values="{values}"'
        self.attributes = attributes
        required = (
            '<span class="required" title="A required answer">required</span>'
            if question.required
            else ""
        )
        cites = "".join(f'<span class="cite">{e(cite)}</span>' for cite in question.citations)
        help_text = (
            f'\n  <p class="help" id="help-{code}">{e(question.help)}</p>' if question.help else ""
        )
        self.heading = (
            f'\n  <legend>\n    <span class="code">{code}</span>'
            f'\n    <span class="text">{e(question.text)}</span>\n    {required}\n  </legend>'
            f'\n  <p class="cites">{cites}</p>{help_text}'
        )
        self.choices = [(e(c["code"]), c["code"], e(c["label"])) for c in question.choice_list()]
        self.text_label = (
            f'<label class="visually-hidden" for="f-{code}">{e(question.text)}</label>'
        )
        self.columns = [_Column(column) for column in question.columns]
        head = "".join(column.head for column in self.columns)
        self.table_head = f"<thead><tr>{head}"
        # The empty row scripts copy: only on editable forms, so never disabled.
        self.template_row = "".join(
            f"<td>{column.cell(f'q-{code}-__row__-{column.code}', '', '')}</td>"
            for column in self.columns
        )


class _Column:
    """One table column: its head and how its cells are written."""

    def __init__(self, column: dict) -> None:
        self.code = e(column["code"])
        self.type = column["type"]
        self.label = e(column["label"])
        mark = (
            ' <span class="required-mark" title="required">*</span>'
            if column.get("required")
            else ""
        )
        self.head = f'<th scope="col">{self.label}{mark}</th>'
        self.options = [
            (choice["code"], e(choice["code"]), e(choice["label"]))
            for choice in column.get("choices", [])
        ]

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
                f'<option value="yes" {yes}>Yes</option><option value="no" {no}>No</option>'
                "</select>"
            )
        value = e(value)
        if kind == "country":
            return (
                f'<input type="text" list="states" name="{name}" value="{value}" '
                f'aria-label="{label} (ISO code)" maxlength="3" size="5" placeholder="e.g. FRA" '
                f"{disabled}>"
            )
        if kind == "integer":
            return (
                f'<input type="text" inputmode="numeric" name="{name}" value="{value}" '
                f'aria-label="{label}" size="8" {disabled}>'
            )
        if kind == "date":
            return (
                f'<input type="date" name="{name}" value="{value}" aria-label="{label}" {disabled}>'
            )
        if kind == "url":
            return (
                f'<input type="url" name="{name}" value="{value}" aria-label="{label}" '
                f'placeholder="https://" {disabled}>'
            )
        return (
            f'<input type="text" name="{name}" value="{value}" aria-label="{label}" '
            f'maxlength="2000" {disabled}>'
        )


def _static(question: Question) -> _Static:
    static = question.__dict__.get("_form_html_static")
    if static is None:
        static = question.__dict__["_form_html_static"] = _Static(question)
    return static


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
            f"{'' if value else 'checked'}> No answer</label>"
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
                    '\n      <label class="other-text">Please specify <input type="text" '
                    f'name="{name}-other" value="{e(view.other_text)}" maxlength="2000" '
                    f"{disabled}></label>"
                )
        return f'    <div class="choice-list">{"".join(items)}\n    </div>'
    if qtype == QuestionType.INTEGER:
        described = f'aria-describedby="help-{code}"' if question.help else ""
        unit = f' <span class="unit">{e(question.unit)}</span>' if question.unit else ""
        return (
            f"    {static.text_label}\n"
            f'    <input type="text" inputmode="numeric" id="f-{code}" name="{name}" '
            f'value="{e(view.value)}" class="number" {described} {disabled}>{unit}'
        )
    if qtype == QuestionType.TEXT:
        return (
            f"    {static.text_label}\n"
            f'    <textarea id="f-{code}" name="{name}" rows="4" '
            f'maxlength="{e(question.max_length or 10000)}" {disabled}>{e(view.value)}</textarea>'
        )
    if qtype == QuestionType.DATE:
        return (
            f"    {static.text_label}\n"
            f'    <input type="date" id="f-{code}" name="{name}" value="{e(view.value)}" '
            f"{disabled}>"
        )
    if qtype == QuestionType.CONTACT:
        fields = "".join(
            f"\n      <label>{e(cell.column['label'])} <input "
            f'type="{_contact_input_type(cell)}" name="{e(cell.name)}" value="{e(cell.value)}" '
            f'maxlength="500" {disabled}></label>'
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
            ' value="1"> Remove</label></td>'
            if can_edit
            else ""
        )
        body.append(
            f"\n        <tr data-row>\n          {cells}\n          {remove}\n        </tr>"
        )
    remove_head = (
        '<th scope="col"><span class="visually-hidden">Remove</span></th>' if can_edit else ""
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
            '<td><button type="button" class="link" data-remove-row>Remove</button></td></tr>'
            f'</template>\n    <button type="submit" name="add_row" value="{code}" data-add-row>'
            "Add a row</button>"
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
                "Remove</button>"
            )
        items.append(
            f'\n      <li><a href="{e(link)}">{e(attachment.original_name)}</a> '
            f"<small>({e(filesizeformat(attachment.size))})</small>\n        {remove}</li>"
        )
    if not items:
        items.append('\n      <li class="meta">No file attached yet.</li>')
    html = f'    <ul class="files" data-files>{"".join(items)}\n    </ul>'
    if can_edit:
        html += (
            f'\n    <label>Attach a file <input type="file" name="q-{static.code}-file" '
            f'accept="{e(accepted_extensions)}" data-upload></label>'
            f'\n    <p class="meta">PDF, Word, Excel, OpenDocument text, PNG or JPEG; at most '
            f"{e(max_upload_mb)} MB.</p>"
        )
    return html
