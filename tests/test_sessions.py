"""Sessions end after a period without requests (SESSION_COOKIE_AGE); any request, autosave
included, moves the end forward, written at most once a minute."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's idea of now (sessions read timezone.now()) forward by minutes."""
    start = timezone.now()
    state = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def advance(minutes: float) -> None:
        state["now"] = state["now"] + datetime.timedelta(minutes=minutes)

    return advance


def signed_in(client, path=None) -> bool:
    response = client.get(path or reverse("my-reports"))
    return response.status_code == 200


def expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_idle_limit_is_thirty_minutes_unless_the_environment_says_otherwise():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_a_session_ends_after_thirty_idle_minutes(client, clock):
    client.force_login(UserFactory(email="focal@gov.example"))
    assert signed_in(client)
    clock(29)
    assert signed_in(client)  # activity: the half hour starts again
    clock(29)
    assert signed_in(client)
    clock(31)
    response = client.get(reverse("my-reports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_expiry_is_written_at_most_once_a_minute(client, clock):
    client.force_login(UserFactory(email="focal@gov.example"))
    assert signed_in(client)
    first = expiry(client)
    clock(0.5)
    assert signed_in(client)
    assert expiry(client) == first  # no write within the minute
    clock(1)
    assert signed_in(client)
    assert expiry(client) > first


def test_autosave_after_the_session_ended_is_sent_to_the_sign_in(client, clock, ghana_report):
    """The page's script reads the redirect to the sign-in page as "signed out" and keeps the
    typed value on the page (static/js/report-form.js)."""
    from countries.models import CountryMembership

    focal = UserFactory(email="focal@gov.example")
    CountryMembership.objects.create(user=focal, country=ghana_report.country, role="submitter")
    client.force_login(focal)
    url = reverse("report-autosave", args=[ghana_report.pk])
    clock(31)
    response = client.post(url, {"question": "1.1", "v-1.1": "0", "q-1.1": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
