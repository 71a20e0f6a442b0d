"""Migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.db import normalise_url
from bot.models import Base


def test_an_empty_database_upgraded_to_head_matches_the_models(database_url):
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_every_table_of_the_product_exists_after_upgrade(database_url):
    engine = create_engine(normalise_url(database_url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {
        "inbox_events",
        "outbox_messages",
        "respondents",
        "conversations",
        "answers",
        "topic_codes",
        "deletion_requests",
        "alembic_version",
    } <= tables
