"""Journeys in a real browser: Playwright driving Debian's Chromium (never a downloaded one)."""

import os
from pathlib import Path

import pytest
from django.db import connections

from reports.services import create_missing_cycles, load_questionnaire
from tests.factories import StaffFactory
from tests.helpers import authenticator, second_step

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
        # While Playwright runs, Django sees an event loop in this thread and gives the test's
        # ORM calls their own connections; close them here, in that same state, or the test
        # database cannot be dropped at the end ("being accessed by other users").
        connections.close_all()
        browser.close()


def test_staff_signs_in_and_browses_cycles_questionnaire_and_admin(live_server, browser):
    load_questionnaire()
    create_missing_cycles()
    secretariat = StaffFactory(email="secretariat@example.org")
    authenticator(secretariat)  # staff sign in with a second step
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
    second_step(page, secretariat)
    expect(page.get_by_text("secretariat@example.org")).to_be_visible()
    page.get_by_role("link", name="Cycles").click()

    page.get_by_role("link", name="2026.1").first.click()
    expect(page.locator("#q-1\\.1")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "questionnaire.png"))

    page.goto(f"{live_server.url}/admin/countries/country/?q=bolivia")
    expect(page.get_by_text("Bolivia (Plurinational State of)")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "admin-countries.png"))


def sign_in(page, base_url, email, password="a-good-test-password"):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_focal_point_fills_in_and_submits_the_report(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    from reports.models import Answer, NationalReport, ReportingCycle
    from reports.services import create_missing_cycles, start_report
    from tests.conftest import _member, fill_required
    from tests.factories import country

    load_questionnaire()
    create_missing_cycles()
    _member("focal@gh.example", "GHA", "submitter")
    report = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026))
    fill_required(report)
    Answer.objects.filter(report=report, question__code="1.1").delete()  # the one missing answer
    plan = tmp_path / "action-plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(page, live_server.url, "focal@gh.example")
    expect(page.get_by_role("heading", name="My reports")).to_be_visible()
    page.get_by_role("link", name="2026", exact=True).click()
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_text("1 required answer is missing")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "submit-missing.png"))
    page.locator("ul.missing a").first.click()

    question = page.locator("#q-1\\.1")
    follow_up = page.locator("#q-1\\.1\\.1")
    expect(follow_up).to_be_hidden()
    question.get_by_label("Yes").check()
    expect(follow_up).to_be_visible()
    follow_up.locator("textarea").fill("The National Commission on Small Arms and Light Weapons")

    page.locator("#q-1\\.2").get_by_label("Yes").check()
    page.locator("#q-1\\.2\\.2 input[type=file]").set_input_files(str(plan))
    expect(page.locator("#q-1\\.2\\.2").get_by_role("link", name="action-plan.pdf")).to_be_visible()

    page.locator("#q-1\\.5").get_by_label("Yes").check()
    laws = page.locator("#q-1\\.5\\.1")
    laws.get_by_role("button", name="Add a row").click()
    laws.locator("tbody tr").last.locator("input[name$=-title]").fill("Arms and Ammunition Act")
    expect(page.locator("[data-save-status]")).to_have_text("All changes saved.", timeout=15000)
    page.screenshot(path=str(SCREENSHOTS / "section-filled.png"), full_page=True)

    page.reload()
    expect(page.locator("#q-1\\.1").get_by_label("Yes")).to_be_checked()
    expect(page.locator("#q-1\\.1\\.1 textarea")).to_have_value(
        "The National Commission on Small Arms and Light Weapons"
    )
    expect(laws.locator("input[value='Arms and Ammunition Act']")).to_have_count(1)
    expect(page.get_by_role("link", name="action-plan.pdf")).to_be_visible()

    page.goto(f"{live_server.url}/reports/{report.pk}/submit/")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("The report is submitted (revision 1)")).to_be_visible()
    expect(page.locator(".report-head .status")).to_have_text("Submitted")
    page.screenshot(path=str(SCREENSHOTS / "submitted.png"))
    assert NationalReport.objects.get(pk=report.pk).status == "submitted"


