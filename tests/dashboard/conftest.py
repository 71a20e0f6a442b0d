"""Fixtures of the dashboard tests: the app on a test database, answers from two
departments, users of each role, and a signed-in client."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from analytics.records import rebuild_records
from analytics.synthetic_store import insert_synthetic
from bot.app import close_services
from bot.clock import utcnow
from bot.config import Settings
from bot.users import create_user

# Two departments whose data must never mix: a viewer of A must learn nothing of B.
DEPARTMENT_A = "moh-clinics"
DEPARTMENT_B = "dnrs-omang"
OTHER = "moe-primary"
PASSWORD = "correct horse battery"
START = datetime(2026, 11, 2)  # a Monday: the data fill ISO weeks 2026-W45 and 2026-W46
WEEK = "2026-W45"
MONTH = "2026-11"
B_SECRET = "Omang office B queue was awful, call 71234567"
A_COMMENT = "Clinic A needs more nurses"


def fill(engine: Engine, respondents: int = 1500, seed: int = 5) -> None:
    """Insert simulated interviews as live data, spread over two weeks and the registry's
    departments, with an improvement comment that names each department."""
    insert_synthetic(engine, respondents, seed, START, days=14)
    with engine.begin() as connection:
        for table in ("answers", "conversations", "respondents"):
            connection.execute(text(f"UPDATE {table} SET is_test = false"))
        for code, comment in ((DEPARTMENT_A, A_COMMENT), (DEPARTMENT_B, B_SECRET)):
            connection.execute(
                text(
                    "UPDATE answers SET raw_text = :comment "
                    "WHERE question_id = 'improvement' AND department = :code"
                ),
                {"comment": comment, "code": code},
            )
        # Answers edited by hand: their interviews' records must be rebuilt to match.
        rebuild_records(connection)


@pytest.fixture
def dashboard_settings(settings: Settings) -> Settings:
    """Settings of a test app: its own rate-limit counters in memory."""
    return settings


@pytest.fixture
def app(dashboard_settings: Settings) -> Iterator[Flask]:
    """The app on a test database, with a viewer of each department, an analyst, an admin."""
    from bot.app import create_app

    application = create_app(dashboard_settings)
    application.config["RATELIMIT_ENABLED"] = True
    with application.extensions["sessions"]() as db, db.begin():
        now = utcnow()
        create_user(db, "admin@example.org", "admin", None, PASSWORD, now)
        create_user(db, "analyst@example.org", "analyst", None, PASSWORD, now)
        create_user(db, "viewer-a@example.org", "viewer", DEPARTMENT_A, PASSWORD, now)
        create_user(db, "viewer-b@example.org", "viewer", DEPARTMENT_B, PASSWORD, now)
    yield application
    close_services(application)


@pytest.fixture
def filled(app: Flask) -> Flask:
    """The app with two weeks of answers from three departments."""
    fill(app.extensions["db_engine"])
    return app


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> int:
    """Sign in through the form, as a person does; return the status of the post."""
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
    )
    return response.status_code


@pytest.fixture
def client_for(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a client signed in as one of the users."""

    def make(email: str) -> FlaskClient:
        client = app.test_client()
        assert sign_in(client, email) == 302
        return client

    return make
