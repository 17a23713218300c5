"""Writes: compiling a cycle's statistics.

The numbers come from GROUP BY queries over the typed rows of the revisions the cycle counts
(`counting.counted_revisions`). Results are computed first, outside any transaction, then swapped
in with one transaction: a compile that dies midway leaves the previous results as they were. A
compile whose inputs (the fingerprint) did not change does nothing.
"""

from __future__ import annotations

import logging
import statistics as pystats
import threading
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Max, Min, Sum
from django.utils import timezone

from countries.models import Country, RegionalGroup, ReportRegion
from reports.models import (
    ALL_REGIONS,
    AssistanceEntry,
    AssistanceMatch,
    ChoiceStatistic,
    ColumnType,
    CycleStatistics,
    GroupingStatistic,
    Question,
    QuestionStatistic,
    QuestionType,
    ReportingCycle,
    Revision,
    RevisionAnswer,
    RevisionCell,
    RevisionChoice,
    SectionStatistic,
    StatisticsRun,
    TableTotal,
)
from reports.statistics.config import AssistanceTable, statistics_config
from reports.statistics.counting import (
    counted_revisions,
    fingerprint,
    statistics_inputs,
)
from reports.statistics.rows import write_revision_rows

log = logging.getLogger(__name__)

REGION = "revision__report__country__report_region__code"
# At most this many offering States are paired with each request (same region first).
MATCHES_PER_REQUEST = 10
# A compile whose inputs keep changing while it runs tries this often before giving up.
MAX_ATTEMPTS = 3
CATEGORY_COLUMN_TYPES = (ColumnType.CHOICE, ColumnType.YES_NO)


class Median(Aggregate):
    """PostgreSQL's median; other databases get theirs from `_python_medians`."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Compiled:
    """Everything a compile computed, ready to be written in one transaction."""

    stats: CycleStatistics
    groupings: list[GroupingStatistic] = field(default_factory=list)
    questions: list[QuestionStatistic] = field(default_factory=list)
    sections: list[SectionStatistic] = field(default_factory=list)
    choices: list[ChoiceStatistic] = field(default_factory=list)
    table_totals: list[TableTotal] = field(default_factory=list)
    assistance: list[AssistanceEntry] = field(default_factory=list)
    matches: list[AssistanceMatch] = field(default_factory=list)


def _progress(run: StatisticsRun | None, percent: int, step: str) -> None:
    if run is None:
        return
    run.progress, run.step = percent, step
    StatisticsRun.objects.filter(pk=run.pk).update(
        progress=percent, step=step, updated_at=timezone.now()
    )


def compile_cycle(
    cycle: ReportingCycle,
    *,
    run: StatisticsRun | None = None,
    force: bool = False,
    reason: str = "",
    user=None,
) -> StatisticsRun:
    """Compile the cycle's statistics now (the task and the management command both call this).

    Returns the run, done, unchanged or failed; the error of a failed run is kept on it and raised.
    """
    if run is None:
        run = StatisticsRun.objects.create(cycle=cycle, reason=reason, requested_by=user)
    run.status = StatisticsRun.Status.RUNNING
    run.started_at = timezone.now()
    run.error = ""
    run.save(update_fields=["status", "started_at", "error", "updated_at"])
    try:
        cycle = ReportingCycle.objects.select_related("questionnaire").get(pk=cycle.pk)
        _progress(run, 5, "Storing submitted answers as rows")
        write_revision_rows(counted_revisions([cycle]).filter(rows_written=False))
        _progress(run, 10, "Checking what changed")
        inputs = statistics_inputs(cycle)
        run.fingerprint = fingerprint(inputs)
        current = CycleStatistics.objects.filter(cycle=cycle).only("fingerprint").first()
        if current is not None and current.fingerprint == run.fingerprint and not force:
            return _finish(run, StatisticsRun.Status.UNCHANGED)
        for _attempt in range(MAX_ATTEMPTS):
            compiled = _compute(cycle, inputs, run)
            _progress(run, 90, "Saving the results")
            if _swap_in(cycle, compiled):
                break
            # The inputs changed while this compile read them: read them again.
            write_revision_rows(counted_revisions([cycle]).filter(rows_written=False))
            inputs = statistics_inputs(cycle)
            run.fingerprint = fingerprint(inputs)
    except Exception as error:
        run.status = StatisticsRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at", "fingerprint", "updated_at"])
        log.error("Statistics of %s failed:\n%s", cycle.year, traceback.format_exc())
        raise
    return _finish(run, StatisticsRun.Status.DONE)


def _finish(run: StatisticsRun, status: str) -> StatisticsRun:
    run.status = status
    run.progress = 100
    run.step = ""
    run.finished_at = timezone.now()
    run.save(
        update_fields=["status", "progress", "step", "finished_at", "fingerprint", "updated_at"]
    )
    return run


def _swap_in(cycle: ReportingCycle, compiled: Compiled) -> bool:
    """Replace the cycle's results, unless the inputs changed since they were read (False)."""
    with transaction.atomic():
        # One compile at a time per cycle swaps; the other waits and then replaces in turn.
        ReportingCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        if fingerprint(statistics_inputs(cycle)) != compiled.stats.fingerprint:
            return False  # a newer compile (or this one, again) will store the right numbers
        CycleStatistics.objects.filter(cycle=cycle).delete()
        stats = compiled.stats
        stats.save()
        for model, rows in (
            (GroupingStatistic, compiled.groupings),
            (QuestionStatistic, compiled.questions),
            (SectionStatistic, compiled.sections),
            (ChoiceStatistic, compiled.choices),
            (TableTotal, compiled.table_totals),
            (AssistanceEntry, compiled.assistance),
            (AssistanceMatch, compiled.matches),
        ):
            for row in rows:
                row.statistics = stats
            model.objects.bulk_create(rows, batch_size=2000)
    return True


