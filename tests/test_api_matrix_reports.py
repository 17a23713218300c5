"""Every report endpoint of the API × GET/POST/PUT/PATCH/DELETE × every role → the exact status.

The world: Ghana's 2026 report is submitted (revision 1, one file). Each role runs through the
endpoints in order on a fresh world, signed in by session and by personal token; the workflow
comes last, recall the very last (a submitter's recall succeeds). Another country's report
answers 404 like a missing one; a method an endpoint does not have, 405; nobody signed in, 401.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.services import start_report
from reports.services.attachments import add_attachment
from reports.services.submission import submit_report
from reports.workbook import build_workbook
from tests.api_support import bearer, url
from tests.conftest import fill_required
from tests.factories import country
from tests.helpers import ROLES, expected_status, question
from tests.helpers import SignedInClient as Client

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
W = ("PUT", "PATCH")  # the two ways of saving an answer
PDF = b"%PDF-1.4\n"


@pytest.fixture
def world(
    open_cycle,
    submitter,
    contributor,
    other_focal,
    observer,
    secretariat_reviewer,
    secretariat_admin,
    users_by_role,
):
    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    fill_required(ghana)
    attachment = add_attachment(
        report=ghana,
        question=question(ghana, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", PDF),
    )
    submit_report(report=ghana, user=submitter)
    return {"ghana": ghana, "attachment": attachment, "users": users_by_role}


def read(**overrides):
    """A read-only endpoint: GET for whoever sees the report, 405 for every other method."""
    codes = {"GET": {"anonymous": 401, "gha": 200, "mexico": 404, "staff": 200, **overrides}}
    for method in METHODS[1:]:
        codes[method] = {"anonymous": 401, "*": 405}
    return codes


def only(method, table, body=None):
    """An endpoint with one method (expected `table`), 405 for the others."""
    codes = {m: {"anonymous": 401, "*": 405} for m in METHODS}
    codes[method] = table
    return codes, {method: body}


def endpoints(w):
    """(url, {method: {role or group: status}}, {method: body}) in the order they are called."""
    g, a = w["ghana"].pk, w["attachment"].pk
    refused_for_staff = {"anonymous": 401, "gha": 403, "mexico": 404, "staff": 403}
    answers = read()
    # Submitted: not editable; staff never write answers. PATCH is the same save as PUT.
    answers["PUT"] = answers["PATCH"] = refused_for_staff
    unknown_question = read(gha=404, staff=404)
    unknown_question["PUT"] = unknown_question["PATCH"] = refused_for_staff  # who first
    attachments = read()
    attachments["POST"] = refused_for_staff
    comments = read()
    comments["POST"] = {"anonymous": 401, "gha": 201, "mexico": 404, "observer": 403, "staff": 201}
    reviewers = {"anonymous": 401, "gha": 403, "mexico": 404, "observer": 403, "staff": 409}
    admins = {**reviewers, "reviewer": 403}
    message = {"message": "From the matrix"}
    reports = {m: {"anonymous": 401, "*": 405} for m in METHODS}
    reports["GET"] = {"anonymous": 401, "*": 200}
    # Ghana's report for 2026 exists: 200 with it; only a State's focal points start reports.
    reports["POST"] = {"anonymous": 401, "gha": 200, "mexico": 404, "staff": 403}
    no_such_state = {**reports, "POST": {"anonymous": 401, "*": 404}}
    workbook = read()
    workbook["POST"] = refused_for_staff  # submitted: not editable; staff never upload
    missing_workbook = read(gha=404, staff=404)
    missing_workbook["POST"] = {"anonymous": 401, "*": 404}
    history = {m: {"anonymous": 401, "gha": 404, "mexico": 404, "staff": 405} for m in METHODS}
    history["GET"] = {"anonymous": 401, "gha": 404, "mexico": 404, "staff": 200}
    # The secretariat's page: anyone else gets 404 whatever the method.
    missing_history = {**history, "GET": {**history["GET"], "staff": 404}}

    def xlsx():
        return {"file": SimpleUploadedFile("report.xlsx", build_workbook(w["ghana"]))}

    return [
        (url("report-list"), reports, {"POST": {"country": "GHA", "cycle": 2026}}),
        (url("report-list"), no_such_state, {"POST": {"country": "XXX", "cycle": 2026}}),
        (url("report-answers-confirm", g), *only("POST", refused_for_staff, {"section": "1"})),
        (
            url("report-answers-confirm", 999999),
            *only("POST", {"anonymous": 401, "*": 404}, {"section": "1"}),
        ),
        (url("report-workbook", g), workbook, {"POST": xlsx}),
        (url("report-workbook", 999999), missing_workbook, {"POST": xlsx}),
        (url("report-history", g), history, {}),
        (url("report-history", 999999), missing_history, {}),
        (url("report-answers", g), read(), {}),
        (url("report-answers", 999999), read(gha=404, staff=404), {}),
        (url("report-answer", g, "1.1"), answers, {m: {"value": "no", "version": 1} for m in W}),
        (url("report-answer", g, "99.9"), unknown_question, {m: {"value": "x"} for m in W}),
        (url("report-comments", g), comments, {"POST": {"body": "From the matrix"}}),
        (url("report-revisions", g), read(), {}),
        (url("report-revision", g, 1), read(), {}),
        (url("report-revision", g, 2), read(gha=404, staff=404), {}),
        (url("report-diff", g, query="?from=1&to=1"), read(), {}),
        (url("report-diff", g, query="?from=1&to=x"), read(gha=400, staff=400), {}),
        (url("report-attachments", g), attachments, {"POST": "upload"}),
        (url("report-attachment-download", g, a), read(), {}),
        (url("report-attachment-download", g, 999999), read(gha=404, staff=404), {}),
        (url("report-attachment", g, a), *only("DELETE", refused_for_staff)),
        # The workflow, on a submitted report.
        (
            url("report-submit", g),
            *only(
                "POST",
                {
                    "anonymous": 401,
                    "contributor": 403,
                    "submitter": 409,
                    "mexico": 404,
                    "staff": 403,
                },
            ),
        ),
        (url("report-accept", g), *only("POST", reviewers)),  # not under review yet
        (url("report-publish", g), *only("POST", admins)),
        (url("report-reopen", g), *only("POST", admins, message)),
        (url("report-return", g), *only("POST", reviewers, message)),
        (
            url("report-start-review", g),
            *only("POST", {**reviewers, "staff": 200}),
        ),
        (
            url("report-recall", g),
            *only(
                "POST",
                {
                    "anonymous": 401,
                    "contributor": 403,
                    "submitter": 200,
                    "mexico": 404,
                    "staff": 403,
                },
            ),
        ),
    ]


def call(client, method, path, body, headers):
    if method == "GET":
        return client.get(path, **headers)
    if callable(body):  # a multipart body made on demand (POST only)
        return client.post(path, body(), **headers)
    if body == "upload":  # a multipart upload (POST only)
        data = {"question": "1.2.2", "file": SimpleUploadedFile("new.pdf", PDF)}
        return client.post(path, data, **headers)
    send = getattr(client, method.lower())
    payload = json.dumps(body if body is not None else {})
    return send(path, payload, content_type="application/json", **headers)


def run(world, role, auth):
    client, headers = Client(), {}
    if role != "anonymous":
        user = world["users"][role]
        if auth == "session":
            client.force_login(user)
        else:
            headers = bearer(user)
    mismatches = []
    for path, codes, bodies in endpoints(world):
        for method in METHODS:
            want = expected_status(codes[method], role)
            response = call(client, method, path, bodies.get(method), headers)
            got = response.status_code
            if got != want:
                mismatches.append(f"{method} {path}: {got}, expected {want}")
            if got >= 400:
                body = response.json()
                assert set(body["error"]) >= {"code", "message"}, (method, path, body)
    return mismatches


# Every role signed in by session and by token (anonymous visitors have no token).
@pytest.mark.parametrize(
    ("role", "auth"),
    [(role, auth) for role in ROLES for auth in ("session", "token") if role != "anonymous"]
    + [("anonymous", "session")],
)
def test_matrix(world, role, auth):
    assert run(world, role, auth) == []


def test_the_matrix_changes_only_what_it_should(world):
    """After the submitter's run the report is back to draft, with one comment more."""
    assert run(world, "submitter", "token") == []
    report = world["ghana"]
    report.refresh_from_db()
    assert report.status == "draft"
    assert report.comments.count() == 1
    assert report.attachments.current().count() == 1
    assert report.answers.get(question__code="1.1").version == 1


def test_an_invalid_token_is_401_everywhere(world):
    client = Client()
    for path, _codes, _bodies in endpoints(world):
        response = client.get(path, HTTP_AUTHORIZATION="Bearer poa_nothing_here")
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "token_invalid"
