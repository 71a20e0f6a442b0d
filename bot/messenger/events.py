"""Parse a webhook body into typed events, each event on its own.

A batch is a list of independent events. Every `entry[]` and every `messaging[]` item is
read (peers that stop at the first lose the rest of a batch), and each item is validated
alone into an ``InboundEvent`` whose fields have the types, lengths and ranges the worker
relies on, or into a ``RejectedItem``: its raw JSON and the reason, which the webhook stores
apart. One malformed item never costs the valid items beside it, and a signed body that is
JSON is always acknowledged, so Meta never redelivers (and finally disables) a webhook over
an item it will send the same way again.

Deliveries, reads, reactions, standby items (threads another app owns) and other kinds this
survey does not use are counted as ignored. Echoes of the page's own messages are kept
(kind ``echo``): their ``metadata`` lets delivery recognise a send that Graph accepted.

Text is cleaned where it enters: NUL bytes (PostgreSQL cannot store them) and lone
surrogates (SQLite and UTF-8 cannot) become U+FFFD, so no later step fails on them. Only a
body that is not JSON at all is a ``PayloadError``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any

REF_PATTERN = re.compile(r"^[A-Za-z0-9_=-]{1,250}$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # PSIDs and page ids (the simulator: sim-…)
MID_PATTERN = re.compile(r"^[\x21-\x7e]{1,250}$")  # printable ASCII, no spaces
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # NUL and lone surrogates

MAX_TEXT = 5000  # characters kept of a typed message; Messenger's own limit is lower
MAX_PAYLOAD = 1000  # quick-reply and postback payloads (Meta's limit)
MAX_METADATA = 1000  # the metadata a send carries, echoed back (Meta's limit)
MAX_RAW = 20_000  # characters of a rejected item's JSON kept for the operator
MAX_BIG_INT_DIGITS = 30  # longer integers are read as floats: never a valid field here
# Meta's timestamps are milliseconds since 1970. Before the Messenger Platform existed, or
# more than a day ahead of this server's clock, a timestamp cannot be genuine.
MIN_TIMESTAMP_MS = 1_420_070_400_000  # 2015-01-01
MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000

EVENT_KEYS = ("message", "postback", "referral")  # any other item is ignored


class PayloadError(ValueError):
    """The body is not JSON at all."""


class Invalid(ValueError):
    """One item does not have the shape Meta documents; the message says which field."""


@dataclass(frozen=True)
class InboundEvent:
    """One thing that happened in a thread, typed and cleaned, in the form the inbox stores.

    ``page_id`` and ``psid`` are the Page and the person; for an echo the Page is the sender
    and the person the recipient.
    """

    dedup_key: str
    page_id: str
    psid: str
    kind: str  # message, postback, referral, echo
    timestamp: int  # ms since 1970, within MIN_TIMESTAMP_MS .. now + MAX_CLOCK_SKEW_MS
    text: str | None = None
    payload: str | None = None
    ref: str | None = None
    metadata: str | None = None  # echoes only: what the send put in message.metadata
    attachments: tuple[str, ...] = ()  # attachment types: image, sticker, audio, ...

    def stored(self) -> dict[str, Any]:
        """Return the JSON the inbox keeps for this event (only typed, cleaned fields)."""
        data: dict[str, Any] = {"text": self.text, "payload": self.payload, "ref": self.ref}
        if self.metadata is not None:
            data["metadata"] = self.metadata
        if self.attachments:
            data["attachments"] = list(self.attachments)
        return data


@dataclass(frozen=True)
class RejectedItem:
    """An item (or a whole body) that did not validate: kept apart with the reason."""

    reason: str
    raw: str  # its JSON, cut at MAX_RAW characters
    page_id: str | None = None  # when they could be read: erasure reaches the row
    psid: str | None = None

    @property
    def digest(self) -> str:
        """Return a key that makes a redelivered rejected item a repeat, not a new row."""
        return hashlib.sha256(f"{self.reason}\n{self.raw}".encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class ParsedBatch:
    """The events of one body in payload order, the items set apart, how many were ignored."""

    events: tuple[InboundEvent, ...]
    rejected: tuple[RejectedItem, ...] = ()
    ignored: int = 0


def clean_text(value: str) -> str:
    """Return the text with characters no database can store replaced by U+FFFD."""
    return UNSTORABLE.sub("\ufffd", value)


def valid_ref(value: object) -> str | None:
    """Return the referral code if it has the allowed shape, else None (ignored, not an error)."""
    return value if isinstance(value, str) and REF_PATTERN.match(value) else None


def _read_int(digits: str) -> int | float:
    # Python refuses to convert integers of more than 4,300 digits (ValueError), and no field
    # of ours holds a number that long: keep it as a float, which every check then refuses.
    return int(digits) if len(digits) <= MAX_BIG_INT_DIGITS else float(digits)


def decode_body(body: bytes) -> Any:
    """Return the JSON document of a body; PayloadError when it is not JSON."""
    try:
        return json.loads(body, parse_int=_read_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"body is not JSON ({exc})") from None


def parse_payload(body: bytes, now_ms: int | None = None) -> ParsedBatch:
    """Return the events of a webhook body, each validated alone; PayloadError if not JSON."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    try:
        document = decode_body(body)
    except RecursionError:
        raw = body[:MAX_RAW].decode("utf-8", "replace")
        return ParsedBatch((), (RejectedItem("body: nested too deeply to read", raw),))
    try:
        return parse_document(document, now_ms)
    except RecursionError:  # a reason or a raw copy that is itself too deep to write out
        return ParsedBatch((), (RejectedItem("body: nested too deeply to read", ""),))


