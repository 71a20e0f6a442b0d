"""The Messenger webhook: verify, store every event durably, answer 200 fast.

Nothing is processed here. The body's signature is checked over the raw bytes before it is
parsed; every event of every entry goes into the inbox in one transaction, duplicates
ignored; the worker is woken after the commit.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request

from bot.inbox import Inbox
from bot.messenger.events import PayloadError, parse_payload
from bot.messenger.signature import verify_signature

blueprint = Blueprint("webhook", __name__)


@blueprint.get("/webhook")
def verify_subscription() -> Response:
    """Answer Meta's subscription handshake with the challenge, or 403."""
    token = request.args.get("hub.verify_token", "")
    expected = current_app.config["SETTINGS"].fb_verify_token
    if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(token, expected):
        return Response(request.args.get("hub.challenge", ""), mimetype="text/plain")
    return Response(
        "verification failed: wrong hub.verify_token", status=403, mimetype="text/plain"
    )


@blueprint.post("/webhook")
def receive_events() -> Response:
    """Store a signed batch of events and acknowledge it."""
    status, text = ingest(request.get_data(cache=False), request.headers.get("X-Hub-Signature-256"))
    return Response(text, status=status, mimetype="text/plain")


def ingest(body: bytes, signature: str | None) -> tuple[int, str]:
    """Verify, parse and store one webhook body; return the HTTP status and text to answer."""
    settings = current_app.config["SETTINGS"]
    if not verify_signature(settings.fb_app_secret, body, signature):
        return 403, "invalid X-Hub-Signature-256"
    try:
        batch = parse_payload(body)
    except PayloadError as exc:
        return 400, f"not a page event: {exc}"
    inbox: Inbox = current_app.extensions["inbox"]
    inbox.accept(batch)
    return 200, "EVENT_RECEIVED"
