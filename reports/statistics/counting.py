"""Which revisions a cycle's statistics count, and the fingerprint of those inputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from countries.models import Country
from reports.models import CountingRule, ReportingCycle, Revision
from reports.statistics.config import CONFIG_FILE

# Raise when the way statistics are computed changes, so stored results are recompiled.
STATISTICS_FORMAT = 1


def counted_revisions(cycles: Iterable[ReportingCycle] | QuerySet[ReportingCycle]) -> QuerySet:
    """The one revision per report that the statistics of these cycles count.

    "accepted": the report's accepted revision (it keeps counting while a reopened report is being
    revised, and a newer accepted one supersedes it). "submitted": the report's latest revision that
    was not recalled, whatever the review made of it since.
    """
    latest_not_recalled = Subquery(
        Revision.objects.filter(report=OuterRef("report"), recalled_at__isnull=True)
        .order_by("-number")
        .values("pk")[:1]
    )
    return Revision.objects.filter(report__cycle__in=cycles).filter(
        Q(
            report__cycle__counting_rule=CountingRule.ACCEPTED,
            report__current_revision_id=F("pk"),
        )
        | Q(report__cycle__counting_rule=CountingRule.SUBMITTED, pk=latest_not_recalled)
    )


def previous_cycle(cycle: ReportingCycle) -> ReportingCycle | None:
    return ReportingCycle.objects.filter(year__lt=cycle.year).order_by("-year").first()


def statistics_inputs(cycle: ReportingCycle) -> dict:
    """Everything the cycle's statistics depend on, small enough to hash (five queries)."""
    counted = list(
        counted_revisions([cycle])
        .order_by("report__country_id")
        .values_list("report__country_id", "pk")
    )
    earlier = sorted(
        set(
            counted_revisions(ReportingCycle.objects.filter(year__lt=cycle.year)).values_list(
                "report__country_id", flat=True
            )
        )
    )
    previous = previous_cycle(cycle)
    previous_counted = (
        sorted(counted_revisions([previous]).values_list("report__country_id", flat=True))
        if previous
        else []
    )
    countries = list(
        Country.objects.order_by("pk").values_list(
            "pk", "report_region_id", "regional_group_id", "status"
        )
    )
    return {
        "format": STATISTICS_FORMAT,
        "config": hashlib.sha256(CONFIG_FILE.read_bytes()).hexdigest(),
        "cycle": cycle.pk,
        "rule": cycle.counting_rule,
        "questionnaire": [cycle.questionnaire_id, cycle.questionnaire.checksum],
        "counted": counted,
        "earlier": earlier,
        "previous": [previous.year if previous else None, previous_counted],
        "countries": countries,
    }


def fingerprint(inputs: dict) -> str:
    return hashlib.sha256(
        json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
