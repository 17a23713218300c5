"""The workflow through the API: each action, refusals, comments' visibility, revisions, diff."""

import pytest

from reports.models import NationalReport, Revision
from reports.services import save_answer
from reports.services.submission import submit_report
from reports.services.workflow import (
    accept_report,
    add_comment,
    return_for_revision,
    start_review,
)
from tests.api_support import bearer, error_code, post_json, url
from tests.conftest import fill_required
from tests.helpers import question

pytestmark = pytest.mark.django_db
Status = NationalReport.Status


def status_of(report) -> str:
    report.refresh_from_db()
    return report.status


def test_submit_and_recall(client, ghana_report, submitter):
    fill_required(ghana_report)
    client.force_login(submitter)
    response = post_json(client, url("report-submit", ghana_report.pk))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert ghana_report.revisions.count() == 1
    response = post_json(client, url("report-recall", ghana_report.pk))
    assert response.status_code == 200 and response.json()["status"] == "draft"
    again = post_json(client, url("report-recall", ghana_report.pk))
    assert again.status_code == 409 and error_code(again) == "transition_refused"


def test_incomplete_submission_lists_the_missing_questions(client, ghana_report, submitter):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="no")
    response = post_json(client, url("report-submit", ghana_report.pk), **bearer(submitter))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "report_incomplete"
    assert "1.2" in error["missing"] and "1.1" not in error["missing"]
    assert status_of(ghana_report) == Status.DRAFT and not ghana_report.revisions.exists()


def test_contributors_and_staff_may_not_submit(
    client, ghana_report, contributor, secretariat_admin
):
    fill_required(ghana_report)
    for user in (contributor, secretariat_admin):
        response = post_json(client, url("report-submit", ghana_report.pk), **bearer(user))
        assert response.status_code == 403 and error_code(response) == "role_not_allowed"
    assert status_of(ghana_report) == Status.DRAFT


