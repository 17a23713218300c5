"""The database refuses a write in the middle of a submission.

A PostgreSQL trigger made here refuses one of the submission's writes, as a full disk, a
read-only fail-over or a revoked permission would: the submitter gets a clear message (never a
500), the draft is untouched, no revision (nor any part of one) exists, and once the database
accepts writes again the same report is submitted normally.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.api_support import bearer, post_json, url
from tests.conftest import fill_required

pytestmark = [
    pytest.mark.services,
    # Real transactions: the view's own, not a savepoint inside a test transaction.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FAULTS = {
    # A revision's answers stored as rows: the last writes of a submission.
    "revision rows": ("reports_revisionanswer", "INSERT", "", "53100", "could not extend file"),
    # The report's status changing to submitted, after the revision was created.
    "report status": (
        "reports_nationalreport",
        "UPDATE",
        "WHEN (OLD.status IS DISTINCT FROM NEW.status)",
        "25006",
        "cannot execute UPDATE in a read-only transaction",
    ),
}


class Refusal:
    """A trigger that makes PostgreSQL refuse one kind of write (removed by `lift`)."""

    def __init__(self) -> None:
        self.tables: list[str] = []

    def impose(self, fault: str) -> None:
        table, operation, condition, sqlstate, message = FAULTS[fault]
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION fault_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = '{sqlstate}'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER fault_refuse BEFORE {operation} ON {table} FOR EACH ROW "
                f"{condition} EXECUTE FUNCTION fault_refuse()"
            )
        self.tables.append(table)

    def lift(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS fault_refuse ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS fault_refuse()")
        self.tables = []


@pytest.fixture
def refusal():
    assert connection.vendor == "postgresql", "these tests need PostgreSQL (DATABASE_URL)"
    made = Refusal()
    try:
        yield made
    finally:
        made.lift()


def draft_state(report) -> dict:
    """Everything a failed submission must leave as it was."""
    from reports.models import (
        Answer,
        NationalReport,
        ReportEvent,
        Revision,
        RevisionAnswer,
        StatisticsRun,
    )
    from reports.selectors import report_answer_values

    fresh = NationalReport.objects.get(pk=report.pk)
    return {
        "status": fresh.status,
        "submitted_at": fresh.submitted_at,
        "values": report_answer_values(fresh),
        "versions": sorted(
            Answer.objects.filter(report=report).values_list("question_id", "version")
        ),
        "revisions": Revision.objects.filter(report=report).count(),
        "revision rows": RevisionAnswer.objects.filter(revision__report=report).count(),
        "transitions": ReportEvent.objects.filter(
            report=report, kind=ReportEvent.Kind.TRANSITION
        ).count(),
        "compiles": StatisticsRun.objects.count(),
    }


@pytest.fixture
def draft(ghana_report):
    fill_required(ghana_report)
    return ghana_report


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_refused_write_keeps_the_draft_and_says_so(fault, refusal, draft, submitter, client):
    from reports.models import NationalReport, Revision, RevisionAnswer

    before = draft_state(draft)
    assert before["status"] == NationalReport.Status.DRAFT and before["values"]
    client.force_login(submitter)
    submit = reverse("report-submit", args=[draft.pk])
    refusal.impose(fault)
    response = client.post(submit, {"confirm": "yes"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The report could not be submitted: the database did not accept the change." in page
    assert "your answers are as you left them" in page
    assert draft_state(draft) == before

    # The database accepts writes again: the same draft is submitted as usual.
    refusal.lift()
    response = client.post(submit, {"confirm": "yes"})
    assert response.status_code == 302
    after = draft_state(draft)
    assert after["status"] == NationalReport.Status.SUBMITTED
    assert after["values"] == before["values"]
    revision = Revision.objects.get(report=draft)
    assert revision.number == 1
    assert RevisionAnswer.objects.filter(revision=revision).count() > 0


def test_the_api_answers_a_refused_write_in_its_error_shape(refusal, draft, submitter, client):
    from reports.models import NationalReport

    before = draft_state(draft)
    headers = bearer(submitter)
    refusal.impose("revision rows")
    response = post_json(client, url("report-submit", draft.pk), **headers)
    assert response.status_code == 503
    assert response.json() == {
        "error": {
            "code": "unavailable",
            "message": "The database did not accept the change, so nothing was changed. "
            "Try again in a few minutes.",
        }
    }
    assert draft_state(draft) == before
    refusal.lift()
    response = post_json(client, url("report-submit", draft.pk), **headers)
    assert response.status_code == 200
    assert response.json()["status"] == NationalReport.Status.SUBMITTED
