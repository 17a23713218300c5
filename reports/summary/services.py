"""Writes: creating a summary report with the standard structure, editing it, asking for its PDF."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import translation

from reports.models import (
    RenderedPdf,
    ReportingCycle,
    SummaryParagraph,
    SummaryReport,
    SummarySection,
)
from reports.summary.generators import GENERATORS

log = logging.getLogger(__name__)


STANDARD_BODY: list[tuple[int, str, list[tuple[str, str]]]] = [
    (
        1,
        "Introduction",
        [
            (
                "narrative",
                "By its resolution 80/53, the General Assembly requested the Secretary-General "
                "to report on the implementation of the Programme of Action to Prevent, Combat and "
                "Eradicate the Illicit Trade in Small Arms and Light Weapons in All Its Aspects "
                "(Programme of Action) and of the International Instrument to Enable States to "
                "Identify and Trace, in a Timely and Reliable Manner, Illicit Small Arms and Light "
                "Weapons (International Tracing Instrument).[^See A/80/XXX.]",
            ),
            (
                "narrative",
                "The present report summarizes the national reports that States submitted on "
                "their implementation of the two instruments. It is based on the information "
                "provided by States and does not reflect an assessment by the Secretariat.",
            ),
        ],
    ),
    (1, "National reports on the implementation of the instruments", []),
    (2, "Reporting", [("generated", "reporting"), ("generated", "regions")]),
    (
        2,
        "Implementation at the national level",
        [("generated", "topics"), ("generated", "tracing")],
    ),
    (2, "International transfers", [("generated", "transfers")]),
    (2, "International cooperation and assistance", [("generated", "assistance")]),
    (
        1,
        "Observations and conclusions",
        [
            (
                "narrative",
                "National reports remain the main source of information on the implementation of "
                "the Programme of Action and the International Tracing Instrument. The Secretary-"
                "General encourages all States to submit their reports on time and to use them to "
                "identify needs for assistance.",
            )
        ],
    ),
]


def default_session(cycle: ReportingCycle) -> str:
    """ "Eighty-first session": the General Assembly's session n opens in September 1945 + n."""
    from num2words import num2words

    from reports.summary.numbers import capitalize_first

    return f"{capitalize_first(num2words(cycle.year - 1945, to='ordinal'))} session"


def create_summary_report(*, cycle: ReportingCycle, user=None, symbol: str = "") -> SummaryReport:
    """A new summary report for the cycle with the standard structure and wording."""
    session_number = cycle.year - 1945
    # The standard wording is English: so is the meeting's name in it, whatever the editor's
    # page language.
    with translation.override("en"):
        meeting = cycle.meeting_name
    with transaction.atomic():
        report = SummaryReport.objects.create(
            cycle=cycle,
            symbol=symbol or f"A/{session_number}/XXX",
            session=default_session(cycle),
            agenda_item="Item 97 of the preliminary list*",
            agenda_footnote=f"A/{session_number}/50.",
            agenda_titles="General and complete disarmament\n"
            "The illicit trade in small arms and light weapons in all its aspects",
            date=datetime.date.today(),
            summary=(
                "The present report is submitted pursuant to General Assembly resolution 80/53. "
                "It summarizes the national reports that States submitted on their "
                "implementation of the Programme of Action and the International Tracing "
                f"Instrument ahead of the {meeting}."
            ),
            created_by=user,
        )
        for position, (level, title, paragraphs) in enumerate(STANDARD_BODY, start=1):
            section = SummarySection.objects.create(
                report=report, level=level, title=title, position=position * 10
            )
            for index, (kind, content) in enumerate(paragraphs, start=1):
                generated = kind == SummaryParagraph.Kind.GENERATED
                SummaryParagraph.objects.create(
                    section=section,
                    kind=kind,
                    generator=content if generated else "",
                    text=GENERATORS[content].wording if generated else content,
                    position=index * 10,
                )
    return report


def add_section(*, report: SummaryReport, level: int, title: str, after: SummarySection | None):
    with transaction.atomic():
        position = _position_after(report.sections.all(), after)
        return SummarySection.objects.create(
            report=report, level=level, title=title, position=position
        )


def add_paragraph(
    *, section: SummarySection, kind: str, generator: str = "", text: str = ""
) -> SummaryParagraph:
    if kind == SummaryParagraph.Kind.GENERATED and not text:
        text = GENERATORS[generator].wording
    with transaction.atomic():
        last = section.paragraphs.aggregate(m=Max("position"))["m"] or 0
        return SummaryParagraph.objects.create(
            section=section, kind=kind, generator=generator, text=text, position=last + 10
        )


def _position_after(queryset, after) -> int:
    """A position right after `after` (or at the end), shifting later rows down."""
    if after is None:
        return (queryset.aggregate(m=Max("position"))["m"] or 0) + 10
    later = list(queryset.filter(position__gt=after.position).order_by("position"))
    for row in later:
        row.position += 10
    type(after).objects.bulk_update(later, ["position"])
    return after.position + 5


def move(item: SummarySection | SummaryParagraph, direction: int) -> None:
    """Swap an item with its neighbour (direction -1: up, +1: down) among its siblings."""
    siblings = (
        list(item.report.sections.order_by("position", "id"))
        if isinstance(item, SummarySection)
        else list(item.section.paragraphs.order_by("position", "id"))
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position * 10
    with transaction.atomic():
        type(item).objects.bulk_update(siblings, ["position"])


def request_pdf(report: SummaryReport, user=None) -> RenderedPdf:
    """The PDF of the report as it is now: the stored one if nothing changed, otherwise a render
    queued for a worker (once the transaction commits)."""
    from reports.services.documents import claim
    from reports.summary.document import fingerprint, load_report
    from reports.tasks import render_summary_pdf

    loaded = load_report(report.pk)
    document, pending = claim(
        RenderedPdf.Kind.SUMMARY, f"summary:{report.pk}", fingerprint(loaded), user
    )
    if pending and document.status == RenderedPdf.Status.QUEUED:

        def enqueue() -> None:
            try:
                render_summary_pdf.delay(report.pk, document.pk)
            except Exception:
                log.exception("Could not queue the PDF of summary report %s", report.pk)

        transaction.on_commit(enqueue)
    return document