# -- the computation ----------------------------------------------------------------------------


def _compute(cycle: ReportingCycle, inputs: dict, run: StatisticsRun | None) -> Compiled:
    revision_ids = [revision_id for _country, revision_id in inputs["counted"]]
    counted_countries = {country_id for country_id, _revision in inputs["counted"]}
    countries = {c.pk: c for c in Country.objects.select_related("report_region", "regional_group")}
    earlier = set(inputs["earlier"])
    first_time = counted_countries - earlier
    lapsed = set(inputs["previous"][1]) - counted_countries

    def iso3s(ids: set[int]) -> list[str]:
        return [c.iso3 for c in sorted((countries[i] for i in ids), key=lambda c: c.sort_key)]

    stats = CycleStatistics(
        cycle=cycle,
        fingerprint=fingerprint(inputs),
        counting_rule=cycle.counting_rule,
        computed_at=timezone.now(),
        states_total=len(countries),
        reports_counted=len(revision_ids),
        reporters=iso3s(counted_countries),
        first_time=iso3s(first_time),
        lapsed=iso3s(lapsed),
        previous_year=inputs["previous"][0],  # read with the inputs, not again
    )
    compiled = Compiled(stats=stats)
    _progress(run, 20, "Counting reports by region")
    compiled.groupings = _groupings(revision_ids, first_time)
    reports_in_region = {
        g.code: g.reported for g in compiled.groupings if g.kind == GroupingStatistic.Kind.REGION
    }
    reports_in_region[ALL_REGIONS] = len(revision_ids)
    questions = list(
        Question.objects.filter(version_id=cycle.questionnaire_id).order_by("position")
    )
    _progress(run, 35, "Counting answers per question")
    compiled.questions, compiled.choices = _question_statistics(
        revision_ids, questions, reports_in_region
    )
    compiled.sections = _section_statistics(revision_ids, cycle, reports_in_region)
    _progress(run, 60, "Adding up tables")
    compiled.table_totals = _table_totals(revision_ids, questions)
    _progress(run, 75, "Matching assistance requested and offered")
    compiled.assistance, compiled.matches = _assistance(revision_ids, questions, countries)
    return compiled