def test_review_return_accept_publish_reopen(
    client, submitted_report, secretariat_reviewer, secretariat_admin, submitter
):
    report = submitted_report
    reviewer, admin = bearer(secretariat_reviewer), bearer(secretariat_admin)
    assert post_json(client, url("report-start-review", report.pk), **reviewer).json()[
        "status"
    ] == ("under_review")
    # The submitter can no longer recall it.
    assert (
        post_json(client, url("report-recall", report.pk), **bearer(submitter)).status_code == 409
    )
    response = post_json(
        client, url("report-return", report.pk), {"message": "Fix 1.2"}, **reviewer
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    submit_report(report=report, user=submitter)
    post_json(client, url("report-start-review", report.pk), **reviewer)
    response = post_json(client, url("report-accept", report.pk), **reviewer)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted" and response.json()["current_revision"] == 2
    # Publishing is for administrators.
    refused = post_json(client, url("report-publish", report.pk), **reviewer)
    assert refused.status_code == 403 and error_code(refused) == "role_not_allowed"
    response = post_json(client, url("report-publish", report.pk), **admin)
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = post_json(client, url("report-reopen", report.pk), {"message": "Typo"}, **admin)
    assert response.status_code == 200 and response.json()["status"] == "returned"


@pytest.mark.parametrize("action", ["report-return", "report-reopen"])
@pytest.mark.parametrize("body", [{}, {"message": "   "}, {"message": 5 * "x" * 1001}, []])
def test_a_message_is_required(client, submitted_report, secretariat_admin, action, body):
    start_review(report=submitted_report, user=secretariat_admin)
    response = post_json(
        client, url(action, submitted_report.pk), body, **bearer(secretariat_admin)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert status_of(submitted_report) == Status.UNDER_REVIEW


def test_refused_transitions_are_409_with_the_services_message(
    client, ghana_report, secretariat_admin
):
    admin = bearer(secretariat_admin)
    for action in ("report-start-review", "report-accept", "report-publish"):
        response = post_json(client, url(action, ghana_report.pk), **admin)
        assert response.status_code == 409, action
        assert error_code(response) == "transition_refused"
        assert "Only" in response.json()["error"]["message"]
    response = post_json(client, url("report-reopen", ghana_report.pk), {"message": "x"}, **admin)
    assert response.status_code == 409
    assert status_of(ghana_report) == Status.DRAFT


def test_observers_and_focal_points_may_not_review(client, submitted_report, observer, submitter):
    for user in (observer, submitter):
        for action in ("report-start-review", "report-accept", "report-publish"):
            response = post_json(client, url(action, submitted_report.pk), **bearer(user))
            assert response.status_code == 403
    assert status_of(submitted_report) == Status.SUBMITTED


def test_another_country_cannot_act(client, submitted_report, other_focal):
    response = post_json(client, url("report-recall", submitted_report.pk), **bearer(other_focal))
    assert response.status_code == 404


# -- comments -------------------------------------------------------------------------------


def test_comments_visibility_follows_the_review_page(
    client, submitted_report, secretariat_reviewer, submitter
):
    report = submitted_report
    reviewer, focal = bearer(secretariat_reviewer), bearer(submitter)
    start_review(report=report, user=secretariat_reviewer)
    response = post_json(
        client,
        url("report-comments", report.pk),
        {"body": "Check 1.1", "question": "1.1"},
        **reviewer,
    )
    assert response.status_code == 201
    assert response.json()["question"] == "1.1" and response.json()["shared_at"] is None
    # Not shared yet: the country does not see it; the secretariat does.
    assert client.get(url("report-comments", report.pk), **focal).json() == []
    staff_view = client.get(url("report-comments", report.pk), **reviewer).json()
    assert [c["body"] for c in staff_view] == ["Check 1.1"]
    assert staff_view[0]["author"] == secretariat_reviewer.email
    return_for_revision(report=report, user=secretariat_reviewer, message="Please revise")
    seen = client.get(url("report-comments", report.pk), **focal).json()
    assert [c["body"] for c in seen] == ["Check 1.1", "Please revise"]
    assert all(c["author"] is None and c["by_secretariat"] for c in seen)
    # A focal point's reply is seen by the secretariat at once.
    reply = post_json(client, url("report-comments", report.pk), {"body": "Done"}, **focal)
    assert reply.status_code == 201 and reply.json()["author"] == submitter.email
    assert len(client.get(url("report-comments", report.pk), **reviewer).json()) == 3


def test_comment_refusals(client, submitted_report, observer, submitter):
    focal = bearer(submitter)
    path = url("report-comments", submitted_report.pk)
    assert post_json(client, path, {"body": "  "}, **focal).status_code == 400
    unknown = post_json(client, path, {"body": "x", "question": "99.9"}, **focal)
    assert unknown.status_code == 400 and "question" in unknown.json()["error"]["fields"]
    too_long = post_json(client, path, {"body": "x" * 5001}, **focal)
    assert too_long.status_code == 400
    denied = post_json(client, path, {"body": "Hello"}, **bearer(observer))
    assert denied.status_code == 403
    assert client.get(path, **bearer(observer)).status_code == 200
    assert not submitted_report.comments.exists()


def test_a_secretariat_note_on_an_accepted_report_stays_unshared(
    client, submitted_report, secretariat_reviewer, submitter
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    accept_report(report=submitted_report, user=secretariat_reviewer)
    add_comment(report=submitted_report, user=secretariat_reviewer, body="Internal note")
    assert client.get(url("report-comments", submitted_report.pk), **bearer(submitter)).json() == []


# -- revisions and diff ---------------------------------------------------------------------


@pytest.fixture
def two_revisions(submitted_report, secretariat_reviewer, submitter):
    report = submitted_report
    start_review(report=report, user=secretariat_reviewer)
    return_for_revision(report=report, user=secretariat_reviewer, message="Say more")
    q = question(report, "1.1")
    before = report.answers.get(question=q).value_choice
    after = "no" if before != "no" else "yes"
    save_answer(report=report, question=q, value=after)
    submit_report(report=report, user=submitter)
    return report, before, after


def test_revisions(client, two_revisions, submitter):
    report, before, _after = two_revisions
    focal = bearer(submitter)
    listed = client.get(url("report-revisions", report.pk), **focal).json()
    assert [r["number"] for r in listed] == [1, 2]
    assert listed[0]["submitted_by"] == submitter.email and listed[0]["status_before"] == "draft"
    detail = client.get(url("report-revision", report.pk, 1), **focal).json()
    assert detail["answers"]["1.1"] == before
    assert detail["answers"] == Revision.objects.get(report=report, number=1).answers
    assert detail["attachments"] == []
    assert client.get(url("report-revision", report.pk, 3), **focal).status_code == 404


def test_diff(client, two_revisions, secretariat_reviewer):
    report, before, after = two_revisions
    reviewer = bearer(secretariat_reviewer)
    data = client.get(url("report-diff", report.pk, query="?from=1&to=2"), **reviewer).json()
    assert (data["from_revision"], data["to_revision"]) == (1, 2)
    changes = [c for s in data["sections"] for c in s["changes"]]
    assert {"question": "1.1", "old": before, "new": after}.items() <= changes[0].items()
    assert changes[0]["status"] == "changed"
    # By default the last two revisions.
    assert client.get(url("report-diff", report.pk), **reviewer).json()["to_revision"] == 2
    same = client.get(url("report-diff", report.pk, query="?from=2&to=2"), **reviewer).json()
    assert same["sections"] == []


@pytest.mark.parametrize(
    "query", ["?from=1&to=x", "?from=0&to=2", "?from=1&to=3", "?from=-1", "?to=99999999999"]
)
def test_diff_bad_numbers_are_400(client, two_revisions, submitter, query):
    report, _before, _after = two_revisions
    response = client.get(url("report-diff", report.pk, query=query), **bearer(submitter))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_diff_without_revisions_is_400(client, ghana_report, contributor):
    response = client.get(url("report-diff", ghana_report.pk), **bearer(contributor))
    assert response.status_code == 400 and error_code(response) == "no_revisions"


def test_revisions_of_another_country_are_404(client, two_revisions, other_focal):
    report, _before, _after = two_revisions
    other = bearer(other_focal)
    for name, args in (
        ("report-revisions", ()),
        ("report-revision", (1,)),
        ("report-diff", ()),
        ("report-comments", ()),
    ):
        assert client.get(url(name, report.pk, *args), **other).status_code == 404
