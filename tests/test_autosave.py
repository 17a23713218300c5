"""Autosave: one question at a time, versions against lost updates, conflicts the user resolves."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.selectors import report_answer_values
from tests.helpers import post_fields, question

pytestmark = pytest.mark.django_db


def autosave(client, report, q, version=0, **fields):
    data = {"question": q.code, **post_fields(q, version, **fields)}
    return client.post(reverse("report-autosave", args=[report.pk]), data)


@pytest.fixture
def two_colleagues(submitter, contributor):
    first, second = Client(), Client()
    first.force_login(submitter)
    second.force_login(contributor)
    return first, second


def test_a_change_is_saved_and_gets_a_new_version(client, submitter, ghana_report):
    client.force_login(submitter)
    q = question(ghana_report, "1.1")
    response = autosave(client, ghana_report, q, **{"": "yes"})
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert response.json()["version"] == 1
    assert response.json()["progress"]["1"] == [1, 6]
    assert response.json()["answered_required"] == 1
    again = autosave(client, ghana_report, q, version=1, **{"": "no"})
    assert again.json()["version"] == 2
    assert report_answer_values(ghana_report) == {"1.1": "no"}


def test_progress_comes_back_whenever_a_count_can_change(client, submitter, ghana_report):
    client.force_login(submitter)
    parent, follow_up = question(ghana_report, "1.1"), question(ghana_report, "1.1.1")
    assert "progress" in autosave(client, ghana_report, parent, **{"": "yes"}).json()
    # Follow-ups depend on the parent: every change of it may show or hide them.
    changed = autosave(client, ghana_report, parent, version=1, **{"": "developing"}).json()
    assert changed["progress"]["1"] == [1, 6]
    first = autosave(client, ghana_report, follow_up, **{"": "A commission"}).json()
    assert first["progress"]["1"] == [1, 6]
    # An answer that stays an answer, of a question nothing depends on: nothing to recount.
    edited = autosave(client, ghana_report, follow_up, version=1, **{"": "A new commission"})
    assert edited.json()["status"] == "saved"
    assert "progress" not in edited.json()
    removed = autosave(client, ghana_report, follow_up, version=2, **{"": ""}).json()
    assert removed["status"] == "saved"
    assert removed["progress"]["1"] == [1, 6]


def test_a_wrong_value_gets_a_message_and_the_saved_one_stays(client, submitter, ghana_report):
    client.force_login(submitter)
    q = question(ghana_report, "9.3")
    autosave(client, ghana_report, q, **{"": "12"})
    response = autosave(client, ghana_report, q, version=1, **{"": "a dozen"})
    assert response.status_code == 400
    assert response.json() == {"status": "invalid", "message": "expected a whole number."}
    assert report_answer_values(ghana_report) == {"9.3": 12}


def test_a_stale_save_is_a_conflict_showing_both_values(two_colleagues, ghana_report):
    first, second = two_colleagues
    q = question(ghana_report, "1.1")
    assert autosave(first, ghana_report, q, version=0, **{"": "yes"}).status_code == 200
    stale = autosave(second, ghana_report, q, version=0, **{"": "developing"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["status"] == "conflict"
    assert body["theirs"] == "Yes"
    assert body["version"] == 1
    assert 'id="q-1.1"' in body["current_html"] and "checked" in body["current_html"]
    assert report_answer_values(ghana_report) == {"1.1": "yes"}
    # "Keep mine": the same value, now based on the current version
    kept = autosave(second, ghana_report, q, version=1, **{"": "developing"})
    assert kept.status_code == 200
    assert report_answer_values(ghana_report) == {"1.1": "developing"}


def test_colleagues_editing_different_questions_both_keep_their_work(two_colleagues, ghana_report):
    first, second = two_colleagues
    q1, q2 = question(ghana_report, "1.1"), question(ghana_report, "1.2")
    assert autosave(first, ghana_report, q1, **{"": "yes"}).status_code == 200
    assert autosave(second, ghana_report, q2, **{"": "no"}).status_code == 200
    assert report_answer_values(ghana_report) == {"1.1": "yes", "1.2": "no"}


def test_saving_the_whole_section_does_not_bump_unchanged_answers(two_colleagues, ghana_report):
    """A colleague's full-page Save must not turn another colleague's next edit into a conflict."""
    first, second = two_colleagues
    q1, q2 = question(ghana_report, "1.1"), question(ghana_report, "1.2")
    autosave(first, ghana_report, q1, **{"": "yes"})
    page = {**post_fields(q1, 1, **{"": "yes"}), **post_fields(q2, 0, **{"": "no"})}
    second.post(reverse("report-section", args=[ghana_report.pk, "1"]), page)
    assert autosave(first, ghana_report, q1, version=1, **{"": "developing"}).status_code == 200


def test_the_full_form_shows_a_conflict_and_keeps_the_users_value(two_colleagues, ghana_report):
    first, second = two_colleagues
    text = question(ghana_report, "1.1.1")
    autosave(first, ghana_report, text, **{"": "Commission A"})
    response = second.post(
        reverse("report-section", args=[ghana_report.pk, "1"]),
        post_fields(text, 0, **{"": "Commission B"}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A colleague saved a different answer" in html
    assert "Commission A" in html and "Commission B" in html
    assert 'name="v-1.1.1" value="1"' in html  # saving again now overwrites deliberately


@pytest.mark.parametrize(
    "data",
    [
        {"question": "99.9", "v-99.9": "0", "q-99.9": "yes"},
        {"question": "1.2.2", "v-1.2.2": "0"},  # a file question takes no typed value
        {"question": "1.1"},  # no version field
        {},
    ],
)
def test_tampered_requests_get_a_message_not_a_crash(client, submitter, ghana_report, data):
    client.force_login(submitter)
    response = client.post(reverse("report-autosave", args=[ghana_report.pk]), data)
    assert response.status_code == 400
    assert response.json()["status"] == "invalid"


def test_a_submitted_report_refuses_autosave(client, submitter, ghana_report):
    from reports.models import NationalReport

    NationalReport.objects.filter(pk=ghana_report.pk).update(status="submitted")
    client.force_login(submitter)
    response = autosave(client, ghana_report, question(ghana_report, "1.1"), **{"": "yes"})
    assert response.status_code == 403
    assert response.json()["status"] == "not_editable"


def test_autosave_queries_do_not_grow_with_table_rows(
    client, submitter, ghana_report, django_assert_max_num_queries
):
    client.force_login(submitter)
    laws = question(ghana_report, "1.5.1")
    few = {"rows": "2", "0-title": "A", "1-title": "B"}
    autosave(client, ghana_report, laws, **few)
    with django_assert_max_num_queries(16) as small:
        autosave(client, ghana_report, laws, version=1, **{**few, "1-title": "C"})
    many = {"rows": "150", **{f"{n}-title": f"Law {n}" for n in range(150)}}
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = autosave(client, ghana_report, laws, version=2, **many)
    assert response.json()["status"] == "saved"
    assert len(report_answer_values(ghana_report)["1.5.1"]) == 150


def test_a_save_writes_the_answer_and_the_history_event_the_orm_would(submitter, ghana_report):
    """The save's reads and writes are hand-written SQL for speed; what they store is checked
    through the ORM."""
    from reports.models import Answer, ReportEvent
    from reports.services import save_answer

    q = question(ghana_report, "1.1.1")
    save_answer(report=ghana_report, question=q, value="Old", user=submitter, base_version=0)
    saved = save_answer(
        report=ghana_report, question=q, value="New", user=submitter, base_version=1
    )
    stored = Answer.objects.get(pk=saved.pk)
    assert (stored.value_text, stored.version, stored.updated_by, stored.updated_at) == (
        "New",
        2,
        submitter,
        saved.updated_at,
    )
    event = ghana_report.events.filter(kind=ReportEvent.Kind.EDIT).latest("id")
    assert (event.actor, event.question, event.old_value, event.new_value) == (
        submitter,
        q,
        "Old",
        "New",
    )
    assert event.created_at == saved.updated_at
    # A table's rows are replaced; the old ones and the value come back as stored.
    laws = question(ghana_report, "1.5.1")
    save_answer(report=ghana_report, question=laws, value=[{"title": "A"}], base_version=0)
    save_answer(
        report=ghana_report, question=laws, value=[{"title": "B"}, {"title": "C"}], base_version=1
    )
    titles = report_answer_values(ghana_report)["1.5.1"]
    assert [row["title"] for row in titles] == ["B", "C"]
    event = ghana_report.events.filter(question=laws).latest("id")
    assert event.actor is None and event.new_value[1]["title"] == "C"


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_that_waited_for_the_lock_reads_what_the_colleague_saved(
    submitter, contributor, ghana_report
):
    """The lock and the read of the stored answer are two statements: a read inside the
    locking statement would see the answer as it was when the statement began to wait."""
    import threading
    import time

    from django.db import connection, transaction

    from reports.services import AnswerConflictError, save_answer

    assert connection.vendor == "postgresql"
    q = question(ghana_report, "1.1.1")
    save_answer(report=ghana_report, question=q, value="First", user=submitter, base_version=0)

    def colleague_saves(value, base_version, holding):
        try:
            with transaction.atomic():
                save_answer(
                    report=ghana_report,
                    question=q,
                    value=value,
                    user=contributor,
                    base_version=base_version,
                )
                holding.set()
                time.sleep(0.4)  # the lock is held; the other save waits for it
        finally:
            connection.close()

    def while_colleague_saves(value, base_version):
        holding = threading.Event()
        thread = threading.Thread(target=colleague_saves, args=(value, base_version, holding))
        thread.start()
        assert holding.wait(10)
        return thread

    # Based on the colleague's version (as after the page showed it): saved on top of it.
    thread = while_colleague_saves("Theirs", 1)
    mine = save_answer(
        report=ghana_report, question=q, value="Mine", user=submitter, base_version=2
    )
    thread.join()
    assert mine.version == 3
    # Based on an older version: a conflict showing the colleague's answer.
    thread = while_colleague_saves("Theirs again", 3)
    with pytest.raises(AnswerConflictError) as conflict:
        save_answer(report=ghana_report, question=q, value="Late", user=submitter, base_version=3)
    thread.join()
    assert (conflict.value.current_value, conflict.value.current_version) == ("Theirs again", 4)
