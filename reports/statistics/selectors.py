"""Reads: a cycle's compiled statistics arranged for the dashboard, the exports and the portal.

Every function reads stored results (a fixed number of queries, whatever the number of reports);
nothing here aggregates answers.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language, gettext, gettext_noop

from countries.models import Country, ReportRegion
from countries.names import grouping_name
from reports.models import (
    ALL_REGIONS,
    AssistanceEntry,
    ChoiceStatistic,
    CycleStatistics,
    GroupingStatistic,
    Question,
    QuestionStatistic,
    QuestionType,
    ReportingCycle,
    SectionStatistic,
    StatisticsRun,
    TableTotal,
    answer_choices,
)
from reports.questionnaire_i18n import QuestionnaireTexts, translated_texts
from reports.statistics.config import statistics_config

# The transfer tables' labels in data/statistics.yaml, for `make messages`: the page shows them
# through gettext (a label not in the catalogues shows as written).
TRANSFER_LABELS = (
    gettext_noop("Exports of small arms and light weapons"),
    gettext_noop("Imports of small arms and light weapons"),
)

YES_NO_TYPES = (QuestionType.YES_NO_DEVELOPING, QuestionType.YES_NO)
CHOICE_TYPES = (*YES_NO_TYPES, QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE)


def share(part: int | None, whole: int | None) -> float | None:
    """A fraction, or None when there is nothing to divide by."""
    return part / whole if whole else None


def percent(part: int | None, whole: int | None) -> int | None:
    """A whole per cent, as UN documents print them ("45 per cent")."""
    value = share(part, whole)
    return None if value is None else round(value * 100)


@dataclass
class ChoiceCount:
    code: str
    label: str
    count: int
    percent: int | None


@dataclass
class RegionCell:
    region: str
    name: str
    shown: int
    answered: int
    percent: int | None
    main: ChoiceCount | None = None  # for yes/no questions: the "yes" count
    total: int | None = None  # for number questions: the sum


@dataclass
class QuestionRow:
    question: Question
    shown: int
    answered: int
    answered_percent: int | None
    choices: list[ChoiceCount] = field(default_factory=list)
    numeric: dict[str, Any] | None = None
    regions: list[RegionCell] = field(default_factory=list)
    text: str = ""  # the question in the reader's language


@dataclass
class SectionRow:
    code: str
    title: str
    reported: int
    reports: int
    percent: int | None
    questions: list[QuestionRow] = field(default_factory=list)
    regions: list[RegionCell] = field(default_factory=list)


@dataclass
class CategoryRow:
    code: str
    label: str
    items: int
    states: int
    rows: int
    by_region: dict[str, int] = field(default_factory=dict)


@dataclass
class TransferTable:
    key: str
    label: str
    question: Question | None
    unit_column: str
    categories: list[CategoryRow]
    states: int  # States reporting at least one row
    items: int


@dataclass
class TopicAssistance:
    code: str
    label: str
    requests: list[AssistanceEntry]
    offers: list[AssistanceEntry]
    matches: dict[int, list[Any]]  # requester id -> its matches in rank order


@dataclass
class TrendPoint:
    year: int
    meeting: str
    reports: int
    states: int
    percent: int | None
    regions: dict[str, int]
    sections: dict[str, int | None]  # section code -> per cent of reports
    yes: dict[str, int | None] = field(default_factory=dict)  # question code -> per cent "yes"


@dataclass
class Dashboard:
    cycle: ReportingCycle
    stats: CycleStatistics | None
    latest_run: StatisticsRun | None
    regions: list[GroupingStatistic] = field(default_factory=list)
    groups: list[GroupingStatistic] = field(default_factory=list)
    first_time: list[Country] = field(default_factory=list)
    lapsed: list[Country] = field(default_factory=list)
    sections: list[SectionRow] = field(default_factory=list)
    transfers: list[TransferTable] = field(default_factory=list)
    assistance: list[TopicAssistance] = field(default_factory=list)
    region_names: dict[str, str] = field(default_factory=dict)


def dashboard_region_names() -> dict[str, str]:
    return dict(ReportRegion.objects.order_by("order", "code").values_list("code", "name"))


def latest_runs(cycle: ReportingCycle, count: int = 5) -> list[StatisticsRun]:
    return list(
        StatisticsRun.objects.filter(cycle=cycle)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:count]
    )


def cycles_with_statistics() -> list[ReportingCycle]:
    """Every cycle with its stored statistics (if any) and its latest run, newest first."""
    # Only each cycle's latest run is read: the runs pile up with every acceptance.
    latest_run = (
        StatisticsRun.objects.filter(cycle=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    cycles = list(
        ReportingCycle.objects.select_related("statistics")
        .annotate(latest_run_id=Subquery(latest_run))
        .order_by("-year")
    )
    latest = StatisticsRun.objects.select_related("requested_by").in_bulk(
        [cycle.latest_run_id for cycle in cycles if cycle.latest_run_id]
    )
    for cycle in cycles:
        cycle.latest_run = latest.get(cycle.latest_run_id)
        cycle.stored = getattr(cycle, "statistics", None)
    return cycles


def _countries(codes: list[str]) -> list[Country]:
    by_code = {c.iso3: c for c in Country.objects.filter(iso3__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def _choice_labels(question: Question, texts: QuestionnaireTexts | None = None) -> dict[str, str]:
    if texts is not None and question.code in texts.questions:
        return dict(texts.question(question.code).choices)
    return {
        c["code"]: c["label"]
        for c in answer_choices(question.type, question.choices, question.allow_other)
    }


def _reader_texts(cycle: ReportingCycle) -> QuestionnaireTexts | None:
    """The questionnaire's texts in the reader's language (English where not translated)."""
    language = get_language() or "en"
    if not cycle.questionnaire_id or language.split("-")[0] == "en":
        return None  # the stored texts are the English ones: no query
    return translated_texts(cycle.questionnaire, language)


def dashboard(cycle: ReportingCycle) -> Dashboard:
    """Everything the cycle's statistics page shows (about a dozen queries)."""
    stats = CycleStatistics.objects.filter(cycle=cycle).first()
    runs = latest_runs(cycle, 1)
    board = Dashboard(cycle=cycle, stats=stats, latest_run=runs[0] if runs else None)
    # The names in the reader's language (the charts keep the stored names: they are cached once).
    board.region_names = {
        code: grouping_name(name) for code, name in dashboard_region_names().items()
    }
    if stats is None:
        return board
    texts = _reader_texts(cycle)
    groupings = list(stats.groupings.all())
    board.regions = [g for g in groupings if g.kind == GroupingStatistic.Kind.REGION]
    board.groups = [g for g in groupings if g.kind == GroupingStatistic.Kind.GROUP]
    board.first_time = _countries(stats.first_time)
    board.lapsed = _countries(stats.lapsed)
    board.sections = _sections(stats, board.region_names, texts)
    board.transfers = transfer_tables(stats, board.region_names, texts)
    board.assistance = _assistance(stats, texts)
    return board


