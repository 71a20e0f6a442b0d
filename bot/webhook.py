"""The Messenger webhook: verify, store every event durably, answer 200 fast.

Nothing is processed here. The body's signature is checked over the raw bytes before it is
parsed. Each event is validated on its own: valid events go into the inbox and malformed
items are kept apart with the reason, in one transaction, duplicates ignored; the worker is
woken after the commit. A signed body that is JSON always gets 200, so Meta never redelivers
a batch over one item it would send the same way again.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request
from werkzeug.wsgi import get_input_stream

from bot.inbox import Inbox
from bot.messenger.events import PayloadError, parse_payload
from bot.messenger.signature import verify_signature

blueprint = Blueprint("webhook", __name__)

MAX_CHALLENGE = 200  # Meta's challenge is a number; anything longer is not Meta


class BodyTooLarge(Exception):
    """The request body is larger than the app accepts."""


@blueprint.get("/webhook")
def verify_subscription() -> Response:
    """Answer Meta's subscription handshake with the challenge, or 403."""
    token = request.args.get("hub.verify_token", "")
    expected = current_app.config["SETTINGS"].fb_verify_token
    challenge = request.args.get("hub.challenge", "")
    # Compare bytes: compare_digest refuses str with non-ASCII characters (a 500 for "é").
    matches = hmac.compare_digest(token.encode("utf-8", "replace"), expected.encode())
    if request.args.get("hub.mode") == "subscribe" and matches and len(challenge) <= MAX_CHALLENGE:
        return Response(challenge, mimetype="text/plain")
    return Response(
        "verification failed: wrong hub.verify_token", status=403, mimetype="text/plain"
    )


@blueprint.post("/webhook")
def receive_events() -> Response:
    """Store a signed batch of events and acknowledge it."""
    try:
        body = read_body(current_app.config["MAX_CONTENT_LENGTH"])
    except BodyTooLarge:
        return Response("body too large", status=413, mimetype="text/plain")
    status, text = ingest(body, request.headers.get("X-Hub-Signature-256"))
    return Response(text, status=status, mimetype="text/plain")


def read_body(limit: int) -> bytes:
    """Return the raw request body, or raise BodyTooLarge past ``limit`` bytes.

    A chunked body announces no length, so the limit is enforced while reading: a body
    larger than it is refused with 413 whether or not it said how large it was.
    """
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge
    # The server's own stream: bounded by Content-Length when there is one, the de-chunked
    # body when the server marks it terminated (gunicorn does), else empty.
    stream = get_input_stream(request.environ, safe_fallback=True)
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(65536, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
    return b"".join(chunks)


def ingest(body: bytes, signature: str | None) -> tuple[int, str]:
    """Verify, parse and store one webhook body; return the HTTP status and text to answer."""
    settings = current_app.config["SETTINGS"]
    if not verify_signature(settings.fb_app_secret, body, signature):
        return 403, "invalid X-Hub-Signature-256"
    try:
        batch = parse_payload(body)
    except PayloadError as exc:
        return 400, f"not JSON: {exc}"
    inbox: Inbox = current_app.extensions["inbox"]
    inbox.accept(batch)
    return 200, "EVENT_RECEIVED"
