"""The API's report creation (with pre-fill), confirmation of copied answers, workbook download
and all-or-nothing upload, and the report's history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reports.models import Answer, NationalReport, ReportingCycle
from reports.selectors import report_answer_values
from reports.services import save_answer, start_report
from reports.services.submission import submit_report
from tests.api_support import bearer, error_code, post_json, url
from tests.factories import country
from tests.helpers import accept_directly, question

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def prefilled(cycles, submitter):
    """Ghana's accepted 2024 report answered 1.1 and 1.2; its 2026 report starts from it."""
    old = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2024))
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    save_answer(report=old, question=question(old, "1.2"), value="no")
    accept_directly(old)
    return old


# -- starting a report ---------------------------------------------------------------------


def test_a_focal_point_starts_the_report_with_prefill(client, prefilled, submitter):
    body = {"country": "gha", "cycle": 2026, "prefill": True, "language": "fr"}
    response = post_json(client, url("report-list"), body, **bearer(submitter))
    assert response.status_code == 201, response.json()
    data = response.json()
    report = NationalReport.objects.get(country__iso3="GHA", cycle__year=2026)
    assert data["id"] == report.pk
    assert data["country"] == "GHA" and data["cycle"] == 2026 and data["status"] == "draft"
    assert data["language"] == "fr"
    assert response["Location"] == url("report-detail", report.pk)
    assert report.created_by == submitter
    answers = client.get(url("report-answers", report.pk), **bearer(submitter)).json()
    assert {a["question"]: a["prefilled_from_year"] for a in answers} == {"1.1": 2024, "1.2": 2024}


def test_without_prefill_the_report_starts_empty(client, prefilled, contributor):
    response = post_json(
        client, url("report-list"), {"country": "GHA", "cycle": 2026}, **bearer(contributor)
    )
    assert response.status_code == 201
    assert response.json()["language"] == "en"
    assert Answer.objects.filter(report_id=response.json()["id"]).count() == 0


def test_an_existing_report_is_answered_200_and_left_as_it_is(client, ghana_report, submitter):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    body = {"country": "GHA", "cycle": 2026, "prefill": True, "language": "es"}
    response = post_json(client, url("report-list"), body, **bearer(submitter))
    assert response.status_code == 200
    assert response.json()["id"] == ghana_report.pk
    assert response.json()["language"] == "en"
    assert NationalReport.objects.filter(country__iso3="GHA").count() == 1
    assert report_answer_values(ghana_report) == {"1.1": "no"}


def test_who_may_start_a_report(client, open_cycle, other_focal, secretariat_admin):
    body = {"country": "GHA", "cycle": 2026}
    mexico = post_json(client, url("report-list"), body, **bearer(other_focal))
    missing = post_json(
        client, url("report-list"), {**body, "country": "XXX"}, **bearer(other_focal)
    )
    assert mexico.status_code == missing.status_code == 404
    assert mexico.json() == missing.json()
    staff = post_json(client, url("report-list"), body, **bearer(secretariat_admin))
    assert staff.status_code == 403
    assert error_code(staff) == "role_not_allowed"
    assert client.post(url("report-list"), body, content_type="application/json").status_code == 401
    assert not NationalReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"country": "GHA", "cycle": 2024}, "cycle"),  # closed
        ({"country": "GHA", "cycle": 2030}, "cycle"),  # no such cycle
        ({"country": "GHA", "cycle": "soon"}, "cycle"),
        ({"country": "GHA", "cycle": 2026, "language": "de"}, "language"),
        ({"country": "GHA", "cycle": 2026, "prefill": "maybe"}, "prefill"),
        ({"cycle": 2026}, "country"),
        ({"country": "GHA", "cycle": 2026, "status": "accepted"}, "status"),
    ],
)
def test_bad_values_are_400_with_the_field(client, open_cycle, submitter, body, field):
    response = post_json(client, url("report-list"), body, **bearer(submitter))
    assert response.status_code == 400, response.json()
    assert error_code(response) == "validation_error"
    assert field in response.json()["error"]["fields"]
    assert not NationalReport.objects.exists()


