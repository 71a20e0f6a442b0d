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
    return (FIXTURES / name).read_bytes()


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


@pytest.mark.parametrize("name", ["delivery.json", "read.json", "standby.json"])
def test_non_conversation_items_are_ignored(name):
    batch = parse_payload(fixture(name))
    assert batch.events == () and batch.rejected == () and batch.ignored >= 1


def test_an_echo_is_an_event_of_the_page_to_the_person_with_its_metadata():
    [echo] = parse_payload(fixture("echo.json")).events
    assert (echo.kind, echo.dedup_key, echo.metadata) == ("echo", "mid:m_AbC5", "outbox:42")
    assert (echo.page_id, echo.psid) == ("112233445566778", "7001234567890123")
    assert echo.stored()["metadata"] == "outbox:42"


def test_an_echo_names_the_page_the_person_and_the_metadata_of_the_send():
    [event] = parse_payload(fixture("echo.json")).events
    assert event.kind == "echo" and event.dedup_key == "mid:m_AbC5"
    assert (event.page_id, event.psid) == ("112233445566778", "7001234567890123")
    assert event.metadata == "outbox:42"


def test_sticker_is_a_message_without_text():
    [event] = parse_payload(fixture("sticker_and_image.json")).events
    assert event.kind == "message" and event.text is None and event.payload is None


def test_only_a_body_that_is_not_json_is_a_payload_error():
    with pytest.raises(PayloadError):
        parse_payload(b"\xff not json")
    batch = parse_payload(fixture("not_a_page_event.json"))
    assert batch.events == () and len(batch.rejected) == 1
    assert batch.rejected[0].reason.startswith("body: expected")


def test_an_invalid_ref_is_ignored_not_an_error():
    document = json.loads(fixture("get_started_with_ref.json"))
    document["entry"][0]["messaging"][0]["postback"]["referral"]["ref"] = "bad ref <script>"
    [event] = parse_payload(json.dumps(document).encode()).events
    assert event.ref is None and event.payload == "GET_STARTED"


NOW = 1_795_000_000_000  # ms: the parser's clock in these tests


def _item(**fields):
    item = {"sender": {"id": "7001"}, "recipient": {"id": "1122"}, "timestamp": NOW}
    item.update(fields)
    return item


def _body(*items):
    return json.dumps({"object": "page", "entry": [{"id": "1122", "messaging": list(items)}]})


def test_each_item_is_judged_alone_and_rejects_carry_the_field_and_the_raw_json():
    good = _item(message={"mid": "m1", "text": "hi"})
    bad = _item(message={"mid": "m2", "text": ["hi"]})
    batch = parse_payload(_body(good, bad, 7).encode(), now_ms=NOW)
    assert [e.dedup_key for e in batch.events] == ["mid:m1"]
    reasons = [r.reason for r in batch.rejected]
    assert reasons == [
        "entry[0].messaging[1].message.text: must be a string, not list",
        "entry[0].messaging[2].item: must be an object, not int",
    ]
    assert json.loads(batch.rejected[0].raw) == bad
    assert batch.rejected[0].psid == "7001"  # erasure reaches the row


@pytest.mark.parametrize(
    ("timestamp", "valid"),
    [(NOW, True), (NOW + 3600_000, True), (NOW + 3 * 86400_000, False), (10**20, False),
     (1_000, False), (1.5e12, False), (True, False), ("1763800000000", False)],
)  # fmt: skip
def test_timestamps_must_be_integers_of_a_plausible_time(timestamp, valid):
    body = _body(_item(timestamp=timestamp, message={"mid": "m1", "text": "hi"}))
    batch = parse_payload(body.encode(), now_ms=NOW)
    assert (len(batch.events), len(batch.rejected)) == ((1, 0) if valid else (0, 1))


def test_text_is_cleaned_and_cut_and_ids_may_come_as_numbers():
    item = _item(sender={"id": 7001}, message={"mid": "m1", "text": "a\x00b\ud800c" + "x" * 9000})
    [event] = parse_payload(_body(item).encode(), now_ms=NOW).events
    assert event.psid == "7001"
    assert event.text is not None and event.text.startswith("a\ufffdb\ufffdc")
    assert len(event.text) == 5000


def test_a_long_postback_payload_without_mid_keeps_its_key_within_the_column():
    item = _item(postback={"payload": "P" * 1000})
    [event] = parse_payload(_body(item).encode(), now_ms=NOW).events
    assert len(event.dedup_key) <= 300


def test_huge_numbers_and_deep_nesting_are_rejects_not_errors():
    huge = _body(_item(message={"mid": "m1", "text": "hi"})).replace(str(NOW), "9" * 5000)
    [rejected] = parse_payload(huge.encode(), now_ms=NOW).rejected
    assert "timestamp: must be an integer" in rejected.reason
    deep = b'{"object": "page", "entry": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    [rejected] = parse_payload(deep, now_ms=NOW).rejected
    assert "nested too deeply" in rejected.reason


def test_signed_request_refuses_a_null_or_numeric_algorithm():
    for algorithm in (None, 256, ["HMAC-SHA256"]):
        signed = make_signed_request({"algorithm": algorithm, "issued_at": 1}, "secret")
        with pytest.raises(SignedRequestError, match="algorithm"):
            parse_signed_request(signed, "secret")


def test_signed_request_refuses_a_missing_stale_or_future_issued_at():
    now = 1_795_000_000.0
    for issued_at in (None, "now", now - 2 * 365 * 86400, now - 3601, now + 3600, float("nan")):
        payload = {"algorithm": "HMAC-SHA256", "user_id": "1"}
        if issued_at is not None:
            payload["issued_at"] = issued_at
        signed = make_signed_request(payload, "secret")
        with pytest.raises(SignedRequestError, match="issued"):
            parse_signed_request(signed, "secret", max_age=3600, now=now)
    fresh = make_signed_request({"algorithm": "HMAC-SHA256", "issued_at": now - 60}, "secret")
    assert parse_signed_request(fresh, "secret", max_age=3600, now=now)["issued_at"] == now - 60


def test_signed_request_round_trip_and_tampering():
    signed = make_signed_request({"algorithm": "HMAC-SHA256", "user_id": "42"}, "secret")
    assert parse_signed_request(signed, "secret")["user_id"] == "42"
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed, "wrong")
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed.replace(".", ".x"), "secret")
    with pytest.raises(SignedRequestError):
        parse_signed_request("nodot", "secret")
