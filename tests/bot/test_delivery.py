"""Delivery of the outbox through the real adapter to a local Graph double."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.db import make_engine, make_session_factory
from bot.delivery import Delivery
from bot.messenger.client import MessengerClient
from bot.models import Conversation, OutboxMessage, Respondent
from tests.support.graph_double import GraphDouble

T0 = datetime(2026, 11, 22, 8, 0)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def graph():
    with GraphDouble(access_token="tok") as double:
        yield double


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine, writer=True)
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def delivery(sessions, graph, clock):
    client = MessengerClient("tok", graph.url, timeout=1.0)
    return Delivery(sessions, lambda page: client, clock=clock)


def enqueue(sessions, texts, psid="p1", conversation=True):
    with sessions() as session, session.begin():
        conversation_id = None
        if conversation:
            person = Respondent(key=f"k-{psid}", page_id="page", psid=psid, created_at=T0)
            session.add(person)
            session.flush()
            talk = Conversation(
                respondent_id=person.id,
                flow_id="f",
                flow_version="1",
                lang="en",
                status="active",
                state={},
                started_at=T0,
                last_input_at=T0,
            )
            session.add(talk)
            session.flush()
            conversation_id = talk.id
        for text in texts:
            session.add(
                OutboxMessage(
                    conversation_id=conversation_id,
                    page_id="page",
                    psid=psid,
                    message={"text": text},
                    messaging_type="RESPONSE",
                    created_at=T0,
                    next_attempt_at=T0,
                    attempts=0,
                )
            )
        return conversation_id


def test_messages_reach_the_person_in_the_order_written(sessions, delivery, graph):
    enqueue(sessions, ["one", "two", "three"])
    assert delivery.deliver_due() == 3
    assert [m["text"] for m in graph.messages_to("p1")] == ["one", "two", "three"]
    with sessions() as session:
        rows = session.query(OutboxMessage).all()
        assert all(r.sent_at and r.message_id.startswith("m_") for r in rows)


def test_typing_dots_show_before_a_run_of_messages_and_never_block_it(sessions, delivery, graph):
    enqueue(sessions, ["one", "two"])
    graph.queue_error(1200)  # the typing indicator fails: the messages go anyway
    assert delivery.deliver_due() == 2
    bodies = [r["body"] for r in graph.requests]
    assert bodies[0] == {"recipient": {"id": "p1"}, "sender_action": "typing_on"}
    assert [b["message"]["text"] for b in bodies[1:]] == ["one", "two"]
    enqueue(sessions, ["alone"], psid="p2")
    delivery.deliver_due()
    assert "sender_action" not in graph.requests[-1]["body"]  # one message: no dots


def test_a_temporary_failure_holds_back_later_messages_until_the_retry(
    sessions, delivery, graph, clock
):
    enqueue(sessions, ["first", "second"])
    graph.queue_delay(0)  # the typing indicator passes
    graph.queue_error(1200)
    assert delivery.deliver_due() == 0
    assert graph.messages_to("p1") == []
    assert delivery.deliver_due() == 0, "retried before its backoff"
    clock.now += timedelta(seconds=5)
    assert delivery.deliver_due() == 2
    assert [m["text"] for m in graph.messages_to("p1")] == ["first", "second"]


def test_outside_the_window_is_recorded_on_the_conversation_and_not_retried(
    sessions, delivery, graph, clock
):
    conversation_id = enqueue(sessions, ["late"])
    graph.queue_error(10, 2018278)
    delivery.deliver_due()
    clock.now += timedelta(hours=1)
    delivery.deliver_due()
    assert len(graph.requests) == 1
    with sessions() as session:
        row = session.query(OutboxMessage).one()
        assert row.failed_at is not None and row.error_code == 10
        assert session.get(Conversation, conversation_id).delivery_failure == "outside_window"
        assert session.query(Respondent).one().unreachable_reason == "outside_window"


def test_an_invalid_message_fails_alone_and_the_next_one_goes(sessions, delivery, graph):
    enqueue(sessions, ["x" * 2001, "fine"])
    delivery.deliver_due()
    assert [m["text"] for m in graph.messages_to("p1")] == ["fine"]


def test_a_goodbye_without_conversation_leaves_no_psid_once_delivered(sessions, delivery, graph):
    enqueue(sessions, ["Your answers were deleted."], conversation=False)
    assert delivery.deliver_due() == 1
    with sessions() as session:
        assert session.query(OutboxMessage).count() == 0