def test_a_body_that_is_not_json_is_415(client, open_cycle, submitter):
    response = client.post(
        url("report-list"), "country=GHA", content_type="text/plain", **bearer(submitter)
    )
    assert response.status_code == 415, response.json()
    assert error_code(response) == "unsupported_media_type"


# -- confirming copied answers -------------------------------------------------------------


@pytest.fixture
def copied(prefilled, submitter):
    return start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), prefill=True
    )


def test_confirm_questions(client, copied, submitter):
    # Changed: no longer a copy.
    save_answer(report=copied, question=question(copied, "1.2"), value="yes", user=submitter)
    path = url("report-answers-confirm", copied.pk)
    response = post_json(client, path, {"questions": ["1.1", "1.2"]}, **bearer(submitter))
    assert response.status_code == 200, response.json()
    assert response.json() == {"confirmed": ["1.1"]}
    answers = {a.question.code: a for a in copied.answers.select_related("question")}
    assert answers["1.1"].prefilled_from_year is None
    assert answers["1.1"].version == 1  # the value did not change, nor does the version
    assert answers["1.2"].prefilled_from_year is None
    again = post_json(client, path, {"questions": ["1.1"]}, **bearer(submitter))
    assert again.json() == {"confirmed": []}
    event = copied.events.get(question__code="1.1")
    assert event.message == "Answer copied from 2024 confirmed"


def test_confirm_a_section(client, copied, contributor):
    path = url("report-answers-confirm", copied.pk)
    response = post_json(client, path, {"section": "1"}, **bearer(contributor))
    assert response.json() == {"confirmed": ["1.1", "1.2"]}
    assert not copied.answers.filter(prefilled_from_year__isnull=False).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questions": ["1.1", "99.9"]}, "questions"),
        ({"section": "99"}, "section"),
        ({}, "non_field_errors"),
        ({"questions": ["1.1"], "section": "1"}, "non_field_errors"),
        ({"questions": "1.1", "extra": 1}, "questions"),
    ],
)
def test_confirm_bad_bodies(client, copied, submitter, body, field):
    response = post_json(
        client, url("report-answers-confirm", copied.pk), body, **bearer(submitter)
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert copied.answers.filter(prefilled_from_year=2024).count() == 2


def test_confirm_refusals(client, copied, other_focal, secretariat_admin, submitter):
    path = url("report-answers-confirm", copied.pk)
    assert post_json(client, path, {"section": "1"}, **bearer(other_focal)).status_code == 404
    staff = post_json(client, path, {"section": "1"}, **bearer(secretariat_admin))
    assert staff.status_code == 403 and error_code(staff) == "not_focal_point"
    NationalReport.objects.filter(pk=copied.pk).update(status="submitted")
    submitted = post_json(client, path, {"section": "1"}, **bearer(submitter))
    assert submitted.status_code == 403 and error_code(submitted) == "not_editable"
    assert copied.answers.filter(prefilled_from_year=2024).count() == 2


# -- the workbook ----------------------------------------------------------------------------


def download(client, report, user):
    response = client.get(url("report-workbook", report.pk), **bearer(user))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="poa-report-gha-2026.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def upload(client, report, user, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = {"file": SimpleUploadedFile("report.xlsx", buffer.getvalue())}
    return client.post(url("report-workbook", report.pk), data, **bearer(user))


def row_of(sheet, code):
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            return row
    raise AssertionError(code)


def test_workbook_round_trip(client, ghana_report, submitter):
    workbook = download(client, ghana_report, submitter)
    sheet = workbook["1. National coordination"]
    row_of(sheet, "1.1")[3].value = "Yes"
    row_of(sheet, "1.1.2")[3].value = 3
    response = upload(client, ghana_report, submitter, workbook)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["changed"], data["questions"]) == (2, ["1.1", "1.1.2"])
    assert data["checked"] >= 2
    assert report_answer_values(ghana_report) == {"1.1": "yes", "1.1.2": 3}
    # The same workbook again changes nothing.
    again = upload(client, ghana_report, submitter, workbook).json()
    assert (again["changed"], again["questions"]) == (0, [])


