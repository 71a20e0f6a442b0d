"""Parse a webhook body into the conversation events it carries.

Every `entry[]` and every `messaging[]` item is read (peers that stop at the first lose the
rest of a batch). Echoes, deliveries, reads, standby items (threads another app owns) and
unknown kinds are counted as ignored. A body that is not a page event is a `PayloadError`
(the webhook answers 400). A single item that lacks its sender is ignored rather than
rejected, so one odd item never makes Meta redeliver a batch that holds good events.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

REF_PATTERN = re.compile(r"^[A-Za-z0-9_=-]{1,250}$")


class PayloadError(ValueError):
    """The body is not a Messenger page event."""


@dataclass(frozen=True)
class InboundEvent:
    """One thing a person did in the thread, in the form the inbox stores."""

    dedup_key: str
    page_id: str
    psid: str
    kind: str  # message, postback, referral
    timestamp: int
    text: str | None = None
    payload: str | None = None
    ref: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedBatch:
    """The conversation events of one body, in payload order, and how many were ignored."""

    events: tuple[InboundEvent, ...]
    ignored: int


def valid_ref(value: object) -> str | None:
    """Return the referral code if it has the allowed shape, else None (ignored, not an error)."""
    return value if isinstance(value, str) and REF_PATTERN.match(value) else None


def parse_payload(body: bytes) -> ParsedBatch:
    """Return the conversation events of a webhook body."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"body is not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("object") != "page":
        raise PayloadError('expected {"object": "page", "entry": [...]}')
    entries = document.get("entry")
    if not isinstance(entries, list):
        raise PayloadError('"entry" must be a list')
    events: list[InboundEvent] = []
    ignored = 0
    for entry in entries:
        if not isinstance(entry, dict):
            raise PayloadError("each entry must be an object")
        ignored += len(entry.get("standby") or [])
        for item in entry.get("messaging") or []:
            event = _parse_item(str(entry.get("id", "")), item)
            if event is None:
                ignored += 1
            else:
                events.append(event)
    return ParsedBatch(tuple(events), ignored)


def _parse_item(entry_page: str, item: Any) -> InboundEvent | None:
    if not isinstance(item, dict):
        return None
    psid = str((item.get("sender") or {}).get("id", ""))
    page = str((item.get("recipient") or {}).get("id", "") or entry_page)
    timestamp = item.get("timestamp")
    if not psid or not page or not isinstance(timestamp, int):
        return None

    def keyed(kind: str, mid: object, extra: str = "") -> str:
        return f"mid:{mid}" if mid else f"{page}:{psid}:{kind}:{timestamp}:{extra}"

    message = item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        payload = (message.get("quick_reply") or {}).get("payload")
        return InboundEvent(
            keyed("message", message.get("mid")),
            page,
            psid,
            "message",
            timestamp,
            text=message.get("text"),
            payload=payload,
            raw=item,
        )
    postback = item.get("postback")
    if isinstance(postback, dict):
        ref = valid_ref((postback.get("referral") or {}).get("ref"))
        return InboundEvent(
            keyed("postback", postback.get("mid"), postback.get("payload", "")),
            page,
            psid,
            "postback",
            timestamp,
            payload=postback.get("payload"),
            ref=ref,
            raw=item,
        )
    referral = item.get("referral")
    if isinstance(referral, dict):
        ref = valid_ref(referral.get("ref"))
        return InboundEvent(
            keyed("referral", None, ref or ""), page, psid, "referral", timestamp, ref=ref, raw=item
        )
    return None  # delivery, read, reactions and kinds this survey does not use
