"""The simulator page in headless Chromium: a person taps through the survey in a browser.

Chromium comes from Debian's package (scripts/setup-browser); Playwright's own browser
download cannot run here, so the tests point Playwright at that executable.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from bot.models import Answer, Conversation

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_app(settings) -> Iterator[tuple[object, str]]:
    """The app served over HTTP with its embedded worker, as `make run` serves it."""
    from bot.app import create_app

    app = create_app(settings.with_overrides(embedded_worker=True))
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()
    app.extensions["worker"].stop()
    app.extensions["db_engine"].dispose()


@pytest.fixture
def page() -> Iterator[object]:
    if not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed: run scripts/setup-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page()
        browser.close()


def test_a_person_starts_from_a_department_link_and_answers_with_buttons(live_app, page):
    app, url = live_app
    page.goto(f"{url}/simulator")
    page.select_option("#ref", "moh-princess-marina")
    page.click("#get-started")
    page.wait_for_selector("#replies button", timeout=15000)
    page.locator("#replies button").first.click()  # consent: yes
    page.get_by_role("button", name="English").click(timeout=15000)
    page.get_by_role("button", name="25-34").click(timeout=15000)  # age, asked first
    page.wait_for_selector("#replies button", timeout=15000)
    page.locator("#replies button").first.click()  # the first healthcare question
    page.wait_for_function("document.querySelectorAll('.msg.me').length >= 5", timeout=15000)
    page.wait_for_selector("#replies button", timeout=15000)

    with app.extensions["sessions"]() as session:
        conversation = session.query(Conversation).one()
        assert conversation.department == "moh-princess-marina" and conversation.is_test
        rows = session.query(Answer).order_by(Answer.id).all()
    assert [r.question_id for r in rows][:3] == ["consent", "language", "age_band"]
    assert rows[-1].service_area == "healthcare" and rows[-1].method == "button"
