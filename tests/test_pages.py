"""The public pages, sign-in and the admin screens the secretariat uses."""

import pytest
from django.urls import reverse

from reports.demo import DEMO_PASSWORD
from reports.services import create_missing_cycles
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycles(shipped_questionnaire):
    return create_missing_cycles()


def test_home_lists_the_cycles(client, cycles, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reporting cycles" in html
    assert "16–20 June 2014" in html
    assert "Open" in html and "Closed" in html
    assert 'href="/questionnaires/2026.1/"' in html
    assert "Fifth Biennial Meeting of States" in html
    years = [html.index(f'<th scope="row">{year}</th>') for year in (2026, 2024, 2010)]
    assert years == sorted(years)


def test_home_without_data_says_how_to_load_it(client):
    page = client.get(reverse("home"))
    assert b"No reporting cycles yet" in page.content


def test_questionnaire_page_shows_codes_citations_and_follow_ups(
    client, cycles, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        page = client.get(reverse("questionnaire-detail", args=["2026.1"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "PoA II.4" in html and "ITI" in html
    assert 'id="q-1.1"' in html
    assert "Shown when" in html
    assert "Frozen: used by a reporting cycle" in html


def test_unknown_questionnaire_is_404(client):
    response = client.get(reverse("questionnaire-detail", args=["1999.9"]))
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_sign_in_with_wrong_password_keeps_the_address(client):
    UserFactory(email="focal@example.org")
    page = client.post(reverse("login"), {"username": "focal@example.org", "password": "wrong"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "The e-mail address or password is not right" in html
    assert 'value="focal@example.org"' in html


def test_sign_in_and_out(client):
    UserFactory(email="focal@example.org")
    response = client.post(
        reverse("login"), {"username": "focal@example.org", "password": "a-good-test-password"}
    )
    assert response.status_code == 302
    assert b"focal@example.org" in client.get(reverse("home")).content
    assert client.post(reverse("logout")).status_code == 302


ADMIN_LISTS = [
    "admin:countries_country_changelist",
    "admin:countries_regionalgroup_changelist",
    "admin:countries_reportregion_changelist",
    "admin:countries_countrymembership_changelist",
    "admin:reports_reportingcycle_changelist",
    "admin:reports_questionnaireversion_changelist",
    "admin:reports_nationalreport_changelist",
    "admin:accounts_user_changelist",
]


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_admin_lists_open_for_staff(staff_client, cycles, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse(name)).status_code == 200


def test_admin_country_and_cycle_pages(staff_client, cycles):
    from countries.models import Country

    ghana = Country.objects.get(iso3="GHA")
    page = staff_client.get(reverse("admin:countries_country_change", args=[ghana.pk]))
    assert page.status_code == 200
    assert "Ghana" in page.content.decode()
    cycle = cycles[-1]
    page = staff_client.get(reverse("admin:reports_reportingcycle_change", args=[cycle.pk]))
    assert page.status_code == 200


def test_admin_is_closed_to_focal_points(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:countries_country_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_health_check(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_reports_a_failing_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


def test_staff_without_a_group_sees_nothing(client, cycles):
    client.force_login(StaffFactory(email="nobody@example.org", is_superuser=False))
    assert client.get(reverse("admin:countries_country_changelist")).status_code == 403


def test_the_demo_reviewer_can_look_but_not_change(client, cycles):
    from countries.models import Country
    from reports.demo import create_demo_users

    create_demo_users()
    client.login(email="reviewer@poa-reports.local", password=DEMO_PASSWORD)
    ghana = Country.objects.get(iso3="GHA")
    assert client.get(reverse("admin:countries_country_changelist")).status_code == 200
    page = client.get(reverse("admin:countries_country_change", args=[ghana.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    post = client.post(reverse("admin:countries_country_change", args=[ghana.pk]), {})
    assert post.status_code == 403
    assert client.get(reverse("admin:reports_reportingcycle_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
