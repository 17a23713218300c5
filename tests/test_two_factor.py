"""Two-step verification: required for secretariat staff, offered to focal points; the code
after the password, recovery codes, and what a half-signed-in session can reach."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.tokens import create_token
from tests.factories import StaffFactory, UserFactory
from tests.helpers import authenticator, totp_code
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def verify(client, code):
    return client.post(reverse("two-factor-verify"), {"code": code})


def unthrottle(user):
    """As if the few seconds django-otp makes a person wait after a wrong code had passed."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def recovery_codes_on(page) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page.content.decode())


def secret_on(page) -> str:
    match = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page.content.decode())
    return match.group(1).replace(" ", "")


# -- secretariat staff -------------------------------------------------------------------------


def test_staff_without_an_authenticator_reach_only_the_set_up_until_they_confirm_one(cycles):
    client = Client()
    StaffFactory(email="staff@un.example")
    signed_in = sign_in(client, "staff@un.example", next="/review/")
    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith(reverse("two-factor-setup"))

    # Every staff page, the admin, the focal pages and the session API send them back.
    for path in ("/review/", "/admin/", reverse("my-reports"), reverse("api-tokens")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two-factor-setup")), path
    api = client.get("/api/v1/cycles/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_setup_required"

    page = client.get(signed_in["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Secretariat staff sign in with two steps" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # drawn here: no outside image service
    device = TOTPDevice.objects.get(user__email="staff@un.example", confirmed=False)
    assert secret_on(page) == two_factor.secret_text(device).replace(" ", "")

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000", "next": "/review/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/review/").status_code == 302

    done = client.post(reverse("two-factor-setup"), {"code": totp_code(device), "next": "/review/"})
    assert done.status_code == 200
    codes = recovery_codes_on(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/review/"' in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    assert client.get("/review/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/cycles/").status_code == 200


def test_staff_with_an_authenticator_are_not_signed_in_before_the_code(cycles):
    client = Client()
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    first = sign_in(client, "staff@un.example", next="/review/")
    assert first["Location"] == reverse("two-factor-verify")
    # Half-way: not signed in at all.
    assert client.get("/review/").status_code == 302
    assert client.get("/review/")["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/cycles/").status_code in (401, 403)

    wrong = verify(client, "000000")
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    # Right away after a wrong code django-otp asks for a short wait; the code is not checked.
    throttled = verify(client, totp_code(staff))
    assert throttled.status_code == 429
    assert "wait" in throttled.content.decode()
    unthrottle(staff)

    right = verify(client, totp_code(staff))
    assert right.status_code == 302
    assert right["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    # The code just used does not work a second time.
    client.post(reverse("logout"))
    sign_in(client, "staff@un.example")
    device = TOTPDevice.objects.get(user=staff)
    from django_otp.oath import TOTP

    same_step = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    same_step.time = device.last_t * device.step
    assert verify(client, f"{same_step.token():06d}").status_code == 400


def test_five_wrong_codes_end_the_half_signed_in_state():
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    client = Client()
    sign_in(client, "staff@un.example")
    for attempt in range(4):
        unthrottle(staff)
        response = verify(client, "000000")
        assert response.status_code == 400, attempt
    unthrottle(staff)
    last = verify(client, "000000")
    # Wrong codes count towards the address's lockout too: the fifth one locks it, and the
    # answer is the sign-in page with the one refusal message.
    assert last.status_code == 200
    assert "temporarily locked" in last.content.decode()
    # Starting again at the code page leads to the sign-in; nothing is signed in.
    assert client.get(reverse("two-factor-verify"))["Location"] == reverse("login")
    assert client.get("/review/")["Location"].startswith(reverse("login"))


def test_a_recovery_code_signs_in_once(cycles):
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    codes = two_factor.new_recovery_codes(user=staff)
    client = Client()
    sign_in(client, "staff@un.example")
    used = verify(client, codes[0].upper().replace("-", " "))  # typed any which way
    assert used.status_code == 302
    page = client.get(used["Location"])
    assert "You signed in with a recovery code" in page.content.decode()
    assert "9 left" in page.content.decode()
    assert client.get("/review/").status_code == 200
    client.post(reverse("logout"))

    sign_in(client, "staff@un.example")
    again = verify(client, codes[0])
    assert again.status_code == 400
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client):
    staff = StaffFactory(email="staff@un.example")
    old = two_factor.new_recovery_codes(user=staff)
    client.force_login(staff)
    page = client.post(reverse("two-factor-recovery-codes"))
    new = recovery_codes_on(page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.check_code(user=staff, code=old[1]).ok
    unthrottle(staff)
    assert two_factor.check_code(user=staff, code=new[1]).ok


def test_staff_cannot_turn_two_step_verification_off(client):
    staff = StaffFactory(email="staff@un.example")
    client.force_login(staff)
    page = client.get(reverse("two-factor"))
    assert "It is required for secretariat staff" in page.content.decode()
    assert "Turn off" not in page.content.decode()
    refused = client.post(reverse("two-factor-disable"), {"code": totp_code(staff)})
    assert refused.status_code == 400
    assert "cannot turn two-step verification off" in refused.content.decode()
    assert two_factor.has_two_factor(staff)


def test_an_unverified_staff_session_gets_403_from_the_session_api_but_tokens_work(cycles):
    staff = StaffFactory(email="staff@un.example")
    authenticator(staff)
    _token, raw = create_token(user=staff, name="script")
    plain = Client()  # Django's force_login: a session without the second step
    plain.force_login(staff)
    response = plain.get("/api/v1/cycles/")
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "two_factor_required",
            "message": "Sign in again with your second step to use the API.",
        }
    }
    # The page sends such a session back to the sign-in, signed out.
    page = plain.get("/review/")
    assert page["Location"].startswith(reverse("login"))
    assert plain.get("/review/")["Location"].startswith(reverse("login"))
    # A personal token is not a session: it works whatever the session is.
    with_token = Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert with_token.status_code == 200


def test_a_made_up_authorization_header_does_not_skip_the_second_step(cycles):
    staff = StaffFactory(email="staff@un.example")  # signed in, no authenticator set up yet
    plain = Client()
    plain.force_login(staff)
    for header in ("Basic eDp5", "x", "Bearer not-a-token"):
        page = plain.get("/review/", HTTP_AUTHORIZATION=header)
        assert page.status_code == 302, header
        assert page["Location"].startswith(reverse("two-factor-setup"))
        api = plain.get("/api/v1/reports/", HTTP_AUTHORIZATION=header)
        assert api.status_code in (401, 403), header  # a bad token 401, anything else 403


# -- focal points ------------------------------------------------------------------------------


def test_focal_points_may_turn_it_on_and_then_need_the_code(client, cycles):
    UserFactory(email="focal@gov.example")
    browser = Client()  # noqa: F811 (not the fixture: a second browser of the person)
    assert sign_in(browser, "focal@gov.example")["Location"] == reverse("my-reports")
    account = browser.get(reverse("two-factor"))
    assert "Off — you sign in with your password only." in account.content.decode()
    assert browser.get(reverse("api-tokens")).status_code == 200

    setup = browser.get(reverse("two-factor-setup"))
    assert "Secretariat staff" not in setup.content.decode()
    device = TOTPDevice.objects.get(user__email="focal@gov.example", confirmed=False)
    done = browser.post(reverse("two-factor-setup"), {"code": totp_code(device)})
    assert len(recovery_codes_on(done)) == 10
    account = browser.get(reverse("two-factor"))
    assert "Recovery codes left: <strong>10</strong>" in account.content.decode()
    browser.post(reverse("logout"))

    assert sign_in(browser, "focal@gov.example")["Location"] == reverse("two-factor-verify")
    assert browser.get(reverse("my-reports"))["Location"].startswith(reverse("login"))
    unthrottle(device.user)
    assert verify(browser, totp_code(device))["Location"] == reverse("my-reports")

    # Turning it off takes a current code.
    wrong = browser.post(reverse("two-factor-disable"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "nothing was changed" in wrong.content.decode()
    assert two_factor.has_two_factor(device.user)
    unthrottle(device.user)
    codes = two_factor.new_recovery_codes(user=device.user)
    off = browser.post(reverse("two-factor-disable"), {"code": codes[0]})
    assert off["Location"] == reverse("two-factor")
    assert not two_factor.has_two_factor(device.user)
    assert browser.get(reverse("my-reports")).status_code == 200
    browser.post(reverse("logout"))
    assert sign_in(browser, "focal@gov.example")["Location"] == reverse("my-reports")


def test_a_session_from_before_two_step_verification_must_sign_in_again(cycles):
    focal = UserFactory(email="focal@gov.example")
    other_browser = Client()
    other_browser.force_login(focal)
    assert other_browser.get(reverse("my-reports")).status_code == 200
    authenticator(focal)  # turned on in another browser
    response = other_browser.get(reverse("my-reports"))
    assert response["Location"].startswith(reverse("login"))
    assert other_browser.get(reverse("my-reports"))["Location"].startswith(reverse("login"))


def test_the_sign_in_goes_nowhere_outside_the_site(client):
    UserFactory(email="focal@gov.example")
    response = sign_in(Client(), "focal@gov.example", next="https://evil.example/")
    assert response["Location"] == reverse("my-reports")


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_set_up_the_app_and_sign_in_with_it(live_server, browser):  # noqa: F811
    from playwright.sync_api import expect

    StaffFactory(email="staff@un.example")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("staff@un.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "two-factor-setup.png"), full_page=True)

    device = TOTPDevice.objects.get(user__email="staff@un.example", confirmed=False)
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=str(SCREENSHOTS / "two-factor-recovery-codes.png"), full_page=True)
    expect(page.get_by_text("Two-step verification is on.")).to_be_visible()
    page.get_by_role("link", name="I have kept my recovery codes — continue").click()
    expect(page).to_have_url(f"{live_server.url}/my-reports/")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("staff@un.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.screenshot(path=str(SCREENSHOTS / "two-factor-verify.png"), full_page=True)
    unthrottle(device.user)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("staff@un.example")).to_be_visible()
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
