"""Meta's webhook signature: HMAC-SHA256 of the raw body with the app secret.

Only `X-Hub-Signature-256: sha256=<hex>` is accepted; the algorithm is pinned rather than
read from the header, and the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    """Return the header value Meta would send for this body."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Return whether the header is a valid signature of exactly these bytes."""
    if not header or not header.startswith(PREFIX) or not app_secret:
        return False
    return hmac.compare_digest(sign(app_secret, body).encode(), header.strip().encode())
