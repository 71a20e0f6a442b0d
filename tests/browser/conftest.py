"""Headless Chromium (Debian's package) driven by Playwright, and the app served over HTTP.

Playwright's own browser download cannot run here, so the tests point Playwright at the
executable that scripts/setup-browser installs.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from bot.app import close_services

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
PHONE = {"width": 360, "height": 740}


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_app(settings) -> Iterator[tuple[object, str]]:
    """The app served over HTTP with its embedded worker, as `make run` serves it."""
    from bot.app import create_app

    app = create_app(settings.with_overrides(embedded_worker=True))
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()
    close_services(app)


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run scripts/setup-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A browser tab the size of a small phone."""
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    yield context.new_page()
    context.close()