def test_two_colleagues_editing_the_same_answer_choose_between_them(live_server, browser):
    from playwright.sync_api import expect

    from reports.models import ReportingCycle
    from reports.services import create_missing_cycles, save_answer, start_report
    from tests.conftest import _member
    from tests.factories import country
    from tests.helpers import question

    load_questionnaire()
    create_missing_cycles()
    _member("first@gh.example", "GHA", "submitter")
    _member("second@gh.example", "GHA", "contributor")
    report = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026))
    save_answer(report=report, question=question(report, "1.1"), value="yes")
    section = f"{live_server.url}/reports/{report.pk}/sections/1/"

    first = browser.new_context().new_page()
    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for page, email in ((first, "first@gh.example"), (second, "second@gh.example")):
        sign_in(page, live_server.url, email)
        page.goto(section)

    first.locator("#q-1\\.1\\.1 textarea").fill("Commission, as the first colleague wrote it")
    expect(first.locator("[data-save-status]")).to_have_text("All changes saved.", timeout=15000)

    second.locator("#q-1\\.1\\.1 textarea").fill("Commission, as the second colleague wrote it")
    conflict = second.locator("#q-1\\.1\\.1 .conflict")
    expect(conflict).to_be_visible(timeout=15000)
    expect(conflict).to_contain_text("Commission, as the first colleague wrote it")
    second.screenshot(path=str(SCREENSHOTS / "conflict.png"))
    conflict.get_by_role("button", name="Keep mine").click()
    expect(second.locator("[data-save-status]")).to_have_text("All changes saved.", timeout=15000)

    from reports.selectors import report_answer_values

    assert report_answer_values(report)["1.1.1"] == "Commission, as the second colleague wrote it"

    # The first colleague's page is now stale; this time they take the other answer.
    first.locator("#q-1\\.1\\.1 textarea").fill("A third wording")
    theirs = first.locator("#q-1\\.1\\.1 .conflict")
    expect(theirs).to_be_visible(timeout=15000)
    theirs.get_by_role("button", name="Use theirs").click()
    expect(first.locator("#q-1\\.1\\.1 textarea")).to_have_value(
        "Commission, as the second colleague wrote it"
    )
    expect(first.locator("#q-1\\.1\\.1 .conflict")).to_have_count(0)
    assert report_answer_values(report)["1.1.1"] == "Commission, as the second colleague wrote it"


def test_a_reviewer_returns_a_report_and_accepts_the_revision(live_server, browser):
    from playwright.sync_api import expect

    from accounts.services import REVIEWERS, ensure_role_groups
    from reports.models import NationalReport, ReportingCycle
    from reports.services import create_missing_cycles, save_answer, start_report
    from reports.services.submission import submit_report
    from tests.conftest import _member, fill_required
    from tests.factories import StaffFactory, country
    from tests.helpers import question

    load_questionnaire()
    create_missing_cycles()
    focal = _member("focal@gh.example", "GHA", "submitter")
    reviewer = StaffFactory(email="reviewer@unoda.example", is_superuser=False)
    reviewer.groups.add(ensure_role_groups()[REVIEWERS])
    authenticator(reviewer)
    report = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026))
    fill_required(report)
    save_answer(report=report, question=question(report, "1.1"), value="yes")
    submit_report(report=report, user=focal)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    staff = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in(staff, live_server.url, "reviewer@unoda.example")
    second_step(staff, reviewer)
    staff.get_by_role("link", name="Review", exact=True).click()
    staff.get_by_role("link", name="Ghana").click()
    staff.get_by_role("button", name="Start the review").click()
    expect(staff.get_by_text("The review has started.")).to_be_visible()
    item = staff.locator("#q-1\\.1")
    item.locator("summary", has_text="Comment on 1.1").click()
    item.locator("textarea").fill("Is the agency established by law? Please say which one.")
    item.get_by_role("button", name="Comment").click()
    staff.get_by_label("Return for revision — what should the country revise?").fill(
        "Please complete question 1.1."
    )
    staff.get_by_role("button", name="Return for revision").click()
    expect(staff.locator(".meta .status")).to_have_text("Returned for revision")
    staff.screenshot(path=str(SCREENSHOTS / "review-returned.png"), full_page=True)

    country_page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in(country_page, live_server.url, "focal@gh.example")
    country_page.get_by_role("link", name="2026", exact=True).click()
    expect(country_page.get_by_text("Please complete question 1.1.")).to_be_visible()
    country_page.get_by_role("link", name="Continue filling in").click()
    block = country_page.locator("#q-1\\.1")
    expect(block.get_by_text("Is the agency established by law?")).to_be_visible()
    block.get_by_label("Developing").check()
    expect(country_page.locator("[data-save-status]")).to_have_text(
        "All changes saved.", timeout=15000
    )
    block.locator("textarea[form]").fill("The decree establishing it is being drafted.")
    block.get_by_role("button", name="Send the reply").click()
    expect(country_page.get_by_text("Your comment is saved.")).to_be_visible()
    country_page.screenshot(path=str(SCREENSHOTS / "focal-reply.png"))
    country_page.goto(f"{live_server.url}/reports/{report.pk}/submit/")
    country_page.get_by_label("I confirm").check()
    country_page.get_by_role("button", name="Submit the report").click()
    expect(country_page.get_by_text("The report is submitted (revision 2)")).to_be_visible()

    staff.goto(f"{live_server.url}/review/reports/{report.pk}/")
    expect(staff.get_by_text("The decree establishing it is being drafted.")).to_be_visible()
    staff.get_by_role("link", name="Compare revisions").click()
    expect(staff.get_by_text("Revision 1 → revision 2")).to_be_visible()
    expect(staff.locator(".diff-new").first).to_contain_text("Developing")
    staff.screenshot(path=str(SCREENSHOTS / "review-diff.png"), full_page=True)
    staff.go_back()
    staff.get_by_role("button", name="Start the review").click()
    staff.get_by_role("button", name="Accept the report").click()
    expect(staff.get_by_text("The report is accepted.")).to_be_visible()
    report.refresh_from_db()
    assert report.status == NationalReport.Status.ACCEPTED
    assert report.current_revision.number == 2


