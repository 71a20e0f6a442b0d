"""Migration 0007 marks the answers earlier restarts abandoned and drops screened-out answers."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from bot.cli import alembic_config
from bot.db import normalise_url

# One restarted interview (age_band answered twice), one plain one, one screened out.
ANSWERS = [
    (1, "consent", "09:00"),
    (1, "language", "09:01"),
    (1, "age_band", "09:02"),
    (1, "hc_need", "09:03"),
    (1, "hc_got_care", "09:04"),  # on the abandoned route, never asked again
    (1, "age_band", "09:10"),  # the first question after the restart
    (1, "hc_need", "09:11"),
    (2, "consent", "09:00"),
    (2, "language", "09:01"),
    (2, "age_band", "09:02"),
    (2, "hc_need", "09:03"),
    (3, "consent", "09:00"),
    (3, "language", "09:01"),
]


def _fill(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO respondents (id, key, page_id, psid, created_at, is_test) "
            "VALUES (1, 'k', 'p', 's', '2026-11-20 09:00:00', false)"
        )
    )
    for conversation, status in ((1, "active"), (2, "completed"), (3, "screened_out")):
        connection.execute(
            text(
                "INSERT INTO conversations (id, respondent_id, flow_id, flow_version, lang, "
                "status, state, started_at, last_input_at, is_test) VALUES (:id, 1, 'f', '1', "
                "'en', :status, '{}', '2026-11-20 09:00:00', '2026-11-20 09:00:00', false)"
            ),
            {"id": conversation, "status": status},
        )
    for conversation, question, at in ANSWERS:
        connection.execute(
            text(
                "INSERT INTO answers (respondent_key, conversation_id, flow_id, flow_version, "
                "lang, service_area, item, question_id, code, method, answered_at, reasks, "
                "is_test) VALUES ('k', :c, 'f', '1', 'en', 'survey', 'other', :q, 1, 'button', "
                ":at, 0, false)"
            ),
            {"c": conversation, "q": question, "at": f"2026-11-20 {at}:00"},
        )


def test_restarted_answers_are_marked_and_screened_out_answers_go(database_url):
    config = alembic_config(database_url)
    engine = create_engine(normalise_url(database_url))
    command.downgrade(config, "0006")
    with engine.begin() as connection:
        _fill(connection)
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT conversation_id, question_id, superseded_at IS NOT NULL "
                "FROM answers ORDER BY id"
            )
        ).all()
    assert [(c, q) for c, q, gone in rows if gone] == [
        (1, "age_band"),
        (1, "hc_need"),
        (1, "hc_got_care"),
    ]
    assert {c for c, _, _ in rows} == {1, 2}  # the screened-out interview has no answers
    command.downgrade(config, "0006")
    command.upgrade(config, "head")
    with engine.begin() as connection:
        for table in ("answers", "conversations", "respondents"):
            connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