def _groupings(revision_ids: list[int], first_time: set[int]) -> list[GroupingStatistic]:
    """States and reports counted per report region and per regional group (GROUP BY)."""
    counted = Revision.objects.filter(pk__in=revision_ids)
    rows: list[GroupingStatistic] = []
    for kind, model, key in (
        (GroupingStatistic.Kind.REGION, ReportRegion, "report_region"),
        (GroupingStatistic.Kind.GROUP, RegionalGroup, "regional_group"),
    ):
        states = dict(Country.objects.values_list(f"{key}_id").annotate(n=Count("id")).order_by())
        reported = dict(
            counted.values_list(f"report__country__{key}_id").annotate(n=Count("id")).order_by()
        )
        new = dict(
            counted.filter(report__country_id__in=first_time)
            .values_list(f"report__country__{key}_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for grouping in model.objects.order_by("order", "code"):
            rows.append(
                GroupingStatistic(
                    kind=kind,
                    code=grouping.code,
                    name=grouping.name,
                    order=grouping.order,
                    states=states.get(grouping.pk, 0),
                    reported=reported.get(grouping.pk, 0),
                    first_time=new.get(grouping.pk, 0),
                )
            )
    return rows


def _by_region_and_all(rows: list[dict], keys: tuple[str, ...], additive: tuple[str, ...]):
    """Per-region aggregate rows plus their roll-up over all regions (sums of additive counts)."""
    result: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        for region in (row["region"], ALL_REGIONS):
            key = (*(row[k] for k in keys), region)
            total = result.setdefault(key, dict.fromkeys(additive, 0))
            for name in additive:
                total[name] += row[name] or 0
    return result


def _question_statistics(
    revision_ids: list[int], questions: list[Question], reports_in_region: dict[str, int]
) -> tuple[list[QuestionStatistic], list[ChoiceStatistic]]:
    answers = RevisionAnswer.objects.filter(revision_id__in=revision_ids)
    answered_rows = list(
        answers.values("question_id", region=F(REGION))
        .annotate(
            answered=Count("id"),
            numeric_count=Count("value_int"),
            numeric_sum=Sum("value_int"),
            numeric_min=Min("value_int"),
            numeric_max=Max("value_int"),
        )
        .order_by()
    )
    answered = _by_region_and_all(
        answered_rows, ("question_id",), ("answered", "numeric_count", "numeric_sum")
    )
    extremes: dict[tuple, tuple[int | None, int | None]] = {}
    for row in answered_rows:
        for region in (row["region"], ALL_REGIONS):
            key = (row["question_id"], region)
            low, high = extremes.get(key, (None, None))
            if row["numeric_min"] is not None:
                low = row["numeric_min"] if low is None else min(low, row["numeric_min"])
                high = row["numeric_max"] if high is None else max(high, row["numeric_max"])
            extremes[key] = (low, high)
    medians = _medians(answers)

    chosen_rows = list(
        answers.exclude(value_choice="")
        .values("question_id", "value_choice", region=F(REGION))
        .annotate(count=Count("id"))
        .order_by()
    )
    ticked_rows = list(
        RevisionChoice.objects.filter(revision_id__in=revision_ids)
        .values("question_id", region=F(REGION), value_choice=F("code"))
        .annotate(count=Count("id"))
        .order_by()
    )
    chosen = _by_region_and_all(
        chosen_rows + ticked_rows, ("question_id", "value_choice"), ("count",)
    )
    shown = _shown_counts(revision_ids, questions, chosen, reports_in_region)

    question_rows = []
    by_id = {q.pk: q for q in questions}
    regions = list(reports_in_region)
    for question in questions:
        for region in regions:
            got = answered.get((question.pk, region), {})
            if not reports_in_region[region]:
                continue
            low, high = extremes.get((question.pk, region), (None, None))
            question_rows.append(
                QuestionStatistic(
                    question=question,
                    region=region,
                    reports=reports_in_region[region],
                    shown=shown.get((question.pk, region), reports_in_region[region]),
                    answered=got.get("answered", 0),
                    numeric_count=got.get("numeric_count", 0),
                    numeric_sum=got.get("numeric_sum") if got.get("numeric_count") else None,
                    numeric_median=medians.get((question.pk, region)),
                    numeric_min=low,
                    numeric_max=high,
                )
            )
    choice_rows = []
    for (question_id, code, region), total in chosen.items():
        question = by_id.get(question_id)
        if question is None:
            continue
        choice_rows.append(
            ChoiceStatistic(question=question, region=region, code=code, count=total["count"])
        )
    order = {q.pk: q.position for q in questions}
    choice_rows.sort(key=lambda c: (order[c.question_id], c.region, c.code))
    return question_rows, choice_rows


def _section_statistics(
    revision_ids: list[int], cycle: ReportingCycle, reports_in_region: dict[str, int]
) -> list[SectionStatistic]:
    """Reports that answered at least one question of each section, per region and overall."""
    rows = (
        RevisionAnswer.objects.filter(revision_id__in=revision_ids)
        .values("question__section_id", region=F(REGION))
        .annotate(reported=Count("revision", distinct=True))
        .order_by()
    )
    reported: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        # A State is in one region, so the regional counts add up to the overall one.
        reported[(row["question__section_id"], row["region"])] += row["reported"]
        reported[(row["question__section_id"], ALL_REGIONS)] += row["reported"]
    return [
        SectionStatistic(
            section=section,
            region=region,
            reports=reports,
            reported=reported.get((section.pk, region), 0),
        )
        for section in cycle.questionnaire.sections.order_by("position")
        for region, reports in reports_in_region.items()
        if reports
    ]


def _medians(answers) -> dict[tuple[int, str], float]:
    numeric = answers.filter(value_int__isnull=False)
    if connection.vendor == "postgresql":
        medians = {
            (row["question_id"], row["region"]): row["median"]
            for row in numeric.values("question_id", region=F(REGION))
            .annotate(median=Median("value_int"))
            .order_by()
        }
        medians.update(
            {
                (row["question_id"], ALL_REGIONS): row["median"]
                for row in numeric.values("question_id")
                .annotate(median=Median("value_int"))
                .order_by()
            }
        )
        return medians
    return _python_medians(numeric)


def _python_medians(numeric) -> dict[tuple[int, str], float]:
    """SQLite (the embedded local default) has no median aggregate: one ordered read instead."""
    values: dict[tuple[int, str], list[int]] = defaultdict(list)
    for question_id, region, value in numeric.values_list("question_id", REGION, "value_int"):
        values[(question_id, region)].append(value)
        values[(question_id, ALL_REGIONS)].append(value)
    return {key: float(pystats.median(items)) for key, items in values.items()}


def _shown_counts(
    revision_ids: list[int],
    questions: list[Question],
    chosen: dict[tuple, dict[str, int]],
    reports_in_region: dict[str, int],
) -> dict[tuple[int, str], int]:
    """How many counted reports were shown each follow-up question.

    A follow-up is shown when its parent's answer is one of its trigger values; a hidden parent
    has no answer in the revision, so chains of follow-ups need nothing more.
    """
    by_id = {q.pk: q for q in questions}
    shown: dict[tuple[int, str], int] = {}
    for question in questions:
        parent = by_id.get(question.show_if_question_id)
        if parent is None:
            continue
        wanted = list(question.show_if_values)
        if parent.type == QuestionType.MULTI_CHOICE and len(wanted) > 1:
            # Several ticked trigger codes in one report must count that report once.
            rows = (
                RevisionChoice.objects.filter(
                    revision_id__in=revision_ids, question=parent, code__in=wanted
                )
                .values(region=F(REGION))
                .annotate(n=Count("revision", distinct=True))
                .order_by()
            )
            # A region where no report ticked a trigger code was shown it zero times (not
            # "every report", the default of questions without a condition).
            for region in reports_in_region:
                shown[(question.pk, region)] = 0
            for row in rows:
                shown[(question.pk, row["region"])] = row["n"]
                shown[(question.pk, ALL_REGIONS)] = (
                    shown.get((question.pk, ALL_REGIONS), 0) + row["n"]
                )
        else:
            for region in reports_in_region:
                shown[(question.pk, region)] = sum(
                    chosen.get((parent.pk, code, region), {}).get("count", 0) for code in wanted
                )
    return shown


def _table_totals(revision_ids: list[int], questions: list[Question]) -> list[TableTotal]:
    """Rows and States per choice of each table's choice columns; and, for each of the table's
    number columns, the sum per choice (e.g. items exported per UN Register subcategory)."""
    tables = {q.pk: q for q in questions if q.type == QuestionType.TABLE}
    category_columns = {
        (q.pk, column["code"]): column
        for q in tables.values()
        for column in q.columns
        if column["type"] in CATEGORY_COLUMN_TYPES
    }
    if not category_columns:
        return []
    cells = RevisionCell.objects.filter(
        revision_id__in=revision_ids, question_id__in=list(tables)
    ).exclude(value_choice="")
    counted_rows = list(
        cells.values("question_id", "column", "value_choice", region=F(REGION))
        .annotate(rows=Count("id"), states=Count("revision", distinct=True))
        .order_by()
    )
    totals: dict[tuple, dict[str, Any]] = {}
    for row in counted_rows:
        if (row["question_id"], row["column"]) not in category_columns:
            continue
        for region in (row["region"], ALL_REGIONS):
            key = (row["question_id"], row["column"], "", row["value_choice"], region)
            total = totals.setdefault(key, {"rows": 0, "states": 0, "total": None})
            total["rows"] += row["rows"]
            total["states"] += row["states"]  # a State is in one region: the sum is distinct
    for row in _summed_cells(revision_ids, list(tables)):
        question_id, category_column, value_column, code, region, rows, states, total = row
        if (question_id, category_column) not in category_columns:
            continue
        for scope in (region, ALL_REGIONS):
            key = (question_id, category_column, value_column, code, scope)
            entry = totals.setdefault(key, {"rows": 0, "states": 0, "total": 0})
            entry["rows"] += rows
            entry["states"] += states
            entry["total"] = (entry["total"] or 0) + (total or 0)
    # Every choice of a category column appears, with zeros, so tables show all categories.
    for (question_id, column_code), column in category_columns.items():
        question = tables[question_id]
        number_columns = [""] + [
            c["code"] for c in question.columns if c["type"] == ColumnType.INTEGER
        ]
        codes = [c["code"] for c in column.get("choices", [])] or ["yes", "no"]
        for value_column in number_columns:
            for code in codes:
                key = (question_id, column_code, value_column, code, ALL_REGIONS)
                totals.setdefault(
                    key, {"rows": 0, "states": 0, "total": 0 if value_column else None}
                )
    order = {q.pk: q.position for q in questions}
    result = [
        TableTotal(
            question=tables[question_id],
            choice_column=category_column,
            value_column=value_column,
            code=code,
            region=region,
            rows=entry["rows"],
            states=entry["states"],
            total=entry["total"],
        )
        for (question_id, category_column, value_column, code, region), entry in totals.items()
    ]
    result.sort(key=lambda t: (order[t.question_id], t.choice_column, t.value_column, t.region))
    return result


def _summed_cells(revision_ids: list[int], table_ids: list[int]) -> list[tuple]:
    """Per (table, category column, number column, category, region): rows, States and the sum of
    the numbers in the same rows. A self-join of the cells on (revision, question, row)."""
    if not revision_ids or not table_ids:
        return []
    cell = RevisionCell._meta.db_table
    revision = Revision._meta.db_table
    report = Revision._meta.get_field("report").related_model._meta.db_table
    country = Country._meta.db_table
    region = ReportRegion._meta.db_table
    revision_marks = ", ".join(["%s"] * len(revision_ids))
    table_marks = ", ".join(["%s"] * len(table_ids))
    sql = f"""
        SELECT c.question_id, c."column", v."column", c.value_choice, rg.code,
               COUNT(*), COUNT(DISTINCT c.revision_id), SUM(v.value_int)
        FROM {cell} c
        JOIN {cell} v ON v.revision_id = c.revision_id AND v.question_id = c.question_id
                     AND v."row" = c."row" AND v.value_int IS NOT NULL
        JOIN {revision} rv ON rv.id = c.revision_id
        JOIN {report} nr ON nr.id = rv.report_id
        JOIN {country} co ON co.id = nr.country_id
        JOIN {region} rg ON rg.id = co.report_region_id
        WHERE c.revision_id IN ({revision_marks}) AND c.question_id IN ({table_marks})
          AND c.value_choice <> ''
        GROUP BY c.question_id, c."column", v."column", c.value_choice, rg.code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*revision_ids, *table_ids])
        return cursor.fetchall()


def _table_entries(
    revision_ids: list[int], question: Question | None, table: AssistanceTable
) -> dict[tuple[int, str], dict[str, Any]]:
    """(country id, topic) -> {region, descriptions} for one assistance table."""
    if question is None:
        return {}
    wanted = [table.topic_column, table.description_column, table.region_column]
    rows: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for country_id, row, column, choice, text in RevisionCell.objects.filter(
        revision_id__in=revision_ids, question=question, column__in=[c for c in wanted if c]
    ).values_list("revision__report__country_id", "row", "column", "value_choice", "value_text"):
        rows[(country_id, row)][column] = choice or text
    entries: dict[tuple[int, str], dict[str, Any]] = {}
    for (country_id, _row), cells in sorted(rows.items()):
        topic = cells.get(table.topic_column)
        if not topic:
            continue
        entry = entries.setdefault((country_id, topic), {"regions": [], "descriptions": []})
        if table.region_column and cells.get(table.region_column):
            entry["regions"].append(cells[table.region_column])
        if cells.get(table.description_column):
            entry["descriptions"].append(cells[table.description_column])
    return entries


def _assistance(
    revision_ids: list[int], questions: list[Question], countries: dict[int, Country]
) -> tuple[list[AssistanceEntry], list[AssistanceMatch]]:
    """Requests and offers per topic, and each request paired with the States offering help on
    its topic: offers for the requester's region (or any region), or from a State of the same
    region, come first."""
    config = statistics_config()
    by_code = {q.code: q for q in questions}
    requests = _table_entries(
        revision_ids, by_code.get(config.requested.question), config.requested
    )
    offers = _table_entries(revision_ids, by_code.get(config.offered.question), config.offered)
    entries = [
        AssistanceEntry(
            kind=kind,
            topic=topic,
            country=countries[country_id],
            target_region=", ".join(dict.fromkeys(data["regions"])),
            description="\n".join(data["descriptions"]),
        )
        for kind, source in (
            (AssistanceEntry.Kind.REQUEST, requests),
            (AssistanceEntry.Kind.OFFER, offers),
        )
        for (country_id, topic), data in source.items()
    ]
    offers_by_topic: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for (country_id, topic), data in offers.items():
        offers_by_topic[topic].append((country_id, data["regions"]))
    matches = []
    for requester_id, topic in requests:
        requester = countries[requester_id]
        region = requester.report_region.code
        candidates = []
        for offerer_id, regions in offers_by_topic.get(topic, []):
            if offerer_id == requester_id:
                continue
            offerer = countries[offerer_id]
            same_region = (
                region in regions or offerer.report_region_id == requester.report_region_id
            )
            # Same region first, then offers for any region, then the rest; by UN order within.
            priority = 0 if same_region else 1 if config.any_region in regions else 2
            candidates.append((priority, offerer.sort_key, offerer, same_region))
        candidates.sort(key=lambda c: (c[0], c[1]))
        for rank, (_priority, _key, offerer, same_region) in enumerate(
            candidates[:MATCHES_PER_REQUEST], start=1
        ):
            matches.append(
                AssistanceMatch(
                    topic=topic,
                    requester=requester,
                    offerer=offerer,
                    same_region=same_region,
                    rank=rank,
                )
            )
    return entries, matches


# -- asking for a compile -----------------------------------------------------------------------


def request_compile(
    cycle: ReportingCycle, *, reason: str, user=None, force: bool = False, cascade: bool = True
) -> StatisticsRun:
    """Queue a compile of the cycle's statistics once the current transaction commits.

    A compile still waiting in the queue is reused, so a burst of acceptances queues one task. If
    that compile has started by the time this transaction commits, it may have read the data
    without this transaction's change, so another one is queued then. If the task queue cannot be
    reached the run stays queued; the periodic compile of all cycles picks it up.
    """
    if cascade:
        # The next cycle's first-time and lapsed States depend on who reported in this one.
        following = ReportingCycle.objects.filter(year__gt=cycle.year).order_by("year").first()
        if following is not None and CycleStatistics.objects.filter(cycle=following).exists():
            request_compile(following, reason=f"{reason} ({cycle.year})", user=user, cascade=False)
    waiting = (
        StatisticsRun.objects.filter(cycle=cycle, status=StatisticsRun.Status.QUEUED)
        .order_by("-created_at")
        .first()
    )
    if waiting is not None and not force:
        if waiting.pk in _unsent.ids:
            # Created in this transaction and sent when it commits: it will read this change.
            return waiting

        def still_waiting() -> None:
            if StatisticsRun.objects.filter(
                pk=waiting.pk, status=StatisticsRun.Status.QUEUED
            ).exists():
                return  # it has not read anything yet: it will see this change
            run = StatisticsRun.objects.create(cycle=cycle, reason=reason, requested_by=user)
            _enqueue(cycle, run, force)

        transaction.on_commit(still_waiting)
        return waiting
    run = StatisticsRun.objects.create(cycle=cycle, reason=reason, requested_by=user)
    _unsent.ids.add(run.pk)
    transaction.on_commit(lambda: _enqueue(cycle, run, force))
    return run


class _Unsent(threading.local):
    """Runs created by this thread whose task goes out when the current transaction commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()


_unsent = _Unsent()


def _enqueue(cycle: ReportingCycle, run: StatisticsRun, force: bool) -> None:
    from reports.tasks import compile_cycle_statistics

    _unsent.ids.discard(run.pk)
    try:
        compile_cycle_statistics.delay(cycle.pk, run.pk, force)
    except Exception:  # the broker is down: the periodic compile will run it
        log.exception("Could not queue the statistics compile of %s", cycle.year)


def waiting_run(cycle: ReportingCycle) -> StatisticsRun | None:
    """The oldest queued run of the cycle, which the next compile takes over."""
    return (
        StatisticsRun.objects.filter(cycle=cycle, status=StatisticsRun.Status.QUEUED)
        .order_by("created_at")
        .first()
    )
