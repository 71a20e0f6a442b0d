"""Delivery of the outbox through the real adapter to a local Graph double.

Claim, send, mark: each message's outcome is committed on its own, so a failure, an odd
answer or a crash never sends again what Graph accepted, and never holds up anyone else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import repository
from bot.db import make_engine, make_session_factory
from bot.delivery import ECHO_WAIT, MAX_UNKNOWN, Delivery, outbox_id_from
from bot.messenger.client import MessengerClient
from bot.models import Conversation, OutboxMessage, PagePause, Respondent
from tests.support.graph_double import Fault, GraphDouble

T0 = datetime(2026, 11, 22, 8, 0)
SEND_TIMEOUT = 1.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Crash(BaseException):
    """Stands for kill -9: nothing after it runs, no handler catches it."""


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
def client(graph):
    return MessengerClient("tok", graph.url, timeout=SEND_TIMEOUT)


@pytest.fixture
def delivery(sessions, client, clock):
    return Delivery(sessions, lambda page: client, clock=clock, send_timeout=SEND_TIMEOUT)


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
                    expires_at=T0 + timedelta(hours=24),
                    attempts=0,
                )
            )
        return conversation_id


def texts_to(graph, psid):
    return [m["text"] for m in graph.messages_to(psid)]


def rows(sessions, psid="p1"):
    with sessions() as session:
        return session.query(OutboxMessage).filter_by(psid=psid).order_by(OutboxMessage.id).all()


def calls_to(graph, psid):
    return [r for r in graph.requests if r["body"].get("recipient", {}).get("id") == psid]


def run(delivery, clock, seconds, step=1.0):
    """Let the delivery loop run for a while of the fake clock."""
    for _ in range(int(seconds / step)):
        delivery.deliver_due()
        clock.now += timedelta(seconds=step)


def test_messages_reach_the_person_in_the_order_written(sessions, delivery, graph):
    enqueue(sessions, ["one", "two", "three"])
    assert delivery.deliver_due() == 3
    assert texts_to(graph, "p1") == ["one", "two", "three"]
    stored = rows(sessions)
    assert all(r.status == "sent" and r.message_id.startswith("m_") for r in stored)
    sent_metadata = [m["metadata"] for m in graph.messages_to("p1")]
    assert [outbox_id_from(m) for m in sent_metadata] == [r.id for r in stored]


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
    assert texts_to(graph, "p1") == ["first", "second"]


def test_an_odd_answer_for_one_person_never_resends_anyone_elses_message(
    sessions, delivery, graph, clock
):
    for psid in ("p1", "p2", "p3"):
        enqueue(sessions, [f"question for {psid}"], psid=psid)
    graph.set_fault(Fault("html", psids=frozenset({"p2"})))  # HTML with status 200
    run(delivery, clock, seconds=10, step=0.5)
    assert texts_to(graph, "p1") == ["question for p1"]
    assert texts_to(graph, "p3") == ["question for p3"]
    # p2's message is retried with backoff, not every round: 20 rounds, at most 2 calls.
    assert 1 <= len(calls_to(graph, "p2")) <= 2
    [row] = rows(sessions, "p2")
    assert row.status in ("queued", "unconfirmed") and row.unknown_errors >= 1
    graph.set_fault(None)
    run(delivery, clock, seconds=60)
    assert texts_to(graph, "p2") == ["question for p2"]
    assert texts_to(graph, "p1") == ["question for p1"]  # still once


def test_unknown_answers_are_retried_a_bounded_number_of_times_then_set_aside(
    sessions, delivery, graph, clock
):
    enqueue(sessions, ["lost in a proxy", "next"])
    graph.set_fault(Fault("no_message_id", psids=frozenset({"p1"})))
    for _ in range(300):
        run(delivery, clock, seconds=2, step=2)
        if rows(sessions)[0].status == "failed":
            break
    graph.set_fault(None)
    first = rows(sessions)[0]
    message_calls = [r for r in calls_to(graph, "p1") if "message" in r["body"]]
    assert first.status == "failed" and first.failure_reason == "unknown"
    assert first.unknown_errors == MAX_UNKNOWN
    assert len([c for c in message_calls if c["body"]["message"]["text"] == "lost in a proxy"]) == (
        MAX_UNKNOWN
    )
    with sessions() as session:
        assert repository.count_given_up_messages(session) == 1
    run(delivery, clock, seconds=60)
    assert rows(sessions)[1].status == "sent"  # the queue went on behind it
    assert texts_to(graph, "p1") == ["next"]


def test_a_worker_killed_after_graph_accepted_a_message_never_sends_it_again(
    sessions, client, graph, clock
):
    enqueue(sessions, ["one", "two", "three"])

    class DiesAfterTheSecondSend:
        def __init__(self) -> None:
            self.sent = 0

        def send_message(self, *args, **kwargs):
            message_id = client.send_message(*args, **kwargs)
            self.sent += 1
            if self.sent == 2:
                raise Crash  # Graph accepted "two"; the worker dies before marking it
            return message_id

        def send_action(self, psid, action):
            client.send_action(psid, action)

    dying = Delivery(sessions, lambda page: DiesAfterTheSecondSend(), clock=clock)
    with pytest.raises(Crash):
        dying.deliver_due()
    one, two, three = rows(sessions)
    assert one.status == "sent" and two.status == "sending" and three.status == "sending"

    # Another worker takes over. Meta's echo of "two" arrives and is matched by its metadata.
    survivor = Delivery(sessions, lambda page: client, clock=clock, send_timeout=SEND_TIMEOUT)
    survivor.deliver_due()
    assert texts_to(graph, "p1") == ["one", "two"], "sent again before its outcome was known"
    [echo_two] = [e for e in graph.take_echoes() if _echo_text(e) == "two"]
    with sessions() as session, session.begin():
        message = echo_two["entry"][0]["messaging"][0]["message"]
        assert repository.confirm_echo(
            session, outbox_id_from(message["metadata"]), "page", "p1", message["mid"], clock.now
        )
    clock.now += survivor.claim_expiry + timedelta(seconds=1)
    run(survivor, clock, seconds=5)
    assert texts_to(graph, "p1") == ["one", "two", "three"]
    assert [r.status for r in rows(sessions)] == ["sent"] * 3
    assert rows(sessions)[1].echoed_at is not None


def test_a_claim_left_by_a_dead_worker_is_sent_again_after_the_stated_time_without_an_echo(
    sessions, client, graph, clock
):
    enqueue(sessions, ["only"])

    class DiesBeforeSending:
        def send_message(self, *args, **kwargs):
            raise Crash

        def send_action(self, psid, action):
            raise AssertionError("one message: no typing indicator")

    with pytest.raises(Crash):
        Delivery(sessions, lambda page: DiesBeforeSending(), clock=clock).deliver_due()
    survivor = Delivery(sessions, lambda page: client, clock=clock, send_timeout=SEND_TIMEOUT)
    clock.now += survivor.claim_expiry - timedelta(seconds=1)
    survivor.deliver_due()
    assert graph.messages_to("p1") == [], "resent while its echo could still come"
    clock.now += timedelta(seconds=2)
    survivor.deliver_due()
    [row] = rows(sessions)
    assert texts_to(graph, "p1") == ["only"]
    assert row.status == "sent" and row.resends == 1  # the recovery is counted


def test_after_a_long_outage_the_queue_resumes_in_order_and_nothing_is_given_up(
    sessions, delivery, graph, clock
):
    enqueue(sessions, ["first", "second", "third"])
    enqueue(sessions, ["other"], psid="p2")
    graph.set_fault(Fault("500"))
    run(delivery, clock, seconds=2 * 3600, step=60)  # two hours of Graph answering 500
    calls = len(graph.requests)
    # One probe a round (typing dots and one message), not every queue every round.
    assert calls <= 2 * (2 * 3600 / 60) + 3, "the Page was not paused during the outage"
    with sessions() as session:
        assert session.query(OutboxMessage).filter_by(status="failed").count() == 0
        assert session.get(PagePause, "page").strikes >= 3
    graph.set_fault(None)
    run(delivery, clock, seconds=20)  # within one pause of the outage's end
    assert texts_to(graph, "p1") == ["first", "second", "third"]
    assert texts_to(graph, "p2") == ["other"]
    with sessions() as session:
        assert session.get(PagePause, "page") is None


def test_a_message_waiting_through_an_outage_is_given_up_when_the_window_closes(
    sessions, delivery, graph, clock
):
    enqueue(sessions, ["too late"])
    graph.set_fault(Fault("500"))
    run(delivery, clock, seconds=25 * 3600, step=1800)
    [row] = rows(sessions)
    assert row.status == "failed" and row.failure_reason == "window_closed"
    with sessions() as session:
        assert repository.count_given_up_messages(session) == 1


@pytest.mark.parametrize("subcode", [2018278, 2018065])
def test_outside_the_window_holds_the_persons_queue_and_sends_nothing_more(
    sessions, delivery, graph, clock, subcode
):
    conversation_id = enqueue(sessions, ["late", "later", "latest"])
    graph.queue_error(10, subcode)  # the typing indicator
    graph.queue_error(10, subcode)
    run(delivery, clock, seconds=3600, step=60)
    assert len([r for r in calls_to(graph, "p1") if "message" in r["body"]]) == 1
    assert [r.status for r in rows(sessions)] == ["held"] * 3
    with sessions() as session:
        assert session.get(Conversation, conversation_id).delivery_failure == "outside_window"
        assert session.query(Respondent).one().unreachable_reason == "outside_window"
        released = repository.release_person(session, "page", "p1", clock.now + timedelta(days=1))
        session.commit()
    assert released == 3
    delivery.deliver_due()
    assert texts_to(graph, "p1") == ["late", "later", "latest"]


def test_a_person_unavailable_is_held_while_others_are_served(sessions, delivery, graph, clock):
    enqueue(sessions, ["a", "b"], psid="gone")
    enqueue(sessions, ["c"], psid="here")
    graph.set_fault(Fault("551", psids=frozenset({"gone"})))
    run(delivery, clock, seconds=120, step=10)
    assert len([r for r in calls_to(graph, "gone") if "message" in r["body"]]) == 1
    assert texts_to(graph, "here") == ["c"]
    assert {r.status for r in rows(sessions, "gone")} == {"held"}
    assert {r.failure_reason for r in rows(sessions, "gone")} == {"unavailable"}


def test_a_rate_limit_pauses_the_whole_page_not_one_message(sessions, delivery, graph, clock):
    for psid in ("p1", "p2", "p3"):
        enqueue(sessions, [f"hello {psid}"], psid=psid)
    graph.queue_error(613, http_status=429)
    delivery.deliver_due()
    assert len(graph.requests) == 1, "other people's messages were tried on a rate-limited Page"
    with sessions() as session:
        pause = session.get(PagePause, "page")
        assert pause.reason == "rate_limit" and pause.paused_until > clock.now
    delivery.deliver_due()
    assert len(graph.requests) == 1, "sent during the pause"
    clock.now += timedelta(seconds=2)
    delivery.deliver_due()
    assert [texts_to(graph, p) for p in ("p1", "p2", "p3")] == [
        ["hello p1"],
        ["hello p2"],
        ["hello p3"],
    ]
    assert {r.status for p in ("p1", "p2", "p3") for r in rows(sessions, p)} == {"sent"}


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_every_rate_limit_code_pauses_the_page_with_growing_backoff(
    sessions, delivery, graph, clock, code
):
    enqueue(sessions, ["hello"])
    pauses = []
    for _ in range(4):
        graph.queue_error(code)
        delivery.deliver_due()
        with sessions() as session:
            pause = session.get(PagePause, "page")
            pauses.append(pause.paused_until - clock.now)
            clock.now = pause.paused_until
    assert pauses == sorted(pauses) and pauses[-1] > pauses[0]
    delivery.deliver_due()
    assert texts_to(graph, "p1") == ["hello"] and rows(sessions)[0].status == "sent"


def test_a_refused_token_stops_the_page_and_loses_nothing(sessions, graph, clock):
    enqueue(sessions, ["one", "two"])
    wrong = MessengerClient("revoked-token", graph.url, timeout=SEND_TIMEOUT)
    clients = {"now": wrong}
    delivery = Delivery(sessions, lambda page: clients["now"], clock=clock)
    run(delivery, clock, seconds=50, step=5)
    assert len([r for r in graph.requests if "message" in r["body"]]) == 1  # one probe
    assert {r.status for r in rows(sessions)} == {"queued"}
    clients["now"] = MessengerClient("tok", graph.url, timeout=SEND_TIMEOUT)  # token rotated
    run(delivery, clock, seconds=60, step=5)
    assert texts_to(graph, "p1") == ["one", "two"]


def test_an_invalid_message_fails_alone_and_the_next_one_goes(sessions, delivery, graph):
    enqueue(sessions, ["x" * 2001, "fine"])
    delivery.deliver_due()
    assert texts_to(graph, "p1") == ["fine"]
    invalid = rows(sessions)[0]
    assert invalid.status == "failed" and invalid.failure_reason == "invalid"


def test_a_goodbye_without_conversation_leaves_no_psid_once_delivered(sessions, delivery, graph):
    enqueue(sessions, ["Your answers were deleted."], conversation=False)
    assert delivery.deliver_due() == 1
    with sessions() as session:
        assert session.query(OutboxMessage).count() == 0


def test_a_timed_out_send_waits_for_its_echo_before_it_is_sent_again(
    sessions, delivery, graph, clock
):
    enqueue(sessions, ["slow"])
    graph.queue_slow_answer(SEND_TIMEOUT + 0.5)  # delivered, answered too late
    delivery.deliver_due()
    [row] = rows(sessions)
    assert row.status == "unconfirmed"
    clock.now += ECHO_WAIT - timedelta(seconds=1)
    delivery.deliver_due()
    assert len(graph.delivered()) == 1  # not sent again while its echo may come
    clock.now += timedelta(seconds=2)
    run(delivery, clock, seconds=3)  # no echo came: the recovery rule sends it again
    assert texts_to(graph, "p1") == ["slow", "slow"]
    assert rows(sessions)[0].resends == 1


def _echo_text(body):
    return body["entry"][0]["messaging"][0]["message"].get("text")
