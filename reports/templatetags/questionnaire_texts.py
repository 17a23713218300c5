"""Questionnaire texts in the language of the report being shown.

Views that show a report's questions put `texts` (selectors.questionnaire_texts(report)) in the
context; without it the questionnaire's English stands.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def question_text(context: template.Context, question: Any) -> str:
    texts = context.get("texts")
    return texts.question(question.code).text if texts else question.text


@register.simple_tag(takes_context=True)
def section_title(context: template.Context, section: Any) -> str:
    texts = context.get("texts")
    return texts.section(section.code).title if texts else section.title


@register.simple_tag
def report_language_attrs(report: Any) -> str:
    """` lang="…" dir="…"` for what is written in the report's language (its questions, headings),
    so that an English report keeps its left-to-right lines on an Arabic page, and the reverse."""
    from django.utils.html import format_html

    from reports.languages import django_language, is_rtl

    code = getattr(report, "language", "")
    if not code:
        return ""
    direction = "rtl" if is_rtl(code) else "ltr"
    return format_html(' lang="{}" dir="{}"', django_language(code), direction)
