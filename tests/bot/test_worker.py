"""The worker sorts its errors and never strands a person.

A transient database error is retried without blaming the event; a bug in one turn closes
that interview cleanly and never blocks the person's later messages; a flow version that
removes the question a conversation is parked on neither; two workers never handle one
person at once; and no transaction is open while the NLU or Graph is called.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from bot import repository
from bot import worker as worker_module
from bot.app import close_services
from bot.clock import utcnow
from bot.config import DEFAULT_FLOW
from bot.db import make_engine, make_session_factory
from bot.delivery import Delivery
from bot.models import Conversation, InboxEvent, OutboxMessage, Respondent
from bot.worker import Worker
from nlu.keywords import KeywordClassifier
from tests.bot.conftest import count, run_worker
from tests.support.graph_double import Fault
from tests.support.person import Person, answers

OLD_VERSION = "2026.11.1"
NEW_VERSION = "2026.12.1"


@pytest.fixture
def worker(app):
    return app.extensions["worker"]


def _new_version(tmp_path: Path, rename_age_to: str | None, migrate: bool = False) -> Path:
    """Write a later version of the flow that removes (or renames) the age question."""
    text = DEFAULT_FLOW.read_text(encoding="utf-8")
    assert f'version: "{OLD_VERSION}"' in text
    text = text.replace(f'version: "{OLD_VERSION}"', f'version: "{NEW_VERSION}"')
    if rename_age_to is None:
        text = re.sub(r"\n  - id: age_band\n.*?(?=\n  # --- Healthcare)", "", text, flags=re.S)
    else:
        text = text.replace("- id: age_band", f"- id: {rename_age_to}")
    if migrate:
        target = rename_age_to or "null"
        text += f'\nmigrate_from:\n  "{OLD_VERSION}": {{age_band: {target}}}\n'
    path = tmp_path / "flows" / "sdg16_6_2.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _keep_old_version(flow_file: Path) -> None:
    kept = flow_file.parent / "previous" / "sdg16_6_2" / f"{OLD_VERSION}.yaml"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(DEFAULT_FLOW.read_text(encoding="utf-8"), encoding="utf-8")


def _deploy(settings, graph, flow_file: Path):
    from bot.app import create_app

    return create_app(settings.with_overrides(graph_api_url=graph.url, flow_file=str(flow_file)))


def _parked_on_age(app, signed_post, graph, psid="psid-parked") -> Person:
    person = Person(app, signed_post, graph, psid)
    person.open_link()
    person.tap(index=0)  # consent
    person.tap("English")
    assert "How old" in person.last_text()
    return person


# --- flow versions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapped", "reason"),
    [(True, "question_removed"), (False, "flow_version_unavailable")],
)
def test_a_question_removed_by_a_new_version_closes_the_interview_and_never_blocks_the_person(
    app, settings, signed_post, graph, db, tmp_path, mapped, reason
):
    person = _parked_on_age(app, signed_post, graph)
    flow_file = _new_version(tmp_path, rename_age_to=None, migrate=mapped)
    deployed = _deploy(settings, graph, flow_file)
    person.app = deployed
    person.tap("25-34")  # the old button, after the deploy
    assert "has to end here" in person.last_text()
    db.rollback()
    ended = db.query(Conversation).one()
    assert (ended.status, ended.end_reason) == ("ended", reason)
    assert [a.question_id for a in answers(db)] == ["consent", "language"]  # kept
    assert db.query(InboxEvent).filter(InboxEvent.error.is_not(None)).count() == 0

    person.type("hello")  # the next message starts afresh, on the new version
    assert [o["title"] for o in person.buttons()] == ["Yes", "No"]
    db.rollback()
    latest = db.query(Conversation).order_by(Conversation.id.desc()).first()
    assert latest.status == "active" and latest.flow_version == NEW_VERSION
    close_services(deployed)


def test_a_conversation_finishes_on_the_version_it_started_with_when_that_version_is_kept(
    app, settings, signed_post, graph, db, tmp_path
):
    person = _parked_on_age(app, signed_post, graph)
    flow_file = _new_version(tmp_path, rename_age_to=None)
    _keep_old_version(flow_file)
    deployed = _deploy(settings, graph, flow_file)
    person.app = deployed
    person.tap("25-34")
    person.tap(index=0)  # the first healthcare question
    rows = answers(db)
    assert [a.question_id for a in rows][:3] == ["consent", "language", "age_band"]
    assert {a.flow_version for a in rows} == {OLD_VERSION}
    db.rollback()
    assert db.query(Conversation).one().flow_version == OLD_VERSION
    close_services(deployed)


def test_a_migration_map_moves_a_conversation_to_the_renamed_question(
    app, settings, signed_post, graph, db, tmp_path
):
    person = _parked_on_age(app, signed_post, graph)
    flow_file = _new_version(tmp_path, rename_age_to="age_group", migrate=True)
    deployed = _deploy(settings, graph, flow_file)
    person.app = deployed
    person.tap("25-34")  # an old button: the question now has another id, so it is asked again
    assert "How old" in person.last_text()
    person.tap("25-34")
    age = answers(db)[-1]
    assert (age.question_id, age.code, age.flow_version) == ("age_group", 2, NEW_VERSION)
    db.rollback()
    moved = db.query(Conversation).one()
    assert moved.flow_version == NEW_VERSION and moved.status == "active"
    close_services(deployed)


def test_flows_validate_db_warns_about_conversations_a_new_version_would_strand(
    app, settings, signed_post, graph, tmp_path
):
    _parked_on_age(app, signed_post, graph)
    flow_file = _new_version(tmp_path, rename_age_to=None)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["flows", "validate", "--db", str(flow_file)])
    assert result.exit_code == 0, result.output
    assert "warning: 1 unfinished conversation(s)" in result.output
    assert "'age_band'" in result.output and f"version {OLD_VERSION} is not kept" in result.output
    strict = runner.invoke(args=["flows", "validate", "--db", "--strict", str(flow_file)])
    assert strict.exit_code == 1

    _keep_old_version(flow_file)
    kept = runner.invoke(args=["flows", "validate", "--db", "--strict", str(flow_file)])
    assert kept.exit_code == 0 and "warning" not in kept.output
    assert f"finish on version {OLD_VERSION}" in kept.output


# --- the error taxonomy ------------------------------------------------------------------


def test_a_bug_in_one_turn_ends_that_interview_politely_and_later_messages_go_on(
    app, signed_post, graph, db, worker
):
    person = Person(app, signed_post, graph, "psid-bug")
    person.open_link()
    person.tap(index=0)  # consent
    with app.extensions["sessions"]() as session, session.begin():
        conversation = session.query(Conversation).one()
        broken = dict(conversation.state)
        del broken["lang"]  # a state the engine cannot work with: a bug, every time
        conversation.state = broken
    other = Person(app, signed_post, graph, "psid-fine")
    other.open_link(process=False)
    person.tap("English")  # runs the worker: both people's events in one round
    assert "has to end here" in person.last_text()
    assert other.buttons(), "another person's failing turn held this one up"
    db.rollback()
    failed = db.query(InboxEvent).filter(InboxEvent.error.is_not(None)).one()
    assert failed.attempts == 1 and failed.processed_at is not None and "KeyError" in failed.error
    ended = db.query(Conversation).filter_by(status="ended").one()
    assert ended.end_reason == "error"
    assert [a.question_id for a in answers(db)] == ["consent"]  # kept

    person.type("hello again")  # not blocked: a new interview starts
    assert [o["title"] for o in person.buttons()] == ["Yes", "No"]
    db.rollback()
    assert db.query(InboxEvent).filter(InboxEvent.processed_at.is_(None)).count() == 0


def test_a_database_that_keeps_failing_is_retried_without_charging_the_event(
    app, signed_post, graph, db, worker, monkeypatch
):
    person = Person(app, signed_post, graph, "psid-transient")
    person.open_link()
    failures = {"left": 8}  # more than any attempt limit
    real = worker_module.handle_event

    def flaky(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise sa_exc.OperationalError(
                "UPDATE ...", {}, Exception("server closed the connection")
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(worker_module, "handle_event", flaky)
    person.tap(index=0, process=False)
    for _ in range(8):
        with pytest.raises(sa_exc.OperationalError):
            worker.run_once()  # run_forever backs off and tries again
    run_worker(app)
    db.rollback()
    event = db.query(InboxEvent).order_by(InboxEvent.id.desc()).first()
    assert event.processed_at is not None and event.attempts == 0 and event.error is None
    assert [a.question_id for a in answers(db)] == ["consent"]
    assert "language" in person.last_text().lower()


def test_the_worker_loop_backs_off_on_transient_errors_and_goes_on(app, worker, monkeypatch):
    calls = []

    def down():
        calls.append(1)
        if len(calls) < 3:
            raise sa_exc.OperationalError("SELECT 1", {}, Exception("connection refused"))
        worker.stop()
        return 0

    monkeypatch.setattr(worker, "run_once", down)
    waits = []
    real_wait = worker._stop.wait
    monkeypatch.setattr(worker._stop, "wait", lambda t: waits.append(t) or real_wait(0))
    worker.run_forever()
    assert len(calls) == 3 and waits[0] < waits[1]  # backing off, then back to work


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (sa_exc.OperationalError("x", {}, Exception("database is locked")), True),
        (sa_exc.InterfaceError("x", {}, Exception("connection already closed")), True),
        (sa_exc.DataError("x", {}, Exception("invalid byte sequence")), False),
        (sa_exc.IntegrityError("x", {}, Exception("duplicate key")), False),
        (KeyError("lang"), False),
    ],
)
def test_errors_are_sorted_into_transient_and_deterministic(error, transient):
    assert worker_module.is_transient(error) is transient


# --- echoes and held messages ------------------------------------------------------------


def test_a_send_that_timed_out_is_matched_by_its_echo_and_never_sent_again(
    settings, graph, signed_post, db
):
    from bot.app import create_app

    app = create_app(settings.with_overrides(graph_api_url=graph.url, send_timeout=0.3))
    person = Person(app, signed_post, graph, "psid-slow")
    person.open_link(process=False)
    graph.queue_slow_answer(0.6)  # the typing indicator
    graph.queue_slow_answer(0.6)  # the introduction arrives, but its answer comes too late
    run_worker(app, rounds=1)
    db.rollback()
    intro = db.query(OutboxMessage).order_by(OutboxMessage.id).first()
    assert intro.status == "unconfirmed"
    for echo in graph.take_echoes():
        assert signed_post(echo).status_code == 200  # Meta posts the echo to the webhook
    run_worker(app)
    db.rollback()
    intro = db.get(OutboxMessage, intro.id)
    assert intro.status == "sent" and intro.echoed_at is not None
    app.extensions["delivery"].recover(utcnow() + timedelta(hours=1), force=True)
    run_worker(app)
    texts = [m["text"] for m in graph.messages_to("psid-slow")]
    assert len(texts) == len(set(texts)), f"a message arrived twice: {texts}"
    assert db.query(Respondent).count() == 1  # the echo ran no survey turn
    close_services(app)


def test_a_person_unavailable_gets_the_held_messages_in_order_when_they_write_again(
    app, signed_post, graph, db
):
    person = Person(app, signed_post, graph, "psid-away")
    person.open_link()
    graph.set_fault(Fault("551", psids=frozenset({"psid-away"})))
    person.tap(index=0)  # consent: the language question cannot be delivered
    db.rollback()
    assert db.query(Respondent).one().unreachable_reason == "unavailable"
    assert db.query(Conversation).one().delivery_failure == "unavailable"
    held = db.query(OutboxMessage).filter_by(status="held").count()
    assert held >= 1
    graph.set_fault(None)
    run_worker(app)
    assert "language" not in person.last_text().lower()  # still held: they have not written

    person.type("hello?")  # they write again: what was held goes first, in order
    texts = [m["text"] for m in graph.messages_to("psid-away")]
    assert "Which language" in texts[-2] and "Which language" in texts[-1]  # held, then re-ask
    db.rollback()
    assert db.query(Respondent).one().unreachable_reason is None
    assert db.query(Conversation).one().delivery_failure is None
    assert db.query(OutboxMessage).filter_by(status="held").count() == 0


# --- concurrency and transactions --------------------------------------------------------


def test_two_workers_racing_on_one_person_handle_each_event_once_and_in_order(
    app, signed_post, graph, db, settings
):
    person = Person(app, signed_post, graph, "psid-race")
    person.open_link("moh-princess-marina", process=False)  # healthcare first
    person.tap_payload("Yes", "A:consent:1")
    person.tap_payload("English", "A:language:1")
    person.tap_payload("25-34", "A:age_band:2")
    person.tap_payload("Yes", "A:hc_need:1")

    second_engine = make_engine(settings.database_url)
    first = app.extensions["worker"]
    sessions = make_session_factory(second_engine, writer=True)
    delivery = Delivery(sessions, first.delivery.sender_for_page)
    second = Worker(sessions, first.deps, delivery)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def race(worker: Worker) -> None:
        try:
            start.wait()
            for _ in range(15):
                worker.run_once()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=race, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    second_engine.dispose()
    assert not errors, errors
    rows = answers(db)
    assert [(a.question_id, a.code) for a in rows if a.method == "button"] == [
        ("consent", 1),
        ("language", 1),
        ("age_band", 2),
        ("hc_need", 1),
    ]
    db.rollback()
    assert db.query(InboxEvent).filter(InboxEvent.processed_at.is_(None)).count() == 0
    assert db.query(InboxEvent).filter(InboxEvent.error.is_not(None)).count() == 0
    texts = [m["text"] for m in graph.messages_to("psid-race")]
    assert len(texts) == len(set(texts)), f"a reply was sent twice: {texts}"
    assert count(db, Conversation) == 1


def _write_lock_is_free(database_url: str) -> bool:
    """Return whether another connection could take SQLite's write lock right now."""
    probe = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def test_no_transaction_holds_the_write_lock_while_the_nlu_or_graph_is_called(
    app, signed_post, graph, db, settings
):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock is what the webhook waits for; see the SQLite run")
    seen: list[tuple[str, bool]] = []

    class Probing(KeywordClassifier):
        def classify(self, text, expected, lang):
            seen.append(("nlu", _write_lock_is_free(settings.database_url)))
            return super().classify(text, expected, lang)

    worker = app.extensions["worker"]
    worker.deps = dataclasses.replace(worker.deps, classifier=Probing())
    real_sender = worker.delivery.sender_for_page

    class ProbingSender:
        def __init__(self, page):
            self.inner = real_sender(page)

        def send_message(self, *args, **kwargs):
            seen.append(("graph", _write_lock_is_free(settings.database_url)))
            return self.inner.send_message(*args, **kwargs)

        def send_action(self, psid, action):
            self.inner.send_action(psid, action)

    worker.delivery.sender_for_page = ProbingSender
    person = Person(app, signed_post, graph, "psid-lock")
    person.open_link()
    person.tap(index=0)
    person.type("purple elephants")  # typed, not a button title: read by the NLU
    assert {kind for kind, _ in seen} == {"nlu", "graph"}
    assert all(free for _, free in seen), f"a call was made inside a write transaction: {seen}"
    assert "did not understand" in person.last_text()  # the turn ran on the reading


def test_repository_counts_given_up_messages(app, db):
    with app.extensions["sessions"]() as session, session.begin():
        for status, is_test in (("failed", False), ("failed", True), ("sent", False)):
            session.add(
                OutboxMessage(
                    page_id="p",
                    psid="x",
                    message={"text": "t"},
                    created_at=utcnow(),
                    next_attempt_at=utcnow(),
                    expires_at=utcnow(),
                    status=status,
                    is_test=is_test,
                )
            )
    with app.extensions["sessions"]() as session:
        assert repository.count_given_up_messages(session) == 1
