"""Mask personal data in free text before the dashboard shows it.

Interim: the issue-9 work brings the product's one masking module, which also masks at write
time. The dashboard calls ``mask_comment`` in one place only (``access.ScopedReader.comments``),
so swapping this for that module is a one-line change.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Passport numbers: one or two letters then 6 to 9 digits (e.g. BN0123456).
_PASSPORT = re.compile(r"\b[A-Za-z]{1,2}\d{6,9}\b")
# Runs of digits with single spaces, dashes or dots between them, an optional + in front:
# phone numbers (+267 71 234 567, 71234567) and Omang numbers (9 digits) alike.
_DIGITS = re.compile(r"(?:\+|\b)\d(?:[ .-]?\d)+\b")
_MIN_DIGITS = 7  # shorter runs are amounts, hours, years


def _number(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    if digits < _MIN_DIGITS:
        return match.group()
    return "[ID number]" if digits == 9 and not match.group().startswith("+") else "[phone]"


def mask_comment(text: str) -> str:
    """Return free text with e-mail addresses, phone, Omang and passport numbers masked."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _PASSPORT.sub("[ID number]", text)
    return _DIGITS.sub(_number, text)