def parse_document(document: Any, now_ms: int) -> ParsedBatch:
    """Return the events of a decoded webhook document."""
    if not isinstance(document, dict) or document.get("object") != "page":
        found = document.get("object") if isinstance(document, dict) else type(document).__name__
        reason = f'body: expected {{"object": "page", "entry": [...]}}, got {_show(found)}'
        return ParsedBatch((), (_reject(reason, document),))
    entries = document.get("entry")
    if not isinstance(entries, list):
        return ParsedBatch((), (_reject('body: "entry" must be a list', document),))
    events: list[InboundEvent] = []
    rejected: list[RejectedItem] = []
    ignored = 0
    for e, entry in enumerate(entries):
        where = f"entry[{e}]"
        if not isinstance(entry, dict):
            rejected.append(_reject(f"{where}: must be an object", entry))
            continue
        standby = entry.get("standby", [])
        if isinstance(standby, list):
            ignored += len(standby)
        else:
            rejected.append(_reject(f"{where}.standby: must be a list", entry))
        items = entry.get("messaging", [])
        if not isinstance(items, list):
            rejected.append(_reject(f"{where}.messaging: must be a list", entry))
            continue
        entry_page = entry.get("id")
        for i, item in enumerate(items):
            try:
                event = parse_item(item, entry_page, now_ms)
            except Invalid as exc:
                rejected.append(_reject(f"{where}.messaging[{i}].{exc}", item))
                continue
            if event is None:
                ignored += 1
            else:
                events.append(event)
    return ParsedBatch(tuple(events), tuple(rejected), ignored)


def parse_item(item: Any, entry_page: object, now_ms: int) -> InboundEvent | None:
    """Validate one messaging item; None for kinds the survey ignores, Invalid if malformed."""
    if not isinstance(item, dict):
        raise Invalid(f"item: must be an object, not {_type(item)}")
    kind = next((key for key in EVENT_KEYS if key in item), None)
    if kind is None:
        return None  # delivery, read, reaction and kinds this survey does not use
    sender = _party(item, "sender")
    recipient = _party(item, "recipient", fallback=entry_page)
    timestamp = _timestamp(item.get("timestamp"), now_ms)
    body = item[kind]
    if not isinstance(body, dict):
        raise Invalid(f"{kind}: must be an object, not {_type(body)}")

    if kind == "message":
        mid = _mid(body.get("mid"), f"{kind}.mid")
        attachments = _attachments(body.get("attachments"))
        text = _text(body.get("text"))
        if body.get("is_echo") is True:
            metadata = _string(body.get("metadata"), "message.metadata", MAX_METADATA)
            page, psid = sender, recipient
            key = _key(page, psid, "echo", timestamp, mid)
            return InboundEvent(
                key, page, psid, "echo", timestamp, text, None, None, metadata, attachments
            )
        quick_reply = body.get("quick_reply")
        payload = None
        if quick_reply is not None:
            if not isinstance(quick_reply, dict):
                raise Invalid(f"message.quick_reply: must be an object, not {_type(quick_reply)}")
            payload = _string(quick_reply.get("payload"), "message.quick_reply.payload")
            if payload is None:
                raise Invalid("message.quick_reply.payload: missing")
        key = _key(recipient, sender, "message", timestamp, mid)
        return InboundEvent(
            key, recipient, sender, "message", timestamp, text, payload, attachments=attachments
        )

    if kind == "postback":
        mid = _mid(body.get("mid"), "postback.mid")
        payload = _string(body.get("payload"), "postback.payload")
        _string(body.get("title"), "postback.title", MAX_PAYLOAD)
        ref = _ref(body.get("referral"), "postback.referral")
        key = _key(recipient, sender, "postback", timestamp, mid, payload or "")
        return InboundEvent(key, recipient, sender, "postback", timestamp, payload=payload, ref=ref)

    ref = _ref(body, "referral")
    key = _key(recipient, sender, "referral", timestamp, None, ref or "")
    return InboundEvent(key, recipient, sender, "referral", timestamp, ref=ref)


