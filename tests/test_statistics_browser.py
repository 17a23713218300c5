"""The statistics dashboard in a real browser: the progress of a running compile, the page
reloading by itself when the compile is done, and the cycle switcher."""

import pytest

from reports.models import ReportingCycle, StatisticsRun
from reports.services import create_missing_cycles, load_questionnaire
from reports.statistics.compile import compile_cycle
from tests.factories import StaffFactory
from tests.helpers import authenticator, second_step
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_dashboard_follows_a_running_compile(live_server, browser):  # noqa: F811
    from playwright.sync_api import expect

    load_questionnaire()
    create_missing_cycles()
    cycle = ReportingCycle.objects.get(year=2026)
    compile_cycle(cycle)
    compile_cycle(ReportingCycle.objects.get(year=2024))
    run = StatisticsRun.objects.create(
        cycle=cycle, status=StatisticsRun.Status.RUNNING, progress=35, step="Counting answers"
    )
    secretariat = StaffFactory(email="secretariat@example.org")
    authenticator(secretariat)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/review/statistics/2026/")
    page.get_by_label("E-mail address").fill("secretariat@example.org")
    page.get_by_label("Password").fill("a-good-test-password")
    page.get_by_role("button", name="Sign in").click()
    second_step(page, secretariat)
    expect(page.get_by_role("heading", name="2026 statistics")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_text("Counting answers")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "statistics-running.png"))

    # The worker moves on: the bar follows, then the page reloads with the result.
    StatisticsRun.objects.filter(pk=run.pk).update(progress=75, step="Matching assistance")
    expect(page.get_by_text("Matching assistance")).to_be_visible(timeout=10_000)
    StatisticsRun.objects.filter(pk=run.pk).update(
        status=StatisticsRun.Status.DONE, progress=100, step=""
    )
    expect(page.get_by_role("progressbar")).to_be_hidden(timeout=10_000)
    expect(page.locator(".compile-status .run-done")).to_be_visible()
    expect(page.get_by_role("heading", name="Reporting rate by region")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "statistics-done.png"), full_page=True)

    page.locator("select[data-cycle-select]").select_option(label="2024")
    expect(page.get_by_role("heading", name="2024 statistics")).to_be_visible()
