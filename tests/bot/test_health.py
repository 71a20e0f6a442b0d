"""/healthz tells the truth (defect 7): the NLU as the worker saw it, given-up messages,
set-aside and malformed events, a silent worker, work waiting too long, and a database that
is locked or does not answer, reported within about a second instead of hanging."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from bot.app import close_services
from bot.clock import utcnow
from bot.db import normalise_url
from bot.models import InboxEvent, OutboxMessage, WorkerHeartbeat
from tests.support.person import Person

QUICK = 2.0  # seconds: /healthz answers within ~1 s; a hang was 10 to 30 s


def health(client) -> tuple[dict, int]:
    response = client.get("/healthz")
    return response.get_json(), response.status_code


def add(app, *rows) -> None:
    with app.extensions["sessions"]() as session, session.begin():
        session.add_all(rows)


def test_a_fresh_service_is_ok(client):
    report, status = health(client)
    assert status == 200 and report["status"] == "ok" and report["database"] == "ok"
    assert report["problems"] == [] and report["inbox_backlog"] == 0
    assert report["nlu"].startswith("unknown") and report["worker"] == "not seen yet"


def test_the_nlu_is_reported_as_the_worker_process_saw_it(settings, graph, signed_post, client):
    """In production the worker runs in another process: the web process's own classifier
    never reads a typed answer, and said "ok" while the worker ran on keywords."""
    from bot.app import create_app

    worker_process = create_app(settings.with_overrides(graph_api_url=graph.url))
    try:
        person = Person(worker_process, signed_post, graph, "psid-nlu")
        person.open_link()
        person.type("I think so, yes")  # Rasa is unreachable: the worker uses its keywords
        report, status = health(client)
    finally:
        close_services(worker_process)
    assert report["nlu"] == "degraded" and report["worker"] == "ok"
    assert status == 503 and report["status"] == "degraded"
    assert any("keyword fallback" in problem for problem in report["problems"])


def test_a_given_up_message_turns_health_degraded(app, client):
    now = utcnow()
    add(
        app,
        OutboxMessage(
            page_id="p", psid="q", message={"text": "hi"}, created_at=now, next_attempt_at=now,
            attempts=5, status="failed", failed_at=now, failure_reason="unknown", expires_at=now,
            error="HTML with status 200",
        ),
    )  # fmt: skip
    report, status = health(client)
    assert status == 503 and report["status"] == "degraded"
    assert report["given_up_messages"] == 1
    assert "1 messages were given up" in report["problems"]


def test_a_set_aside_event_turns_health_degraded(app, client):
    now = utcnow()
    add(
        app,
        InboxEvent(
            dedup_key="mid:x", page_id="p", psid="q", kind="message", event={}, event_time=0,
            received_at=now, processed_at=now, attempts=5, error="KeyError: 'q1'",
        ),
    )  # fmt: skip
    report, status = health(client)
    assert status == 503 and report["set_aside_events"] == 1


def test_malformed_events_are_counted(client, signed_post):
    assert (
        signed_post({"object": "page", "entry": [{"id": "1", "messaging": 5}]}).status_code == 200
    )
    report, status = health(client)
    assert status == 503
    assert report["malformed_events"] == report["malformed_events_last_day"] == 1


def test_an_event_waiting_too_long_and_a_silent_worker_are_problems(app, client):
    long_ago = utcnow() - timedelta(minutes=10)
    add(
        app,
        InboxEvent(
            dedup_key="mid:y", page_id="p", psid="q", kind="message", event={}, event_time=0,
            received_at=long_ago, attempts=0,
        ),
        WorkerHeartbeat(worker="host:1", nlu="ok", seen_at=long_ago),
    )  # fmt: skip
    report, status = health(client)
    assert status == 503
    assert report["oldest_waiting_inbox_age_s"] >= 600
    assert report["worker"].startswith("silent for")
    assert any("no worker has reported" in p for p in report["problems"])
    assert any("has waited" in p for p in report["problems"])


def test_a_write_locked_database_is_reported_quickly(app, client, database_url):
    """SQLite write-locked: /healthz said ok. A locked PostgreSQL table: it hung for 30 s."""
    release = threading.Event()
    locked = threading.Event()

    def hold_lock() -> None:
        if database_url.startswith("sqlite"):
            connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
            connection.isolation_level = None
            connection.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(10)
            connection.execute("ROLLBACK")
            connection.close()
            return
        engine = create_engine(normalise_url(database_url))
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE inbox_events IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(10)
        engine.dispose()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        report, status = health(client)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join()
    assert status == 503 and report["status"] == "down"
    assert report["database"] != "ok"
    assert elapsed < QUICK, f"/healthz took {elapsed:.1f} s"
    assert health(client)[1] == 200  # and recovers once the lock is gone


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_database_that_does_not_answer_is_reported_within_a_second(settings, silent_server):
    from bot.app import create_app

    hung = settings.with_overrides(database_url=f"postgresql://x@127.0.0.1:{silent_server}/db")
    app = create_app(hung)
    try:
        started = time.monotonic()
        report, status = health(app.test_client())
        elapsed = time.monotonic() - started
    finally:
        close_services(app)
    assert status == 503 and report["database"].startswith("not answering")
    assert elapsed < QUICK, f"/healthz took {elapsed:.1f} s"


def test_livez_answers_while_the_process_serves(client):
    assert client.get("/livez").status_code == 200
