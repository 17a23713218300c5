"""Lockout after repeated failed sign-ins (django-axes): per address and IP, for a cool-off, with
one message for a wrong password, an unknown address and a locked account."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import sign_in_refused_message
from accounts.tokens import create_token
from tests.factories import StaffFactory, UserFactory
from tests.helpers import authenticator, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def refusal(response) -> str:
    """The alert of the sign-in page, as the person reads it."""
    match = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode())
    assert match, response.content.decode()[:500]
    return match.group(1)


def test_the_settings_come_from_the_environment_with_safe_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert "15 minutes" in sign_in_refused_message()


def test_unknown_address_wrong_password_and_locked_account_read_the_same():
    UserFactory(email="focal@gov.example")
    client = Client()
    wrong_password = sign_in(client, "focal@gov.example", "not-it")
    unknown = sign_in(client, "nobody@gov.example", "not-it")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "focal@gov.example", "not-it")
    locked = sign_in(client, "focal@gov.example", PASSWORD)  # the right password, but locked
    assert wrong_password.status_code == unknown.status_code == locked.status_code == 200
    assert refusal(wrong_password) == refusal(unknown) == refusal(locked)
    assert refusal(locked) == f"<p>{sign_in_refused_message()}</p>"
    assert 'value="focal@gov.example"' in locked.content.decode()  # what was typed is kept


def test_the_fifth_failure_locks_the_address_until_the_cool_off_ends():
    UserFactory(email="focal@gov.example")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "FOCAL@gov.example ", "not-it")  # any spelling counts for the address
    assert sign_in(client, "focal@gov.example", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # A success starts the count again.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "focal@gov.example", "not-it")
    assert sign_in(client, "focal@gov.example", PASSWORD).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start >= settings.AXES_FAILURE_LIMIT

    # Another address from the same computer is not locked.
    UserFactory(email="colleague@gov.example")
    assert sign_in(Client(), "colleague@gov.example", PASSWORD).status_code == 302

    # The cool-off over, the right password works again.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )
    assert sign_in(client, "focal@gov.example", PASSWORD).status_code == 302


def test_staff_unlock_an_address_in_the_admin(client):
    UserFactory(email="focal@gov.example")
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(browser, "focal@gov.example", "not-it")
    attempt = AccessAttempt.objects.get()
    client.force_login(StaffFactory(email="admin@un.example"))
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "focal@gov.example" in listing.content.decode()
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert sign_in(browser, "focal@gov.example", PASSWORD).status_code == 302


def test_wrong_second_step_codes_count_towards_the_lockout():
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    client = Client()
    sign_in(client, "staff@un.example", PASSWORD)
    for _ in range(2):
        TOTPDevice.objects.update(throttling_failure_count=0)  # no wait between the two
        client.post(reverse("two-factor-verify"), {"code": "000000"})
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        sign_in(client, "staff@un.example", "not-it")
    locked = sign_in(client, "staff@un.example", PASSWORD)
    assert locked.status_code == 200
    assert refusal(locked) == f"<p>{sign_in_refused_message()}</p>"


def test_api_tokens_and_signed_in_sessions_do_not_go_through_the_lockout(client, cycles):
    focal = UserFactory(email="focal@gov.example")
    _token, raw = create_token(user=focal, name="script")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "focal@gov.example", "not-it")
    response = Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    client.force_login(focal)
    assert client.get(reverse("my-reports")).status_code == 200


def test_a_locked_address_cannot_finish_a_sign_in_begun_before_the_lock():
    # The password was right in one browser; the address is then locked by wrong passwords from
    # the same place. The code step must refuse as the password step does, even a right code.
    focal = UserFactory(email="focal@gov.example")
    authenticator(focal)
    half = Client()
    assert sign_in(half, "focal@gov.example", PASSWORD)["Location"] == reverse("two-factor-verify")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "focal@gov.example", "not-it")
    refused = half.post(reverse("two-factor-verify"), {"code": totp_code(focal)})
    assert refused.status_code == 200
    assert refusal(refused) == f"<p>{sign_in_refused_message()}</p>"
    assert half.get(reverse("my-reports"))["Location"].startswith(reverse("login"))
    assert TOTPDevice.objects.get(user=focal).last_t == -1  # the code was not even tried


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: a client's header means nothing
        (1, "", "10.0.0.2"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left entry was typed by the client
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: trust nothing
    ],
)
def test_failures_count_per_client_address_behind_the_proxies(
    settings, proxies, forwarded, expected
):
    from django.test import RequestFactory

    from accounts.lockout import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.2")
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(request) == expected
