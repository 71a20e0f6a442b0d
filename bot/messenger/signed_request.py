"""Meta's `signed_request` (data-deletion callback): base64url signature "." base64url JSON."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class SignedRequestError(ValueError):
    """The signed request is malformed or not signed with the app secret."""


def _decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parse_signed_request(signed_request: str, app_secret: str) -> dict[str, Any]:
    """Return the payload of a signed request after checking its signature."""
    signature, dot, payload = signed_request.partition(".")
    if not dot or not signature or not payload:
        raise SignedRequestError("expected <signature>.<payload>")
    try:
        given = _decode(signature)
        data = json.loads(_decode(payload))
    except (ValueError, json.JSONDecodeError) as exc:
        raise SignedRequestError(f"undecodable segment ({exc})") from None
    if not isinstance(data, dict) or data.get("algorithm", "").upper() != "HMAC-SHA256":
        raise SignedRequestError("algorithm must be HMAC-SHA256")
    expected = hmac.new(app_secret.encode(), payload.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise SignedRequestError("signature does not match the app secret")
    return data


def make_signed_request(payload: dict[str, Any], app_secret: str) -> str:
    """Return a signed request for the payload, as Meta would build it."""
    body = _encode(json.dumps(payload).encode())
    signature = hmac.new(app_secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{_encode(signature)}.{body}"
