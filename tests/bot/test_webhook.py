"""The webhook contract, with payloads shaped exactly like Meta's."""

from __future__ import annotations

import json
import time

from bot.models import Conversation, InboxEvent, OutboxMessage
from tests.bot.conftest import count, run_worker


def test_subscription_handshake_returns_the_challenge(client):
    response = client.get(
        "/webhook?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444"
    )
    assert response.status_code == 200
    assert response.data == b"1158201444"


def test_subscription_with_a_wrong_token_is_refused(client):
    response = client.get("/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
    assert response.status_code == 403


def test_unsigned_body_is_refused_and_nothing_is_stored(client, db, fixture_bytes):
    response = client.post("/webhook", data=fixture_bytes("text_message.json"))
    assert response.status_code == 403
    assert count(db, InboxEvent) == 0


def test_body_signed_with_another_secret_is_refused(signed_post, db, fixture_bytes):
    response = signed_post(fixture_bytes("text_message.json"), secret="not-the-app-secret")
    assert response.status_code == 403
    assert count(db, InboxEvent) == 0


def test_signature_covers_the_exact_bytes(client, db, fixture_bytes):
    from bot.messenger.signature import sign
    from tests.conftest import APP_SECRET

    raw = fixture_bytes("text_message.json")
    reserialised = json.dumps(json.loads(raw)).encode()
    response = client.post(
        "/webhook", data=reserialised, headers={"X-Hub-Signature-256": sign(APP_SECRET, raw)}
    )
    assert response.status_code == 403
    assert count(db, InboxEvent) == 0


def test_a_body_that_is_not_a_page_event_gets_400(signed_post, db, fixture_bytes):
    response = signed_post(fixture_bytes("not_a_page_event.json"))
    assert response.status_code == 400
    assert count(db, InboxEvent) == 0


def test_a_body_over_one_mebibyte_gets_413(signed_post, db):
    response = signed_post(b'{"object":"page","entry":[]}' + b" " * (1024 * 1024))
    assert response.status_code == 413
    assert count(db, InboxEvent) == 0


def test_every_event_of_a_batch_is_stored_once_even_when_delivered_twice(
    signed_post, db, fixture_bytes
):
    body = fixture_bytes("batched_two_entries.json")
    assert signed_post(body).status_code == 200
    assert signed_post(body).status_code == 200
    stored = db.query(InboxEvent).order_by(InboxEvent.id).all()
    assert [e.dedup_key for e in stored] == ["mid:m_B1", "mid:m_B2", "mid:m_B3"]


def test_echoes_deliveries_reads_and_standby_stay_out_of_the_conversation(
    signed_post, db, fixture_bytes
):
    for name in ("echo.json", "delivery.json", "read.json", "standby.json"):
        assert signed_post(fixture_bytes(name)).status_code == 200, name
    assert count(db, InboxEvent) == 0


def test_referral_without_mid_is_deduplicated_on_its_own_key(signed_post, db, fixture_bytes):
    body = fixture_bytes("referral_returning_user.json")
    signed_post(body)
    signed_post(body)
    assert count(db, InboxEvent) == 1


def test_get_started_with_ref_starts_a_conversation_attributed_to_the_department(
    app, signed_post, db, graph, fixture_bytes
):
    body = json.loads(fixture_bytes("get_started_with_ref.json"))
    body["entry"][0]["messaging"][0]["timestamp"] = int(time.time() * 1000)  # a fresh visit
    assert signed_post(body).status_code == 200
    run_worker(app)
    conversation = db.query(Conversation).one()
    assert conversation.department == "moh-princess-marina"
    assert conversation.status == "active"
    sent = graph.requests
    assert sent, "the bot answered nothing"
    assert all(r["body"]["recipient"]["id"] == "7001234567890123" for r in sent)
    messages = [r["body"] for r in sent if "message" in r["body"]]
    assert messages and all(m["messaging_type"] == "RESPONSE" for m in messages)
    assert db.query(OutboxMessage).filter(OutboxMessage.sent_at.is_(None)).count() == 0


def test_each_person_of_a_batch_gets_their_own_conversation(app, signed_post, db, fixture_bytes):
    signed_post(fixture_bytes("batched_two_entries.json"))
    run_worker(app)
    assert count(db, Conversation) == 2
    assert db.query(InboxEvent).filter(InboxEvent.processed_at.is_(None)).count() == 0


def test_sticker_from_a_new_person_starts_the_survey(app, signed_post, db, fixture_bytes):
    signed_post(fixture_bytes("sticker_and_image.json"))
    run_worker(app)
    assert count(db, Conversation) == 1