def _sections(
    stats: CycleStatistics, region_names: dict[str, str], texts: QuestionnaireTexts | None = None
) -> list[SectionRow]:
    questions = {
        q.pk: q
        for q in Question.objects.filter(version_id=stats.cycle.questionnaire_id)
        .select_related("section")
        .order_by("position")
    }
    choice_counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for row in ChoiceStatistic.objects.filter(statistics=stats).values_list(
        "question_id", "region", "code", "count"
    ):
        choice_counts[(row[0], row[1])][row[2]] = row[3]
    question_stats: dict[int, dict[str, Any]] = defaultdict(dict)
    for stat in stats.questions.all():
        question_stats[stat.question_id][stat.region] = stat
    section_stats: dict[int, dict[str, SectionStatistic]] = defaultdict(dict)
    for stat in SectionStatistic.objects.filter(statistics=stats).select_related("section"):
        section_stats[stat.section_id][stat.region] = stat

    rows: dict[int, SectionRow] = {}
    for question in questions.values():
        section = question.section
        if section.pk not in rows:
            overall = section_stats.get(section.pk, {}).get(ALL_REGIONS)
            rows[section.pk] = SectionRow(
                code=section.code,
                title=(
                    texts.sections[section.code].title
                    if texts is not None and section.code in texts.sections
                    else section.title
                ),
                reported=overall.reported if overall else 0,
                reports=overall.reports if overall else stats.reports_counted,
                percent=percent(overall.reported, overall.reports) if overall else None,
                regions=[
                    RegionCell(
                        region=code,
                        name=name,
                        shown=stat.reports,
                        answered=stat.reported,
                        percent=percent(stat.reported, stat.reports),
                    )
                    for code, name in region_names.items()
                    if (stat := section_stats.get(section.pk, {}).get(code))
                ],
            )
        by_region = question_stats.get(question.pk, {})
        overall = by_region.get(ALL_REGIONS)
        if overall is None:
            continue
        labels = _choice_labels(question, texts)
        counts = choice_counts.get((question.pk, ALL_REGIONS), {})
        row = QuestionRow(
            question=question,
            text=(
                texts.question(question.code).text
                if texts is not None and question.code in texts.questions
                else question.text
            ),
            shown=overall.shown,
            answered=overall.answered,
            answered_percent=percent(overall.answered, overall.shown),
        )
        if question.type in CHOICE_TYPES:
            codes = list(labels) + [code for code in counts if code not in labels]
            row.choices = [
                ChoiceCount(
                    code=code,
                    label=labels.get(code, code),
                    count=counts.get(code, 0),
                    percent=percent(counts.get(code, 0), overall.answered),
                )
                for code in codes
            ]
        if question.type == QuestionType.INTEGER:
            row.numeric = {
                "count": overall.numeric_count,
                "sum": overall.numeric_sum,
                "median": overall.numeric_median,
                "min": overall.numeric_min,
                "max": overall.numeric_max,
            }
        for code, name in region_names.items():
            stat = by_region.get(code)
            if stat is None:
                continue
            cell = RegionCell(
                region=code,
                name=name,
                shown=stat.shown,
                answered=stat.answered,
                percent=percent(stat.answered, stat.shown),
                total=stat.numeric_sum if question.type == QuestionType.INTEGER else None,
            )
            if question.type in YES_NO_TYPES:
                yes = choice_counts.get((question.pk, code), {}).get("yes", 0)
                cell.main = ChoiceCount("yes", "Yes", yes, percent(yes, stat.answered))
            row.regions.append(cell)
        rows[section.pk].questions.append(row)
    return list(rows.values())