def test_one_error_row_applies_nothing(client, ghana_report, submitter):
    workbook = download(client, ghana_report, submitter)
    sheet = workbook["1. National coordination"]
    row_of(sheet, "1.1")[3].value = "Yes"
    bad = row_of(sheet, "1.1.2")
    bad[3].value = "many"
    response = upload(client, ghana_report, submitter, workbook)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "workbook_invalid"
    assert "nothing was changed" in error["message"]
    assert error["fields"]["1.1.2"] == [
        f"Sheet '1. National coordination', row {bad[0].row}: expected a whole number."
    ]
    assert report_answer_values(ghana_report) == {}
    assert not ghana_report.events.exists()


def test_a_sheet_that_is_no_section_is_named(client, ghana_report, submitter):
    workbook = download(client, ghana_report, submitter)
    row_of(workbook["1. National coordination"], "1.1")[3].value = "Yes"
    workbook.create_sheet("My notes")
    response = upload(client, ghana_report, submitter, workbook)
    assert response.status_code == 400
    assert "This sheet is not a section" in response.json()["error"]["fields"]["My notes"][0]
    assert report_answer_values(ghana_report) == {}


def test_workbook_refusals(client, ghana_report, submitter, other_focal, secretariat_admin):
    path = url("report-workbook", ghana_report.pk)
    assert client.get(path, **bearer(other_focal)).status_code == 404
    assert client.get(path, **bearer(secretariat_admin)).status_code == 200
    workbook = download(client, ghana_report, submitter)
    staff = upload(client, ghana_report, secretariat_admin, workbook)
    assert staff.status_code == 403
    assert upload(client, ghana_report, other_focal, workbook).status_code == 404
    pdf = {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4\n")}
    assert client.post(path, pdf, **bearer(submitter)).status_code == 415
    garbage = {"file": SimpleUploadedFile("report.xlsx", b"garbage")}
    assert client.post(path, garbage, **bearer(submitter)).status_code == 415
    missing = client.post(path, {}, **bearer(submitter))
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    from openpyxl import Workbook

    foreign = upload(client, ghana_report, submitter, Workbook())
    assert foreign.status_code == 400
    assert "not downloaded from PoA Reports" in foreign.json()["error"]["fields"]["file"][0]
    NationalReport.objects.filter(pk=ghana_report.pk).update(status="submitted")
    submitted = upload(client, ghana_report, submitter, workbook)
    assert submitted.status_code == 403 and error_code(submitted) == "not_editable"


# -- history ---------------------------------------------------------------------------------


def test_history_for_the_secretariat(client, ghana_report, submitter, secretariat_reviewer):
    from tests.conftest import fill_required

    fill_required(ghana_report)  # written in bulk: no events
    q = question(ghana_report, "1.1.2")
    save_answer(report=ghana_report, question=q, value=7, user=submitter)
    save_answer(report=ghana_report, question=q, value=8, user=submitter)
    submit_report(report=ghana_report, user=submitter)
    path = url("report-history", ghana_report.pk)
    response = client.get(path, **bearer(secretariat_reviewer))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    newest, changed, created = data["results"]
    assert newest["kind"] == "transition"
    assert (newest["from_status"], newest["to_status"]) == ("draft", "submitted")
    assert newest["actor"] == submitter.email
    assert changed["kind"] == "edit" and changed["question"] == "1.1.2"
    assert (changed["old_value"], changed["new_value"]) == (7, 8)
    assert created["new_value"] == 7
    page = client.get(path + "?page_size=1&page=2", **bearer(secretariat_reviewer)).json()
    assert [e["id"] for e in page["results"]] == [changed["id"]]
    assert page["next"] and page["previous"]


def test_history_is_not_for_focal_points(client, ghana_report, submitter, observer):
    path = url("report-history", ghana_report.pk)
    assert client.get(path, **bearer(submitter)).status_code == 404
    assert client.get(path, **bearer(observer)).status_code == 200
    assert client.get(url("report-history", 999999), **bearer(observer)).status_code == 404
    assert client.get(path).status_code == 401
