"""Findings of the security review of sign-in, two-step verification, tokens and headers: each
test failed before its fix."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tokens import create_token
from tests.factories import StaffFactory, UserFactory
from tests.helpers import authenticator, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"


def failures(email: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=email))


def test_the_admin_sign_in_cannot_skip_the_second_step_or_reset_the_lockout(cycles):
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    client = Client()
    client.post(reverse("login"), {"username": staff.email, "password": PASSWORD})
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        TOTPDevice.objects.update(throttling_failure_count=0)
        client.post(reverse("two-factor-verify"), {"code": "000000"})
    counted = failures(staff.email)
    assert counted == settings.AXES_FAILURE_LIMIT - 2

    # The admin's own sign-in form took the password alone, signed the person in and so wiped
    # the failed codes (AXES_RESET_ON_SUCCESS): it now hands over to the two-step sign-in.
    admin = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert admin.status_code == 302
    assert admin["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    assert failures(staff.email) == counted
    page = client.get("/admin/login/?next=/admin/auth/")
    assert page.status_code == 302
    assert page["Location"] == f"{reverse('login')}?next=/admin/auth/"

    # The way in to the admin is the two-step sign-in.
    AccessAttempt.objects.all().delete()
    TOTPDevice.objects.update(throttling_failure_count=0)
    signed = Client()
    step = signed.post(
        f"{reverse('login')}?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert step["Location"] == reverse("two-factor-verify")
    assert signed.post(step["Location"], {"code": totp_code(staff)})["Location"] == "/admin/"
    assert signed.get("/admin/").status_code == 200


def test_a_token_of_staff_without_an_authenticator_does_not_work(cycles):
    # A focal point's token, kept when the person joined the secretariat (or made before an
    # administrator removed their lost authenticator): staff rights without the second step.
    person = UserFactory(email="new.staff@un.example")
    _token, raw = create_token(user=person, name="script")
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    refused = Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "two_factor_setup_required"

    authenticator(person)
    assert Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
