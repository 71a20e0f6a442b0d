"""Shared fixtures: an isolated database per test (SQLite, and PostgreSQL when configured),
settings injected into the app factory, and a helper that posts Meta-signed webhook bodies.

PostgreSQL runs when DATABASE_URL names a PostgreSQL server (CI sets it); each test session
works in a schema of its own, emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, create_engine, text

from bot.cli import alembic_config
from bot.config import Settings
from bot.db import normalise_url

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "messenger"
APP_SECRET = "test-app-secret"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return normalise_url(url) if url.startswith(("postgres://", "postgresql")) else None


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """Yield a URL of DATABASE_URL's server confined to a new, empty schema; drop it after.

    Skips the test, saying why, when no PostgreSQL server is configured or reachable.
    """
    base = _postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests need DATABASE_URL=postgresql://... (CI sets it)")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down: say so rather than fail every test
        admin.dispose()
        pytest.skip(f"PostgreSQL at DATABASE_URL is unreachable: {type(exc).__name__}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Migrate an empty database to head once per session and backend."""
    from alembic import command

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
        yield f"sqlite:///{path}"
        return
    with postgres_schema("test") as url:
        command.upgrade(alembic_config(url), "head")
        _SEEDS[url] = _seed_rows(url)
        yield url


# Rows the migrations themselves insert (the imported departments), per template database:
# each PostgreSQL test gets them back after its TRUNCATE, as each SQLite test gets a copy.
_SEEDS: dict[str, list[tuple[Table, list[dict[str, object]]]]] = {}


def _seed_rows(url: str) -> list[tuple[Table, list[dict[str, object]]]]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        seeds = [
            (table, [dict(row._mapping) for row in connection.execute(table.select())])
            for table in metadata.sorted_tables
            if table.name != "alembic_version"
        ]
    engine.dispose()
    return [(table, rows) for table, rows in seeds if rows]


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """Give each test a freshly migrated database: no data but the rows migrations seed."""
    if database_template.startswith("sqlite"):
        target = tmp_path / "test.db"
        shutil.copy(database_template.removeprefix("sqlite:///"), target)
        yield f"sqlite:///{target}"
        return
    engine = create_engine(database_template)
    with engine.begin() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        # A session an earlier test left open would make TRUNCATE wait for ever: fail instead.
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for table, rows in _SEEDS.get(database_template, []):
            connection.execute(table.insert(), rows)
    engine.dispose()
    yield database_template


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test app: no embedded worker thread, an unreachable NLU by default."""
    return Settings(
        env="development",
        database_url=database_url,
        fb_app_secret=APP_SECRET,
        fb_verify_token="test-verify-token",
        fb_page_access_token="test-page-token",
        page_token_key="dGVzdC1wYWdlLXRva2VuLWtleS0zMi1ieXRlcy0wMDA=",
        graph_api_url="http://127.0.0.1:9/v25.0",
        rasa_url="http://127.0.0.1:9",
        secret_key="test-secret-key",
        respondent_key_secret="test-respondent-key-secret",
        simulator_enabled=True,
        embedded_worker=False,
    )
