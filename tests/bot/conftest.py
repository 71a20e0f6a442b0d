"""Fixtures for the bot: the app on a test database, a Graph API double, signed posts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.app import close_services
from bot.config import Settings
from bot.messenger.signature import sign
from tests.conftest import APP_SECRET, FIXTURES
from tests.support.graph_double import GraphDouble


@pytest.fixture
def graph() -> Iterator[GraphDouble]:
    """A local Graph API server on loopback that records what the bot sends."""
    with GraphDouble(access_token="test-page-token") as double:
        yield double


@pytest.fixture
def app(settings: Settings, graph: GraphDouble) -> Iterator[Flask]:
    """The app wired to the test database and the Graph double."""
    from bot.app import create_app

    application = create_app(settings.with_overrides(graph_api_url=graph.url))
    yield application
    close_services(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def signed_post(client: FlaskClient) -> Callable[..., Any]:
    """Post raw bytes to the webhook, signed as Meta signs them."""

    def post(body: bytes | dict[str, Any], secret: str = APP_SECRET):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return client.post(
            "/webhook",
            data=raw,
            headers={"X-Hub-Signature-256": sign(secret, raw), "Content-Type": "application/json"},
        )

    return post


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Read one of the Messenger payload fixtures (tests/fixtures/messenger) as raw bytes."""

    def read(name: str) -> bytes:
        return (Path(FIXTURES) / name).read_bytes()

    return read


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the app's database, for assertions."""
    with app.extensions["sessions"]() as session:
        yield session


def count(session: Session, model: type) -> int:
    """Return how many rows a table holds now."""
    session.rollback()  # end the read: a SQLite transaction keeps its first snapshot
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def run_worker(app: Flask, rounds: int = 3) -> None:
    """Let the worker process the inbox and deliver the outbox."""
    for _ in range(rounds):
        app.extensions["worker"].run_once()
