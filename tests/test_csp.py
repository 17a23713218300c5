"""The Content-Security-Policy: sent with every kind of response, allows no inline script, and
no page of the project needs one (a real browser reports no violation on the main pages)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.middleware import build_policy
from tests.test_browser import browser  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parent.parent
POLICY = build_policy(settings.CONTENT_SECURITY_POLICY)


def test_the_policy_allows_no_inline_script_or_style_and_no_framing():
    assert POLICY.startswith("default-src 'self'; script-src 'self'; style-src 'self';")
    for directive in (
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "img-src 'self' data:",
    ):
        assert directive in POLICY
    assert "unsafe" not in POLICY


def test_templates_and_scripts_hold_no_inline_code():
    """What the policy would block, caught before a browser sees it."""
    from reports import national_pdf
    from reports.summary.document import TEMPLATES as SUMMARY_TEMPLATES

    # Read by e-mail clients or by WeasyPrint, never by a browser under the policy.
    elsewhere = {
        national_pdf.NATIONAL_TEMPLATE,
        national_pdf.DIFF_TEMPLATE,
        *national_pdf.PARTIALS,
        *SUMMARY_TEMPLATES,
    }
    offences = []
    for template in (ROOT / "templates").rglob("*.html"):
        name = template.relative_to(ROOT / "templates").as_posix()
        if name.startswith("emails/") or name in elsewhere:
            continue
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offences.append(f"{template}: inline <script>")
        for pattern, what in (
            (r"\son[a-z]+\s*=", "event-handler attribute"),
            (r"javascript:", "javascript: URL"),
            (r"\sstyle\s*=", "style attribute"),
            (r"<style\b", "<style> block"),
        ):
            if re.search(pattern, text, re.IGNORECASE):
                offences.append(f"{template}: {what}")
    for script in (ROOT / "static" / "js").glob("*.js"):
        text = script.read_text()
        for pattern in (r"\beval\s*\(", r"new\s+Function\b", r"setAttribute\(\s*['\"]on"):
            if re.search(pattern, text):
                offences.append(f"{script}: {pattern}")
        # setTimeout / setInterval with a string is eval too.
        if re.search(r"set(Timeout|Interval)\(\s*['\"]", text):
            offences.append(f"{script}: timer with a string")
    assert offences == []


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(client, ghana_report, submitter, observer):
    from tests.helpers import accept_directly

    accept_directly(ghana_report, status="submitted")
    pages = {
        "public page": "/",
        "published reports": "/public/",
        "sign-in": "/accounts/login/",
        "not found": "/no-such-page/",
        "health check": "/healthz",
        "API without credentials": "/api/v1/countries/",
        "bad request (NUL)": "/?q=%00",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response["Content-Security-Policy"] == POLICY, name
        if "NUL" not in name:  # refused before the clickjacking middleware; the CSP still
            # forbids framing (frame-ancestors 'none')
            assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name

    client.force_login(submitter)
    for url in (
        f"/reports/{ghana_report.pk}/",
        f"/reports/{ghana_report.pk}/sections/1/",
        f"/reports/{ghana_report.pk}/revisions/1/",
        "/accounts/tokens/",
        "/api/v1/reports/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url

    client.force_login(observer)
    for url in (
        f"/review/reports/{ghana_report.pk}/",
        "/review/statistics/",
        "/api/docs/",
        "/api/docs/?script=",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url


@pytest.mark.django_db
def test_former_inline_handlers_are_wired_from_a_script_file(client, ghana_report, submitter):
    from tests.helpers import accept_directly

    accept_directly(ghana_report, status="submitted")
    client.force_login(submitter)
    tokens = client.post("/accounts/tokens/", {"name": "Export script", "days": "30"})
    tokens = tokens.content.decode()
    assert 'data-select-on-click id="token-value"' in tokens
    revision = client.get(f"/reports/{ghana_report.pk}/revisions/1/").content.decode()
    for page in (tokens, revision):
        assert '<script src="/static/js/page-actions.js" defer></script>' in page
    assert '<button type="button" class="link" data-print hidden>' in revision
    script = (ROOT / "static" / "js" / "page-actions.js").read_text()
    assert "[data-select-on-click]" in script and "window.print()" in script


@pytest.mark.django_db
def test_api_docs_start_swagger_from_a_script_file_not_inline(client, observer):
    client.force_login(observer)
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert len(scripts) == 3 and all("src=" in tag for tag in scripts)
    assert '<script src="/api/docs/?script="></script>' in page
    assert "<style" not in page
    init = client.get("/api/docs/?script=")
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in init.content


@pytest.mark.django_db
def test_a_view_with_its_own_policy_keeps_it(client, staff_client, open_cycle):
    from reports.statistics.compile import compile_cycle

    compile_cycle(open_cycle)
    chart = staff_client.get("/review/statistics/2026/charts/regions.svg")
    assert chart.status_code == 200
    assert chart["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


# -- in a real browser --------------------------------------------------------------------------

# Every violation the page sees, whatever caused it (script, style, image, frame, form target).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Violations:
    """CSP violations and script errors of one browser context, from the page's own
    securitypolicyviolation events and from the console (where Chromium also reports them)."""

    def __init__(self, context) -> None:
        self.found: list[str] = []
        context.add_init_script(WATCH_VIOLATIONS)
        context.on("page", self.watch)

    def watch(self, page) -> None:
        page.on(
            "console",
            lambda message: (
                self.found.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                or (message.type == "error" and not message.text.startswith("Failed to load"))
                else None  # a failed load is reported by its response (the favicon has none)
            ),
        )
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on(
            "response",
            lambda response: (
                self.found.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def collect(self, page, where: str) -> None:
        """Read the page's violation list before it navigates away."""
        for violation in page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{where}: {violation}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_main_pages_run_under_the_policy_without_a_violation(live_server, browser):  # noqa: F811
    from playwright.sync_api import expect

    from reports.models import ReportingCycle, StatisticsRun
    from reports.services import create_missing_cycles, load_questionnaire, start_report
    from reports.statistics.compile import compile_cycle
    from reports.summary import services as summaries
    from tests.conftest import _member, fill_required
    from tests.factories import StaffFactory, country
    from tests.helpers import accept_directly, authenticator, second_step
    from tests.test_browser import SCREENSHOTS, sign_in

    load_questionnaire()
    create_missing_cycles()
    cycle = ReportingCycle.objects.get(year=2026)
    focal = _member("focal@gh.example", "GHA", "submitter")
    report = fill_required(start_report(country=country("GHA"), cycle=cycle))
    accept_directly(report, status="returned")  # a revision to read, and editable again
    compile_cycle(cycle)
    StatisticsRun.objects.create(
        cycle=cycle, status=StatisticsRun.Status.RUNNING, progress=35, step="Counting answers"
    )
    staff = StaffFactory(email="secretariat@example.org")
    authenticator(staff)
    summary = summaries.create_summary_report(cycle=cycle, user=staff)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # A focal point: the form (autosave, a new table row from its template), revision, print.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    violations = Violations(context)
    page = context.new_page()
    sign_in(page, base, focal.email)
    expect(page.get_by_role("heading", name="My reports")).to_be_visible()
    page.goto(f"{base}/reports/{report.pk}/sections/1/")
    page.locator("#q-1\\.1\\.1 textarea").fill("Typed under the policy")
    expect(page.locator("[data-save-status]")).to_have_text("All changes saved.", timeout=15000)
    page.locator("#q-1\\.5").get_by_label("Yes").check()
    page.locator("#q-1\\.5\\.1").get_by_role("button", name="Add a row").click()
    violations.collect(page, "focal form")
    page.goto(f"{base}/reports/{report.pk}/revisions/1/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by page-actions.js
    violations.collect(page, "revision")
    page.goto(f"{base}/reports/{report.pk}/print/")
    violations.collect(page, "print view")
    context.close()

    # Secretariat staff: review, statistics (charts, progress polling), the summary editor's live
    # preview, API tokens, the admin and the API documentation.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    violations_staff = Violations(context)
    page = context.new_page()
    sign_in(page, base, staff.email)
    second_step(page, staff)
    expect(page.get_by_text(staff.email)).to_be_visible()
    page.goto(f"{base}/review/reports/{report.pk}/")
    violations_staff.collect(page, "review")
    page.goto(f"{base}/review/statistics/2026/")
    expect(page.get_by_text("Counting answers")).to_be_visible()
    StatisticsRun.objects.filter(cycle=cycle, status="running").update(
        progress=80, step="Matching assistance"
    )
    expect(page.get_by_text("Matching assistance")).to_be_visible(timeout=10_000)  # polled
    page.screenshot(path=str(SCREENSHOTS / "statistics-under-csp.png"), full_page=True)
    violations_staff.collect(page, "statistics")
    page.goto(f"{base}/review/summaries/{summary.pk}/")
    first = page.locator("textarea[data-live-preview]").first
    first.fill("Typed *live* under the policy.")
    preview = page.locator("[data-preview]").first
    expect(preview.locator("em")).to_have_text("live", timeout=10_000)
    violations_staff.collect(page, "summary editor")
    page.goto(f"{base}/accounts/tokens/")
    page.get_by_label("Name").fill("Under the policy")
    page.get_by_role("button", name="Create").click()
    page.locator("#token-value").click()
    assert page.evaluate("document.activeElement.selectionEnd") > 10  # selected by the script
    page.screenshot(path=str(SCREENSHOTS / "tokens-under-csp.png"))
    violations_staff.collect(page, "tokens")
    for url in (
        "/admin/",
        f"/admin/reports/nationalreport/{report.pk}/change/",
        "/admin/countries/country/",
    ):
        page.goto(f"{base}{url}")
        expect(page.locator("#content")).to_be_visible()
        violations_staff.collect(page, url)
    page.goto(f"{base}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)  # Swagger UI rendered
    page.screenshot(path=str(SCREENSHOTS / "api-docs-under-csp.png"))
    violations_staff.collect(page, "api docs")

    assert violations.found == []
    assert violations_staff.found == []

    # The policy is enforced, and the watch sees it: injected inline code does not run.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="data:," onerror="window.__ran = true">\')'
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined")
    violations_staff.collect(page, "injected")
    assert any("script-src" in v for v in violations_staff.found), violations_staff.found
    context.close()
