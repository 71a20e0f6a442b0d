"""Signatures and webhook parsing, against payloads shaped like Meta's."""

from __future__ import annotations

import json

import pytest

from bot.messenger.events import PayloadError, parse_payload
from bot.messenger.signature import sign, verify_signature
from bot.messenger.signed_request import (
    SignedRequestError,
    make_signed_request,
    parse_signed_request,
)
from tests.conftest import FIXTURES


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"shared fixtures not found at {FIXTURES}")
    return path.read_bytes()


def test_signature_of_the_raw_bytes_is_accepted_and_anything_else_refused():
    body = fixture("text_message.json")
    header = sign("secret", body)
    assert verify_signature("secret", body, header)
    assert not verify_signature("other", body, header)
    assert not verify_signature("secret", body + b" ", header)
    assert not verify_signature("secret", body, None)
    assert not verify_signature("secret", body, "sha1=" + header[7:])
    assert not verify_signature("secret", body, "sha256=not-hex")


def test_a_batch_yields_every_event_of_every_entry_in_order():
    batch = parse_payload(fixture("batched_two_entries.json"))
    assert [(e.psid, e.kind, e.dedup_key) for e in batch.events] == [
        ("7001234567890123", "message", "mid:m_B1"),
        ("7009876543210987", "postback", "mid:m_B2"),
        ("7001234567890123", "message", "mid:m_B3"),
    ]
    assert batch.events[2].text == "ga ke itse"


def test_quick_reply_payload_and_get_started_referral_are_read():
    [tap] = parse_payload(fixture("quick_reply.json")).events
    assert tap.payload == "ANSWER:hc_accessibility:2" and tap.text == "Agree"
    [start] = parse_payload(fixture("get_started_with_ref.json")).events
    assert start.payload == "GET_STARTED" and start.ref == "moh-princess-marina"


def test_returning_user_referral_has_a_key_without_mid():
    [event] = parse_payload(fixture("referral_returning_user.json")).events
    assert event.kind == "referral" and event.ref
    assert event.dedup_key.startswith(f"{event.page_id}:{event.psid}:referral:")


@pytest.mark.parametrize("name", ["echo.json", "delivery.json", "read.json", "standby.json"])
def test_non_conversation_items_are_ignored(name):
    batch = parse_payload(fixture(name))
    assert batch.events == () and batch.ignored >= 1


def test_sticker_is_a_message_without_text():
    [event] = parse_payload(fixture("sticker_and_image.json")).events
    assert event.kind == "message" and event.text is None and event.payload is None


def test_not_a_page_event_and_garbage_are_payload_errors():
    with pytest.raises(PayloadError):
        parse_payload(fixture("not_a_page_event.json"))
    with pytest.raises(PayloadError):
        parse_payload(b"\xff not json")


def test_an_invalid_ref_is_ignored_not_an_error():
    document = json.loads(fixture("get_started_with_ref.json"))
    document["entry"][0]["messaging"][0]["postback"]["referral"]["ref"] = "bad ref <script>"
    [event] = parse_payload(json.dumps(document).encode()).events
    assert event.ref is None and event.payload == "GET_STARTED"


def test_signed_request_round_trip_and_tampering():
    signed = make_signed_request({"algorithm": "HMAC-SHA256", "user_id": "42"}, "secret")
    assert parse_signed_request(signed, "secret")["user_id"] == "42"
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed, "wrong")
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed.replace(".", ".x"), "secret")
    with pytest.raises(SignedRequestError):
        parse_signed_request("nodot", "secret")
