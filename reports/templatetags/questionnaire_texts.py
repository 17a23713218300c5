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
