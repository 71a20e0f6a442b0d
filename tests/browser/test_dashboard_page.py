"""The dashboard in headless Chromium at a phone's width: sign-in and its rate limit, a
department viewer's scope, a chart with its data table, a report downloaded and opened.

Screenshots of each page are written to the test's folder (``--basetemp`` keeps them) to be
looked at; the tests assert what a person would notice.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from bot.clock import utcnow
from bot.users import create_user
from tests.dashboard.conftest import DEPARTMENT_A, DEPARTMENT_B, PASSWORD, WEEK, fill

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard(live_app):
    """The served app with two weeks of answers and a viewer of department A."""
    app, url = live_app
    fill(app.extensions["db_engine"], respondents=1200)
    with app.extensions["sessions"]() as db, db.begin():
        create_user(db, "viewer-a@example.org", "viewer", DEPARTMENT_A, PASSWORD, utcnow())
    return app, url


def sign_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/dashboard/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_and_a_wrong_password_rate_limited(dashboard, page, tmp_path):
    _, url = dashboard
    page.goto(f"{url}/dashboard/")
    assert page.url.startswith(f"{url}/dashboard/login")
    for _ in range(5):
        sign_in(page, url, "viewer-a@example.org", "not the password")
        assert page.get_by_role("alert").inner_text().startswith("That e-mail address")
    page.screenshot(path=tmp_path / "login-wrong.png", full_page=True)
    sign_in(page, url, "viewer-a@example.org")  # right password, but too many tries
    assert "Too many attempts" in page.get_by_role("alert").inner_text()
    page.screenshot(path=tmp_path / "login-limited.png", full_page=True)


def test_a_viewer_sees_their_department_with_a_chart_beside_its_table(dashboard, page, tmp_path):
    _, url = dashboard
    sign_in(page, url, "viewer-a@example.org")
    page.goto(f"{url}/dashboard/area/healthcare?period={WEEK}")
    options = page.locator("#department option").all_inner_texts()
    assert options == ["Ministry of Health clinics"]
    chart = page.locator("svg.chart[role=img]").first
    assert chart.locator("title").text_content() == "Health care: share positive for each attribute"
    assert chart.get_attribute("aria-labelledby") == "attributes-t attributes-d"
    table = page.get_by_role("table", name="Health care: share positive for each attribute")
    assert table.locator("tbody tr").count() == 7
    first_bar = chart.locator("text.label").first.text_content()
    assert table.locator("tbody tr th").first.inner_text() == first_bar == "Easy to reach"
    # Keyboard: the filters are reachable and the focused control is outlined.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone, tables scroll inside their box
    page.screenshot(path=tmp_path / "area-360.png", full_page=True)
    page.goto(f"{url}/dashboard/?period={WEEK}&department={DEPARTMENT_B}")
    assert page.get_by_role("heading", level=1).inner_text() == "Not found."
    assert "Civil and National Registration" not in page.content()


def test_a_report_is_built_downloaded_and_opened(dashboard, page, tmp_path):
    _, url = dashboard
    sign_in(page, url, "viewer-a@example.org")
    page.goto(f"{url}/dashboard/reports")
    page.select_option("#build-period", WEEK)
    page.get_by_role("button", name="Build this report now").click()
    page.screenshot(path=tmp_path / "reports-360.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").first.click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    text = " ".join(page_.extract_text() for page_ in PdfReader(saved).pages)
    assert "Weekly report" in " ".join(text.split())
    assert "Ministry of Health clinics" in text and "Week 45 of 2026" in " ".join(text.split())
