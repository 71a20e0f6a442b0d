"""Meta's `signed_request` (data-deletion callback): base64url signature "." base64url JSON.

Every way the input can be wrong is a ``SignedRequestError`` (the callback answers 400):
undecodable segments, a payload that is not a JSON object, an algorithm that is missing,
null, a number or anything but HMAC-SHA256, a signature that does not match, and an
`issued_at` that is missing, not a number, older than the allowed age or in the future.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from typing import Any

MAX_LENGTH = 8192  # Meta's signed requests are a few hundred characters
CLOCK_SKEW = 300  # seconds an issued_at may be ahead of this server's clock


class SignedRequestError(ValueError):
    """The signed request is malformed, stale or not signed with the app secret."""


def _decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parse_signed_request(
    signed_request: str, app_secret: str, max_age: float | None = None, now: float | None = None
) -> dict[str, Any]:
    """Return the payload of a signed request after checking its signature and its age.

    With ``max_age`` (seconds) and ``now`` (Unix time), a request whose `issued_at` is
    missing, older than ``max_age`` or ahead of ``now`` by more than a little is refused.
    """
    if len(signed_request) > MAX_LENGTH:
        raise SignedRequestError(f"longer than {MAX_LENGTH} characters")
    signature, dot, payload = signed_request.partition(".")
    if not dot or not signature or not payload:
        raise SignedRequestError("expected <signature>.<payload>")
    try:
        given = _decode(signature)
        data = json.loads(_decode(payload))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise SignedRequestError(f"undecodable segment ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise SignedRequestError("the payload must be a JSON object")
    algorithm = data.get("algorithm")
    if not isinstance(algorithm, str) or algorithm.upper() != "HMAC-SHA256":
        raise SignedRequestError("algorithm must be HMAC-SHA256")
    expected = hmac.new(app_secret.encode(), payload.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise SignedRequestError("signature does not match the app secret")
    if max_age is not None and now is not None:
        _check_age(data.get("issued_at"), max_age, now)
    return data


def _check_age(issued_at: object, max_age: float, now: float) -> None:
    if isinstance(issued_at, bool) or not isinstance(issued_at, int | float):
        raise SignedRequestError("issued_at must be a Unix time")
    if not math.isfinite(issued_at):
        raise SignedRequestError("issued_at must be a Unix time")
    if issued_at > now + CLOCK_SKEW:
        raise SignedRequestError("issued_at is in the future")
    if now - issued_at > max_age:
        raise SignedRequestError(f"issued more than {max_age:.0f} s ago")


def make_signed_request(payload: dict[str, Any], app_secret: str) -> str:
    """Return a signed request for the payload, as Meta would build it."""
    body = _encode(json.dumps(payload).encode())
    signature = hmac.new(app_secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{_encode(signature)}.{body}"
