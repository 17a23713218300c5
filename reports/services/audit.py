"""The audit trail: every service that changes a report records what happened here."""

from __future__ import annotations

from typing import Any

from reports.models import NationalReport, Question, ReportEvent
from reports.report_forms import jsonable


def record_event(
    *,
    report: NationalReport,
    kind: str,
    actor=None,
    question: Question | None = None,
    old_value: Any = None,
    new_value: Any = None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        question=question,
        old_value=jsonable(old_value),
        new_value=jsonable(new_value),
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
