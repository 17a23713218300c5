"""Personal API tokens: the profile page (create, list, revoke), hashed storage, the API's
answers to expired, revoked and malformed tokens, and throttling per token."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import create_token, revoke_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/cycles/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(db):
    return UserFactory(email="ana@gov.example")


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def bearer(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body


# -- the profile page ---------------------------------------------------------------------------


def test_page_needs_sign_in(client):
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_header_links_to_the_page(signed_in):
    page = signed_in.get(reverse("my-reports")).content.decode()
    assert f'href="{reverse("api-tokens")}"' in page
    assert ">API tokens<" in page


def test_create_shows_the_token_once_and_stores_only_its_hash(signed_in, person):
    page = signed_in.get(reverse("api-tokens"))
    assert page.status_code == 200
    assert 'value="90"' in page.content.decode()  # the default validity

    response = signed_in.post(reverse("api-tokens"), {"name": "Export script", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["new_token"]
    html = response.content.decode()
    assert raw.startswith("poa_") and raw in html
    assert "Copy it now" in html

    token = ApiToken.objects.get(user=person)
    assert token.name == "Export script"
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=30))) < (
        datetime.timedelta(minutes=1)
    )
    # The secret is nowhere in the database: not in the row, not in any text column anywhere.
    secret = raw.split("_", 2)[2]
    assert token.secret_hash != secret and len(token.secret_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        columns = cursor.fetchall()
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1', [f"%{secret}%"]
            )
            assert cursor.fetchone() is None, f"{table}.{column} holds the secret"

    # The list shows it (prefix only) with its dates and status; never the whole token again.
    listing = signed_in.get(reverse("api-tokens")).content.decode()
    assert "Export script" in listing and f"poa_{token.prefix}_" in listing
    assert secret not in listing
    assert "Active" in listing and "Never" in listing

    # And it works.
    assert bearer(raw).get(API_URL).status_code == 200


def test_form_errors_keep_what_was_typed(signed_in, person):
    response = signed_in.post(reverse("api-tokens"), {"name": "Nightly sync", "days": "400"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Nightly sync"' in html and 'value="400"' in html
    assert "less than or equal to 366" in html
    response = signed_in.post(reverse("api-tokens"), {"name": "   ", "days": "0"})
    assert response.status_code == 400
    assert 'value="0"' in response.content.decode()
    assert not ApiToken.objects.filter(user=person).exists()


def test_revoke(signed_in, person):
    token, raw = create_token(user=person, name="Old laptop")
    response = signed_in.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in signed_in.get(reverse("api-tokens")).content.decode()
    assert signed_in.get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    assert_error(bearer(raw).get(API_URL), 401, "token_revoked")


def test_someone_elses_token_cannot_be_revoked_or_seen(signed_in):
    other = UserFactory(email="bob@gov.example")
    token, _raw = create_token(user=other, name="Bob's script")
    signed_in.post(reverse("api-token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Bob's script" not in signed_in.get(reverse("api-tokens")).content.decode()


# -- the API's answers ----------------------------------------------------------------------


def test_revoked_token_is_refused(person):
    token, raw = create_token(user=person, name="x")
    revoke_token(user=person, token_id=token.pk)
    response = bearer(raw).get(API_URL)
    assert_error(response, 401, "token_revoked")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_refused(person):
    token, raw = create_token(user=person, name="x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert_error(bearer(raw).get(API_URL), 401, "token_expired")


@pytest.mark.parametrize(
    "header, code",
    [
        ("Bearer", "token_malformed"),
        ("Bearer poa_abc_def extra", "token_malformed"),
        ("Bearer not-a-token", "token_malformed"),
        ("Bearer poa_0123456789ab_wrongsecret", "token_invalid"),
    ],
)
def test_malformed_or_unknown_token_is_refused(person, header, code):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    assert_error(api.get(API_URL), 401, code)


def test_no_credentials(db):
    assert_error(APIClient().get(API_URL), 401, "not_authenticated")


@override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
)
def test_throttled_per_token(person):
    _token, raw = create_token(user=person, name="busy")
    _other, other_raw = create_token(user=person, name="quiet")
    api = bearer(raw)
    for _ in range(3):
        assert api.get(API_URL).status_code == 200
    response = api.get(API_URL)
    body = assert_error(response, 429, "throttled")
    assert "Retry-After" in response
    assert body["error"]["message"]
    # Another token of the same person has its own allowance.
    assert bearer(other_raw).get(API_URL).status_code == 200
