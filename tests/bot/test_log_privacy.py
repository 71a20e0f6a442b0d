"""No personal data in the logs: a real database error with a known PSID and a known text
must not put either into what the logs capture (defect 3)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from bot.db import normalise_url
from bot.log_redaction import PersonalDataFilter
from tests.bot.conftest import run_worker
from tests.support.person import PAGE

PSID = "7001234567890777"
TEXT = "my name is Kagiso and my secret is plum"


@contextmanager
def refused(database_url: str, table: str, postgres_check: str, sqlite_when: str) -> Iterator[None]:
    """Make the database itself refuse some rows of a table (a real constraint error), then
    restore the table: PostgreSQL's test schema outlives the test. PostgreSQL keeps the rows
    that pass ``postgres_check``; SQLite refuses the rows that match ``sqlite_when``."""
    engine = create_engine(normalise_url(database_url))
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            # PostgreSQL repeats the whole failing row (PSID, text) in the error's DETAIL.
            connection.execute(
                text(f"ALTER TABLE {table} ADD CONSTRAINT probe CHECK ({postgres_check})")
            )
        else:
            connection.execute(
                text(
                    f"CREATE TRIGGER probe BEFORE INSERT ON {table} WHEN {sqlite_when} "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
    try:
        yield
    finally:
        with engine.begin() as connection:
            if postgres:
                connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT probe"))
            else:
                connection.execute(text("DROP TRIGGER probe"))
        engine.dispose()


def _message(mid: str, typed: str) -> dict:
    item = {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": mid, "text": typed},
    }
    return {"object": "page", "entry": [{"id": PAGE, "time": 0, "messaging": [item]}]}


def test_a_database_error_in_the_webhook_logs_neither_psid_nor_text(
    app, signed_post, database_url, caplog
):
    check = f"psid <> '{PSID}'"
    with (
        refused(database_url, "inbox_events", check, f"NEW.psid = '{PSID}'"),
        caplog.at_level(logging.DEBUG),
    ):
        response = signed_post(_message("m_log_1", TEXT))
    assert response.status_code == 500  # the database refused: Meta will redeliver
    logged = caplog.text
    assert "IntegrityError" in logged, "the database error itself must still be logged"
    assert PSID not in logged and TEXT not in logged and "Kagiso" not in logged


def test_a_database_error_in_a_turn_logs_no_psid(app, signed_post, database_url, caplog):
    """The worker's failing turn: the respondent row (with the PSID) is refused."""
    assert signed_post(_message("m_log_2", TEXT)).status_code == 200
    check = f"psid <> '{PSID}'"
    with (
        refused(database_url, "respondents", check, f"NEW.psid = '{PSID}'"),
        caplog.at_level(logging.DEBUG),
    ):
        run_worker(app)
    logged = caplog.text
    assert "IntegrityError" in logged, "the failing turn must still be logged"
    assert PSID not in logged and TEXT not in logged and "Kagiso" not in logged


def test_the_filter_masks_tokens_secrets_psids_and_text_fields():
    mask = PersonalDataFilter(["s3cr3t-app-secret"]).redact
    line = (
        "GET /webhook?hub.mode=subscribe&hub.verify_token=abc123&hub.challenge=1 "
        "POST /me/messages?access_token=EAAB123&appsecret_proof=f00 "
        "key s3cr3t-app-secret psid 7001234567890123 "
        '{"text": "call 71 234 567", "psid": "7001"} '
        "[parameters: ('7001234567890123', 'hello')]\n"
        "DETAIL:  Failing row contains (1, 7001, hello there)."
    )
    masked = mask(line)
    for leaked in ("abc123", "EAAB123", "f00", "s3cr3t", "7001", "71 234 567", "hello"):
        assert leaked not in masked, leaked
    assert "hub.challenge=1" in masked and "GET /webhook" in masked
