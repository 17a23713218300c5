"""Focal points saving the same answer at the same moment, many times over.

Each save is based on the version its author read. Per version exactly one save wins; every other
one is reported as a conflict carrying the winner's value (nothing is silently overwritten); the
stored value is the last winner's and the history has one event per save applied. Threads, each
with its own database connection, on a live database (real transactions and row locks).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.helpers import post_fields, question

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 6
ROUNDS = 8


def run_together(count: int, work) -> list:
    """`work(i, barrier)` in `count` threads at once; their results, or the first error raised."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            results[i] = work(i, barrier)
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


def stored(report, q) -> tuple[int, object]:
    from reports.models import Answer
    from reports.selectors import report_answer_values

    version = (
        Answer.objects.filter(report=report, question=q).values_list("version", flat=True).first()
    )
    return version or 0, report_answer_values(report).get(q.code)


def test_simultaneous_saves_of_one_answer_lose_nothing(ghana_report, submitter, contributor):
    from reports.models import ReportEvent
    from reports.services import save_answer
    from reports.services.answers import AnswerConflictError

    report = ghana_report
    q = question(report, "9.3")  # a whole number
    report.cycle  # noqa: B018 (loaded once, before the threads share the instance)
    authors = [submitter, contributor]

    def save_rounds(i: int, barrier: threading.Barrier) -> list[tuple]:
        outcomes = []
        for round_ in range(ROUNDS):
            base, _value = stored(report, q)  # what this author's page shows
            barrier.wait()  # everyone has read; now all save at once
            value = 1000 * (round_ + 1) + i  # different for every author and round
            try:
                answer = save_answer(
                    report=report,
                    question=q,
                    value=value,
                    user=authors[i % 2],
                    base_version=base,
                )
                outcomes.append(("saved", base, answer.version, value))
            except AnswerConflictError as conflict:
                outcomes.append(
                    ("conflict", base, conflict.current_version, conflict.current_value)
                )
            barrier.wait()  # the round is over before anyone reads again
        return outcomes

    per_thread = run_together(THREADS, save_rounds)
    winners = []
    for round_ in range(ROUNDS):
        outcomes = [per_thread[i][round_] for i in range(THREADS)]
        assert {base for _kind, base, _v, _value in outcomes} == {round_}
        saved = [o for o in outcomes if o[0] == "saved"]
        assert len(saved) == 1, outcomes  # exactly one save per version
        _kind, _base, version, value = saved[0]
        assert version == round_ + 1
        conflicts = [o for o in outcomes if o[0] == "conflict"]
        assert len(conflicts) == THREADS - 1, outcomes  # every other one is told
        # Each conflict shows what won, so its author can choose.
        assert all(c[2:] == (version, value) for c in conflicts), outcomes
        winners.append(value)

    assert stored(report, q) == (ROUNDS, winners[-1])
    history = ReportEvent.objects.filter(
        report=report, kind=ReportEvent.Kind.EDIT, question=q
    ).order_by("id")
    assert [event.new_value for event in history] == winners
    assert [event.old_value for event in history] == [None, *winners[:-1]]


def test_two_colleagues_autosaving_at_once_get_one_save_and_one_conflict(
    ghana_report, submitter, contributor
):
    report = ghana_report
    q = question(report, "9.3")
    clients = []
    for user in (submitter, contributor):
        client = Client()
        client.force_login(user)
        clients.append(client)
    autosave = reverse("report-autosave", args=[report.pk])

    def post(i: int, barrier: threading.Barrier):
        data = {"question": q.code, **post_fields(q, 0, **{"": str(10 + i)})}
        barrier.wait()
        response = clients[i].post(autosave, data)
        return response.status_code, response.json()

    results = run_together(2, post)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    (_, won), (_, lost) = sorted(results, key=lambda result: result[0])
    assert (won["status"], won["version"]) == ("saved", 1)
    assert (lost["status"], lost["version"]) == ("conflict", 1)
    winner = next(10 + i for i, (status, _body) in enumerate(results) if status == 200)
    assert lost["theirs"] == str(winner)
    assert stored(report, q) == (1, winner)
