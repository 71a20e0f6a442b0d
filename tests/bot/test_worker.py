"""A turn that fails (here: a conversation parked on a question a later flow removed) is
retried, then set aside with its error; it never stops other people, and the person's later
events wait behind it so their order holds."""

from __future__ import annotations

import pytest

from bot.models import Answer, Conversation, InboxEvent, Respondent
from bot.worker import MAX_EVENT_ATTEMPTS
from tests.bot.conftest import run_worker
from tests.support.person import Person


@pytest.fixture
def worker(app):
    return app.extensions["worker"]


def test_a_failing_turn_is_retried_then_set_aside_without_holding_up_anyone(
    app, signed_post, graph, db, worker
):
    stuck = Person(app, signed_post, graph, "psid-stuck")
    stuck.open_link()
    stuck.tap(index=0)  # consent
    with app.extensions["sessions"]() as session, session.begin():
        conversation = session.query(Conversation).one()
        conversation.state = {**conversation.state, "question": "a_question_since_removed"}

    stuck.type("English", process=False)
    stuck.type("hello?", process=False)
    other = Person(app, signed_post, graph, "psid-other")
    other.open_link()  # runs the worker: the other person is answered at once
    assert other.buttons(), "another person's failing turn held this one up"

    db.rollback()
    events = db.query(InboxEvent).filter_by(psid="psid-stuck").order_by(InboxEvent.event_time)
    first, second = events.all()[-2:]
    assert first.attempts >= 1 and "a_question_since_removed" in (first.error or "")
    assert second.processed_at is None and second.attempts == 0  # waits behind the first

    for _ in range(MAX_EVENT_ATTEMPTS):
        worker.process_inbox()
    db.rollback()
    first = db.get(InboxEvent, first.id)
    assert first.attempts == MAX_EVENT_ATTEMPTS and first.processed_at is not None
    assert first.event["text"] == "English"  # set aside, kept for a person to look at
    second = db.get(InboxEvent, second.id)  # its turn came, and failed the same way
    assert second.attempts >= 1 and "a_question_since_removed" in (second.error or "")
    assert db.query(Conversation).filter_by(status="active").count() == 2  # nothing half-done


def test_people_handled_in_one_round_are_each_handled_once_even_when_one_is_erased(
    app, signed_post, graph, db
):
    leaving, staying = (Person(app, signed_post, graph, f"psid-{n}") for n in ("go", "stay"))
    for person in (leaving, staying):
        person.open_link()
        person.tap(index=0)  # consent
    leaving.type("delete my data")
    leaving.tap(index=0, process=False)  # yes, delete
    staying.tap("English", process=False)
    run_worker(app)  # both turns in one round of the worker
    db.rollback()
    assert db.query(Respondent).filter_by(psid="psid-go").count() == 0
    rows = db.query(Answer).filter_by(question_id="language").all()
    assert len(rows) == 1 and rows[0].code == 1  # the other person's answer, recorded once
    assert db.query(InboxEvent).filter(InboxEvent.processed_at.is_(None)).count() == 0
    asked_age = [m for m in graph.messages_to("psid-stay") if "How old" in m["text"]]
    assert len(asked_age) == 1  # the tap was handled once, not again in a later round
