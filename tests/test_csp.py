"""The Content-Security-Policy: sent with every kind of response, allows no inline script, and
no page of the project needs one (a real browser reports no violation on the main pages)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.middleware import build_policy

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
    offences = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parts[-2] in {"emails", "pdf"}:  # e-mail clients and WeasyPrint, no CSP
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
