"""Send API errors, sorted by what delivery must do about them.

Every failed send raises a `SendError`. Its `action` tells delivery what to do next, and its
`reason` says why, in words an operator can search for:

- ``retry``: this message may pass later; retry it with backoff (1200 temporary failure,
  2 unexpected error, HTTP 5xx, timeouts, connection errors). Reasons: ``temporary``,
  ``server_error``, ``timeout``, ``connection``.
- ``pause_page``: the Page is rate limited (4, 17, 32, 613, HTTP 429); pause every send for
  the Page with backoff, not this message alone. Reason: ``rate_limit``.
- ``stop_page``: nothing can be sent for the Page until an operator acts (190 invalid or
  expired token, 200 or 10 missing permission). Reasons: ``bad_token``, ``permission``.
- ``hold_person``: this person cannot be reached now (10/2018065 or 10/2018278 outside the
  24-hour window, 551 or 200/1545041 unavailable, 100/2018001 no such user); their queue
  waits until they write again. Reasons: ``outside_window``, ``unavailable``, ``no_user``.
- ``drop_message``: Graph refuses this message itself (100, invalid parameter): set it
  aside and send the next one. Reason: ``invalid``.
- ``unknown``: an answer that is not Graph's contract (HTML with status 200, 200 without a
  ``message_id``, a code not listed above): retried a bounded number of times, then set
  aside. Reason: ``unknown``.

``may_have_arrived`` is true when Graph may have delivered the message although the call
failed (the request went out and the answer timed out, or a 200 made no sense): delivery
then waits for the echo before it sends again. `RetryableSendError` (retry, pause_page),
`PermanentSendError` (stop_page, hold_person, drop_message) and `UnknownSendError` let
callers catch a family at once.
"""

from __future__ import annotations

TEMPORARY_CODES = {1200, 2}
RATE_LIMIT_CODES = {4, 17, 32, 613}
OUTSIDE_WINDOW_SUBCODES = {2018065, 2018278}
UNAVAILABLE_SUBCODE = 1545041
PERMANENT_ACTIONS = {
    "bad_token": "stop_page",
    "permission": "stop_page",
    "outside_window": "hold_person",
    "unavailable": "hold_person",
    "no_user": "hold_person",
    "invalid": "drop_message",
}


class SendError(Exception):
    """A message could not be delivered (see the module docstring for `action`)."""

    action = "unknown"

    def __init__(
        self,
        message: str,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        reason: str = "unknown",
        may_have_arrived: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.reason = reason
        self.may_have_arrived = may_have_arrived


class RetryableSendError(SendError):
    """A failure that may pass: retry this message with backoff."""

    action = "retry"


class RateLimitedError(RetryableSendError):
    """The Page is rate limited: pause all of its sends, with backoff."""

    action = "pause_page"


class PermanentSendError(SendError):
    """A failure that will not pass by sending the same message again."""

    def __init__(
        self,
        message: str,
        reason: str,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, code, subcode, http_status, reason)
        self.action = PERMANENT_ACTIONS[reason]


class UnknownSendError(SendError):
    """An answer outside Graph's contract: retried a bounded number of times."""

    action = "unknown"


def classify(
    message: str, code: int | None, subcode: int | None, http_status: int | None
) -> SendError:
    """Return the typed error for a Graph error code and HTTP status."""
    if code in RATE_LIMIT_CODES or http_status == 429:
        return RateLimitedError(message, code, subcode, http_status, "rate_limit")
    if code in TEMPORARY_CODES:
        return RetryableSendError(message, code, subcode, http_status, "temporary")
    permanent = _permanent_reason(code, subcode)
    if permanent is not None:
        return PermanentSendError(message, permanent, code, subcode, http_status)
    if http_status is not None and http_status >= 500:
        return RetryableSendError(message, code, subcode, http_status, "server_error")
    return UnknownSendError(message, code, subcode, http_status)


def _permanent_reason(code: int | None, subcode: int | None) -> str | None:
    if code == 10 and subcode in OUTSIDE_WINDOW_SUBCODES:
        return "outside_window"
    if code == 551 or (code == 200 and subcode == UNAVAILABLE_SUBCODE):
        return "unavailable"
    if code == 100 and subcode == 2018001:
        return "no_user"
    if code == 190:
        return "bad_token"
    if code in (10, 200):
        return "permission"
    if code == 100:
        return "invalid"
    return None
