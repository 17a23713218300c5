"""The answers of a report through the API: read, write with versions, conflicts, types."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Answer, ReportEvent
from reports.selectors import report_answer_values
from reports.services import save_answer, start_report
from tests.api_support import bearer, error_code, patch_json, put_json, url
from tests.conftest import fill_required
from tests.factories import country
from tests.helpers import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def gh(client, contributor):
    client.force_login(contributor)
    return client


def test_read_every_answer_in_snapshot_form(gh, ghana_report, contributor):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    save_answer(report=ghana_report, question=question(ghana_report, "1.2"), value="yes")
    save_answer(report=ghana_report, question=question(ghana_report, "1.2.1"), value="2024-05-01")
    response = gh.get(url("report-answers", ghana_report.pk))
    assert response.status_code == 200
    data = response.json()
    assert [item["question"] for item in data] == ["1.1", "1.2", "1.2.1"]  # questionnaire order
    assert data[2]["value"] == "2024-05-01" and data[2]["version"] == 1
    assert data[0]["updated_at"] and data[0]["prefilled_from_year"] is None


def test_read_one_answer_and_unanswered(gh, ghana_report):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    response = gh.get(url("report-answer", ghana_report.pk, "1.1"))
    assert response.status_code == 200
    assert response.json()["value"] == "no" and response["ETag"] == '"1"'
    empty = gh.get(url("report-answer", ghana_report.pk, "1.5")).json()
    assert empty == {
        "question": "1.5",
        "value": None,
        "version": 0,
        "updated_at": None,
        "prefilled_from_year": None,
    }


def test_unknown_question_is_404_with_a_code(gh, ghana_report):
    for response in (
        gh.get(url("report-answer", ghana_report.pk, "99.9")),
        put_json(gh, url("report-answer", ghana_report.pk, "99.9"), {"value": "x", "version": 0}),
    ):
        assert response.status_code == 404
        assert error_code(response) == "unknown_question"


def test_write_new_then_update(gh, ghana_report):
    path = url("report-answer", ghana_report.pk, "1.1")
    response = put_json(gh, path, {"value": "yes", "version": 0})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'
    response = put_json(gh, path, {"value": "developing", "version": 1})
    assert response.json()["version"] == 2 and response.json()["value"] == "developing"
    assert report_answer_values(ghana_report) == {"1.1": "developing"}
    # Who changed what is recorded, as for the pages.
    assert ghana_report.events.filter(kind=ReportEvent.Kind.EDIT).count() == 2


def test_typed_values_round_trip(gh, ghana_report):
    values = {
        "1.1.2": 1250,
        "1.2.1": "2025-01-31",
        "1.3": {
            "name": "A. Mensah",
            "position": "",
            "organization": "",
            "address": "",
            "phone": "",
            "email": "a@gh.example",
        },
    }
    for code, value in values.items():
        current = gh.get(url("report-answer", ghana_report.pk, code)).json()
        body = {"value": value, "version": current["version"]}
        response = put_json(gh, url("report-answer", ghana_report.pk, code), body)
        assert response.status_code == 200, response.content
        stored = response.json()["value"]
        if isinstance(value, dict):
            assert {k: v for k, v in stored.items() if v} == {k: v for k, v in value.items() if v}
        else:
            assert stored == value


def test_stale_version_is_409_with_the_current_answer_and_changes_nothing(gh, ghana_report):
    q = question(ghana_report, "1.1")
    save_answer(report=ghana_report, question=q, value="yes", base_version=0)
    save_answer(report=ghana_report, question=q, value="no", base_version=1)  # a colleague
    events = ghana_report.events.count()
    response = put_json(
        gh, url("report-answer", ghana_report.pk, "1.1"), {"value": "developing", "version": 1}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "version_conflict"
    assert body["current"] == {"value": "no", "version": 2}
    assert report_answer_values(ghana_report) == {"1.1": "no"}
    assert Answer.objects.get(report=ghana_report, question=q).version == 2
    assert ghana_report.events.count() == events
    # Retrying on the current version saves.
    response = put_json(
        gh, url("report-answer", ghana_report.pk, "1.1"), {"value": "developing", "version": 2}
    )
    assert response.status_code == 200 and response.json()["version"] == 3


def test_new_answer_when_a_colleague_answered_first_is_409(gh, ghana_report):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    response = put_json(
        gh, url("report-answer", ghana_report.pk, "1.1"), {"value": "yes", "version": 0}
    )
    assert response.status_code == 409
    assert response.json()["current"] == {"value": "no", "version": 1}


def test_two_clients_editing_different_questions_both_keep_their_work(
    client, ghana_report, contributor, submitter
):
    from django.test import Client

    one, two = Client(), Client()
    one.force_login(contributor)
    two_headers = bearer(submitter)
    first = put_json(
        one, url("report-answer", ghana_report.pk, "1.1"), {"value": "yes", "version": 0}
    )
    second = put_json(
        two,
        url("report-answer", ghana_report.pk, "1.2"),
        {"value": "no", "version": 0},
        **two_headers,
    )
    again = put_json(
        one, url("report-answer", ghana_report.pk, "1.1"), {"value": "no", "version": 1}
    )
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 200)
    assert report_answer_values(ghana_report) == {"1.1": "no", "1.2": "no"}


def test_if_match_header(gh, ghana_report):
    path = url("report-answer", ghana_report.pk, "1.1")
    assert put_json(gh, path, {"value": "yes"}, HTTP_IF_MATCH='"0"').status_code == 200
    response = put_json(gh, path, {"value": "no"}, HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = put_json(gh, path, {"value": "developing"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    bad = put_json(gh, path, {"value": "developing"}, HTTP_IF_MATCH="*")
    assert bad.status_code == 400 and "If-Match" in bad.json()["error"]["fields"]
    both = put_json(gh, path, {"value": "developing", "version": 1}, HTTP_IF_MATCH='"2"')
    assert both.status_code == 400 and "version" in both.json()["error"]["fields"]


def test_the_version_is_required(gh, ghana_report):
    response = put_json(gh, url("report-answer", ghana_report.pk, "1.1"), {"value": "yes"})
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]
    assert report_answer_values(ghana_report) == {}


@pytest.mark.parametrize(
    "code, body",
    [
        ("1.1", {"value": "perhaps", "version": 0}),
        ("1.1.2", {"value": "many", "version": 0}),
        ("1.1.2", {"value": -4, "version": 0}),
        ("1.1.2", {"value": 10**30, "version": 0}),
        ("1.2.1", {"value": "31/01/2025", "version": 0}),
        ("1.3", {"value": {"nickname": "x"}, "version": 0}),
        ("1.3", {"value": ["a"], "version": 0}),
        ("1.2.2", {"value": "file.pdf", "version": 0}),  # files are uploaded
    ],
)
def test_wrong_types_are_400_with_fields(gh, ghana_report, code, body):
    response = put_json(gh, url("report-answer", ghana_report.pk, code), body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["fields"]["value"]
    assert report_answer_values(ghana_report) == {}


@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        ("{not json", "application/json", 400),
        ('["value", 1]', "application/json", 400),
        ('{"value": "yes", "version": "one"}', "application/json", 400),
        ('{"value": "yes", "version": -1}', "application/json", 400),
        ('{"value": "yes", "version": 0, "extra": 1}', "application/json", 400),
        ('{"version": 0}', "application/json", 400),
        ("[" * 100000 + "]" * 100000, "application/json", 400),
        ('{"value": NaN, "version": 0}', "application/json", 400),
        ("value=yes&version=0", "application/x-www-form-urlencoded", 415),
    ],
)
def test_malformed_bodies_are_clear_4xx(gh, ghana_report, raw, content_type, status):
    response = gh.put(url("report-answer", ghana_report.pk, "1.1"), raw, content_type=content_type)
    assert response.status_code == status, response.content
    assert set(response.json()["error"]) >= {"code", "message"}
    assert report_answer_values(ghana_report) == {}


def test_oversized_body_is_413(gh, ghana_report, settings):
    body = json.dumps({"value": "x" * 3_000_000, "version": 0})
    response = gh.put(
        url("report-answer", ghana_report.pk, "1.1.1"), body, content_type="application/json"
    )
    assert response.status_code == 413
    assert error_code(response) == "request_too_large"


def test_removing_an_answer(gh, ghana_report):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    response = put_json(
        gh, url("report-answer", ghana_report.pk, "1.1"), {"value": None, "version": 1}
    )
    assert response.status_code == 200 and response.json()["version"] == 0
    assert report_answer_values(ghana_report) == {}


def test_only_focal_points_on_an_editable_report_write(
    client, submitted_report, submitter, observer, secretariat_admin
):
    path = url("report-answer", submitted_report.pk, "1.1")
    client.force_login(submitter)
    response = put_json(client, path, {"value": "no", "version": 1})
    assert response.status_code == 403 and error_code(response) == "not_editable"
    for staff in (observer, secretariat_admin):
        response = put_json(client, path, {"value": "no", "version": 1}, **bearer(staff))
        assert response.status_code == 403 and error_code(response) == "not_focal_point"
        # Reading is for everyone who sees the report.
        assert client.get(path, **bearer(staff)).status_code == 200


def test_another_countrys_report_is_404(client, open_cycle, other_focal, contributor):
    mexico = start_report(country=country("MEX"), cycle=open_cycle)
    client.force_login(contributor)
    for response in (
        client.get(url("report-answers", mexico.pk)),
        client.get(url("report-answer", mexico.pk, "1.1")),
        put_json(client, url("report-answer", mexico.pk, "1.1"), {"value": "yes", "version": 0}),
    ):
        assert response.status_code == 404
        assert error_code(response) == "not_found"
    assert client.get(url("report-answers", 999999)).status_code == 404


def test_anonymous_is_401(client, ghana_report):
    response = client.get(url("report-answers", ghana_report.pk))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def _count_queries(client, path, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **headers).status_code == 200
    return len(queries)


def test_query_count_is_constant_in_the_number_of_answers(
    client, open_cycle, contributor, other_focal, django_assert_max_num_queries
):
    few = start_report(country=country("GHA"), cycle=open_cycle)
    save_answer(report=few, question=question(few, "1.1"), value="yes")
    many = fill_required(start_report(country=country("MEX"), cycle=open_cycle))
    assert many.answers.count() > 20
    client.force_login(contributor)
    _count_queries(client, url("report-answers", few.pk), {})  # the structure, once per process
    small = _count_queries(client, url("report-answers", few.pk), {})
    client.force_login(other_focal)
    large = _count_queries(client, url("report-answers", many.pk), {})
    assert small == large
    with django_assert_max_num_queries(9):
        client.get(url("report-answers", many.pk))


# -- PATCH: the same save as PUT ------------------------------------------------------------


def test_patch_saves_like_put(gh, ghana_report):
    path = url("report-answer", ghana_report.pk, "1.1")
    response = patch_json(gh, path, {"value": "yes", "version": 0})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'
    response = patch_json(gh, path, {"value": "no"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["value"] == "no"
    assert report_answer_values(ghana_report) == {"1.1": "no"}
    assert ghana_report.events.filter(kind=ReportEvent.Kind.EDIT).count() == 2
    removed = patch_json(gh, path, {"value": None, "version": 2})
    assert removed.status_code == 200 and removed.json()["version"] == 0
    assert report_answer_values(ghana_report) == {}


def test_patch_on_a_stale_version_is_409_and_changes_nothing(gh, ghana_report):
    q = question(ghana_report, "1.1")
    save_answer(report=ghana_report, question=q, value="yes", base_version=0)
    save_answer(report=ghana_report, question=q, value="no", base_version=1)  # a colleague
    path = url("report-answer", ghana_report.pk, "1.1")
    stale = [({}, {"version": 1}), ({"HTTP_IF_MATCH": '"1"'}, {})]
    for headers, version in stale:
        response = patch_json(gh, path, {"value": "developing", **version}, **headers)
        assert response.status_code == 409
        assert response.json()["current"] == {"value": "no", "version": 2}
    assert report_answer_values(ghana_report) == {"1.1": "no"}


def test_patch_needs_a_value_and_a_version(gh, ghana_report):
    path = url("report-answer", ghana_report.pk, "1.1")
    for body, field in (
        ({"version": 0}, "value"),
        ({}, "value"),
        ({"value": "yes"}, "version"),
        ({"value": "maybe", "version": 0}, "value"),
        ({"value": "yes", "version": 0, "comment": "x"}, "comment"),
    ):
        response = patch_json(gh, path, body)
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], body
    assert report_answer_values(ghana_report) == {}


def test_patch_is_refused_like_put(client, submitted_report, submitter, observer):
    path = url("report-answer", submitted_report.pk, "1.1")
    client.force_login(submitter)
    response = patch_json(client, path, {"value": "no", "version": 1})
    assert response.status_code == 403 and error_code(response) == "not_editable"
    response = patch_json(client, path, {"value": "no", "version": 1}, **bearer(observer))
    assert response.status_code == 403 and error_code(response) == "not_focal_point"