def transfer_tables(
    stats: CycleStatistics, region_names: dict[str, str], texts: QuestionnaireTexts | None = None
) -> list[TransferTable]:
    config = statistics_config()
    questions = {
        q.code: q
        for q in Question.objects.filter(
            version_id=stats.cycle.questionnaire_id, code__in=[t.question for t in config.transfers]
        )
    }
    tables = []
    for transfer in config.transfers:
        question = questions.get(transfer.question)
        if question is None:
            continue
        column = next((c for c in question.columns if c["code"] == transfer.category_column), None)
        labels = {c["code"]: c["label"] for c in (column or {}).get("choices", [])}
        if texts is not None and question.code in texts.questions:
            reader = texts.question(question.code)
            labels = {
                code: reader.column_choice_label(transfer.category_column, code) for code in labels
            }
        totals = TableTotal.objects.filter(
            statistics=stats,
            question=question,
            choice_column=transfer.category_column,
            value_column=transfer.quantity_column,
        )
        by_code: dict[str, CategoryRow] = {
            code: CategoryRow(code=code, label=label, items=0, states=0, rows=0)
            for code, label in labels.items()
        }
        for total in totals:
            entry = by_code.setdefault(
                total.code,
                CategoryRow(code=total.code, label=total.code, items=0, states=0, rows=0),
            )
            if total.region == ALL_REGIONS:
                entry.items, entry.states, entry.rows = total.total or 0, total.states, total.rows
            else:
                entry.by_region[total.region] = total.total or 0
        answered = stats.questions.filter(question=question, region=ALL_REGIONS).first()
        tables.append(
            TransferTable(
                key=transfer.key,
                label=gettext(transfer.label) if transfer.label else "",
                question=question,
                unit_column=transfer.quantity_column,
                categories=list(by_code.values()),
                states=answered.answered if answered else 0,
                items=sum(row.items for row in by_code.values()),
            )
        )
    return tables


def _column_labels(
    question: Question | None, column_code: str, texts: QuestionnaireTexts | None = None
) -> dict[str, str]:
    if question is None or not column_code:
        return {}
    column = next((c for c in question.columns if c["code"] == column_code), {})
    labels = {c["code"]: c["label"] for c in column.get("choices", [])}
    if texts is not None and question.code in texts.questions:
        reader = texts.question(question.code)
        labels = {code: reader.column_choice_label(column_code, code) for code in labels}
    return labels


