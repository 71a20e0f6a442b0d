"""A department created in the dashboard and its poster downloaded, in headless Chromium at
a phone's width: the poster's QR code, decoded from the PDF as a printer renders it, opens
the new department's link.

Screenshots of the pages are written to the test's folder (``--basetemp`` keeps them).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from bot.clock import utcnow
from bot.users import create_user
from tests.dashboard.conftest import PASSWORD

pytestmark = pytest.mark.browser
LINK = "https://m.me/BotswanaSurvey?ref=maun-clinic"


@pytest.fixture
def settings(settings):
    """The app knows its central Page, so departments get links."""
    return settings.with_overrides(fb_page_username="BotswanaSurvey")


@pytest.fixture
def admin_app(live_app):
    """The served app with an admin."""
    app, url = live_app
    with app.extensions["sessions"]() as db, db.begin():
        create_user(db, "admin@example.org", "admin", None, PASSWORD, utcnow())
    return app, url


def blocked_by_policy(page) -> list[str]:
    """Collect what the content security policy refuses on the pages the tab opens."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_a_department_created_and_its_poster_downloaded(admin_app, page, tmp_path):
    _, url = admin_app
    refused = blocked_by_policy(page)
    page.goto(f"{url}/dashboard/login")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Departments").click()
    page.screenshot(path=tmp_path / "departments-360.png", full_page=True)
    page.get_by_role("link", name="Add a department").click()
    page.screenshot(path=tmp_path / "department-new-360.png", full_page=True)

    # Sent half filled: each mistake is named beside its field and in a summary.
    page.get_by_label("Code").fill("maun clinic")
    page.get_by_role("button", name="Add a department").click()
    alert = page.get_by_role("alert")
    assert "Please correct the following" in alert.inner_text()
    assert "cannot be a link's ref" in alert.inner_text()
    assert "Give the department's name in English." in alert.inner_text()
    assert page.get_by_label("Code").get_attribute("aria-invalid") == "true"
    page.screenshot(path=tmp_path / "department-errors-360.png", full_page=True)

    page.get_by_label("Code").fill("maun-clinic")
    page.get_by_label("Name in English").fill("Maun primary hospital clinic")
    page.get_by_label("Name in Setswana (optional)").fill("Kliniki ya bookelo jwa Maun")
    page.get_by_label("Ministry").fill("Ministry of Health")
    page.get_by_label("Service asked about first").select_option("healthcare")
    others = page.get_by_role("group", name="Other services it provides")
    others.get_by_label("ID and civil documents").check()
    page.get_by_role("button", name="Add a department").click()
    assert page.get_by_role("status").inner_text() == "Maun primary hospital clinic was added."
    card = page.locator("#department-maun-clinic")
    assert LINK in card.inner_text()
    card.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "department-added-360.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone

    with page.expect_download() as download:
        card.get_by_role("link", name="Poster (PDF, A4)").click()
    poster = tmp_path / "poster.pdf"
    download.value.save_as(poster)
    assert download.value.suggested_filename == "maun-clinic-poster.pdf"
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/setup-browser installs it"
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(poster), str(tmp_path / "poster")],
        check=True,
    )
    printed = Image.open(tmp_path / "poster.png")
    assert [found.text for found in zxingcpp.read_barcodes(printed)] == [LINK]
    assert refused == []
