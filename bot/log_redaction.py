"""Keep personal data and secrets out of the logs, whoever writes the record.

The database engines hide SQL parameters, but personal data still reaches log records
through other doors: PostgreSQL repeats a failing row in its error DETAIL, an exception
quotes a value, an access log line carries a query string. This filter masks, in every log
record's message and traceback:

- the app's own secrets (app secret, page token, verify token, keys), wherever they appear;
- tokens in query strings and headers (access_token=, appsecret_proof=, hub.verify_token=,
  signed_request=, Bearer ...);
- page-scoped ids (PSIDs) and other runs of 14 or more digits;
- message text: SQL parameter lists, PostgreSQL's DETAIL lines, and "text"/"raw_text"/"psid"
  values in JSON or dict reprs.

It is installed as a log-record factory, so every handler (gunicorn's, pytest's, a file)
sees the masked record, not only the handlers this app configures.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

HIDDEN = "[hidden]"
_TOKEN_PARAM = re.compile(
    r"(?i)\b(access_token|appsecret_proof|hub\.verify_token|verify_token|signed_request|"
    r"client_secret|password)=([^&\s'\"]+)"
)
_BEARER = re.compile(r"(?i)\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=-]+")
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_PG_DETAIL = re.compile(r"(DETAIL:\s+)[^\n]*")
_QUOTED_FIELD = re.compile(
    r"""(?i)(["']?(?:text|raw_text|raw_text_unmasked|psid|title)["']?\s*[:=]\s*)"""
    r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
)
_LONG_DIGITS = re.compile(r"(?<![\w])\d{14,}(?![\w])")


class PersonalDataFilter(logging.Filter):
    """Masks PSIDs, tokens, secrets and message text in a log record (and lets it through)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Mask these exact values too (short ones would mask ordinary words: skipped)."""
        with self._lock:
            self._secrets |= {s for s in secrets if s and len(s) >= 6}

    def redact(self, text: str) -> str:
        """Return the text with personal data and secrets masked."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, HIDDEN)
        text = _TOKEN_PARAM.sub(lambda m: f"{m.group(1)}={HIDDEN}", text)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {HIDDEN}", text)
        text = _SQL_PARAMETERS.sub(f"[parameters: {HIDDEN}]", text)
        text = _PG_DETAIL.sub(lambda m: m.group(1) + HIDDEN, text)
        text = _QUOTED_FIELD.sub(lambda m: f'{m.group(1)}"{HIDDEN}"', text)
        return _LONG_DIGITS.sub("[id]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record's message, traceback and stack in place; always keep the record."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep what there is, masked
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FILTER = PersonalDataFilter()
_INSTALLED = threading.Lock()
_installed = False


def install(secrets: Iterable[str] = ()) -> PersonalDataFilter:
    """Mask every log record of this process from now on (idempotent); return the filter."""
    global _installed
    _FILTER.add_secrets(secrets)
    with _INSTALLED:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _FILTER.filter(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True
    return _FILTER
