"""Free text is masked before it is stored (defect 9): the closing answers, the inbox, the
topic review. The typed original is kept only when UNMASKED_TEXT_RETENTION_DAYS allows it,
and only that long; the migration masks the rows written before it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from bot.app import close_services
from bot.cli import alembic_config
from bot.clock import utcnow
from bot.db import normalise_url
from bot.models import Answer, InboxEvent
from bot.topic_review import review_topics
from tests.conftest import postgres_schema
from tests.support.person import Person, complete_with_buttons

TYPED = "Nurse was rude. Call me on 71 234 567 or kb@mail.bw, Omang 123456789"
MASKED = "Nurse was rude. Call me on [phone] or [email], Omang [id number]"


def finish_with(app, signed_post, graph, psid: str, closing: str) -> None:
    """Tap through the survey and type the closing answer."""
    person = Person(app, signed_post, graph, psid)
    original = person.type
    person.type = lambda text, process=True: original(closing, process)  # type: ignore[method-assign]
    complete_with_buttons(person, "English")


def test_the_closing_answer_and_the_inbox_keep_only_the_masked_text(
    app, signed_post, graph, db, monkeypatch, capsys
):
    finish_with(app, signed_post, graph, "psid-mask", TYPED)
    db.rollback()
    closing = db.query(Answer).filter(Answer.question_id == "improvement").one()
    assert closing.raw_text == MASKED and closing.raw_text_unmasked is None
    stored = [e.event.get("text") for e in db.query(InboxEvent)]
    assert MASKED in stored and TYPED not in stored
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    review_topics(app.extensions["sessions"], 10)
    shown = capsys.readouterr().out
    assert "71 234 567" not in shown and "[phone]" in shown


def test_the_original_is_kept_only_as_long_as_the_setting_says(settings, graph, signed_post):
    from bot.app import create_app

    app = create_app(
        settings.with_overrides(graph_api_url=graph.url, unmasked_text_retention_days=30)
    )
    try:
        finish_with(app, signed_post, graph, "psid-keep", TYPED)
        worker = app.extensions["worker"]
        with app.extensions["sessions"]() as session:
            kept = session.query(Answer).filter(Answer.raw_text_unmasked.is_not(None)).one()
            assert (kept.raw_text, kept.raw_text_unmasked) == (MASKED, TYPED)
        worker.clock = lambda: utcnow() + timedelta(days=31)
        worker.sweep()
        with app.extensions["sessions"]() as session:
            assert session.query(Answer).filter(Answer.raw_text_unmasked.is_not(None)).count() == 0
            assert session.query(Answer).filter(Answer.raw_text == MASKED).count() == 1
    finally:
        close_services(app)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    with postgres_schema("mig") as url:
        yield url


def test_the_migration_masks_existing_text_and_its_downgrade_restores_it(empty_database):
    from alembic import command

    config = alembic_config(empty_database)
    command.upgrade(config, "0002")
    engine = create_engine(normalise_url(empty_database))
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO respondents (key, page_id, psid, created_at, is_test) "
                "VALUES ('k', 'p', 'q', :now, false)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO conversations (respondent_id, flow_id, flow_version, lang, status, "
                "state, started_at, last_input_at, is_test) "
                "VALUES (1, 'f', '1', 'en', 'completed', '{}', :now, :now, false)"
            ),
            {"now": now},
        )
        for n, typed in enumerate((TYPED, "The queues are too long")):
            connection.execute(
                text(
                    "INSERT INTO answers (respondent_key, conversation_id, flow_id, flow_version, "
                    "lang, service_area, item, question_id, raw_text, method, answered_at, "
                    "reasks, is_test) VALUES ('k', 1, 'f', '1', 'en', 'survey', 'other', "
                    ":q, :typed, 'text', :now, 0, false)"
                ),
                {"q": f"improvement{n}", "typed": typed, "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO inbox_events (dedup_key, page_id, psid, kind, event, event_time, "
                "received_at, processed_at, attempts, is_test) VALUES ('mid:1', 'p', 'q', "
                "'message', :event, 1, :now, :now, 0, false)"
            ),
            {"event": f'{{"text": "{TYPED}", "payload": null}}', "now": now},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT raw_text, raw_text_unmasked FROM answers ORDER BY id")
        ).all()
        event = connection.execute(text("SELECT event FROM inbox_events")).scalar_one()
    assert [tuple(r) for r in rows] == [(MASKED, TYPED), ("The queues are too long", None)]
    event = event if isinstance(event, dict) else json.loads(event)
    assert event["text"] == MASKED
    command.downgrade(config, "0002")
    with engine.connect() as connection:
        restored = connection.execute(text("SELECT raw_text FROM answers ORDER BY id")).scalars()
        assert list(restored) == [TYPED, "The queues are too long"]
    command.upgrade(config, "head")
    engine.dispose()
