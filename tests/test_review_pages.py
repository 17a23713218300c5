"""The secretariat's pages and the public portal: who gets what, and what they show."""

import pytest
from django.urls import reverse

from reports.models import NationalReport
from reports.services import save_answer, start_report
from reports.services.submission import submit_report
from reports.services.workflow import (
    accept_report,
    add_comment,
    publish_report,
    return_for_revision,
    start_review,
)
from tests.conftest import fill_required
from tests.factories import country
from tests.helpers import SignedInClient as Client
from tests.helpers import question

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "contributor",
    "submitter",
    "other_focal",
    "observer",
    "secretariat_reviewer",
    "secretariat_admin",
]


def client_for(request, role):
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def staff_urls(report):
    return {
        "queue": reverse("review-queue"),
        "review page": reverse("review-report", args=[report.pk]),
        "diff": reverse("review-diff", args=[report.pk]),
        "history": reverse("review-history", args=[report.pk]),
    }


EXPECTED_GET = {
    # role: status for every staff page
    "anonymous": 302,
    "contributor": 404,
    "submitter": 404,
    "other_focal": 404,
    "observer": 200,
    "secretariat_reviewer": 200,
    "secretariat_admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_staff_pages(request, submitted_report, role):
    client = client_for(request, role)
    for name, url in staff_urls(submitted_report).items():
        assert client.get(url).status_code == EXPECTED_GET[role], (role, name)


TRANSITION_EXPECTED = {
    # role: (HTTP status, report status afterwards) for POST "start_review" on a submitted report
    "anonymous": (302, "submitted"),
    "contributor": (404, "submitted"),
    "submitter": (404, "submitted"),
    "other_focal": (404, "submitted"),
    "observer": (302, "submitted"),  # refused with a message
    "secretariat_reviewer": (302, "under_review"),
    "secretariat_admin": (302, "under_review"),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_transitions(request, submitted_report, role):
    client = client_for(request, role)
    url = reverse("review-transition", args=[submitted_report.pk])
    response = client.post(url, {"action": "start_review"})
    expected_status, expected_report = TRANSITION_EXPECTED[role]
    assert response.status_code == expected_status
    submitted_report.refresh_from_db()
    assert submitted_report.status == expected_report


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_comments(request, submitted_report, role):
    client = client_for(request, role)
    url = reverse("report-comment", args=[submitted_report.pk])
    response = client.post(url, {"body": f"Comment by {role}"})
    made = submitted_report.comments.filter(body=f"Comment by {role}").exists()
    expected = {
        "anonymous": (302, False),
        "other_focal": (404, False),
        "observer": (302, False),
    }.get(role, (302, True))
    assert (response.status_code, made) == expected


def test_an_unknown_action_or_question_is_a_message_or_404(
    client, submitted_report, secretariat_reviewer
):
    client.force_login(secretariat_reviewer)
    response = client.post(
        reverse("review-transition", args=[submitted_report.pk]), {"action": "explode"}, follow=True
    )
    assert "Unknown action." in response.content.decode()
    comment = client.post(
        reverse("report-comment", args=[submitted_report.pk]), {"body": "x", "question": "99.9"}
    )
    assert comment.status_code == 404


def test_queue_filters_counts_and_constant_queries(
    client, open_cycle, secretariat_reviewer, other_focal, django_assert_max_num_queries
):
    from tests.conftest import _member

    client.force_login(secretariat_reviewer)
    url = reverse("review-queue") + "?cycle=2026"
    for iso3 in ("GHA", "FRA"):
        start_report(country=country(iso3), cycle=open_cycle)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for iso3 in ("MEX", "BRA", "IND", "KEN", "DEU", "JPN", "NGA", "PER"):
        report = start_report(country=country(iso3), cycle=open_cycle)
        fill_required(report)
        submitter = _member(f"sub@{iso3.lower()}.example", iso3, "submitter")
        submit_report(report=report, user=submitter)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Mexico" in page and "Ghana" in page
    africa = client.get(url + "&region=africa&status=submitted").content.decode()
    assert "Kenya" in africa and "Nigeria" in africa and "Mexico" not in africa
    assert "Ghana" not in africa  # a draft
    overdue = client.get(url + "&overdue=1").content.decode()
    assert "Ghana" in overdue and "Kenya" not in overdue


def test_review_page_shows_answers_citations_and_comments(
    client, submitted_report, secretariat_reviewer
):
    q = question(submitted_report, "1.1")
    add_comment(report=submitted_report, user=secretariat_reviewer, body="Which law?", question=q)
    client.force_login(secretariat_reviewer)
    html = client.get(reverse("review-report", args=[submitted_report.pk])).content.decode()
    assert 'id="q-1.1"' in html and "PoA II.4" in html
    assert "Which law?" in html and "not yet shared with the country" in html
    assert 'value="start_review"' in html


def test_focal_points_see_comments_only_once_returned_and_can_reply(
    client, submitted_report, secretariat_reviewer, submitter
):
    q = question(submitted_report, "1.1")
    start_review(report=submitted_report, user=secretariat_reviewer)
    add_comment(report=submitted_report, user=secretariat_reviewer, body="Which law?", question=q)
    client.force_login(submitter)
    section = reverse("report-section", args=[submitted_report.pk, "1"])
    assert "Which law?" not in client.get(section).content.decode()
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="See 1.1.")
    html = client.get(section).content.decode()
    assert "Which law?" in html and 'form="reply-form-1.1"' in html
    overview = client.get(reverse("report-overview", args=[submitted_report.pk])).content.decode()
    assert "See 1.1." in overview
    client.post(
        reverse("report-comment", args=[submitted_report.pk]),
        {"body": "The Firearms Act 2019.", "question": "1.1", "next": section},
    )
    assert submitted_report.comments.get(body="The Firearms Act 2019.").shared_at is not None


def test_diff_and_history(client, submitted_report, secretariat_reviewer, submitter):
    start_review(report=submitted_report, user=secretariat_reviewer)
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix 1.1")
    q11 = question(submitted_report, "1.1")
    previous = submitted_report.revisions.get().answers["1.1"]
    save_answer(
        report=submitted_report,
        question=q11,
        value="developing" if previous != "developing" else "no",
    )
    laws = question(submitted_report, "1.5.1")
    save_answer(report=submitted_report, question=question(submitted_report, "1.5"), value="yes")
    save_answer(report=submitted_report, question=laws, value=[{"title": "Firearms Act"}])
    submit_report(report=submitted_report, user=submitter)
    client.force_login(secretariat_reviewer)
    html = client.get(reverse("review-diff", args=[submitted_report.pk])).content.decode()
    assert "Revision 1 → revision 2" in html
    assert "1.1" in html and "changed" in html
    assert "Firearms Act" in html
    assert "unchanged" in html  # other sections are folded
    history = client.get(reverse("review-history", args=[submitted_report.pk])).content.decode()
    assert "Returned for revision" in history and "Fix 1.1" in history
    assert "Answer changed" in history


def test_diff_refuses_unknown_revisions(client, submitted_report, secretariat_reviewer):
    client.force_login(secretariat_reviewer)
    url = reverse("review-diff", args=[submitted_report.pk])
    assert client.get(url + "?from=9").status_code == 404
    assert client.get(url + "?from=x²").status_code == 200  # falls back to the defaults


# -- public portal --------------------------------------------------------------------------


def publish(report, reviewer, admin):
    start_review(report=report, user=reviewer)
    accept_report(report=report, user=reviewer)
    publish_report(report=report, user=admin)


def test_the_public_sees_published_reports_only(
    client, submitted_report, secretariat_reviewer, secretariat_admin, open_cycle
):
    draft = start_report(country=country("MEX"), cycle=open_cycle)
    public = reverse("public-report", args=[submitted_report.pk])
    assert client.get(public).status_code == 404  # submitted, not published
    publish(submitted_report, secretariat_reviewer, secretariat_admin)
    page = client.get(public).content.decode()
    assert "Ghana — national report 2026" in page and "PoA II.4" in page
    listing = client.get(reverse("public-cycle", args=[2026])).content.decode()
    assert "Ghana" in listing and "Mexico" not in listing and "Africa" in listing
    assert client.get(reverse("public-report", args=[draft.pk])).status_code == 404
    csv = client.get(reverse("public-report-csv", args=[submitted_report.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "1.1," in csv.content.decode("utf-8-sig")
    cycles = client.get(reverse("public-cycles")).content.decode()
    assert "Ninth Biennial Meeting of States" in cycles


def test_a_reopened_report_still_shows_its_published_revision(
    client, submitted_report, secretariat_reviewer, secretariat_admin
):
    from reports.services.workflow import reopen_report

    publish(submitted_report, secretariat_reviewer, secretariat_admin)
    reopen_report(report=submitted_report, user=secretariat_admin, message="Update")
    save_answer(report=submitted_report, question=question(submitted_report, "1.1"), value="no")
    page = client.get(reverse("public-report", args=[submitted_report.pk])).content.decode()
    assert "Published" in page
    assert submitted_report.comments.exists()
    assert "Update" not in page  # comments are never public


def test_admin_actions_run_the_transitions(client, submitted_report, secretariat_admin):
    client.force_login(secretariat_admin)
    url = reverse("admin:reports_nationalreport_changelist")
    response = client.post(
        url, {"action": "accept_action", "_selected_action": [submitted_report.pk]}, follow=True
    )
    assert "Only a report under review can be accepted." in response.content.decode()
    client.post(url, {"action": "start_review_action", "_selected_action": [submitted_report.pk]})
    client.post(url, {"action": "accept_action", "_selected_action": [submitted_report.pk]})
    assert NationalReport.objects.get(pk=submitted_report.pk).status == "accepted"


def test_table_rows_are_matched_by_their_key_not_their_position(cycles):
    from reports.diff import compare
    from reports.models import ReportingCycle
    from reports.selectors import questionnaire_of

    report = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026))
    sections, questions = questionnaire_of(report)
    old = {"1.5.1": [{"title": "Act A", "adopted": "2010-01-01"}, {"title": "Act B"}]}
    new = {
        "1.5.1": [
            {"title": "Act C"},
            {"title": "Act A", "adopted": "2011-01-01"},
            {"title": "Act B"},
        ]
    }
    (section, *others) = compare(sections, questions, old, new)
    assert all(other.unchanged for other in others)
    (change,) = section.changes
    statuses = [(row.status, (row.new or row.old)["title"]) for row in change.rows]
    assert statuses == [("added", "Act C"), ("changed", "Act A")]  # Act B is the same
    assert change.rows[1].changed_columns == ["adopted"]


def test_focal_points_see_the_secretariat_not_its_staffs_addresses(
    client, submitted_report, secretariat_reviewer, submitter
):
    start_review(report=submitted_report, user=secretariat_reviewer)
    return_for_revision(report=submitted_report, user=secretariat_reviewer, message="Fix 1.1")
    client.force_login(submitter)
    page = client.get(reverse("report-overview", args=[submitted_report.pk])).content.decode()
    assert "Fix 1.1" in page and "reviewer@unoda.example" not in page