def _assistance(
    stats: CycleStatistics, texts: QuestionnaireTexts | None = None
) -> list[TopicAssistance]:
    config = statistics_config()
    tables = {
        q.code: q
        for q in Question.objects.filter(
            version_id=stats.cycle.questionnaire_id,
            code__in=[config.requested.question, config.offered.question],
        )
    }
    labels = _column_labels(
        tables.get(config.requested.question), config.requested.topic_column, texts
    )
    region_labels = _column_labels(
        tables.get(config.offered.question), config.offered.region_column, texts
    )
    topics: dict[str, TopicAssistance] = {}

    def topic(code: str) -> TopicAssistance:
        if code not in topics:
            topics[code] = TopicAssistance(code, labels.get(code, code), [], [], defaultdict(list))
        return topics[code]

    for entry in stats.assistance.select_related("country__report_region").order_by(
        "country__sort_key"
    ):
        bucket = topic(entry.topic)
        entry.target_region_label = ", ".join(
            region_labels.get(code.strip(), code.strip())
            for code in entry.target_region.split(",")
            if code.strip()
        )
        (bucket.requests if entry.kind == AssistanceEntry.Kind.REQUEST else bucket.offers).append(
            entry
        )
    for match in stats.matches.select_related("offerer").order_by("rank"):
        topic(match.topic).matches[match.requester_id].append(match)
    order = list(labels)
    return sorted(
        topics.values(),
        key=lambda t: (order.index(t.code) if t.code in order else len(order), t.code),
    )


def trend(up_to: ReportingCycle | None = None) -> list[TrendPoint]:
    """Each compiled cycle's reports, rate, regional counts and section shares, oldest first."""
    stored = CycleStatistics.objects.select_related("cycle").order_by("cycle__year")
    if up_to is not None:
        stored = stored.filter(cycle__year__lte=up_to.year)
    stored = list(stored)
    regions: dict[int, dict[str, int]] = defaultdict(dict)
    for stats_id, code, reported in GroupingStatistic.objects.filter(
        statistics__in=stored, kind=GroupingStatistic.Kind.REGION
    ).values_list("statistics_id", "code", "reported"):
        regions[stats_id][code] = reported
    sections: dict[int, dict[str, int | None]] = defaultdict(dict)
    for stats_id, code, reported, reports in SectionStatistic.objects.filter(
        statistics__in=stored, region=ALL_REGIONS
    ).values_list("statistics_id", "section__code", "reported", "reports"):
        sections[stats_id][code] = percent(reported, reports)
    answered = {
        (stats_id, code): count
        for stats_id, code, count in QuestionStatistic.objects.filter(
            statistics__in=stored,
            region=ALL_REGIONS,
            question__type__in=YES_NO_TYPES,
            question__show_if_question__isnull=True,
        ).values_list("statistics_id", "question__code", "answered")
    }
    yes: dict[int, dict[str, int | None]] = defaultdict(dict)
    for stats_id, code, count in ChoiceStatistic.objects.filter(
        statistics__in=stored,
        region=ALL_REGIONS,
        code="yes",
        question__type__in=YES_NO_TYPES,
        question__show_if_question__isnull=True,
    ).values_list("statistics_id", "question__code", "count"):
        yes[stats_id][code] = percent(count, answered.get((stats_id, code)))
    return [
        TrendPoint(
            year=stats.cycle.year,
            meeting=stats.cycle.meeting_label,
            reports=stats.reports_counted,
            states=stats.states_total,
            percent=percent(stats.reports_counted, stats.states_total),
            regions=regions.get(stats.pk, {}),
            sections=sections.get(stats.pk, {}),
            yes=yes.get(stats.pk, {}),
        )
        for stats in stored
    ]


def trend_fingerprint() -> str:
    """Changes whenever any cycle's stored statistics change (for caching the trend chart)."""
    fingerprints = CycleStatistics.objects.order_by("cycle__year").values_list(
        "cycle__year", "fingerprint"
    )
    return hashlib.sha256(repr(list(fingerprints)).encode()).hexdigest()[:32]


def trend_questions(cycle: ReportingCycle) -> list[Question]:
    """The questions whose "yes" share the trend table follows: top-level yes/no questions."""
    return list(
        Question.objects.filter(
            version_id=cycle.questionnaire_id,
            type__in=YES_NO_TYPES,
            show_if_question__isnull=True,
        ).order_by("position")
    )


def public_headline(cycle: ReportingCycle) -> CycleStatistics | None:
    """The headline numbers anonymous visitors may see: only once staff made them public."""
    if not cycle.statistics_public:
        return None
    stats = CycleStatistics.objects.filter(cycle=cycle).first()
    if stats is not None:
        stats.region_rows = list(stats.groupings.filter(kind=GroupingStatistic.Kind.REGION))
    return stats
