"""The API's reference data and report lists: what each person sees, filters, pages, errors."""

import pytest

from accounts.tokens import create_token
from reports.services import start_report
from tests.factories import country
from tests.helpers import authenticator

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(open_cycle):
    return {
        iso3: start_report(country=country(iso3), cycle=open_cycle)
        for iso3 in ("GHA", "MEX", "FRA")
    }


def bearer(user) -> dict:
    if user.is_staff:  # staff use the API, with a token too, only with two-step verification
        authenticator(user)
    _token, raw = create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anonymous_requests_are_told_to_authenticate(client, reports):
    response = client.get("/api/v1/reports/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_focal_point_lists_only_its_countrys_reports(client, submitter, reports):
    response = client.get("/api/v1/reports/", **bearer(submitter))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(r["country"], r["cycle"], r["status"]) for r in body["results"]] == [
        ("GHA", 2026, "draft")
    ]
    # Another country's report: 404, exactly like one that does not exist.
    mexico = client.get(f"/api/v1/reports/{reports['MEX'].pk}/", **bearer(submitter))
    missing = client.get("/api/v1/reports/999999/", **bearer(submitter))
    assert mexico.status_code == missing.status_code == 404
    assert (
        mexico.json() == missing.json() == {"error": {"code": "not_found", "message": "Not found."}}
    )


def test_staff_filter_reports(client, observer, reports):
    client.force_login(observer)
    assert client.get("/api/v1/reports/?cycle=2026").json()["count"] == 3
    assert [
        r["country"] for r in client.get("/api/v1/reports/?region=africa").json()["results"]
    ] == ["GHA"]
    assert (
        client.get("/api/v1/reports/?country=mex").json()["results"][0]["country_name"] == "Mexico"
    )
    assert client.get("/api/v1/reports/?status=submitted").json()["count"] == 0
    bad = client.get("/api/v1/reports/?status=finished")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "validation_error"
    assert "status" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/reports/?cycle=twenty").status_code == 400


def test_list_pages_and_constant_query_count(
    client, observer, open_cycle, django_assert_max_num_queries
):
    for iso3 in ("GHA", "MEX", "FRA", "BRA", "IND", "KEN", "NGA", "PHL"):
        start_report(country=country(iso3), cycle=open_cycle)
    client.force_login(observer)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/reports/?page_size=3").json()
    assert page["count"] == 8 and len(page["results"]) == 3 and page["next"]
    with django_assert_max_num_queries(6):
        everything = client.get("/api/v1/reports/?page_size=200").json()
    assert len(everything["results"]) == 8
    assert client.get("/api/v1/reports/?page=99").status_code == 404


def test_reference_data(client, submitter, open_cycle, django_assert_max_num_queries):
    auth = bearer(submitter)
    countries = client.get("/api/v1/countries/?page_size=200", **auth).json()
    assert countries["count"] == 195
    ghana = client.get("/api/v1/countries/gha/", **auth).json()
    assert (ghana["un_name"], ghana["report_region"], ghana["regional_group"]) == (
        "Ghana",
        "africa",
        "african",
    )
    assert client.get("/api/v1/countries/XXX/", **auth).status_code == 404
    cycle = client.get("/api/v1/cycles/2026/", **auth).json()
    assert (cycle["questionnaire"], cycle["due_on"]) == ("2026.1", "2026-03-31")
    with django_assert_max_num_queries(8):
        questionnaire = client.get("/api/v1/questionnaires/2026.1/", **auth).json()
    codes = [q["code"] for q in questionnaire["questions"]]
    assert codes[0] == "1.1" and len(codes) > 100
    follow_up = next(q for q in questionnaire["questions"] if q["code"] == "1.1.1")
    assert (follow_up["show_if_question"], follow_up["show_if_values"]) == ("1.1", ["yes"])
    yes_no = next(q for q in questionnaire["questions"] if q["code"] == "1.1")
    assert [c["code"] for c in yes_no["choices"]] == ["yes", "no", "developing"]


def test_only_json_goes_out(client, submitter, reports):
    response = client.get("/api/v1/reports/", HTTP_ACCEPT="text/html", **bearer(submitter))
    assert response.status_code in (200, 406)
    assert response["Content-Type"].startswith("application/json")


def test_list_rows_are_exactly_what_the_report_serializer_gives(client, observer, open_cycle):
    from reports.api.serializers import ReportSerializer
    from reports.models import NationalReport
    from tests.helpers import accept_directly

    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    accept_directly(ghana)
    start_report(country=country("MEX"), cycle=open_cycle)
    client.force_login(observer)
    listed = {row["id"]: row for row in client.get("/api/v1/reports/").json()["results"]}
    for report in NationalReport.objects.select_related(
        "country__report_region", "cycle", "current_revision"
    ):
        assert listed[report.pk] == dict(ReportSerializer(report).data)
    assert listed[ghana.pk]["current_revision"] == 1
