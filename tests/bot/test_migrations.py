"""Every migration goes down and back up, on SQLite and on PostgreSQL, keeping the data."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from bot.cli import alembic_config
from bot.db import normalise_url
from bot.models import Base


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_the_schema_migrates_down_to_nothing_and_back_up_to_the_models(database_url):
    config = alembic_config(database_url)
    engine = create_engine(normalise_url(database_url))
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert _differences(engine) == []
    engine.dispose()


def test_outbox_rows_written_before_the_states_existed_get_the_state_they_were_in(database_url):
    config = alembic_config(database_url)
    engine = create_engine(normalise_url(database_url))
    command.downgrade(config, "0002")
    with engine.begin() as connection:
        for psid, sent, failed in (("a", "2026-11-20 10:00:00", None), ("b", None, None),
                                   ("c", None, "2026-11-20 10:05:00")):  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO outbox_messages (page_id, psid, message, messaging_type, "
                    "created_at, next_attempt_at, attempts, sent_at, failed_at, is_test) "
                    "VALUES ('p', :psid, '{}', 'RESPONSE', '2026-11-20 09:00:00', "
                    "'2026-11-20 09:00:00', 0, :sent, :failed, false)"
                ),
                {"psid": psid, "sent": sent, "failed": failed},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT psid, status, expires_at FROM outbox_messages ORDER BY psid")
        ).all()
    assert [(psid, status) for psid, status, _ in rows] == [
        ("a", "sent"),
        ("b", "queued"),
        ("c", "failed"),
    ]
    assert all(str(expires).startswith("2026-11-21 09:00:00") for *_, expires in rows)
    command.downgrade(config, "0002")  # and back: the sent and failed marks are still there
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM outbox_messages WHERE sent_at IS NOT NULL")
        ).scalar()
    assert kept == 1
    command.upgrade(config, "head")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox_messages"))
    engine.dispose()


def test_records_stored_before_0009_are_rebuilt_as_the_bot_writes_them(database_url):
    # Migrations 0009 and 0010 note each question's parts, which records are uniform and
    # their packed answers, for the records already stored: the rows the bot writes today.
    from analytics.answer_packs import ANSWER_LAYOUT
    from analytics.synthetic_store import insert_synthetic

    config = alembic_config(database_url)
    engine = create_engine(normalise_url(database_url))
    insert_synthetic(engine, 60, 9, datetime(2026, 3, 2), days=10, batch_size=25)

    def stored() -> tuple[list, list]:
        with engine.connect() as connection:
            records = connection.execute(
                text(
                    "SELECT conversation_id, exact, uniform, payload FROM interview_records "
                    "ORDER BY conversation_id"
                )
            ).all()
            # A record written before a question had a slot is shorter: -1 (not asked) pads it.
            width = max(len(payload) for *_, payload in records)
            records = [(*row, payload.ljust(width, b"\xff")) for *row, payload in records]
            questions = connection.execute(
                text(
                    "SELECT slot, question_id, service_area, item, attribute "
                    "FROM record_questions ORDER BY slot"
                )
            ).all()
        return records, questions

    def packed() -> list:
        """Each uniform record's packed answers and current answers, counted."""
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT r.conversation_id, length(p.answers) / :size, "
                    " (SELECT count(*) FROM answers a WHERE a.conversation_id = r.conversation_id"
                    "  AND a.superseded_at IS NULL) "
                    "FROM interview_records r LEFT JOIN interview_answers p "
                    " ON p.conversation_id = r.conversation_id WHERE r.uniform"
                ),
                {"size": ANSWER_LAYOUT.itemsize},
            ).all()

    written = stored()
    assert len(written[0]) > 30 and all(uniform for _, _, uniform, _ in written[0])
    command.downgrade(config, "0008")
    command.upgrade(config, "head")
    assert stored() == written
    # Migration 0010 packed every uniform interview's current answers.
    counts = packed()
    assert len(counts) == len(written[0]) and all(n == m > 0 for _, n, m in counts)
    engine.dispose()