# Texts of the first section in Arabic and Chinese (the shipped questionnaire translates French
# and Spanish only), so that the form shows real right-to-left and CJK text.
FORM_TEXTS = {
    "ar": {
        "section/1/title": "التنسيق الوطني",
        "question/1.1/text": (
            "هل لدى بلدكم هيئة أو آلية تنسيق وطنية معنية بالأسلحة الصغيرة والأسلحة الخفيفة؟"
        ),
        "question/1.1/help": (
            "أجب بـ «قيد الإعداد» إذا كانت الهيئة قيد الإنشاء (انظر الفقرة 4 من الفرع الثاني)."
        ),
        "question/1.2/text": "هل لدى بلدكم خطة عمل وطنية بشأن الأسلحة الصغيرة والأسلحة الخفيفة؟",
    },
    "zh-hans": {
        "section/1/title": "国家协调",
        "question/1.1/text": "贵国是否设有负责小武器和轻武器问题的国家协调机构或机制？",
        "question/1.1/help": "如果该机构正在设立之中，请回答“正在制定”（见第二节第4段）。",
        "question/1.2/text": "贵国是否制定了关于小武器和轻武器的国家行动计划？",
    },
}

LAYOUT_FACTS = """() => {
  const text = document.querySelector('#q-1\\\\.1 legend .text');
  const block = document.querySelector('#q-1\\\\.1');
  const nav = document.querySelector('.section-nav').getBoundingClientRect();
  const main = document.querySelector('.report-main').getBoundingClientRect();
  const style = getComputedStyle(text);
  const own = text.getBoundingClientRect(), box = block.getBoundingClientRect();
  return {
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    direction: style.direction,
    textAlign: style.textAlign,
    gapRight: box.right - own.right,
    gapLeft: own.left - box.left,
    navX: nav.x, mainX: main.x,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    fontFamily: style.fontFamily,
  };
}"""


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_the_report_form_in_arabic_and_chinese(live_server, browser, language):
    from playwright.sync_api import expect

    from reports.models import Answer, QuestionnaireTranslation, ReportingCycle
    from reports.services import start_report
    from tests.conftest import _member
    from tests.factories import country

    version = load_questionnaire().version
    create_missing_cycles()
    django_code = "zh-hans" if language == "zh" else language
    QuestionnaireTranslation.objects.update_or_create(
        version=version, language=django_code, defaults={"texts": FORM_TEXTS[django_code]}
    )
    _member("focal@gh.example", "GHA", "submitter")
    report = start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), language=language
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(page, live_server.url, "focal@gh.example")
    page.locator(f".language-switcher button[value='{django_code}']").click()
    expect(page.locator("html")).to_have_attribute("lang", django_code)
    page.goto(f"{live_server.url}/reports/{report.pk}/sections/1/")
    expect(page.locator("#q-1\\.1 legend .text")).to_have_text(
        FORM_TEXTS[django_code]["question/1.1/text"]
    )
    page.locator("#q-1\\.1 input[value=yes]").check()
    expect(page.locator("#q-1\\.1 [data-q-status]")).to_have_class("q-status saved", timeout=15000)
    expect(page.locator("#q-1\\.1\\.1")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"report-form-{language}.png"), full_page=True)
    assert Answer.objects.get(report=report, question__code="1.1").value_choice == "yes"

    facts = page.evaluate(LAYOUT_FACTS)
    assert facts["scrollWidth"] <= facts["clientWidth"], facts  # nothing sticks out sideways
    if language == "ar":
        assert facts["dir"] == "rtl" and facts["direction"] == "rtl", facts
        assert facts["textAlign"] in ("start", "right"), facts
        # Right-aligned: the question's text starts at the block's right edge.
        assert facts["gapRight"] < facts["gapLeft"], facts
        assert facts["navX"] > facts["mainX"], facts  # the navigator on the right
        assert "Noto Sans Arabic" in facts["fontFamily"], facts
    else:
        assert facts["dir"] == "ltr" and facts["direction"] == "ltr", facts
        assert facts["navX"] < facts["mainX"], facts
        assert "Noto Sans CJK SC" in facts["fontFamily"], facts
    # A narrow phone screen: still nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    facts = page.evaluate(LAYOUT_FACTS)
    assert facts["scrollWidth"] <= facts["clientWidth"], facts
    page.screenshot(path=str(SCREENSHOTS / f"report-form-{language}-phone.png"), full_page=True)
