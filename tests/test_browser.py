"""Journeys in a real browser: Playwright driving Debian's Chromium (never a downloaded one)."""

import os
from pathlib import Path

import pytest

from reports.services import create_missing_cycles, load_questionnaire
from tests.factories import StaffFactory

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/poa-screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by test set-up
    # in the same thread are safe because they finish before the page is driven.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is installed by scripts/bootstrap.sh --test"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def test_staff_signs_in_and_browses_cycles_questionnaire_and_admin(live_server, browser):
    load_questionnaire()
    create_missing_cycles()
    StaffFactory(email="secretariat@example.org")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Reporting cycles")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill("secretariat@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value("secretariat@example.org")
    page.get_by_label("Password").fill("a-good-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("secretariat@example.org")).to_be_visible()

    page.get_by_role("link", name="2026.1").first.click()
    expect(page.locator("#q-1\\.1")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "questionnaire.png"))

    page.goto(f"{live_server.url}/admin/countries/country/?q=bolivia")
    expect(page.get_by_text("Bolivia (Plurinational State of)")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "admin-countries.png"))
