"""Send API errors, by what the caller should do about them.

- `SendError`: the base; carries Graph's `code`, `subcode`, the HTTP status and a message
  that never contains the access token.
- `RetryableSendError`: try again later with backoff (1200 temporary failure, 2 unexpected,
  4 and 613 rate limits, HTTP 5xx, timeouts, connection errors).
- `PermanentSendError`: never retry; `reason` says why: `outside_window` (10/2018278),
  `unavailable` (551), `no_user` (100/2018001), `bad_token` (190), `permission` (200, other
  10), `invalid` (other 100), `unknown`.
"""

from __future__ import annotations

RETRYABLE_CODES = {1200, 2, 4, 613}


class SendError(Exception):
    """A message could not be delivered."""

    def __init__(
        self,
        message: str,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status


class RetryableSendError(SendError):
    """A failure that may pass: retry with backoff."""


class PermanentSendError(SendError):
    """A failure that will not pass by retrying."""

    def __init__(
        self,
        message: str,
        reason: str,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, code, subcode, http_status)
        self.reason = reason


def classify(
    message: str, code: int | None, subcode: int | None, http_status: int | None
) -> SendError:
    """Return the typed error for a Graph error code and HTTP status."""
    if code in RETRYABLE_CODES or (http_status is not None and http_status >= 500 and code is None):
        return RetryableSendError(message, code, subcode, http_status)
    if code == 10 and subcode == 2018278:
        reason = "outside_window"
    elif code == 551:
        reason = "unavailable"
    elif code == 100 and subcode == 2018001:
        reason = "no_user"
    elif code == 190:
        reason = "bad_token"
    elif code in (10, 200):
        reason = "permission"
    elif code == 100:
        reason = "invalid"
    elif http_status is not None and http_status >= 500:
        return RetryableSendError(message, code, subcode, http_status)
    else:
        reason = "unknown"
    return PermanentSendError(message, reason, code, subcode, http_status)
