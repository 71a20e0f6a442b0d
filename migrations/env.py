"""Alembic environment: imports only the models, takes the URL from the caller or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from bot.db import make_engine, normalise_url
from bot.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or run `flask --app wsgi db upgrade`)")
    return normalise_url(url)


def run_migrations_offline() -> None:
    """Emit the SQL without a connection (alembic upgrade --sql)."""
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply the migrations over a connection."""
    engine = make_engine(_url())
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # A batch migration copies a table, drops the old one and renames the copy: with
            # foreign keys enforced, dropping `conversations` would cascade and delete every
            # answer. The pragma must be set outside a transaction, so on the driver's own
            # connection (the app's engine turns enforcement on at connect).
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
