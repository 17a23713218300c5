"""Staff-written text to safe HTML: wording templates with {placeholders}, and a small markup.

Placeholders: `{name}` or `{name:argument:argument}`, filled by a resolver that knows whether the
placeholder opens a sentence (numbers are then spelled out: "Sixty-eight States …"). `{{` and `}}`
are literal braces. Markup, applied after filling:
- a line starting with "- " is a sub-item, lettered (a), (b), … in order;
- `[^text]` is a footnote, numbered through the document;
- `*text*` is italic;
- document symbols ("A/69/50", "S/2013/503") and "resolution 68/48" become links to the
  United Nations Official Document System.
Everything typed is escaped first: no markup of the user's reaches the page or the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import escape

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_]+)((?::[^{}:\s]+)*)\}")
FOOTNOTE = re.compile(r"\[\^([^\[\]]+)\]")
ITALIC = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
SYMBOL = re.compile(
    r"\b(?:resolution (?P<res>\d{1,3}/\d{1,4}[A-Z]?)|(?P<sym>(?:A|S|E)/(?:RES/)?\d{1,4}/[\w.]+\w))"
)
SUB_ITEM = re.compile(r"^\s*(?:-|\([a-z]{1,3}\))\s+")
# What precedes a placeholder that opens a sentence (a sub-item after a colon does not).
SENTENCE_END = re.compile(r"(^|[.!?][\"”’)]?\s*)$")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class WordingError(ValueError):
    """A placeholder that cannot be filled; the message says which and why."""


Resolver = Callable[[str, list[str], bool], str]


@dataclass
class Footnotes:
    """Footnote numbers run through the whole document."""

    notes: list[str] = field(default_factory=list)

    def add(self, html: str) -> int:
        self.notes.append(html)
        return len(self.notes)


def fill(template: str, resolve: Resolver) -> tuple[str, list[str]]:
    """The template with its placeholders filled (plain text), and the problems found."""
    problems: list[str] = []
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        out.append(template[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            out.append(token[0])
            continue
        name = match.group(1)
        args = [arg for arg in match.group(2).split(":") if arg]
        # A footnote between a full stop and the placeholder does not end the sentence's status.
        before = FOOTNOTE.sub("", "".join(out)).rstrip(" ")
        sentence_start = bool(SENTENCE_END.search(before))
        try:
            out.append(resolve(name, args, sentence_start))
        except WordingError as error:
            problems.append(str(error))
            out.append(f"[{token[1:-1]}?]")
    out.append(template[position:])
    return "".join(out), problems


def _inline(text: str, footnotes: Footnotes) -> str:
    """Escape, then turn footnotes, italics and document symbols into HTML."""

    def footnote(match: re.Match) -> str:
        body = _symbols(_italics(escape(match.group(1).strip())))
        number = footnotes.add(body)
        return (
            f'<span class="footnote" data-n="{number}">{body}</span>'
            f'<sup class="fn-call" aria-hidden="true">{number}</sup>'
        )

    pieces = []
    position = 0
    for match in FOOTNOTE.finditer(text):
        pieces.append(_symbols(_italics(escape(text[position : match.start()]))))
        pieces.append(footnote(match))
        position = match.end()
    pieces.append(_symbols(_italics(escape(text[position:]))))
    return "".join(pieces)


def _italics(html: str) -> str:
    return ITALIC.sub(r"<em>\1</em>", html)


def _symbols(html: str) -> str:
    def link(match: re.Match) -> str:
        target = f"A/RES/{match.group('res')}" if match.group("res") else match.group("sym")
        return f'<a class="doc-ref" href="https://undocs.org/{target}">{match.group(0)}</a>'

    return SYMBOL.sub(link, html)


@dataclass
class ParagraphHtml:
    lead: str
    items: list[tuple[str, str]]  # (letter, html)


def paragraph_html(text: str, footnotes: Footnotes) -> ParagraphHtml:
    """A paragraph's lead text and its sub-items (a), (b) … as HTML."""
    lead_lines: list[str] = []
    items: list[list[str]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if SUB_ITEM.match(line):
            items.append([SUB_ITEM.sub("", line, count=1)])
        elif items and line.strip():
            items[-1].append(line.strip())
        elif line.strip():
            lead_lines.append(line.strip())
    lead = _inline(" ".join(lead_lines), footnotes)
    lettered = [
        (LETTERS[index % 26] * (index // 26 + 1), _inline(" ".join(lines), footnotes))
        for index, lines in enumerate(items)
    ]
    return ParagraphHtml(lead=lead, items=lettered)


def plain_paragraphs(text: str, footnotes: Footnotes) -> list[str]:
    """Blank-line-separated paragraphs (the summary) as HTML."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return [_inline(" ".join(block.split("\n")), footnotes) for block in blocks if block]