# --- fields --------------------------------------------------------------------------------


def _party(item: dict[str, Any], name: str, fallback: object = None) -> str:
    party = item.get(name)
    if party is None and fallback is not None:
        value: object = fallback
    elif not isinstance(party, dict):
        raise Invalid(f"{name}: must be an object with an id, not {_type(party)}")
    else:
        value = party.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise Invalid(f"{name}.id: must be 1-64 letters, digits or _.:-, not {_show(value)}")
    return value


def _timestamp(value: object, now_ms: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"timestamp: must be an integer (ms since 1970), not {_type(value)}")
    if not MIN_TIMESTAMP_MS <= value <= now_ms + MAX_CLOCK_SKEW_MS:
        raise Invalid(f"timestamp: {_show(value)} is not a time this event can have happened")
    return value


def _mid(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not MID_PATTERN.match(value):
        raise Invalid(f"{field}: must be 1-250 printable ASCII characters, not {_show(value)}")
    return value


def _string(value: object, field: str, limit: int = MAX_PAYLOAD) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field}: must be a string, not {_type(value)}")
    if len(value) > limit:
        raise Invalid(f"{field}: longer than {limit} characters")
    return clean_text(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"message.text: must be a string, not {_type(value)}")
    return clean_text(value[:MAX_TEXT])


def _ref(referral: object, field: str) -> str | None:
    if referral is None:
        return None
    if not isinstance(referral, dict):
        raise Invalid(f"{field}: must be an object, not {_type(referral)}")
    return valid_ref(referral.get("ref"))  # a ref of another shape is ignored, not an error


def _attachments(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Invalid(f"message.attachments: must be a list, not {_type(value)}")
    kinds = []
    for n, attachment in enumerate(value):
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        if not isinstance(kind, str) or not re.fullmatch(r"[a-z_]{1,40}", kind):
            raise Invalid(f"message.attachments[{n}]: must be an object with a type")
        kinds.append(kind)
    return tuple(kinds)


def _key(page: str, psid: str, kind: str, timestamp: int, mid: str | None, extra: str = "") -> str:
    """Return the inbox's dedup key: the mid, or page, person, kind, time and what it said."""
    if mid:
        return f"mid:{mid}"
    if len(extra) > 64:  # keep the key within its column, still unique for the content
        extra = hashlib.sha256(extra.encode("utf-8", "replace")).hexdigest()
    return f"{page}:{psid}:{kind}:{timestamp}:{extra}"


# --- rejects -------------------------------------------------------------------------------


def _reject(reason: str, raw: object) -> RejectedItem:
    page = psid = None
    if isinstance(raw, dict):
        psid = _id_or_none(raw.get("sender"))
        page = _id_or_none(raw.get("recipient"))
    return RejectedItem(clean_text(reason), _dump(raw), page, psid)


def _id_or_none(party: object) -> str | None:
    value = party.get("id") if isinstance(party, dict) else None
    return value if isinstance(value, str) and ID_PATTERN.match(value) else None


def _dump(raw: object) -> str:
    try:
        text = json.dumps(raw, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        text = repr(raw)[:MAX_RAW]
    return clean_text(text[:MAX_RAW])


def _type(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
