"""Whole conversations through the real pipeline: signed events in, Graph double out.

A test person reads the buttons the bot sent to the Graph double and taps one, as a phone
user would; the stored rows must hold exactly the codes of the buttons tapped.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.clock import utcnow
from bot.conversation import handle_event
from bot.models import (
    Answer,
    Conversation,
    Decline,
    InboxEvent,
    InterviewAnswers,
    InterviewRecord,
    OutboxMessage,
    Respondent,
)
from tests.bot.conftest import count, run_worker
from tests.support.person import Person, answers, complete_with_buttons


def test_buttons_only_survey_in_english_stores_exactly_the_codes_tapped(
    app, signed_post, graph, db
):
    person = Person(app, signed_post, graph, "psid-en")
    complete_with_buttons(person, "English")
    conversation = db.query(Conversation).one()
    assert conversation.status == "completed"
    assert conversation.department == "moh-princess-marina"
    assert conversation.block_order[0] == "healthcare"
    rows = answers(db)
    tapped_rows = {r.question_id: r.code for r in rows if r.method == "button"}
    assert tapped_rows == person.tapped
    areas = {r.service_area for r in rows}
    assert {"healthcare", "government_services", "demographics"} <= areas
    hc_overall = next(r for r in rows if r.question_id == "hc_overall")
    assert hc_overall.item == "overall" and hc_overall.attribute == "overall"
    assert all(r.lang == "en" and r.department == "moh-princess-marina" for r in rows)
    assert all(r.is_test is False for r in rows)


def test_buttons_only_survey_in_setswana_records_setswana_on_every_row(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-tn")
    complete_with_buttons(person, "Setswana")
    rows = answers(db)
    assert {r.question_id: r.code for r in rows if r.method == "button"} == person.tapped
    assert {r.lang for r in rows if r.question_id not in ("consent", "language")} == {"tn"}


def test_declining_consent_is_thanked_and_leaves_only_an_anonymous_tally(
    app, signed_post, graph, db
):
    person = Person(app, signed_post, graph, "psid-no")
    person.open_link("moh-princess-marina")
    no = [o["title"] for o in person.buttons()][1]
    person.tap(no)
    assert "thank" in person.last_text().lower()
    for model in (Answer, Conversation, Respondent, InboxEvent, OutboxMessage):
        assert count(db, model) == 0, model.__tablename__
    decline = db.query(Decline).one()
    assert decline.department == "moh-princess-marina" and decline.is_test is False
    person.type("hello again")  # changed their mind: asked for consent afresh
    assert [o["title"] for o in person.buttons()] == ["Yes", "No"]


def test_a_message_sent_after_a_refusal_is_read_even_when_it_waits_during_the_erasure(
    app, signed_post, graph, db
):
    person = Person(app, signed_post, graph, "psid-no-then-yes")
    person.open_link("moh-princess-marina")
    person.tap("No", process=False)
    person.type("sorry, I meant yes", process=False)
    worker = app.extensions["worker"]
    with worker.sessions() as session, session.begin():  # the refusal's turn alone
        refusal = session.scalars(
            select(InboxEvent).where(InboxEvent.processed_at.is_(None)).order_by(InboxEvent.id)
        ).first()
        handle_event(session, refusal, worker.deps, utcnow())
    db.rollback()
    assert [e.event.get("text") for e in db.query(InboxEvent)] == ["sorry, I meant yes"]
    run_worker(app)
    assert [o["title"] for o in person.buttons()] == ["Yes", "No"]  # asked for consent afresh


def test_delete_my_data_erases_the_person_from_every_table(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-del")
    person.open_link("moh-princess-marina")
    person.tap(index=0)  # consent
    person.tap("English")
    person.tap(index=0)
    assert answers(db)
    assert count(db, InterviewAnswers) == count(db, InterviewRecord) == 1  # built with the turn
    person.type("delete my data")
    person.tap(index=0)  # confirm: yes
    db.rollback()  # end the read: a SQLite transaction keeps its first snapshot
    for model in (Answer, Conversation, Respondent, InboxEvent, InterviewRecord, InterviewAnswers):
        assert count(db, model) == 0, model.__tablename__
    assert db.query(OutboxMessage).filter(OutboxMessage.sent_at.is_(None)).count() == 0
    assert "delet" in person.last_text().lower()


def test_a_repeated_batch_is_answered_once(app, signed_post, graph, db, fixture_bytes):
    body = fixture_bytes("get_started_with_ref.json")
    signed_post(body)
    run_worker(app)
    first = len(graph.requests)
    signed_post(body)
    run_worker(app)
    assert len(graph.requests) == first
    assert count(db, Conversation) == 1


def test_batches_delivered_out_of_order_reach_the_survey_in_the_order_they_happened(
    app, signed_post, graph, db
):
    def batch(timestamp: int, item: dict) -> dict:
        item.update(sender={"id": "psid-late"}, recipient={"id": "1"}, timestamp=timestamp)
        return {"object": "page", "entry": [{"id": "1", "time": timestamp, "messaging": [item]}]}

    start = {"postback": {"mid": "m-gs", "title": "Get Started", "payload": "GET_STARTED",
                          "referral": {"ref": "moh-princess-marina", "source": "SHORTLINK",
                                       "type": "OPEN_THREAD"}}}  # fmt: skip
    consent = {"message": {"mid": "m-yes", "text": "Yes",
                           "quick_reply": {"payload": "A:consent:1"}}}  # fmt: skip
    language = {"message": {"mid": "m-en", "text": "English",
                            "quick_reply": {"payload": "A:language:1"}}}  # fmt: skip
    # Meta sends the later taps first, and the consent batch twice.
    t = 1_763_800_000_000
    for body in (batch(t + 3000, language), batch(t + 2000, consent), batch(t + 1000, start),
                 batch(t + 2000, consent)):  # fmt: skip
        assert signed_post(body).status_code == 200
    run_worker(app)
    rows = answers(db)
    assert [(r.question_id, r.code) for r in rows] == [("consent", 1), ("language", 1)]
    assert db.query(Conversation).one().department == "moh-princess-marina"
    assert "How old are you?" in graph.messages_to("psid-late")[-1]["text"]


def test_stop_sends_nothing_more(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-stop")
    person.open_link()
    person.tap(index=0)
    person.type("stop")
    sent = len(graph.messages_to("psid-stop"))
    person.type("hello?")
    assert len(graph.messages_to("psid-stop")) == sent
    assert db.query(Conversation).one().status == "stopped"


def test_healthz_reports_database_backlog_and_degraded_nlu(client):
    response = client.get("/healthz")
    report = response.get_json()
    assert response.status_code == 200
    assert report["database"] == "ok" and report["inbox_backlog"] == 0
    assert report["nlu"].startswith(("ok", "degraded", "unknown"))


def test_data_deletion_callback_answers_url_and_code(client):
    from bot.messenger.signed_request import make_signed_request
    from tests.conftest import APP_SECRET

    fresh = {"algorithm": "HMAC-SHA256", "user_id": "123", "issued_at": int(time.time())}
    signed = make_signed_request(fresh, APP_SECRET)
    response = client.post("/facebook/data-deletion", data={"signed_request": signed})
    body = response.get_json()
    assert response.status_code == 200 and body["confirmation_code"]
    status = client.get(body["url"].replace("http://localhost", ""))
    assert status.status_code == 200 and body["confirmation_code"].encode() in status.data
    forged = make_signed_request({**fresh, "user_id": "1"}, "wrong")
    assert (
        client.post("/facebook/data-deletion", data={"signed_request": forged}).status_code == 400
    )


def test_simulator_chat_is_test_data_through_the_same_pipeline(app, client, db):
    response = client.post(
        "/simulator/api/events", json={"psid": "sim-abc", "action": "get_started", "ref": ""}
    )
    assert response.status_code == 200
    run_worker(app)
    messages = client.get("/simulator/api/messages?psid=sim-abc&after=0").get_json()["messages"]
    assert messages and messages[-1]["quick_replies"]
    tap = messages[-1]["quick_replies"][0]
    client.post("/simulator/api/events", json={"psid": "sim-abc", "action": "quick_reply", **tap})
    run_worker(app)
    db.rollback()  # end the read: a SQLite transaction keeps its first snapshot
    assert db.query(InboxEvent).count() == 2
    assert all(e.is_test for e in db.query(InboxEvent))
    assert all(r.is_test for r in db.query(Respondent))
